"""Dashboards API: the figures of the dashboards as JSON, from the same functions as the pages.

- ``GET /api/dashboards/program/``: the compliance score (newest completed run) and its trend
  (the newest runs, oldest first), the records failing the rules of each severity per run, open
  findings by severity and by rule, findings opened and resolved in the period, NSAT in the
  period. For users who may view findings.
- ``GET /api/dashboards/portfolio/``: customers and eligibility, open engagements by phase, AU%
  by workload now and a month earlier with the customers at each milestone, claims by state (and
  approved in the period), incentives earned and potential, the VAS pipeline (open quotes by
  state) and signed revenue (contracts signed, active or completed; and signed in the period).
  For users who may view customers.

Both take an optional period, ``from`` and ``to`` (YYYY-MM-DD, both days included; the last
quarter by default: the three whole months before the current one); a bad date is a 400 whose
``errors`` name the parameter. A figure of data the user's role may not view is ``null``.
Amounts are decimal strings.
"""

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from frpdesk.compliance.models import Finding
from frpdesk.customers.models import Customer
from frpdesk.dashboards.figures import Period, portfolio_figures, program_figures
from frpdesk.dashboards.forms import PeriodForm

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        description="First day of the period (default: the last quarter's).",
    ),
    OpenApiParameter(
        "to", OpenApiTypes.DATE, description="Last day of the period (default: the last quarter's)."
    ),
]
MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
PCT: dict[str, Any] = {"max_digits": 8, "decimal_places": 2}


class DashboardPeriodSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()


class DashboardTallySerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    count = serializers.IntegerField()


class DashboardRunScoreSerializer(serializers.Serializer[Any]):
    run_id = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2)


class DashboardScoreSerializer(serializers.Serializer[Any]):
    latest = DashboardRunScoreSerializer(allow_null=True)
    trend = DashboardRunScoreSerializer(many=True)


class DashboardFailingPointSerializer(serializers.Serializer[Any]):
    run_id = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    by_severity = serializers.DictField(
        child=serializers.IntegerField(), help_text="Failing records per severity."
    )


class DashboardRuleTallySerializer(serializers.Serializer[Any]):
    rule = serializers.CharField()
    title = serializers.CharField()
    severity = serializers.CharField()
    count = serializers.IntegerField()


class DashboardFindingFiguresSerializer(serializers.Serializer[Any]):
    open_total = serializers.IntegerField()
    by_severity = DashboardTallySerializer(many=True)
    by_rule = DashboardRuleTallySerializer(many=True)
    opened_in_period = serializers.IntegerField()
    resolved_in_period = serializers.IntegerField()


class DashboardNsatSerializer(serializers.Serializer[Any]):
    period = DashboardPeriodSerializer()
    responses = serializers.IntegerField()
    very_satisfied = serializers.IntegerField()
    dissatisfied = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    target = serializers.DecimalField(max_digits=5, decimal_places=1)
    below_target = serializers.BooleanField()


class DashboardProgramSerializer(serializers.Serializer[Any]):
    today = serializers.DateField()
    period = DashboardPeriodSerializer()
    score = DashboardScoreSerializer(allow_null=True)
    failing_trend = DashboardFailingPointSerializer(many=True, allow_null=True)
    findings = DashboardFindingFiguresSerializer(allow_null=True)
    nsat = DashboardNsatSerializer(allow_null=True)


class DashboardCustomerFiguresSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    eligible = serializers.IntegerField(allow_null=True)
    eligible_seats = serializers.IntegerField(allow_null=True)


class DashboardEngagementFiguresSerializer(serializers.Serializer[Any]):
    open_total = serializers.IntegerField()
    by_phase = DashboardTallySerializer(many=True)


class DashboardMilestoneCountSerializer(serializers.Serializer[Any]):
    pct = serializers.IntegerField()
    customers = serializers.IntegerField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        pct, customers = instance
        return {"pct": pct, "customers": customers}


class DashboardWorkloadAdoptionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    customers = serializers.IntegerField()
    mau = serializers.IntegerField()
    pau = serializers.IntegerField()
    au_pct = serializers.DecimalField(allow_null=True, **PCT)
    previous_au_pct = serializers.DecimalField(allow_null=True, **PCT)
    movement = serializers.DecimalField(allow_null=True, help_text="Percentage points.", **PCT)
    reached = DashboardMilestoneCountSerializer(many=True)


class DashboardAdoptionFiguresSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField()
    compared_with = serializers.DateField()
    milestone_pcts = serializers.ListField(child=serializers.IntegerField())
    workloads = DashboardWorkloadAdoptionSerializer(many=True)
    customers_reached = DashboardMilestoneCountSerializer(
        many=True, help_text="Customers with at least one workload at or above each milestone."
    )


class DashboardClaimFiguresSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    by_state = DashboardTallySerializer(many=True)
    approved_in_period = serializers.IntegerField()


class DashboardIncentiveFiguresSerializer(serializers.Serializer[Any]):
    currency = serializers.CharField()
    claim_workloads = serializers.IntegerField()
    earned = serializers.DecimalField(**MONEY)
    potential = serializers.DecimalField(**MONEY)


class DashboardAmountSerializer(serializers.Serializer[Any]):
    state = serializers.CharField(help_text="Empty for a total over states.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    currency = serializers.CharField()
    count = serializers.IntegerField()
    total = serializers.DecimalField(**MONEY)


class DashboardVasFiguresSerializer(serializers.Serializer[Any]):
    pipeline = DashboardAmountSerializer(many=True, allow_null=True)
    signed = DashboardAmountSerializer(many=True, allow_null=True)
    signed_in_period = DashboardAmountSerializer(many=True, allow_null=True)


class DashboardPortfolioSerializer(serializers.Serializer[Any]):
    today = serializers.DateField()
    period = DashboardPeriodSerializer()
    customers = DashboardCustomerFiguresSerializer(allow_null=True)
    engagements = DashboardEngagementFiguresSerializer(allow_null=True)
    adoption = DashboardAdoptionFiguresSerializer(allow_null=True)
    claims = DashboardClaimFiguresSerializer(allow_null=True)
    incentives = DashboardIncentiveFiguresSerializer(allow_null=True)
    vas = DashboardVasFiguresSerializer(allow_null=True)


def requested_period(request: Request) -> Period:
    form = PeriodForm(request.query_params, today=timezone.localdate())
    if form.is_bound and not form.is_valid():
        raise ValidationError(
            {name: [str(error) for error in errors] for name, errors in form.errors.items()}
        )
    return form.period()


class ProgramDashboardView(APIView):
    """The program dashboard's figures."""

    access_model = Finding

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=DashboardProgramSerializer)
    def get(self, request: Request) -> Response:
        figures = program_figures(request.user, period=requested_period(request))
        return Response(DashboardProgramSerializer(figures).data)


class PortfolioDashboardView(APIView):
    """The portfolio dashboard's figures."""

    access_model = Customer

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=DashboardPortfolioSerializer)
    def get(self, request: Request) -> Response:
        figures = portfolio_figures(request.user, period=requested_period(request))
        return Response(DashboardPortfolioSerializer(figures).data)
