"""Licensing API: a tenant's licence snapshots, the upload of a licence file, its eligibility.

- ``GET /api/snapshots/`` and ``GET /api/snapshots/{id}/``: snapshots with their lines, newest
  first; read-only. Filters: ``customer`` (id), ``as_of``, ``as_of__gte``, ``as_of__lte``
  (YYYY-MM-DD), ``source``.
- ``POST /api/customers/{id}/licenses/``: multipart ``file`` (Microsoft Graph ``subscribedSkus``
  JSON or a CSV ``sku_part_number,enabled,suspended,warning,consumed``, detected from the content)
  and optional ``as_of`` (YYYY-MM-DD, default today). The file becomes the tenant's snapshot of
  that day and the eligibility is recomputed. 201 when the day's snapshot is created; 200 when it
  is replaced (``"outcome": "replaced"``) or the same licences were already there
  (``"unchanged"``). A file that cannot be imported is a 400 ``{"detail": ..., "errors": {"file":
  ["<file>, row 3, column enabled: ..."]}}`` and nothing is saved.
- ``GET /api/customers/{id}/eligibility/``: exactly the document of ``frpdesk eligibility
  --json``; 404 while the tenant has no snapshot.

The two ``/api/customers/{id}/…`` actions live here and are mixed into the customers' viewset.
"""

from typing import Any, ClassVar

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from frpdesk.core.access import Action, acting_user, require, restrict
from frpdesk.core.api import ScopedReadOnlyViewSet, SlugRelatedField
from frpdesk.core.imports import ImportFailure
from frpdesk.customers.models import Customer
from frpdesk.licensing.models import (
    Eligibility,
    LicenseSnapshot,
    Migration,
    SnapshotLine,
    SnapshotSource,
)
from frpdesk.licensing.services import eligibility_document, import_license_file

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


# --- snapshots -------------------------------------------------------------------------------


class SnapshotLineSerializer(serializers.ModelSerializer[SnapshotLine]):
    class Meta:
        model = SnapshotLine
        fields = [
            "sku_part_number",
            "sku_guid",
            "enabled",
            "suspended",
            "warning",
            "locked_out",
            "consumed",
            "capability_status",
        ]


class LicenseSnapshotSerializer(serializers.ModelSerializer[LicenseSnapshot]):
    tenant_id = serializers.UUIDField(source="customer.tenant_id", read_only=True)
    imported_by: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    lines = SnapshotLineSerializer(many=True, read_only=True)

    class Meta:
        model = LicenseSnapshot
        fields = [
            "id",
            "customer",
            "tenant_id",
            "as_of",
            "source",
            "file_name",
            "content_hash",
            "imported_by",
            "imported_at",
            "lines",
        ]
        read_only_fields = fields


class LicenseSnapshotFilter(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(choices=SnapshotSource.choices)

    class Meta:
        model = LicenseSnapshot
        fields = {"customer": ["exact"], "as_of": ["exact", "gte", "lte"]}


class LicenseSnapshotViewSet(ScopedReadOnlyViewSet):
    """A tenant's licence snapshots (one per day, history kept) with their lines; read-only.

    Upload a licence file with ``POST /api/customers/{id}/licenses/``.
    """

    queryset = LicenseSnapshot.objects.select_related("customer", "imported_by").prefetch_related(
        "lines"
    )
    serializer_class = LicenseSnapshotSerializer
    filterset_class = LicenseSnapshotFilter
    ordering_fields = ["as_of", "imported_at"]
    ordering = ["-as_of", "customer__name"]


# --- eligibility -----------------------------------------------------------------------------


class WorkloadEligibilitySerializer(serializers.Serializer[Any]):
    eligible = serializers.BooleanField()
    eligible_seats = serializers.IntegerField(min_value=0)
    pau = serializers.IntegerField(min_value=0, help_text="Paid available units of the workload.")
    migration = serializers.ChoiceField(
        choices=Migration.choices,
        allow_null=True,
        help_text="Exchange, OneDrive and SharePoint when eligible; null otherwise.",
    )


class EligibilityDocumentSerializer(serializers.Serializer[Any]):
    """The document of ``frpdesk eligibility --json`` (for the schema; built by the service)."""

    tenant_id = serializers.UUIDField()
    as_of = serializers.DateField(help_text="The date of the snapshot it was computed from.")
    eligible = serializers.BooleanField()
    eligible_seats = serializers.IntegerField(min_value=0)
    workloads = serializers.DictField(
        child=WorkloadEligibilitySerializer(), help_text="Every workload of the catalog by code."
    )
    unknown_skus = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(child=serializers.CharField())


# --- upload ----------------------------------------------------------------------------------


class LicenseUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        allow_empty_file=True,  # the importer says "<file>: is empty", like the CLI
        help_text="Microsoft Graph subscribedSkus JSON, or a CSV with the columns "
        "sku_part_number,enabled,suspended,warning,consumed.",
    )
    as_of = serializers.DateField(
        required=False, help_text="The snapshot's date, YYYY-MM-DD (default: today)."
    )


class LicenseUploadResultSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=["created", "replaced", "unchanged"])
    unknown_skus = serializers.ListField(
        child=serializers.CharField(),
        help_text="SKUs the catalog does not know: kept, flagged, counted once the catalog knows them.",
    )
    snapshot = LicenseSnapshotSerializer()
    eligibility = EligibilityDocumentSerializer()


ErrorSerializer = inline_serializer(
    "LicensingError",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        ),
    },
)


class CustomerLicensingActions:
    """``licenses`` (upload) and ``eligibility`` (read) on ``/api/customers/{id}/``.

    Both act on the customer as a reader (``access_actions``) and ask the choke point for the
    licensing permission they need.
    """

    access_actions: ClassVar[dict[str, Action]] = {}

    def _customer(self, request: Request, pk: str | None) -> Customer:
        return generics.get_object_or_404(
            restrict(request.user, "view", Customer.objects.all()), pk=pk
        )

    @extend_schema(
        operation_id="customers_licenses_upload",
        request={"multipart/form-data": LicenseUploadSerializer},
        responses={
            201: LicenseUploadResultSerializer,
            200: LicenseUploadResultSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="licenses",
        parser_classes=[MultiPartParser, FormParser],
        access_actions={"POST": "view"},
    )
    def licenses(self, request: Request, pk: str | None = None) -> Response:
        """Import a licence file as the tenant's snapshot of a day (all or nothing)."""
        require(request.user, "add", LicenseSnapshot)
        customer = self._customer(request, pk)
        upload = LicenseUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        as_of = upload.validated_data.get("as_of") or timezone.localdate()
        if LicenseSnapshot.objects.filter(customer=customer, as_of=as_of).exists():
            require(request.user, "change", LicenseSnapshot)
        file_name = file.name or "upload"
        if file.size is not None and file.size > MAX_UPLOAD_BYTES:
            return _file_refused(
                f"{file_name}: is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
            )
        try:
            outcome = import_license_file(
                acting_user=acting_user(request),
                customer=customer,
                file_name=file_name,
                content=file.read(),
                as_of=as_of,
            )
        except ImportFailure as failure:
            return _file_refused(str(failure))
        code: int = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        state = "created" if outcome.created else ("replaced" if outcome.changed else "unchanged")
        snapshot = LicenseSnapshot.objects.prefetch_related("lines").get(pk=outcome.snapshot.pk)
        return Response(
            {
                "outcome": state,
                "unknown_skus": outcome.unknown_skus,
                "snapshot": LicenseSnapshotSerializer(snapshot).data,
                "eligibility": eligibility_document(customer),
            },
            status=code,
        )

    @extend_schema(
        operation_id="customers_eligibility",
        responses={200: EligibilityDocumentSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["get"], url_path="eligibility")
    def eligibility(self, request: Request, pk: str | None = None) -> Response:
        """The tenant's eligibility from its newest snapshot, as ``frpdesk eligibility --json``."""
        require(request.user, "view", Eligibility)
        customer = self._customer(request, pk)
        document = eligibility_document(customer)
        if document is None:
            raise exceptions.NotFound(
                f"{customer.name} (tenant {customer.tenant_id}) has no licence snapshot yet; "
                f"upload one with POST /api/customers/{customer.pk}/licenses/."
            )
        return Response(document)


def _file_refused(message: str) -> Response:
    return Response(
        {
            "detail": "The licence file was not imported; nothing was saved.",
            "errors": {"file": [message]},
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def register(router: BaseRouter) -> None:
    router.register("snapshots", LicenseSnapshotViewSet, basename="snapshot")
