"""The application's navigation; later areas add their entries here."""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse

from frpdesk.core.access import AnyUser, can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    model: str = ""  # "app_label.Model": shown to users who may view it
    history: bool = False  # shown to users who may read the audit trail

    def visible_to(self, user: AnyUser) -> bool:
        if not user.is_authenticated:
            return False
        if self.history:
            return can(user, "history", apps.get_model("accounts", "User"))
        return not self.model or can(user, "view", apps.get_model(self.model))


@dataclass(frozen=True)
class NavSection:
    label: str
    items: tuple[NavItem, ...]


NAVIGATION: tuple[NavSection, ...] = (
    NavSection(
        "Partner",
        (
            NavItem("Home", "core:home", "house"),
            NavItem("Partner profile", "partner:profile", "building", "partner.PartnerProfile"),
            NavItem("Partner directory", "directory:list", "people", "directory.DirectoryPartner"),
        ),
    ),
    NavSection(
        "Customers",
        (
            NavItem("Customers", "customers:list", "buildings", "customers.Customer"),
            NavItem("Adoption", "adoption:heatmap", "graph-up-arrow", "adoption.UsagePoint"),
        ),
    ),
    NavSection(
        "Program catalog",
        (
            NavItem("Workloads", "catalog:workload-list", "grid-3x3-gap", "catalog.Workload"),
            NavItem(
                "Out-of-scope items",
                "catalog:outofscopeitem-list",
                "slash-circle",
                "catalog.OutOfScopeItem",
            ),
            NavItem(
                "Eligible plans", "catalog:eligibleplan-list", "patch-check", "catalog.EligiblePlan"
            ),
            NavItem(
                "Non-paid SKU markers",
                "catalog:nonpaidskumarker-list",
                "tag",
                "catalog.NonPaidSkuMarker",
            ),
            NavItem("Thresholds", "catalog:threshold-list", "sliders", "catalog.Threshold"),
            NavItem(
                "Scope questions",
                "catalog:scopequestion-list",
                "question-circle",
                "catalog.ScopeQuestion",
            ),
            NavItem("VAS catalog", "catalog:vasitem-list", "briefcase", "catalog.VasItem"),
            NavItem(
                "Delivery statuses", "catalog:deliverystatus-list", "flag", "catalog.DeliveryStatus"
            ),
            NavItem(
                "Delivery phases",
                "catalog:deliveryphase-list",
                "signpost-split",
                "catalog.DeliveryPhase",
            ),
            NavItem(
                "Milestone templates",
                "catalog:milestonetemplate-list",
                "list-check",
                "catalog.MilestoneTemplate",
            ),
            NavItem("SKU catalog", "catalog:sku-list", "upc-scan", "catalog.Sku"),
        ),
    ),
    NavSection(
        "Administration",
        (
            NavItem("Audit log", "history:audit", "clock-history", history=True),
            NavItem("Users", "accounts:user-list", "person-badge", "accounts.User"),
        ),
    ),
)


def visible_navigation(user: AnyUser, current_path: str) -> list[dict[str, Any]]:
    sections = []
    for section in NAVIGATION:
        items = []
        for item in section.items:
            if item.visible_to(user):
                url = reverse(item.url_name)
                active = current_path == url or (url != "/" and current_path.startswith(url))
                items.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
        if items:
            sections.append({"label": section.label, "items": items})
    return sections
