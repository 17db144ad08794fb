"""REST API of the compliance area (read-only, except running the checks).

- ``/api/findings/``: findings, filtered like the findings page (``state`` open by default,
  ``resolved`` or ``all``; ``severity``, ``rule``, ``owner``, ``customer``, ``engagement``,
  ``run``, ``search``). A finding's detail is found whatever its state.
- ``/api/check-runs/``: the runs with their score and counts; a run's detail adds its per-rule
  results. Actions: ``run`` (POST, for users who may add check runs: runs every check now and
  answers with the run) and ``summary`` (GET: the latest completed run's score and the open
  findings by severity).
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from frpdesk.compliance import services
from frpdesk.compliance.filters import CheckRunFilter, FindingFilter
from frpdesk.compliance.models import CheckRun, Finding, RuleResult, Severity, Trigger
from frpdesk.compliance.tables import rule_title
from frpdesk.core.access import acting_user, restrict
from frpdesk.core.api import ScopedReadOnlyViewSet


class FindingSerializer(serializers.ModelSerializer[Finding]):
    rule_title = serializers.SerializerMethodField()
    owner: serializers.Field[Any, Any, Any, Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Empty: the program administrators."
    )
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "rule",
            "rule_title",
            "severity",
            "object_type",
            "object_id",
            "object_label",
            "message",
            "fix_url",
            "customer",
            "engagement",
            "owner",
            "is_open",
            "opened_at",
            "opened_by_run",
            "last_seen_at",
            "resolved_at",
            "resolved_by_run",
        ]

    def get_rule_title(self, finding: Finding) -> str:
        return rule_title(finding.rule)


class FindingViewSet(ScopedReadOnlyViewSet):
    """Compliance findings; open ones unless ``state`` says otherwise."""

    queryset = Finding.objects.select_related("owner")
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["opened_at", "last_seen_at", "resolved_at", "severity", "rule"]
    ordering = ["resolved_at", "-opened_at", "pk"]

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action == "retrieve":  # a resolved finding is found by its id too
            return queryset
        return super().filter_queryset(queryset)


class RuleResultSerializer(serializers.ModelSerializer[RuleResult]):
    rule_title = serializers.SerializerMethodField()

    class Meta:
        model = RuleResult
        fields = ["rule", "rule_title", "severity", "checked", "failing"]

    def get_rule_title(self, result: RuleResult) -> str:
        return rule_title(result.rule)


class CheckRunSerializer(serializers.ModelSerializer[CheckRun]):
    started_by: serializers.Field[Any, Any, Any, Any] = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Empty: a scheduled or command-line run, or its user was deleted.",
    )

    class Meta:
        model = CheckRun
        fields = [
            "id",
            "started_at",
            "finished_at",
            "trigger",
            "started_by",
            "status",
            "score",
            "checked",
            "failing",
            "opened",
            "resolved",
            "error",
        ]


class CheckRunDetailSerializer(CheckRunSerializer):
    results = RuleResultSerializer(many=True, read_only=True)

    class Meta(CheckRunSerializer.Meta):
        fields = [*CheckRunSerializer.Meta.fields, "results"]


SUMMARY = inline_serializer(
    "ComplianceSummary",
    fields={
        "score": serializers.DecimalField(
            max_digits=5, decimal_places=2, allow_null=True, help_text="Of the latest run."
        ),
        "run": CheckRunSerializer(allow_null=True, help_text="The latest completed run."),
        "open_findings": inline_serializer(
            "OpenFindingsBySeverity",
            fields={severity.value: serializers.IntegerField() for severity in Severity},
        ),
    },
)


class CheckRunViewSet(ScopedReadOnlyViewSet):
    """Check runs with their score; a run's detail lists the result of every rule."""

    queryset = CheckRun.objects.select_related("started_by")
    serializer_class = CheckRunSerializer
    filterset_class = CheckRunFilter
    ordering_fields = ["started_at", "score"]
    ordering = ["-started_at", "-pk"]
    # Running the checks adds a run; reading the summary views.
    access_actions: dict[str, str] = {}

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        if self.action in ("retrieve", "run"):
            return queryset.prefetch_related("results")
        return queryset

    def get_serializer_class(self) -> Any:
        return CheckRunDetailSerializer if self.action == "retrieve" else CheckRunSerializer

    @extend_schema(request=None, responses={200: CheckRunDetailSerializer})
    @action(
        detail=False,
        methods=["post"],
        access_actions={"POST": "add"},
        filterset_class=None,
        pagination_class=None,
    )
    def run(self, request: Request) -> Response:
        """Run every check now (trigger "on_demand"); answers with the run, done or failed."""
        run = services.run_checks(trigger=Trigger.ON_DEMAND, acting_user=acting_user(request))
        fresh = restrict(request.user, "view", CheckRun.objects.prefetch_related("results")).get(
            pk=run.pk
        )
        return Response(CheckRunDetailSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: SUMMARY})
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def summary(self, request: Request) -> Response:
        """The compliance score of the latest completed run and the open findings by
        severity."""
        latest = services.latest_run()
        return Response(
            {
                "score": str(latest.score) if latest and latest.score is not None else None,
                "run": (
                    CheckRunSerializer(latest, context=self.get_serializer_context()).data
                    if latest
                    else None
                ),
                "open_findings": services.open_findings_by_severity(),
            }
        )


def register(router: BaseRouter) -> None:
    router.register("findings", FindingViewSet, basename="finding")
    router.register("check-runs", CheckRunViewSet, basename="check-run")
