"""Loading and reading the program catalog and Microsoft's SKU catalog.

Loaders take an app registry so that data migrations (historical models) and the CLI (current
models) share one implementation.
"""

import csv
import datetime
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps as current_apps
from django.db import transaction

from frpdesk.core.imports import ImportFailure, title_key

if TYPE_CHECKING:
    from frpdesk.catalog.models import Workload

DATA_DIR = Path(__file__).resolve().parent / "data"
PROGRAM_CATALOG_FILE = DATA_DIR / "program-catalog.json"
SKU_CATALOG_FILE = DATA_DIR / "product-names-and-service-plan-identifiers.csv"
SKU_CATALOG_COLUMNS = (
    "Product_Display_Name",
    "String_Id",
    "GUID",
    "Service_Plan_Name",
    "Service_Plan_Id",
    "Service_Plans_Included_Friendly_Names",
)


def normalise_name(value: str) -> str:
    """Trim and collapse internal white space (tabs, doubled and non-breaking spaces)."""
    return " ".join(value.split())


def workload_aliases(workload: Any) -> set[str]:
    """The names people write for a workload: "Viva Engage (Yammer)" is also "Viva Engage" and
    "Yammer"; "Microsoft Teams" is also "Teams". Codes are not names: callers add them."""
    names = {workload.name}
    match = re.match(r"^(.*?)\s*\((.*)\)\s*$", workload.name)
    if match:
        names |= {match.group(1), match.group(2)}
    for name in list(names):
        if name.lower().startswith("microsoft "):
            names.add(name[len("microsoft ") :])
    return names


def workload_lookup() -> dict[str, "Workload"]:
    """Workloads by code and by the names people write (``workload_aliases``), as ``title_key``
    gives them: how imports read a workload cell."""
    from frpdesk.catalog.models import Workload

    lookup: dict[str, Workload] = {}
    for workload in Workload.objects.all():
        names = {workload.code, workload.code.replace("_", " "), *workload_aliases(workload)}
        for name in names:
            lookup.setdefault(title_key(name), workload)
    return lookup


def holidays() -> set[datetime.date]:
    """The catalog's holidays: the days the business-day clocks skip besides weekends."""
    from frpdesk.catalog.models import Holiday

    return set(Holiday.objects.values_list("date", flat=True))


def threshold(code: str) -> Decimal:
    from frpdesk.catalog.models import Threshold

    return Threshold.objects.get(code=code).value


def threshold_int(code: str) -> int:
    return int(threshold(code))


@transaction.atomic
def load_program_catalog(apps: Any = current_apps, path: Path = PROGRAM_CATALOG_FILE) -> str:
    """Create or update every catalog entry of the shipped file; returns its version."""
    data = json.loads(path.read_text(encoding="utf-8"))
    workload_model = apps.get_model("catalog", "Workload")
    for order, item in enumerate(data["workloads"]):
        workload, _ = workload_model.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "qualifying_service_plans": item["qualifying_service_plans"],
                "has_usage_report": item["has_usage_report"],
                "data_migration_applies": item["data_migration_applies"],
                "sort_order": order,
            },
        )
        for position, description in enumerate(item["out_of_scope"]):
            apps.get_model("catalog", "OutOfScopeItem").objects.update_or_create(
                workload=workload, description=description, defaults={"sort_order": position}
            )
    for string_id in data["eligible_plans"]:
        apps.get_model("catalog", "EligiblePlan").objects.get_or_create(string_id=string_id)
    for item in data.get("non_paid_sku_markers", []):
        apps.get_model("catalog", "NonPaidSkuMarker").objects.get_or_create(
            marker=item["marker"], defaults={"note": item["note"]}
        )
    for item in data["thresholds"]:
        apps.get_model("catalog", "Threshold").objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "value": Decimal(str(item["value"])),
                "unit": item["unit"],
                "description": item["description"],
            },
        )
    vas_items = {
        item["code"]: apps.get_model("catalog", "VasItem").objects.update_or_create(
            code=item["code"], defaults={"name": item["name"], "description": item["description"]}
        )[0]
        for item in data["vas_items"]
    }
    question_model = apps.get_model("catalog", "ScopeQuestion")
    # Migration 0002 runs this before ScopeQuestion had its VAS link (added in 0004).
    links_vas = any(field.name == "suggested_vas" for field in question_model._meta.fields)
    for item in data["scope_questions"]:
        defaults = {"text": item["text"], "vas_if_no": item["vas_if_no"]}
        if links_vas:
            defaults["suggested_vas"] = vas_items.get(item.get("vas_item", ""))
        question_model.objects.update_or_create(number=item["number"], defaults=defaults)
    for order, (level1, level2) in enumerate(data["delivery_statuses"]):
        apps.get_model("catalog", "DeliveryStatus").objects.update_or_create(
            level1=level1, level2=level2, defaults={"sort_order": order}
        )
    phases = {}
    for order, item in enumerate(data["delivery_phases"]):
        phases[item["code"]], _ = apps.get_model(
            "catalog", "DeliveryPhase"
        ).objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "sort_order": order,
                "optional": item.get("optional", False),
            },
        )
    for order, item in enumerate(data["milestone_templates"]):
        apps.get_model("catalog", "MilestoneTemplate").objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "phase": phases[item["phase"]],
                "due_after_days": item["due_after_days"],
                "description": item["description"],
                "sort_order": order,
            },
        )
    apps.get_model("catalog", "CatalogRelease").objects.update_or_create(
        name="program-catalog", defaults={"version": data["version"], "detail": data["source"]}
    )
    return str(data["version"])


