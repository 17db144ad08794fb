"""Catalog API: every reference table readable by all roles, editable by program administrators.

The SKU catalog is read-only here: it is refreshed from Microsoft's file (``import_sku_catalog``).
"""

from typing import Any

from rest_framework import serializers
from rest_framework.routers import BaseRouter

from frpdesk.catalog import filters
from frpdesk.catalog.models import (
    DeliveryPhase,
    DeliveryStatus,
    EligiblePlan,
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
from frpdesk.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, SlugRelatedField


class WorkloadSerializer(serializers.ModelSerializer[Workload]):
    qualifying_service_plans = serializers.ListField(child=serializers.CharField(max_length=200))
    out_of_scope: serializers.Field[Any, Any, Any, Any] = serializers.StringRelatedField(
        many=True, read_only=True, source="out_of_scope.all"
    )

    class Meta:
        model = Workload
        fields = [
            "id",
            "code",
            "name",
            "qualifying_service_plans",
            "has_usage_report",
            "data_migration_applies",
            "sort_order",
            "out_of_scope",
        ]
        read_only_fields = ["code"]


class OutOfScopeItemSerializer(serializers.ModelSerializer[OutOfScopeItem]):
    workload = SlugRelatedField(slug_field="code", queryset=Workload.objects.all())

    class Meta:
        model = OutOfScopeItem
        fields = ["id", "workload", "description", "sort_order"]


class MilestoneTemplateSerializer(serializers.ModelSerializer[MilestoneTemplate]):
    phase = SlugRelatedField(slug_field="code", queryset=DeliveryPhase.objects.all())

    class Meta:
        model = MilestoneTemplate
        fields = ["id", "code", "name", "phase", "due_after_days", "description", "sort_order"]


class ServicePlanSerializer(serializers.ModelSerializer[ServicePlan]):
    class Meta:
        model = ServicePlan
        fields = ["id", "service_plan_id", "name", "friendly_name"]


class SkuSerializer(serializers.ModelSerializer[Sku]):
    service_plans: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )

    class Meta:
        model = Sku
        fields = ["id", "string_id", "guid", "product_name", "service_plans"]


def _serializer(
    model: type[Any], fields: list[str], read_only: tuple[str, ...] | list[str] = ()
) -> type[serializers.ModelSerializer[Any]]:
    meta = type(
        "Meta", (), {"model": model, "fields": ["id", *fields], "read_only_fields": list(read_only)}
    )
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


def _viewset(
    model: type[Any],
    serializer: type[Any],
    filterset: type[Any],
    *,
    writable: bool = True,
    fixed_set: bool = False,
    queryset: Any = None,
) -> type[Any]:
    """``fixed_set``: entries can be edited but not added or removed (workloads, thresholds)."""
    base = ScopedModelViewSet if writable else ScopedReadOnlyViewSet
    methods = ["get", "put", "patch", "head", "options"] if fixed_set else base.http_method_names
    return type(
        f"{model.__name__}ViewSet",
        (base,),
        {
            "http_method_names": methods,
            "queryset": model.objects.all() if queryset is None else queryset,
            "serializer_class": serializer,
            "filterset_class": filterset,
            "__doc__": f"{str(model._meta.verbose_name_plural).capitalize()} of the program catalog.",
        },
    )


VIEWSETS: dict[str, type[Any]] = {
    "catalog/workloads": _viewset(
        Workload,
        WorkloadSerializer,
        filters.WorkloadFilter,
        fixed_set=True,
        queryset=Workload.objects.prefetch_related("out_of_scope"),
    ),
    "catalog/out-of-scope-items": _viewset(
        OutOfScopeItem, OutOfScopeItemSerializer, filters.OutOfScopeItemFilter
    ),
    "catalog/eligible-plans": _viewset(
        EligiblePlan, _serializer(EligiblePlan, ["string_id", "note"]), filters.EligiblePlanFilter
    ),
    "catalog/non-paid-sku-markers": _viewset(
        NonPaidSkuMarker,
        _serializer(NonPaidSkuMarker, ["marker", "note"]),
        filters.NonPaidSkuMarkerFilter,
    ),
    "catalog/thresholds": _viewset(
        Threshold,
        _serializer(
            Threshold, ["code", "name", "value", "unit", "description"], read_only=["code"]
        ),
        filters.ThresholdFilter,
        fixed_set=True,
    ),
    "catalog/scope-questions": _viewset(
        ScopeQuestion,
        _serializer(ScopeQuestion, ["number", "text", "vas_if_no"]),
        filters.ScopeQuestionFilter,
    ),
    "catalog/vas-items": _viewset(
        VasItem,
        _serializer(VasItem, ["code", "name", "description", "active"]),
        filters.VasItemFilter,
    ),
    "catalog/delivery-statuses": _viewset(
        DeliveryStatus,
        _serializer(DeliveryStatus, ["level1", "level2", "sort_order"]),
        filters.DeliveryStatusFilter,
    ),
    "catalog/delivery-phases": _viewset(
        DeliveryPhase,
        _serializer(DeliveryPhase, ["code", "name", "sort_order", "optional"]),
        filters.DeliveryPhaseFilter,
    ),
    "catalog/milestone-templates": _viewset(
        MilestoneTemplate, MilestoneTemplateSerializer, filters.MilestoneTemplateFilter
    ),
    "catalog/skus": _viewset(
        Sku,
        SkuSerializer,
        filters.SkuFilter,
        writable=False,
        queryset=Sku.objects.prefetch_related("service_plans"),
    ),
    "catalog/service-plans": _viewset(
        ServicePlan, ServicePlanSerializer, filters.ServicePlanFilter, writable=False
    ),
}


def register(router: BaseRouter) -> None:
    for prefix, viewset in VIEWSETS.items():
        router.register(prefix, viewset, basename=prefix.replace("/", "-"))
