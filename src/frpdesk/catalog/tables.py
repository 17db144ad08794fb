from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.catalog.models import (
    DeliveryPhase,
    DeliveryStatus,
    EligiblePlan,
    Holiday,
    MilestoneTemplate,
    NonPaidSkuMarker,
    OutOfScopeItem,
    ScopeQuestion,
    Sku,
    Threshold,
    VasItem,
    Workload,
)
from frpdesk.core.tables import ActionsColumn, ListColumn


def actions(model_name: str) -> ActionsColumn:
    return ActionsColumn(f"catalog:{model_name}-edit", f"catalog:{model_name}-delete")


class WorkloadTable(tables.Table):
    name = tables.Column(linkify=("catalog:workload-detail", {"pk": tables.A("pk")}))
    qualifying_service_plans = ListColumn(verbose_name="Qualifying service plans")
    actions = ActionsColumn("catalog:workload-edit")

    class Meta:
        model = Workload
        fields = (
            "code",
            "name",
            "qualifying_service_plans",
            "has_usage_report",
            "data_migration_applies",
        )
        order_by = ("sort_order",)


class OutOfScopeItemTable(tables.Table):
    actions = actions("outofscopeitem")

    class Meta:
        model = OutOfScopeItem
        fields = ("workload", "description")


class EligiblePlanTable(tables.Table):
    actions = actions("eligibleplan")

    class Meta:
        model = EligiblePlan
        fields = ("string_id", "note")


class NonPaidSkuMarkerTable(tables.Table):
    actions = actions("nonpaidskumarker")

    class Meta:
        model = NonPaidSkuMarker
        fields = ("marker", "note")


class ThresholdTable(tables.Table):
    value = tables.Column(accessor="display_value", order_by=("value",))
    actions = ActionsColumn("catalog:threshold-edit")

    class Meta:
        model = Threshold
        fields = ("name", "value", "description", "code")


class ScopeQuestionTable(tables.Table):
    actions = actions("scopequestion")

    class Meta:
        model = ScopeQuestion
        fields = ("number", "text", "vas_if_no")


class VasItemTable(tables.Table):
    actions = actions("vasitem")

    class Meta:
        model = VasItem
        fields = ("name", "code", "description", "active")


class DeliveryStatusTable(tables.Table):
    actions = actions("deliverystatus")

    class Meta:
        model = DeliveryStatus
        fields = ("level1", "level2")
        order_by = ("sort_order",)


class DeliveryPhaseTable(tables.Table):
    actions = actions("deliveryphase")

    class Meta:
        model = DeliveryPhase
        fields = ("sort_order", "name", "code", "optional")


class MilestoneTemplateTable(tables.Table):
    actions = actions("milestonetemplate")

    class Meta:
        model = MilestoneTemplate
        fields = ("phase", "name", "due_after_days", "description", "code")


class SkuTable(tables.Table):
    product_name = tables.Column(linkify=("catalog:sku-detail", {"pk": tables.A("pk")}))
    eligible = tables.Column("Eligible plan", empty_values=(), orderable=False)
    plan_count = tables.Column("Service plans", orderable=True)

    class Meta:
        model = Sku
        fields = ("product_name", "string_id", "guid", "plan_count", "eligible")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.eligible_ids = set(EligiblePlan.objects.values_list("string_id", flat=True))

    def render_eligible(self, record: Sku) -> SafeString:
        if record.string_id in self.eligible_ids:
            return format_html('<span class="badge text-bg-success">{}</span>', "Eligible")
        return format_html('<span class="text-muted small">{}</span>', "—")

    def value_eligible(self, record: Sku) -> str:
        return "yes" if record.string_id in self.eligible_ids else "no"


class HolidayTable(tables.Table):
    actions = actions("holiday")

    class Meta:
        model = Holiday
        fields = ("date", "name")