@dataclass(frozen=True)
class SkuCatalogResult:
    rows: int
    skus: int
    service_plans: int
    skus_created: int
    skus_updated: int
    service_plans_created: int
    links_added: int
    links_removed: int

    @property
    def changed(self) -> bool:
        return any(
            (
                self.skus_created,
                self.skus_updated,
                self.service_plans_created,
                self.links_added,
                self.links_removed,
            )
        )


@dataclass
class _ParsedCatalog:
    skus: dict[str, tuple[uuid.UUID, str]]
    plans: dict[uuid.UUID, tuple[str, str]]
    links: set[tuple[str, uuid.UUID]]
    rows: int


def parse_sku_catalog(path: Path) -> _ParsedCatalog:
    """Read Microsoft's licensing reference CSV exactly as published; errors name row and column."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportFailure(path.name, None, None, f"cannot be read: {exc.strerror}") from exc
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = [normalise_name(name) for name in reader.fieldnames or []]
        except UnicodeDecodeError as exc:
            raise ImportFailure(path.name, 1, None, "is not UTF-8 text") from exc
        missing = [column for column in SKU_CATALOG_COLUMNS if column not in header]
        if missing:
            raise ImportFailure(
                path.name, 1, None, f"is missing the column(s) {', '.join(missing)}"
            )
        reader.fieldnames = header
        parsed = _ParsedCatalog(skus={}, plans={}, links=set(), rows=0)
        try:
            for row in reader:
                parsed.rows += 1
                _parse_sku_row(path.name, reader.line_num, row, parsed)
        except UnicodeDecodeError as exc:
            raise ImportFailure(path.name, reader.line_num + 1, None, "is not UTF-8 text") from exc
        except csv.Error as exc:
            raise ImportFailure(
                path.name, reader.line_num, None, f"is not valid CSV: {exc}"
            ) from exc
    if not parsed.rows:
        raise ImportFailure(path.name, None, None, "has a header but no rows")
    return parsed


def _parse_sku_row(file_name: str, line: int, row: dict[str, Any], parsed: _ParsedCatalog) -> None:
    def text(column: str) -> str:
        value = normalise_name(row.get(column) or "")
        if not value:
            raise ImportFailure(file_name, line, column, "is empty")
        return value

    def guid(column: str) -> uuid.UUID:
        value = text(column)
        try:
            return uuid.UUID(value)
        except ValueError as exc:
            raise ImportFailure(file_name, line, column, f"is not a GUID: {value!r}") from exc

    string_id = text("String_Id")
    parsed.skus.setdefault(string_id, (guid("GUID"), text("Product_Display_Name")))
    plan_id = guid("Service_Plan_Id")
    parsed.plans.setdefault(
        plan_id, (text("Service_Plan_Name"), text("Service_Plans_Included_Friendly_Names"))
    )
    parsed.links.add((string_id, plan_id))


@transaction.atomic
def import_sku_catalog(path: Path = SKU_CATALOG_FILE, apps: Any = current_apps) -> SkuCatalogResult:
    """Bring the SKU catalog in line with the file: all or nothing; the same file twice is a no-op.

    SKUs and plans that are no longer in the file are kept: licence snapshots may still name them.
    """
    parsed = parse_sku_catalog(path)
    sku_model = apps.get_model("catalog", "Sku")
    plan_model = apps.get_model("catalog", "ServicePlan")
    link_model = sku_model.service_plans.through

    existing_plans = {plan.service_plan_id: plan for plan in plan_model.objects.all()}
    new_plans = [
        plan_model(service_plan_id=plan_id, name=name, friendly_name=friendly)
        for plan_id, (name, friendly) in parsed.plans.items()
        if plan_id not in existing_plans
    ]
    changed_plans = []
    for plan_id, (name, friendly) in parsed.plans.items():
        plan = existing_plans.get(plan_id)
        if plan is not None and (plan.name, plan.friendly_name) != (name, friendly):
            plan.name, plan.friendly_name = name, friendly
            changed_plans.append(plan)
    plan_model.objects.bulk_create(new_plans, batch_size=500)
    plan_model.objects.bulk_update(changed_plans, ["name", "friendly_name"], batch_size=500)

    existing_skus = {sku.string_id: sku for sku in sku_model.objects.all()}
    new_skus = [
        sku_model(string_id=string_id, guid=guid, product_name=name)
        for string_id, (guid, name) in parsed.skus.items()
        if string_id not in existing_skus
    ]
    changed_skus = []
    for string_id, (guid, name) in parsed.skus.items():
        sku = existing_skus.get(string_id)
        if sku is not None and (sku.guid, sku.product_name) != (guid, name):
            sku.guid, sku.product_name = guid, name
            changed_skus.append(sku)
    sku_model.objects.bulk_create(new_skus, batch_size=500)
    sku_model.objects.bulk_update(changed_skus, ["guid", "product_name"], batch_size=500)

    sku_ids = dict(sku_model.objects.values_list("string_id", "pk"))
    plan_ids = dict(plan_model.objects.values_list("service_plan_id", "pk"))
    wanted = {(sku_ids[string_id], plan_ids[plan_id]) for string_id, plan_id in parsed.links}
    file_sku_pks = {sku_ids[string_id] for string_id in parsed.skus}
    current = {
        (sku_pk, plan_pk): link_pk
        for link_pk, sku_pk, plan_pk in link_model.objects.filter(
            sku_id__in=file_sku_pks
        ).values_list("pk", "sku_id", "serviceplan_id")
    }
    to_add = wanted - current.keys()
    to_remove = [link_pk for pair, link_pk in current.items() if pair not in wanted]
    link_model.objects.bulk_create(
        [link_model(sku_id=sku_pk, serviceplan_id=plan_pk) for sku_pk, plan_pk in to_add],
        batch_size=1000,
    )
    link_model.objects.filter(pk__in=to_remove).delete()

    result = SkuCatalogResult(
        rows=parsed.rows,
        skus=len(parsed.skus),
        service_plans=len(parsed.plans),
        skus_created=len(new_skus),
        skus_updated=len(changed_skus),
        service_plans_created=len(new_plans),
        links_added=len(to_add),
        links_removed=len(to_remove),
    )
    if result.changed:
        if apps is current_apps:
            from frpdesk.catalog.signals import catalog_changed

            catalog_changed.send(sender=sku_model)
        apps.get_model("catalog", "CatalogRelease").objects.update_or_create(
            name="sku-catalog",
            defaults={
                "version": hashlib.sha256(path.read_bytes()).hexdigest()[:12],
                "detail": f"{path.name}: {result.skus} SKUs, {result.service_plans} service plans",
            },
        )
    return result


def skus_carrying(workload: Any) -> list[Any]:
    """SKUs of the catalog that contain one of the workload's qualifying service plans."""
    from frpdesk.catalog.models import Sku

    wanted = {normalise_name(name) for name in workload.qualifying_service_plans}
    return list(
        Sku.objects.filter(service_plans__name__in=wanted).distinct().order_by("product_name")
    )
