"""Incentives API.

- ``/api/incentive-rates/``: the rate card (list, read, create, update, delete). A rate whose
  period overlaps another rate of the same workload × milestone is refused (400). Filters:
  ``workload`` (code), ``milestone_pct``, ``in_force_on`` (date).
- ``/api/statements/``: imported payment statements (list, read, delete). ``POST`` multipart with
  ``file`` (CSV) imports one: 201 with the statement; the same file again answers 200 with the
  statement imported before and ``detail`` "already imported … nothing changed"; a bad file is a
  400 whose ``detail`` names the file, row and column (nothing is written).
- ``/api/statement-lines/``: read-only. Filters: ``match_status`` (matched, no_claim,
  unknown_tenant), ``disputable`` (true/false), ``disputed``, ``claim``, ``customer`` (ids),
  ``workload`` (code), ``statement`` (id). ``POST /api/statement-lines/{id}/dispute/``
  ``{"reason", "status"?, "resolution"?, "filed_on"?}`` files the line's dispute while the line is
  disputable (90 days after its statement date), or updates its dispute.
- ``/api/incentive-estimates/``: read-only, one row per approved claim workload (id = the claim
  workload's id): opportunity units, milestones (earned date, forecast, rate, amount, paid,
  unpaid flag), earned, potential, paid, forecast, unpaid flag. Filters: ``claim``, ``customer``
  (ids), ``workload`` (code), ``unpaid`` (true/false).

Amounts are decimal strings in the rate card's currency (``currency``).
"""

from typing import Any, ClassVar

from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from frpdesk.catalog.models import Workload
from frpdesk.core.access import Action, acting_user
from frpdesk.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, SlugRelatedField
from frpdesk.core.import_views import api_file_import, upload_serializer, with_detail
from frpdesk.incentives import services
from frpdesk.incentives.filters import (
    EstimateFilter,
    IncentiveRateFilter,
    StatementFilter,
    StatementLineFilter,
)
from frpdesk.incentives.importing import import_statement
from frpdesk.incentives.models import (
    IncentiveRate,
    LineDispute,
    Statement,
    StatementLine,
)

WORKLOAD_CODE: Any = {"slug_field": "code", "queryset": Workload.objects.all()}


class IncentiveRateSerializer(serializers.ModelSerializer[IncentiveRate]):
    workload = SlugRelatedField(help_text="Workload code, e.g. teams.", **WORKLOAD_CODE)

    class Meta:
        model = IncentiveRate
        fields = [
            "id",
            "workload",
            "milestone_pct",
            "amount_per_unit",
            "currency",
            "valid_from",
            "valid_to",
            "note",
        ]

    def validate_currency(self, value: str) -> str:
        return value.upper()


class IncentiveRateViewSet(ScopedModelViewSet):
    """The rate card: amount per opportunity unit for a workload reaching a milestone."""

    queryset = IncentiveRate.objects.select_related("workload")
    serializer_class = IncentiveRateSerializer
    filterset_class = IncentiveRateFilter
    ordering_fields = ["valid_from", "milestone_pct"]
    ordering = ["workload__sort_order", "milestone_pct", "-valid_from"]

    def save_instance(self, instance: Any, related: dict[str, Any]) -> Any:
        return services.save_rate(acting_user=acting_user(self.request), rate=instance)


class StatementSerializer(serializers.ModelSerializer[Statement]):
    imported_by: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    line_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Statement
        fields = ["id", "file_name", "sha256", "imported_by", "imported_at", "line_count"]
        read_only_fields = fields


StatementUploadSerializer = upload_serializer(
    "StatementUploadSerializer", "The payment statement (CSV)."
)
StatementImportSerializer = with_detail(StatementSerializer, "StatementImportSerializer")


class StatementViewSet(mixins.DestroyModelMixin, ScopedReadOnlyViewSet):
    """Imported payment statements; deleting one removes its lines and their disputes."""

    queryset = Statement.objects.select_related("imported_by").annotate(line_count=Count("lines"))
    serializer_class = StatementSerializer
    filterset_class = StatementFilter
    ordering_fields = ["imported_at", "file_name"]
    ordering = ["-imported_at", "-pk"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": StatementUploadSerializer},
        responses={201: StatementImportSerializer, 200: StatementImportSerializer},
    )
    def create(self, request: Request) -> Response:
        return api_file_import(
            request,
            upload_serializer=StatementUploadSerializer,
            default_name="statement.csv",
            run_import=import_statement,
            serialize=lambda outcome: (
                StatementSerializer(self.get_queryset().get(pk=outcome.statement.pk)).data
            ),
            created=lambda outcome: outcome.created,
        )


class LineDisputeSerializer(serializers.ModelSerializer[LineDispute]):
    filed_by: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = LineDispute
        fields = ["reason", "filed_on", "filed_by", "status", "resolution"]
        read_only_fields = ["filed_by"]
        # As a request (the dispute action), every field is optional: a first dispute needs a
        # reason (the service says so), an update usually only the status and resolution.
        extra_kwargs = {
            "reason": {"required": False, "allow_blank": True},
            "filed_on": {"required": False, "allow_null": True},
            "status": {"required": False},
            "resolution": {"required": False, "allow_blank": True},
        }


