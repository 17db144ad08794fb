"""Pages of the compliance area: the findings with their fix links, a finding with the history of
its record, the check runs with their score and per-rule results, "Run checks now" (a queued job
whose status the page polls), and the rules with their open findings and trend."""

from typing import Any

from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from frpdesk.compliance import services
from frpdesk.compliance.filters import CheckRunFilter, FindingFilter
from frpdesk.compliance.models import CheckRun, Finding, RuleResult, RunStatus, Severity
from frpdesk.compliance.rules import RULES
from frpdesk.compliance.tables import (
    CheckRunTable,
    FindingTable,
    rule_title,
    severity_badge,
    status_badge,
)
from frpdesk.core.access import acting_user, can, restrict
from frpdesk.core.views import AccessMixin, DetailPage, ListPage

TREND_RUNS = 30


def summary_context(user: Any) -> dict[str, Any]:
    """The latest score, open findings by severity and whether the user may run the checks."""
    visible = can(user, "view", CheckRun)
    return {
        "latest_run": services.latest_run() if visible else None,
        "by_severity": [
            (Severity(severity), count, severity_badge(severity))
            for severity, count in services.open_findings_by_severity().items()
        ]
        if can(user, "view", Finding)
        else [],
        "may_run": can(user, "add", CheckRun),
    }


def _trend_chart(runs: list[CheckRun]) -> dict[str, Any]:
    return {
        "labels": [run.started_at.strftime("%Y-%m-%d %H:%M") for run in runs],
        "values": [float(run.score) if run.score is not None else None for run in runs],
    }


# --- findings --------------------------------------------------------------------------------


class FindingListPage(ListPage):
    model = Finding
    table_class = FindingTable
    filterset_class = FindingFilter
    template_name = "compliance/findings.html"
    title = "Compliance findings"
    description = (
        "The program obligations each check run found broken, record by record; a finding "
        "resolves on the first run that no longer sees it."
    )
    export_name = "compliance-findings"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("customer", "owner")
            .order_by("resolved_at", models.Case(*_severity_order()), "-opened_at", "pk")
        )

    def get_table_kwargs(self) -> dict[str, Any]:
        # Open findings have no resolution date: the column shows only when resolved ones do.
        if self.request.GET.get("state", "") in ("", "open"):
            return {"exclude": ("resolved_at",)}
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(summary_context(self.request.user))
        return context


def _severity_order() -> list[models.When]:
    return [
        models.When(severity=severity, then=models.Value(position))
        for position, severity in enumerate(Severity)
    ]


class FindingDetailPage(DetailPage):
    model = Finding
    template_name = "compliance/finding_detail.html"
    list_url_name = "compliance:list"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("customer", "engagement", "owner", "opened_by_run", "resolved_by_run")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        finding: Finding = self.object
        history = (
            restrict(self.request.user, "view", Finding.objects.all())
            .filter(object_type=finding.object_type, object_id=finding.object_id)
            .exclude(pk=finding.pk)
            .select_related("opened_by_run", "resolved_by_run")
            .order_by("-opened_at", "-pk")
        )
        context.update(
            title=str(finding),
            rule=RULES.get(finding.rule),
            rule_title=rule_title(finding.rule),
            severity_badge=severity_badge(finding.severity),
            history=[(other, rule_title(other.rule)) for other in history[:50]],
            may_view_runs=can(self.request.user, "view", CheckRun),
        )
        return context


# --- check runs ------------------------------------------------------------------------------


class CheckRunListPage(ListPage):
    model = CheckRun
    table_class = CheckRunTable
    filterset_class = CheckRunFilter
    template_name = "compliance/runs.html"
    title = "Check runs"
    description = (
        "Every evaluation of the program obligations, hourly and on demand: its compliance score "
        "(the weighted share of checks that passed) and the findings it opened and resolved."
    )
    export_name = "compliance-check-runs"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("started_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(summary_context(self.request.user))
        context["trend"] = _trend_chart(services.score_trend(TREND_RUNS))
        return context


class CheckRunDetailPage(DetailPage):
    model = CheckRun
    template_name = "compliance/run_detail.html"
    list_url_name = "compliance:run-list"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("started_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        run: CheckRun = self.object
        results = restrict(self.request.user, "view", RuleResult.objects.filter(run=run))
        rows = []
        order = {code: position for position, code in enumerate(RULES)}
        for result in sorted(results, key=lambda item: order.get(item.rule, len(order))):
            rows.append(
                {
                    "result": result,
                    "title": rule_title(result.rule),
                    "badge": severity_badge(result.severity),
                    "passed": result.checked - result.failing,
                    "rate": (
                        round(100 * (result.checked - result.failing) / result.checked, 1)
                        if result.checked
                        else None
                    ),
                }
            )
        context.update(
            title=str(run),
            status_badge=status_badge(run),
            results=rows,
            may_run=can(self.request.user, "add", CheckRun),
            may_view_findings=can(self.request.user, "view", Finding),
        )
        return context


class RunStatusFragment(AccessMixin, View):
    """The status badge of a run for htmx polling; once the run is over, the page reloads to show
    its score and results."""

    model = CheckRun

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_object_or_404(restrict(request.user, "view", CheckRun.objects.all()), pk=pk)
        response = HttpResponse(status_badge(run))
        if run.status != RunStatus.RUNNING and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


class RunNowView(AccessMixin, View):
    """Queue a check run for the job worker and show it (its status polls until done)."""

    model = CheckRun
    access_action = "add"
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        already = services.running_run()
        run = services.request_run(acting_user=acting_user(request))
        if already is not None and already.pk == run.pk:
            messages.info(request, "A check run is already under way: here it is.")
        else:
            messages.success(request, "Check run queued: the results appear here once it is done.")
        return HttpResponseRedirect(reverse("compliance:run-detail", args=[run.pk]))


# --- rules -----------------------------------------------------------------------------------


class RulesPage(AccessMixin, View):
    model = Finding

    def get(self, request: HttpRequest) -> HttpResponse:
        open_counts = services.open_findings_by_rule(
            restrict(request.user, "view", Finding.objects.all())
        )
        runs, trends = (
            services.rule_trends(TREND_RUNS) if can(request.user, "view", RuleResult) else ([], {})
        )
        labels = [run.started_at.strftime("%Y-%m-%d %H:%M") for run in runs]
        rules = [
            {
                "rule": rule,
                "badge": severity_badge(rule.severity),
                "open": open_counts.get(code, 0),
                "chart_id": f"rule-trend-{code}",
                "chart": {"labels": labels, "values": trends.get(code, [])},
                "latest": next(
                    (value for value in reversed(trends.get(code, [])) if value is not None), None
                ),
            }
            for code, rule in RULES.items()
        ]
        context = {
            "title": "Compliance rules",
            "rules": rules,
            **summary_context(request.user),
        }
        return render(request, "compliance/rules.html", context)
