"""Adoption API: usage points (MAU, PAU, AU%), usage report imports, partner associations.

- ``GET /api/usage-points/``: one row per tenant × workload × refresh date, newest first.
  Filters: ``customer`` (id), ``workload`` (code), ``source`` (report / manual),
  ``refresh_date``, ``refresh_date__gte``, ``refresh_date__lte``. ``POST`` enters the MAU of a
  workload without a usage report (``customer``, ``workload``, ``refresh_date``, ``mau``,
  ``note``); ``DELETE`` removes a manual entry (report figures are removed by nothing but the
  tenant's deletion: 409).
- ``GET /api/usage-imports/``: usage report imports (jobs) with status, progress and outcome;
  poll ``GET /api/usage-imports/{id}/`` until ``status`` is done or failed.
- ``POST /api/customers/{id}/usage/``: multipart, one or more ``file`` parts (Microsoft 365 usage
  reports as Graph returns them, type detected from the header). Each file becomes an import job;
  202 with the queued imports.
- ``GET /api/customers/{id}/adoption/``: exactly the document of ``frpdesk adoption --json``.
- ``/api/partner-associations/``: when the partner's claim on a tenant's workload was approved.
"""

from typing import Any, ClassVar

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, generics, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from frpdesk.adoption.figures import customer_adoption_document
from frpdesk.adoption.models import (
    ImportSource,
    ImportStatus,
    PartnerAssociation,
    ReportType,
    UsageImport,
    UsagePoint,
    UsageSource,
)
from frpdesk.adoption.services import (
    create_usage_import,
    delete_manual_mau,
    record_manual_mau,
    set_partner_association,
)
from frpdesk.catalog.models import Workload
from frpdesk.core.access import Action, acting_user, require, restrict
from frpdesk.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, SlugRelatedField
from frpdesk.core.imports import ImportFailure, check_upload_size
from frpdesk.customers.models import Customer

# --- usage points ----------------------------------------------------------------------------


class UsagePointSerializer(serializers.ModelSerializer[UsagePoint]):
    tenant_id = serializers.UUIDField(source="customer.tenant_id", read_only=True)
    workload: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="code", queryset=Workload.objects.all()
    )
    au_pct = serializers.DecimalField(
        max_digits=7, decimal_places=2, read_only=True, allow_null=True, coerce_to_string=False
    )
    entered_by: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = UsagePoint
        fields = [
            "id",
            "customer",
            "tenant_id",
            "workload",
            "refresh_date",
            "source",
            "mau",
            "licensed",
            "active_in_period",
            "period_days",
            "pau",
            "pau_as_of",
            "au_pct",
            "note",
            "usage_import",
            "entered_by",
            "updated_at",
        ]
        read_only_fields = [
            "source",
            "licensed",
            "active_in_period",
            "period_days",
            "pau",
            "pau_as_of",
            "usage_import",
            "updated_at",
        ]


class UsagePointFilter(django_filters.FilterSet):
    workload = django_filters.CharFilter(field_name="workload__code", help_text="Workload code.")
    source = django_filters.ChoiceFilter(choices=UsageSource.choices)

    class Meta:
        model = UsagePoint
        fields = {"customer": ["exact"], "refresh_date": ["exact", "gte", "lte"]}


class UsagePointViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ScopedReadOnlyViewSet):
    """MAU, PAU and AU% per tenant, workload and report refresh date.

    Report figures come from usage report imports; ``POST`` enters the MAU of a workload that has
    no usage report (Intune, Entra ID, Defender, Purview, Windows), marked as manual.
    """

    queryset = UsagePoint.objects.select_related("customer", "workload", "entered_by")
    http_method_names = ["get", "post", "delete", "head", "options"]
    serializer_class = UsagePointSerializer
    filterset_class = UsagePointFilter
    ordering_fields = ["refresh_date", "mau", "au_pct"]
    ordering = ["-refresh_date", "customer__name", "workload__sort_order"]

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        customer = data["customer"]
        if not restrict(self.request.user, "view", Customer.objects.filter(pk=customer.pk)):
            raise exceptions.ValidationError({"customer": ["No such customer."]})
        serializer.instance = record_manual_mau(
            acting_user=acting_user(self.request),
            customer=customer,
            workload=data["workload"],
            refresh_date=data["refresh_date"],
            mau=data["mau"],
            note=data.get("note", ""),
        )

    def perform_destroy(self, instance: UsagePoint) -> None:
        delete_manual_mau(acting_user=acting_user(self.request), point=instance)


# --- imports ---------------------------------------------------------------------------------