class StatementLineSerializer(serializers.ModelSerializer[StatementLine]):
    workload: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="code", read_only=True
    )
    disputable_until = serializers.SerializerMethodField()
    disputable = serializers.SerializerMethodField()
    dispute = serializers.SerializerMethodField()

    class Meta:
        model = StatementLine
        fields = [
            "id",
            "statement",
            "row",
            "statement_date",
            "tenant_id",
            "customer",
            "workload",
            "milestone_pct",
            "amount",
            "currency",
            "claim",
            "match_status",
            "disputable_until",
            "disputable",
            "dispute",
        ]
        read_only_fields = fields

    def get_disputable_until(self, line: StatementLine) -> Any:
        return services.disputable_until(line)

    def get_disputable(self, line: StatementLine) -> bool:
        return services.is_disputable(line)

    @extend_schema_field(LineDisputeSerializer(allow_null=True))
    def get_dispute(self, line: StatementLine) -> dict[str, Any] | None:
        try:
            return dict(LineDisputeSerializer(line.dispute).data)
        except LineDispute.DoesNotExist:
            return None


class StatementLineViewSet(ScopedReadOnlyViewSet):
    """Lines of the imported statements with their match to our claims and their disputes."""

    queryset = StatementLine.objects.select_related("workload", "dispute__filed_by")
    serializer_class = StatementLineSerializer
    filterset_class = StatementLineFilter
    ordering_fields = ["statement_date", "amount"]
    ordering = ["-statement_date", "statement", "row"]
    # Actions name the permission they need (see ModelAccessPermission).
    access_actions: ClassVar[dict[str, Action]] = {}

    @extend_schema(request=LineDisputeSerializer, responses={200: StatementLineSerializer})
    @action(detail=True, methods=["post"], access_actions={"POST": "change"})
    def dispute(self, request: Request, pk: str | None = None) -> Response:
        line = self.get_object()
        body = LineDisputeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.record_dispute(acting_user=acting_user(request), line=line, **body.validated_data)
        line = self.get_queryset().get(pk=line.pk)
        return Response(StatementLineSerializer(line).data)


class MilestoneEstimateSerializer(serializers.Serializer[Any]):
    pct = serializers.IntegerField()
    earned = serializers.BooleanField()
    earned_on = serializers.DateField(allow_null=True)
    forecast_on = serializers.DateField(allow_null=True)
    rate = serializers.DecimalField(
        source="rate.amount_per_unit", max_digits=10, decimal_places=2, allow_null=True
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    unpaid_flag = serializers.BooleanField()


class EstimateSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    claim = serializers.IntegerField(source="claim.pk")
    claim_name = serializers.CharField(source="claim.name")
    customer = serializers.IntegerField(source="claim.customer_id")
    tenant_id = serializers.UUIDField(source="claim.customer.tenant_id")
    workload = serializers.CharField(source="claim_workload.workload.code")
    refresh_date = serializers.DateField(source="figures.refresh_date", allow_null=True)
    pau = serializers.IntegerField(source="figures.pau", allow_null=True)
    starting_peak = serializers.IntegerField(source="figures.starting_peak", allow_null=True)
    opportunity_units = serializers.IntegerField(source="units", allow_null=True)
    au_pct = serializers.DecimalField(
        source="figures.au_pct", max_digits=8, decimal_places=2, allow_null=True
    )
    currency = serializers.CharField()
    milestones = MilestoneEstimateSerializer(many=True)
    earned = serializers.DecimalField(max_digits=14, decimal_places=2)
    potential = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    forecast_on = serializers.DateField(allow_null=True)
    unpaid_flag = serializers.BooleanField()


class IncentiveEstimateViewSet(ScopedReadOnlyViewSet):
    """Incentive estimates of the approved claim workloads (claims opted out excluded)."""

    queryset = services.approved_claim_workloads()
    serializer_class = EstimateSerializer
    filterset_class = EstimateFilter
    ordering_fields = ["claim__approved_on", "claim__customer__name"]
    ordering = ["claim__customer__name", "claim__pk", "workload__sort_order"]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert rows is not None  # the API always paginates
        return self.get_paginated_response(
            EstimateSerializer(services.estimates(rows), many=True).data
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        (estimate,) = services.estimates([self.get_object()])
        return Response(EstimateSerializer(estimate).data)


def register(router: BaseRouter) -> None:
    router.register("incentive-rates", IncentiveRateViewSet, basename="incentive-rate")
    router.register("statements", StatementViewSet, basename="statement")
    router.register("statement-lines", StatementLineViewSet, basename="statement-line")
    router.register("incentive-estimates", IncentiveEstimateViewSet, basename="incentive-estimate")
