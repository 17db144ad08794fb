"""REST API of the claims area.

- ``/api/claims/``: the register (the claim list's filters). Create, edit and delete drafts (the
  tenant is the customer's; once submitted only ``partner_center_reference`` may change);
  workloads by code. Actions: ``submit`` (400 ``{"detail", "failed_rules": [...]}`` when rules
  fail), ``transition`` (``{state, on, reason}``), ``export`` (Partner Center's "Add customer"
  data), ``poe`` (GET downloads the proof of execution, POST uploads one for a draft).
- ``/api/claim-transitions/``: every state change, read-only (``?claim=<id>``).
- ``/api/external-claims/``: workloads claimed by other partners (conflicts).
- ``/api/claims/status-import/``: POST a Partner Center status CSV (multipart ``file``).
"""

import datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.claims import services
from frpdesk.claims.filters import ClaimFilter, ExternalClaimFilter
from frpdesk.claims.importing import import_claim_status
from frpdesk.claims.models import Claim, ClaimState, ClaimTransition, ExternalClaim
from frpdesk.core.access import acting_user
from frpdesk.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, SlugRelatedField
from frpdesk.core.import_views import api_file_import
from frpdesk.core.imports import ImportFailure, read_upload
from frpdesk.sow.views import file_response

READ_ONLY = [
    "reference",
    "tenant_id",
    "poe_file_name",
    "poe_sha256",
    "state",
    "state_since",
    "deadline",
    "overdue",
    "submitted_on",
    "approved_on",
    "rejected_on",
    "disputed_on",
    "reason",
    "overdue_flagged_at",
    "failed_rules",
    "created_at",
    "updated_at",
]


class ClaimWorkloadCode(SlugRelatedField[Any]):
    """A claimed workload by code: read from the claim's rows, written as catalog workloads."""

    def to_representation(self, obj: Any) -> Any:
        return obj.workload.code


class ClaimSerializer(serializers.ModelSerializer[Claim]):
    reference = serializers.SerializerMethodField(help_text="Our claim ID, CLM-<id>.")
    workloads = ClaimWorkloadCode(
        slug_field="code",
        many=True,
        queryset=Workload.objects.all(),
        help_text="Workload codes, e.g. exchange, teams.",
    )
    partner_contact = SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "reference",
            "customer",
            "engagement",
            "name",
            "location_partner_id",
            "tenant_id",
            "partner_role",
            "workloads",
            "customer_contact_name",
            "customer_contact_title",
            "customer_contact_email",
            "partner_contact",
            "poe_signed_sow",
            "poe_file_name",
            "poe_sha256",
            "incentive_opt_out",
            "partner_center_reference",
            *READ_ONLY[4:],
        ]
        read_only_fields = READ_ONLY

    def get_reference(self, claim: Claim) -> str:
        return services.reference(claim)

    def get_overdue(self, claim: Claim) -> bool:
        return services.is_overdue(claim, timezone.localdate())


class ClaimTransitionRequestSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=ClaimState.choices)
    on = serializers.DateField(
        required=False, help_text="The day of the change; today if left out."
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PoeUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


class StatusImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="CSV: Claim reference, Status, Date, Reason.")


FAILED_RULES = inline_serializer(
    "SubmissionRefused",
    fields={
        "detail": serializers.CharField(),
        # Only when rules refuse the claim; other refusals name their fields in "errors".
        "failed_rules": serializers.ListField(child=serializers.CharField(), required=False),
        "errors": serializers.DictField(required=False),
    },
)


