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
        "Dashboards",
        (
            NavItem("Portfolio", "dashboards:portfolio", "bar-chart-line", "customers.Customer"),
            NavItem("Program", "dashboards:program", "speedometer2", "compliance.Finding"),
            NavItem(
                "Reports", "dashboards:reports", "file-earmark-bar-graph", "customers.Customer"
            ),
        ),
    ),
    NavSection(
        "Compliance",
        (
            NavItem(
                "Compliance findings", "compliance:list", "shield-exclamation", "compliance.Finding"
            ),
            NavItem("Check runs", "compliance:run-list", "clipboard-check", "compliance.CheckRun"),
            NavItem("Rules", "compliance:rules", "journal-check", "compliance.Finding"),
        ),
    ),
    NavSection(
        "Customers",
        (
            NavItem("Customers", "customers:list", "buildings", "customers.Customer"),
            NavItem("Referrals", "referrals:list", "inboxes", "referrals.Referral"),
            NavItem("Adoption", "adoption:heatmap", "graph-up-arrow", "adoption.UsagePoint"),
            NavItem(
                "Customer satisfaction",
                "satisfaction:nsat",
                "emoji-smile",
                "satisfaction.SurveyResponse",
            ),
            NavItem(
                "Survey responses", "satisfaction:list", "chat-heart", "satisfaction.SurveyResponse"
            ),
        ),
    ),
    NavSection(
        "Engagements",
        (
            NavItem("Pipeline", "engagements:pipeline", "kanban", "engagements.Engagement"),
            NavItem("Engagements", "engagements:list", "briefcase", "engagements.Engagement"),
            NavItem("My work", "engagements:my-work", "person-check", "engagements.Engagement"),
            NavItem(
                "Customer requests",
                "scoping:request-list",
                "chat-square-text",
                "scoping.CustomerRequest",
            ),
        ),
    ),
    NavSection(
        "Claims and incentives",
        (
            NavItem("CPOR claims", "claims:list", "patch-check-fill", "claims.Claim"),
            NavItem(
                "Other partners' claims",
                "claims:external-list",
                "exclamation-diamond",
                "claims.ExternalClaim",
            ),
            NavItem(
                "Incentive estimates", "incentives:estimates", "currency-dollar", "claims.Claim"
            ),
            NavItem(
                "Payment statements", "incentives:statement-list", "bank", "incentives.Statement"
            ),
            NavItem(
                "Incentive rates", "incentives:rate-list", "percent", "incentives.IncentiveRate"
            ),
        ),
    ),
    NavSection(
        "Value-added services",
        (
            NavItem("Quotes", "vas:quote-list", "receipt", "vas.Quote"),
            NavItem(
                "Services contracts",
                "vas:contract-list",
                "file-earmark-check",
                "vas.ServicesContract",
            ),
            NavItem("Rate card", "vas:rate-list", "cash-coin", "vas.RateCardEntry"),
            NavItem(
                "SOW templates", "sow:template-list", "file-earmark-richtext", "sow.SowTemplate"
            ),
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
            NavItem("Holidays", "catalog:holiday-list", "calendar-x", "catalog.Holiday"),
            NavItem("SKU catalog", "catalog:sku-list", "upc-scan", "catalog.Sku"),
        ),
    ),
    NavSection(
        "Administration",
        (
            NavItem("Audit log", "history:audit", "clock-history", history=True),
            NavItem("Users", "accounts:user-list", "person-badge", "accounts.User"),
            NavItem("Teams", "accounts:team-list", "people", "accounts.Team"),
            NavItem(
                "Notifications",
                "notifications:preferences",
                "bell",
                "notifications.NotificationPreference",
            ),
        ),
    ),
)


def visible_navigation(user: AnyUser, current_path: str) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for section in NAVIGATION:
        items = [
            {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "active": False}
            for item in section.items
            if item.visible_to(user)
        ]
        if items:
            sections.append({"label": section.label, "items": items})
            entries += items
    # The deepest entry containing the page is the active one (/engagements/pipeline/ is the
    # pipeline, not also the engagement list).
    containing = [
        entry
        for entry in entries
        if current_path == entry["url"]
        or (entry["url"] != "/" and current_path.startswith(entry["url"]))
    ]
    if containing:
        max(containing, key=lambda entry: len(entry["url"]))["active"] = True
    return sections
