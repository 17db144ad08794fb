"""One FilterSet per catalog model, shared by the pages, the API and exports."""

import django_filters
from django.db.models import QuerySet

from frpdesk.catalog.models import (
    DeliveryPhase,
    DeliveryStatus,
    EligiblePlan,
    Holiday,
    MilestoneTemplate,
    NonPaidSkuMarker,
    OutOfScopeItem,
    ScopeQuestion,
    ServicePlan,
    Sku,
    Threshold,
    VasItem,
    Workload,
)
from frpdesk.core.filters import IntegerFilter, YesNoFilter, text_search


class WorkloadFilter(django_filters.FilterSet):
    search = text_search("code", "name", "qualifying_service_plans")
    has_usage_report = YesNoFilter()

    class Meta:
        model = Workload
        fields = ["search", "has_usage_report"]


class OutOfScopeItemFilter(django_filters.FilterSet):
    search = text_search("description")
    workload = django_filters.ModelChoiceFilter(
        queryset=Workload.objects.all(), to_field_name="code"
    )

    class Meta:
        model = OutOfScopeItem
        fields = ["search", "workload"]


class EligiblePlanFilter(django_filters.FilterSet):
    search = text_search("string_id", "note")

    class Meta:
        model = EligiblePlan
        fields = ["search"]


class NonPaidSkuMarkerFilter(django_filters.FilterSet):
    search = text_search("marker", "note")

    class Meta:
        model = NonPaidSkuMarker
        fields = ["search"]


class ThresholdFilter(django_filters.FilterSet):
    search = text_search("code", "name", "description")

    class Meta:
        model = Threshold
        fields = ["search"]


class ScopeQuestionFilter(django_filters.FilterSet):
    search = text_search("text", "vas_if_no")

    class Meta:
        model = ScopeQuestion
        fields = ["search"]


class VasItemFilter(django_filters.FilterSet):
    search = text_search("code", "name", "description")
    active = YesNoFilter()

    class Meta:
        model = VasItem
        fields = ["search", "active"]


class DeliveryStatusFilter(django_filters.FilterSet):
    level1 = django_filters.ChoiceFilter(
        label="L1",
        choices=lambda: [
            (value, value)
            for value in DeliveryStatus.objects.values_list("level1", flat=True)
            .distinct()
            .order_by("level1")
        ],
    )

    class Meta:
        model = DeliveryStatus
        fields = ["level1"]


class DeliveryPhaseFilter(django_filters.FilterSet):
    search = text_search("code", "name")

    class Meta:
        model = DeliveryPhase
        fields = ["search"]


class MilestoneTemplateFilter(django_filters.FilterSet):
    search = text_search("code", "name", "description")
    phase = django_filters.ModelChoiceFilter(
        queryset=DeliveryPhase.objects.all(), to_field_name="code"
    )

    class Meta:
        model = MilestoneTemplate
        fields = ["search", "phase"]


class SkuFilter(django_filters.FilterSet):
    search = text_search("string_id", "product_name", "guid")
    service_plan = django_filters.CharFilter(
        field_name="service_plans__name",
        lookup_expr="iexact",
        label="Contains service plan",
        distinct=True,
    )
    eligible = YesNoFilter(method="filter_eligible", label="Eligible plan")

    class Meta:
        model = Sku
        fields = ["search", "service_plan", "eligible"]

    def filter_eligible(self, queryset: QuerySet[Sku], name: str, value: bool) -> QuerySet[Sku]:
        eligible = EligiblePlan.objects.values("string_id")
        return (
            queryset.filter(string_id__in=eligible)
            if value
            else queryset.exclude(string_id__in=eligible)
        )


class ServicePlanFilter(django_filters.FilterSet):
    search = text_search("name", "friendly_name")

    class Meta:
        model = ServicePlan
        fields = ["search"]


class HolidayFilter(django_filters.FilterSet):
    search = text_search("name")
    year = IntegerFilter(field_name="date__year", label="Year", min_value=1, max_value=9999)

    class Meta:
        model = Holiday
        fields = ["search", "year"]