class ClaimViewSet(ScopedModelViewSet):
    """CPOR claims with their clock; the filters are the claim list page's."""

    queryset = (
        Claim.objects.select_related("customer", "engagement", "poe_signed_sow", "partner_contact")
        .prefetch_related("workloads__workload")
        .defer("document", "poe_signed_sow__document")
    )
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    ordering_fields = ["deadline", "state_since", "created_at", "name"]
    ordering = ["-created_at", "-pk"]
    # Submitting and recording states change the claim; reading its export or PoE views it.
    access_actions: dict[str, str] = {}

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save_claim(serializer, Claim())

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        assert isinstance(serializer.instance, Claim)
        self._save_claim(serializer, serializer.instance)

    def _save_claim(self, serializer: serializers.BaseSerializer[Any], claim: Claim) -> None:
        data = dict(serializer.validated_data)
        workloads = data.pop("workloads", None)
        for name, value in data.items():
            setattr(claim, name, value)
        serializer.instance = services.save_claim(
            acting_user=acting_user(self.request), claim=claim, workloads=workloads
        )

    def perform_destroy(self, instance: Claim) -> None:
        services.delete_claim(acting_user=acting_user(self.request), claim=instance)

    def _answer(self, claim: Claim) -> Response:
        fresh = self.get_queryset().get(pk=claim.pk)
        return Response(ClaimSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: ClaimSerializer, 400: FAILED_RULES})
    @action(detail=True, methods=["post"], access_actions={"POST": "change"})
    def submit(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        try:
            services.submit_claim(acting_user=acting_user(request), claim=claim)
        except services.SubmissionRefused as refused:
            return Response(
                {"detail": " ".join(refused.messages), "failed_rules": refused.failed_rules},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return self._answer(claim)

    @extend_schema(request=ClaimTransitionRequestSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"], access_actions={"POST": "change"})
    def transition(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        body = ClaimTransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        on: datetime.date | None = body.validated_data.get("on")
        services.transition_claim(
            acting_user=acting_user(request),
            claim=claim,
            state=body.validated_data["state"],
            on=on,
            reason=body.validated_data["reason"],
        )
        return self._answer(claim)

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("ClaimExport", fields={"claim_id": serializers.CharField()})
        },
        description='The data of Partner Center\'s "Add customer" form: claim_id, claim_name, '
        "partner_id_location, tenant_id, partner_role, workloads (names), customer contact "
        "name/title/email, partner contact, poe_file_name, poe_sha256, incentive_opt_out.",
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def export(self, request: Request, pk: str | None = None) -> Response:
        return Response(services.export_data(self.get_object()))

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: None},
    )
    @extend_schema(methods=["POST"], request=PoeUploadSerializer, responses={200: ClaimSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        access_actions={"GET": "view", "POST": "change"},
        parser_classes=[parsers.MultiPartParser],
        filterset_class=None,
    )
    def poe(self, request: Request, pk: str | None = None) -> Any:
        if request.method == "POST":
            claim = self.get_object()
            body = PoeUploadSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            try:
                name, content = read_upload(body.validated_data["file"], "poe")
            except ImportFailure as failure:
                raise DjangoValidationError({"file": str(failure)}) from failure
            claim = Claim.objects.get(pk=claim.pk)
            services.attach_poe_file(
                acting_user=acting_user(request), claim=claim, file_name=name, content=content
            )
            return self._answer(claim)
        document = services.poe_document(
            Claim.objects.select_related("poe_signed_sow").get(pk=self.get_object().pk)
        )
        if document is None:
            return Response(
                {"detail": "This claim has no proof of execution yet."},
                status=status.HTTP_404_NOT_FOUND,
            )
        return file_response(document[0], document[1])

    @extend_schema(
        request=StatusImportSerializer,
        responses={
            200: inline_serializer(
                "ClaimStatusImportResult",
                fields={
                    "changed": serializers.IntegerField(),
                    "unchanged": serializers.IntegerField(),
                    "conflicts": serializers.IntegerField(),
                },
            ),
            400: OpenApiResponse(description='{"detail": file, row and column of the problem}'),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="status-import",
        access_actions={"POST": "change"},
        parser_classes=[parsers.MultiPartParser],
        filterset_class=None,
        pagination_class=None,
    )
    def status_import(self, request: Request) -> Response:
        """Partner Center status updates (CSV): all or nothing; the same file twice changes
        nothing."""
        return api_file_import(
            request,
            upload_serializer=StatusImportSerializer,
            default_name="upload.csv",
            run_import=import_claim_status,
            serialize=lambda counts: {
                "changed": counts.changed,
                "unchanged": counts.unchanged,
                "conflicts": counts.conflicts,
            },
            with_detail=False,
        )


class ClaimTransitionSerializer(serializers.ModelSerializer[ClaimTransition]):
    actor: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="username", read_only=True
    )
    # Declared: a read-only model field loses ``allow_blank``, and the model allows a blank one.
    from_state = serializers.ChoiceField(
        choices=ClaimState.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ClaimTransition
        fields = [
            "id",
            "claim",
            "from_state",
            "to_state",
            "on",
            "reason",
            "source",
            "actor",
            "recorded_at",
        ]
        read_only_fields = ["to_state"]


class ClaimTransitionFilter(django_filters.FilterSet):
    class Meta:
        model = ClaimTransition
        fields = ["claim", "to_state", "source"]


class ClaimTransitionViewSet(ScopedReadOnlyViewSet):
    """The history of every claim (append-only)."""

    queryset = ClaimTransition.objects.select_related("actor")
    serializer_class = ClaimTransitionSerializer
    filterset_class = ClaimTransitionFilter


class ExternalClaimSerializer(serializers.ModelSerializer[ExternalClaim]):
    workload = SlugRelatedField(slug_field="code", queryset=Workload.objects.all())
    recorded_by: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = ExternalClaim
        fields = ["id", "customer", "workload", "partner_name", "seen_on", "note", "recorded_by"]


class ExternalClaimViewSet(ScopedModelViewSet):
    """Tenant workloads Partner Center reports as claimed by another partner."""

    queryset = ExternalClaim.objects.select_related("customer", "workload", "recorded_by")
    serializer_class = ExternalClaimSerializer
    filterset_class = ExternalClaimFilter

    def save_instance(self, instance: Any, related: dict[str, Any]) -> Any:
        return services.save_external_claim(
            acting_user=acting_user(self.request), external=instance
        )


def register(router: BaseRouter) -> None:
    router.register("claims", ClaimViewSet, basename="claim")
    router.register("claim-transitions", ClaimTransitionViewSet, basename="claim-transition")
    router.register("external-claims", ExternalClaimViewSet, basename="external-claim")
