"""Role presets: which actions each role may take on each domain app's models.

The presets are applied to Django groups by migration (``sync_role_presets``); a later issue that
adds models adds a migration that calls it again, and a test checks the groups match.
"""

from dataclasses import dataclass, field
from typing import Any

PROGRAM_ADMINISTRATOR = "Program administrator"
DELIVERY_CONSULTANT = "Delivery consultant"
SALES = "Sales"
EXECUTIVE = "Executive"
AUDITOR = "Auditor"

DOMAIN_APPS = (
    "catalog",
    "partner",
    "directory",
    "customers",
    "licensing",
    "adoption",
    "referrals",
    "engagements",
    "scoping",
    "vas",
    "sow",
    "claims",
    "incentives",
    "compliance",
    "satisfaction",
)
# Each user's own settings and messages: every role reads and manages its own rows (the models
# declare ``personal_to``, which ``core.access.restrict`` applies).
PERSONAL_APPS = ("notifications",)
DELIVERY_APPS = (
    "customers",
    "licensing",
    "adoption",
    "referrals",
    "engagements",
    "scoping",
    "sow",
    "claims",
)
SALES_APPS = ("vas",)
MANAGE_ACTIONS = ("add", "change", "delete")


@dataclass(frozen=True)
class RolePreset:
    description: str
    view: tuple[str, ...] = DOMAIN_APPS
    manage: tuple[str, ...] = ()
    history: bool = False
    # Without it a user sees only the customers of their teams (``core.access.within_reach``).
    all_customers: bool = False
    extra: tuple[str, ...] = field(default=())


ROLE_PRESETS: dict[str, RolePreset] = {
    PROGRAM_ADMINISTRATOR: RolePreset(
        "Runs the FastTrack program for the partner: profile, catalog, directory, users.",
        manage=DOMAIN_APPS,
        history=True,
        all_customers=True,
        extra=(
            "accounts.view_user",
            *(f"accounts.{action}_team" for action in ("view", *MANAGE_ACTIONS)),
        ),
    ),
    DELIVERY_CONSULTANT: RolePreset(
        "Delivers FastTrack engagements to the customers of their teams.", manage=DELIVERY_APPS
    ),
    SALES: RolePreset(
        "Sells value-added services around the Benefit to the customers of their teams.",
        manage=SALES_APPS,
    ),
    EXECUTIVE: RolePreset("Reads the portfolio; changes nothing.", all_customers=True),
    AUDITOR: RolePreset(
        "Reads everything, including the change history.", history=True, all_customers=True
    ),
}


def preset_permissions(preset: RolePreset, models_by_app: dict[str, list[str]]) -> set[str]:
    """Permission names ``app_label.codename`` granted by a preset."""
    granted: set[str] = set(preset.extra)
    for app_label in PERSONAL_APPS:
        for model in models_by_app.get(app_label, []):
            granted |= {f"{app_label}.{action}_{model}" for action in ("view", *MANAGE_ACTIONS)}
    for app_label in preset.view:
        granted |= {f"{app_label}.view_{model}" for model in models_by_app.get(app_label, [])}
    for app_label in preset.manage:
        for model in models_by_app.get(app_label, []):
            granted |= {f"{app_label}.{action}_{model}" for action in MANAGE_ACTIONS}
    if preset.history:
        granted.add("accounts.view_history")
    if preset.all_customers:
        granted.add("accounts.see_all_customers")
    return granted


def sync_role_presets(apps: Any) -> None:
    """Create or update the role groups; ``apps`` is a migration's app registry."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Permissions are normally created after migrate; presets need them now. A migration's
        # registry has no models_module, which create_permissions requires: lend one briefly.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    models_by_app: dict[str, list[str]] = {}
    for model in apps.get_models():
        models_by_app.setdefault(model._meta.app_label, []).append(model._meta.model_name)

    for role, preset in ROLE_PRESETS.items():
        wanted = preset_permissions(preset, models_by_app)
        permissions = [
            permission
            for permission in permission_model.objects.select_related("content_type")
            if f"{permission.content_type.app_label}.{permission.codename}" in wanted
        ]
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set(permissions)
