"""The dashboards (program, portfolio), the reports page and the report downloads.

Every figure on a dashboard links to the list it counts, filtered to exactly the rows counted:
the stat cards, the figures under each chart and the chart's bars (dashboards.js sends a click
on a bar to its link).
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from frpdesk.compliance.models import Finding, Severity
from frpdesk.core.access import AnyUser, can, require
from frpdesk.core.views import AccessMixin
from frpdesk.customers.models import Customer
from frpdesk.dashboards import reports
from frpdesk.dashboards.figures import (
    OPEN_QUOTE_STATES,
    SIGNED_STATES,
    Amount,
    Period,
    PortfolioFigures,
    ProgramFigures,
    portfolio_figures,
    program_figures,
)
from frpdesk.dashboards.forms import PeriodForm

SEVERITY_COLOURS = {
    Severity.CRITICAL: "#dc3545",
    Severity.MAJOR: "#fd7e14",
    Severity.MINOR: "#ffc107",
}
PRIMARY = "#0f4c81"
PRIMARY_LIGHT = "rgba(15, 76, 129, 0.35)"
SUCCESS = "#198754"
PALETTE = ("#0f4c81", "#2a7ab9", "#4ea3d8", "#7cc4ea", "#198754", "#6f42c1", "#adb5bd", "#495057")
CLAIM_COLOURS = {
    "draft": "#adb5bd",
    "submitted": "#4ea3d8",
    "under_review": "#2a7ab9",
    "action_required": "#fd7e14",
    "approved": "#198754",
    "rejected": "#dc3545",
    "dispute": "#6f42c1",
    "rejected_final": "#842029",
}
MILESTONE_FILTERS = ("first", "second")  # the heat-map's milestone filter values, in pct order


def link(url_name: str, *args: Any, **query: Any) -> str:
    """The URL of a page with a query string; a list value repeats its parameter."""
    url = reverse(url_name, args=args)
    pairs = [
        (name, item)
        for name, value in query.items()
        for item in (value if isinstance(value, list | tuple) else [value])
    ]
    return f"{url}?{urlencode(pairs)}" if pairs else url


def chart(
    kind: str,
    labels: Sequence[str],
    datasets: Iterable[dict[str, Any]],
    *,
    links: Sequence[str] = (),
    **options: Any,
) -> dict[str, Any]:
    """What dashboards.js draws: a Chart.js chart whose bars (points, slices) lead to ``links``
    (one per label; a dataset may carry its own ``links``)."""
    return {
        "type": kind,
        "labels": list(labels),
        "datasets": list(datasets),
        "links": list(links),
        "options": options,
    }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --- program dashboard -----------------------------------------------------------------------


class ProgramDashboard(AccessMixin, TemplateView):
    """Compliance score and trend, open findings by severity and rule, NSAT of a period."""

    model = Finding
    template_name = "dashboards/program.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        form = PeriodForm(self.request.GET, today=today)
        figures = program_figures(self.request.user, period=form.period(), today=today)
        context.update(
            title="Program dashboard",
            form=form,
            figures=figures,
            links=program_links(figures),
            charts=program_charts(figures),
        )
        return context


def program_links(figures: ProgramFigures) -> dict[str, Any]:
    links: dict[str, Any] = {}
    if figures.score is not None:
        latest = figures.score.latest
        links["score"] = (
            reverse("compliance:run-detail", args=[latest.run_id])
            if latest
            else reverse("compliance:run-list")
        )
        links["runs"] = link("compliance:run-list", status="done")
    if figures.findings is not None:
        links["open"] = link("compliance:list", state="open")
        links["severity"] = {
            tally.key: link("compliance:list", state="open", severity=tally.key)
            for tally in figures.findings.by_severity
        }
        links["rule"] = {
            tally.rule: link("compliance:list", state="open", rule=tally.rule)
            for tally in figures.findings.by_rule
        }
    if figures.nsat is not None:
        links["nsat"] = link(
            "satisfaction:list",
            date_from=figures.period.start.isoformat(),
            date_to=figures.period.end.isoformat(),
        )
    return links


def program_charts(figures: ProgramFigures) -> dict[str, Any]:
    charts: dict[str, Any] = {}
    if figures.score is not None and figures.score.trend:
        trend = figures.score.trend
        run_links = [reverse("compliance:run-detail", args=[run.run_id]) for run in trend]
        charts["score"] = chart(
            "line",
            [timezone.localtime(run.started_at).strftime("%Y-%m-%d") for run in trend],
            [
                {
                    "label": "Compliance score",
                    "data": [float(run.score) for run in trend],
                    "borderColor": PRIMARY,
                    "backgroundColor": PRIMARY_LIGHT,
                    "fill": True,
                    "tension": 0.25,
                    "pointRadius": 2,
                }
            ],
            links=run_links,
            yMin=0,
            yMax=100,
            suffix=" %",
            legend=False,
        )
        if figures.failing_trend:
            charts["failing"] = chart(
                "bar",
                [
                    timezone.localtime(point.started_at).strftime("%Y-%m-%d")
                    for point in figures.failing_trend
                ],
                [
                    {
                        "label": label,
                        "data": [point.by_severity[value] for point in figures.failing_trend],
                        "backgroundColor": SEVERITY_COLOURS[Severity(value)],
                    }
                    for value, label in Severity.choices
                ],
                links=run_links,
                stacked=True,
            )
    if figures.findings is not None:
        links = program_links(figures)
        severities = figures.findings.by_severity
        charts["severity"] = chart(
            "doughnut",
            [tally.label for tally in severities],
            [
                {
                    "label": "Open findings",
                    "data": [tally.count for tally in severities],
                    "backgroundColor": [SEVERITY_COLOURS[Severity(t.key)] for t in severities],
                }
            ],
            links=[links["severity"][tally.key] for tally in severities],
        )
        rules = [tally for tally in figures.findings.by_rule if tally.count]
        charts["rule"] = chart(
            "bar",
            [tally.title for tally in rules],
            [
                {
                    "label": "Open findings",
                    "data": [tally.count for tally in rules],
                    "backgroundColor": [SEVERITY_COLOURS[Severity(t.severity)] for t in rules],
                }
            ],
            links=[links["rule"][tally.rule] for tally in rules],
            horizontal=True,
            legend=False,
        )
    return charts


# --- portfolio dashboard ---------------------------------------------------------------------


class PortfolioDashboard(AccessMixin, TemplateView):
    """Customers, engagements, adoption, claims, incentives and VAS across the portfolio."""

    model = Customer
    template_name = "dashboards/portfolio.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        figures = portfolio_figures(self.request.user)
        vas = figures.vas
        context.update(
            title="Portfolio dashboard",
            figures=figures,
            links=portfolio_links(figures),
            charts=portfolio_charts(figures),
            pipeline=_by_state(vas.pipeline if vas else None, OPEN_QUOTE_STATES),
            signed=_by_state(vas.signed if vas else None, SIGNED_STATES),
            currency=main_currency(figures),
        )
        return context


def main_currency(figures: PortfolioFigures) -> str:
    """The currency most quotes are in (the rate card's when there are none)."""
    counts: dict[str, int] = {}
    vas = figures.vas
    for amount in [*(vas.pipeline or ()), *(vas.signed or ())] if vas else []:
        counts[amount.currency] = counts.get(amount.currency, 0) + amount.count
    if counts:
        return max(sorted(counts), key=lambda currency: counts[currency])
    return figures.incentives.currency if figures.incentives else "USD"


def _by_state(amounts: Sequence[Amount] | None, states: Sequence[str]) -> dict[str, Any] | None:
    """Per state, its amounts (one per currency), and the totals per currency."""
    if amounts is None:
        return None
    totals: dict[str, Decimal] = {}
    count = 0
    for amount in amounts:
        totals[amount.currency] = totals.get(amount.currency, Decimal("0.00")) + amount.total
        count += amount.count
    return {
        "states": [
            (state, [amount for amount in amounts if amount.state == state]) for state in states
        ],
        "totals": sorted(totals.items()),
        "count": count,
    }


def portfolio_links(figures: PortfolioFigures) -> dict[str, Any]:
    links: dict[str, Any] = {}
    if figures.customers is not None:
        links["customers"] = reverse("customers:list")
        links["eligible"] = link("customers:list", eligible="true")
    if figures.engagements is not None:
        links["engagements"] = link("engagements:list", open="true")
        links["phase"] = {
            tally.key: link("engagements:list", phase=tally.key, open="true")
            for tally in figures.engagements.by_phase
        }
    if figures.adoption is not None:
        links["heatmap"] = reverse("adoption:heatmap")
        links["workload"] = {
            item.code: link("adoption:heatmap", workload=item.code)
            for item in figures.adoption.workloads
        }
        links["milestone"] = {
            (item.code, pct): link("adoption:heatmap", workload=item.code, milestone=value)
            for item in figures.adoption.workloads
            for pct, value in zip(figures.adoption.milestone_pcts, MILESTONE_FILTERS, strict=True)
        }
        links["milestone_any"] = {
            pct: link("adoption:heatmap", milestone=value)
            for pct, value in zip(figures.adoption.milestone_pcts, MILESTONE_FILTERS, strict=True)
        }
    if figures.claims is not None:
        links["claims"] = reverse("claims:list")
        links["claim_state"] = {
            tally.key: link("claims:list", state=tally.key) for tally in figures.claims.by_state
        }
    if figures.incentives is not None:
        links["incentives"] = reverse("incentives:estimates")
    if figures.vas is not None:
        links["pipeline"] = link("vas:quote-list", state=list(OPEN_QUOTE_STATES))
        links["quote_state"] = {
            state: link("vas:quote-list", state=state) for state in OPEN_QUOTE_STATES
        }
        links["signed"] = link("vas:contract-list", state=list(SIGNED_STATES))
        links["contract_state"] = {
            state: link("vas:contract-list", state=state) for state in SIGNED_STATES
        }
    return links


def portfolio_charts(figures: PortfolioFigures) -> dict[str, Any]:
    charts: dict[str, Any] = {}
    links = portfolio_links(figures)
    currency = main_currency(figures)
    if figures.engagements is not None:
        phases = figures.engagements.by_phase
        charts["phase"] = chart(
            "bar",
            [tally.label for tally in phases],
            [
                {
                    "label": "Open engagements",
                    "data": [tally.count for tally in phases],
                    "backgroundColor": PRIMARY,
                }
            ],
            links=[links["phase"][tally.key] for tally in phases],
            legend=False,
        )
    if figures.claims is not None:
        states = figures.claims.by_state
        charts["claims"] = chart(
            "bar",
            [tally.label for tally in states],
            [
                {
                    "label": "Claims",
                    "data": [tally.count for tally in states],
                    "backgroundColor": [CLAIM_COLOURS.get(t.key, PRIMARY) for t in states],
                }
            ],
            links=[links["claim_state"][tally.key] for tally in states],
            horizontal=True,
            legend=False,
        )
    adoption = figures.adoption
    if adoption is not None and adoption.workloads:
        workloads = adoption.workloads
        charts["adoption"] = chart(
            "bar",
            [item.name for item in workloads],
            [
                {
                    "label": f"AU% on {adoption.compared_with.isoformat()}",
                    "data": [_number(item.previous_au_pct) for item in workloads],
                    "backgroundColor": PRIMARY_LIGHT,
                },
                {
                    "label": f"AU% on {adoption.as_of.isoformat()}",
                    "data": [_number(item.au_pct) for item in workloads],
                    "backgroundColor": PRIMARY,
                },
            ],
            links=[links["workload"][item.code] for item in workloads],
            suffix=" %",
            milestones=list(adoption.milestone_pcts),
        )
        charts["milestones"] = chart(
            "bar",
            [item.name for item in workloads],
            [
                {
                    "label": f"{pct} % reached",
                    "data": [dict(item.reached)[pct] for item in workloads],
                    "backgroundColor": colour,
                    "links": [links["milestone"][(item.code, pct)] for item in workloads],
                }
                for pct, colour in zip(adoption.milestone_pcts, ("#4ea3d8", SUCCESS), strict=False)
            ],
            links=[links["workload"][item.code] for item in workloads],
        )
    if figures.incentives is not None:
        incentive = figures.incentives
        charts["incentives"] = chart(
            "doughnut",
            ["Earned", "Potential"],
            [
                {
                    "label": incentive.currency,
                    "data": [float(incentive.earned), float(incentive.potential)],
                    "backgroundColor": [SUCCESS, PRIMARY_LIGHT],
                }
            ],
            links=[links["incentives"]] * 2,
            suffix=f" {incentive.currency}",
        )
    vas = figures.vas
    if vas is not None and vas.pipeline is not None:
        charts["pipeline"] = _money_chart(
            vas.pipeline, OPEN_QUOTE_STATES, currency, links["quote_state"], "Open quotes"
        )
    if vas is not None and vas.signed is not None:
        charts["signed"] = _money_chart(
            vas.signed, SIGNED_STATES, currency, links["contract_state"], "Contracts"
        )
    return charts


def _money_chart(
    amounts: Sequence[Amount],
    states: Sequence[str],
    currency: str,
    state_links: dict[str, str],
    label: str,
) -> dict[str, Any]:
    from frpdesk.vas.models import QuoteState

    labels = dict(QuoteState.choices)
    totals = {amount.state: amount.total for amount in amounts if amount.currency == currency}
    return chart(
        "bar",
        [str(labels[state]) for state in states],
        [
            {
                "label": f"{label} ({currency})",
                "data": [float(totals.get(state, 0)) for state in states],
                "backgroundColor": [PALETTE[index % len(PALETTE)] for index in range(len(states))],
            }
        ],
        links=[state_links[state] for state in states],
        suffix=f" {currency}",
        legend=False,
    )


# --- reports ---------------------------------------------------------------------------------

REPORT_KINDS = {"compliance": Finding, "portfolio": Customer}


def _may_report(user: AnyUser) -> dict[str, bool]:
    return {kind: can(user, "view", model) for kind, model in REPORT_KINDS.items()}


class ReportsPage(LoginRequiredMixin, View):
    """The period form and the four downloads (compliance and portfolio, PDF and XLSX)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        may = _may_report(request.user)
        if not any(may.values()):
            raise PermissionDenied("Your role does not allow you to view findings or customers.")
        form = PeriodForm(request.GET, today=timezone.localdate())
        invalid = form.is_bound and not form.is_valid()
        return reports_page(request, form, may, status=400 if invalid else 200)


def reports_page(
    request: HttpRequest, form: PeriodForm, may: dict[str, bool], status: int = 200
) -> HttpResponse:
    period = form.period()
    query = urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})
    downloads = [
        {
            "kind": kind,
            "title": title,
            "description": description,
            "files": [
                (
                    file_format,
                    reverse(f"dashboards:{kind}-{file_format}") + f"?{query}",
                    reports.file_name(kind, period, file_format),
                )
                for file_format in reports.FORMATS
            ],
        }
        for kind, title, description in (
            (
                "compliance",
                "Compliance report",
                "The score and its trend in the period, the findings opened and resolved in it "
                "and those open at its end by rule and severity, with their records and messages, "
                "and NSAT in the period.",
            ),
            (
                "portfolio",
                "Portfolio report",
                "Customers and eligibility, engagements by phase, AU% by workload with its "
                "movement and milestones, claims by state, incentives, the VAS pipeline and "
                "signed revenue; claims approved and contracts signed in the period.",
            ),
        )
        if may[kind]
    ]
    return render(
        request,
        "dashboards/reports.html",
        {
            "title": "Reports",
            "form": form,
            "period": period,
            "downloads": downloads,
            "show_errors": form.is_bound and not form.is_valid(),
        },
        status=status,
    )


class ReportDownload(LoginRequiredMixin, View):
    """A report of the period ``from``–``to`` as PDF or XLSX; bad dates show the reports page
    with the form's errors (400)."""

    kind = ""
    file_format = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        file_format = self.file_format
        if file_format not in reports.FORMATS or self.kind not in REPORT_KINDS:
            raise Http404("No such report.")
        require(request.user, "view", REPORT_KINDS[self.kind])
        today = timezone.localdate()
        form = PeriodForm(request.GET, today=today)
        if form.is_bound and not form.is_valid():
            return reports_page(request, form, _may_report(request.user), status=400)
        period: Period = form.period()
        content = reports.render_report(
            self.kind, file_format, request.user, period=period, today=today
        )
        response = HttpResponse(content, content_type=reports.FORMATS[file_format])
        response["Content-Disposition"] = (
            f'attachment; filename="{reports.file_name(self.kind, period, file_format)}"'
        )
        return response