class UsageImportSerializer(serializers.ModelSerializer[UsageImport]):
    tenant_id = serializers.UUIDField(source="customer.tenant_id", read_only=True)
    created_by: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    # Blank until the file is read: read-only model fields lose ``allow_blank``.
    report_type = serializers.ChoiceField(
        choices=ReportType.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = UsageImport
        fields = [
            "id",
            "customer",
            "tenant_id",
            "file_name",
            "size_bytes",
            "content_hash",
            "source",
            "report_type",
            "refresh_date",
            "period_days",
            "rows",
            "status",
            "progress",
            "stage",
            "message",
            "warnings",
            "summary",
            "changed",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class UsageImportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ImportStatus.choices)
    source = django_filters.ChoiceFilter(choices=ImportSource.choices)
    report_type = django_filters.ChoiceFilter(choices=ReportType.choices)

    class Meta:
        model = UsageImport
        fields = {"customer": ["exact"], "refresh_date": ["exact", "gte", "lte"]}


class UsageImportViewSet(ScopedReadOnlyViewSet):
    """Usage report imports (jobs), newest first; upload with ``POST /api/customers/{id}/usage/``."""

    queryset = UsageImport.objects.select_related("customer", "created_by")
    serializer_class = UsageImportSerializer
    filterset_class = UsageImportFilter
    ordering_fields = ["created_at", "refresh_date"]
    ordering = ["-created_at", "-id"]


# --- partner associations --------------------------------------------------------------------


class PartnerAssociationSerializer(serializers.ModelSerializer[PartnerAssociation]):
    workload: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="code", queryset=Workload.objects.all()
    )

    class Meta:
        model = PartnerAssociation
        fields = ["id", "customer", "workload", "associated_on", "note"]
        validators: list[Any] = []  # one per tenant and workload: a second POST updates it


class PartnerAssociationViewSet(ScopedModelViewSet):
    """When the partner's claim on a tenant's workload was approved: adoption before that date
    forms the starting peak. ``POST`` for a workload that already has one updates it."""

    queryset = PartnerAssociation.objects.select_related("customer", "workload")
    serializer_class = PartnerAssociationSerializer
    filterset_fields = ["customer"]
    ordering = ["customer__name", "workload__sort_order"]

    def save_instance(self, instance: PartnerAssociation, related: dict[str, Any]) -> Any:
        if not restrict(
            self.request.user, "view", Customer.objects.filter(pk=instance.customer_id)
        ):
            raise exceptions.ValidationError({"customer": ["No such customer."]})
        return set_partner_association(
            acting_user=acting_user(self.request),
            customer=instance.customer,
            workload=instance.workload,
            associated_on=instance.associated_on,
            note=instance.note,
        )


# --- customer actions ------------------------------------------------------------------------


class UsageUploadSerializer(serializers.Serializer[Any]):
    file = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        help_text="One or more usage reports (CSV as Graph returns them, or the Copilot JSON).",
    )


class WorkloadAdoptionSerializer(serializers.Serializer[Any]):
    refresh_date = serializers.DateField()
    mau = serializers.IntegerField(min_value=0)
    pau = serializers.IntegerField(min_value=0)
    au_pct = serializers.FloatField(allow_null=True, help_text="Rounded to 0.1; null without PAU.")
    peak_mau = serializers.IntegerField(min_value=0)
    milestones = serializers.DictField(child=serializers.BooleanField(), help_text='"15", "40".')


class AdoptionDocumentSerializer(serializers.Serializer[Any]):
    """The document of ``frpdesk adoption --json`` (for the schema; built by figures)."""

    tenant_id = serializers.UUIDField()
    workloads = serializers.DictField(
        child=WorkloadAdoptionSerializer(),
        help_text="By workload code: its newest refresh date that has data.",
    )


ErrorSerializer = inline_serializer(
    "AdoptionError",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        ),
    },
)


class CustomerAdoptionActions:
    """``usage`` (upload reports) and ``adoption`` (figures) on ``/api/customers/{id}/``."""

    access_actions: ClassVar[dict[str, Action]] = {}

    def _customer(self, request: Request, pk: str | None) -> Customer:
        return generics.get_object_or_404(
            restrict(request.user, "view", Customer.objects.all()), pk=pk
        )

    @extend_schema(
        operation_id="customers_usage_upload",
        request={"multipart/form-data": UsageUploadSerializer},
        responses={
            202: UsageImportSerializer(many=True),
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="usage",
        parser_classes=[MultiPartParser, FormParser],
        access_actions={"POST": "view"},
        pagination_class=None,  # the imports come as one list
    )
    def usage(self, request: Request, pk: str | None = None) -> Response:
        """Queue the import of one or more usage reports (each all or nothing, idempotent)."""
        require(request.user, "add", UsageImport)
        customer = self._customer(request, pk)
        upload = UsageUploadSerializer(data={"file": request.FILES.getlist("file")})
        upload.is_valid(raise_exception=True)
        files = upload.validated_data["file"]
        try:
            for file in files:
                check_upload_size(file.name or "upload", file.size or 0)
        except ImportFailure as failure:
            return Response(
                {"detail": "Nothing was imported.", "errors": {"file": [str(failure)]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        imports = [
            create_usage_import(
                acting_user=acting_user(request),
                customer=customer,
                file_name=file.name or "upload",
                file=file,
                source=ImportSource.API,
            )
            for file in files
        ]
        return Response(
            UsageImportSerializer(imports, many=True).data, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(
        operation_id="customers_adoption",
        responses={200: AdoptionDocumentSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["get"], url_path="adoption")
    def adoption(self, request: Request, pk: str | None = None) -> Response:
        """MAU, PAU, AU%, peak and milestones per workload, as ``frpdesk adoption --json``."""
        require(request.user, "view", UsagePoint)
        return Response(customer_adoption_document(self._customer(request, pk)))


def register(router: BaseRouter) -> None:
    router.register("usage-points", UsagePointViewSet, basename="usagepoint")
    router.register("usage-imports", UsageImportViewSet, basename="usageimport")
    router.register(
        "partner-associations", PartnerAssociationViewSet, basename="partnerassociation"
    )
