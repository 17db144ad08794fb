"""The compliance and portfolio reports of a period, as PDF (WeasyPrint) and XLSX (openpyxl).

A report is built once as data (a summary and titled sections of rows) from the same figures as
the dashboards, then written in either format: the PDF as an A4 document with a running header
and page numbers, the workbook with a summary sheet and one sheet per section. Long lists of
findings are cut in the PDF (the workbook holds every row).
"""

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from frpdesk.compliance.models import Finding, Severity
from frpdesk.compliance.rules import RULES
from frpdesk.core.access import AnyUser, can, restrict
from frpdesk.core.exports import EXPORT_FORMATS
from frpdesk.dashboards import figures as f
from frpdesk.partner.models import PartnerProfile
from frpdesk.satisfaction import services as satisfaction
from frpdesk.satisfaction.models import SurveyResponse
from frpdesk.vas.pricing import format_money

FORMATS = {"pdf": "application/pdf", "xlsx": EXPORT_FORMATS["xlsx"]}
# Rows of one list of findings the PDF shows; the workbook has them all.
PDF_ROWS = 200


def file_name(kind: str, period: f.Period, file_format: str) -> str:
    """``compliance-report-2026-08-01-to-2026-10-31.pdf``."""
    return f"{kind}-report-{period.slug}.{file_format}"


@dataclass
class Section:
    title: str
    header: list[str]
    rows: list[list[Any]]
    numeric: frozenset[int] = frozenset()  # right-aligned columns
    pdf_hidden: frozenset[int] = frozenset()  # columns the PDF leaves out (narrow A4 pages)
    intro: str = ""
    empty: str = "None."
    pdf_rows: int | None = None  # rows the PDF shows (all when None)
    pdf_class: str = ""  # a table style of the PDF template (``findings``: narrow columns)

    @property
    def pdf_body(self) -> list[list[Any]]:
        return self.rows if self.pdf_rows is None else self.rows[: self.pdf_rows]

    @property
    def pdf_columns(self) -> list[int]:
        return [index for index in range(len(self.header)) if index not in self.pdf_hidden]

    @property
    def cut(self) -> int:
        """Rows left out of the PDF."""
        return len(self.rows) - len(self.pdf_body)


@dataclass
class Report:
    kind: str
    title: str
    period: f.Period
    partner: str
    generated_at: datetime.datetime
    summary: list[tuple[str, Any]]
    sections: list[Section]
    chart: SafeString | None = None  # an inline SVG (the score trend)
    notes: list[str] = field(default_factory=list)


def _partner(user: AnyUser) -> str:
    if not can(user, "view", PartnerProfile):
        return ""
    from frpdesk.partner.services import current_profile

    profile = current_profile()
    return f"{profile.organisation_name} · PartnerID {profile.partner_id}" if profile else ""


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f} %"


def _points(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:+.2f} pp"


# --- compliance report -----------------------------------------------------------------------


def compliance_report(
    user: AnyUser, *, period: f.Period, today: datetime.date | None = None
) -> Report:
    """Score and trend in the period, findings opened and resolved in it and open at its end (by
    rule and severity, with their records and messages), NSAT in the period."""
    summary: list[tuple[str, Any]] = []
    sections: list[Section] = []
    score = f.score_figures(user, period=period)
    chart = None
    if score is not None:
        trend = score.trend
        latest = score.latest
        summary.append(
            (
                "Compliance score at the end of the period",
                f"{latest.score} % ({_local(latest.started_at)})" if latest else "No check run",
            )
        )
        if trend:
            scores = [run.score for run in trend]
            summary += [
                ("Check runs in the period", len(trend)),
                ("First and last score in the period", f"{scores[0]} % → {scores[-1]} %"),
                ("Lowest and highest score", f"{min(scores)} % – {max(scores)} %"),
            ]
            chart = score_svg(trend)
        failing = f.failing_trend(user, trend)
        header = ["Check run", "Score %"]
        rows: list[list[Any]] = [[_local(run.started_at), run.score] for run in trend]
        if failing is not None:
            header += [f"{label} failing" for _, label in Severity.choices]
            for row, point in zip(rows, failing, strict=True):
                row += [point.by_severity[value] for value, _ in Severity.choices]
        sections.append(
            Section(
                "Score per check run",
                header,
                rows,
                numeric=frozenset(range(1, len(header))),
                intro="The weighted share of checks that passed in each run of the period, and "
                "the records failing the rules of each severity.",
                empty="No check run completed in the period.",
            )
        )
    findings = restrict(user, "view", Finding.objects.all())
    start, after = period.bounds()
    opened = findings.filter(opened_at__gte=start, opened_at__lt=after)
    resolved = findings.filter(resolved_at__gte=start, resolved_at__lt=after)
    open_at_end = findings.filter(opened_at__lt=after).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=after)
    )
    counts = {
        name: f._counts(queryset, "rule")
        for name, queryset in (("opened", opened), ("resolved", resolved), ("open", open_at_end))
    }
    by_severity = f._counts(open_at_end, "severity")
    summary += [
        ("Findings open at the end of the period", sum(counts["open"].values())),
        *(
            (f"… of which {label.lower()}", by_severity.get(value, 0))
            for value, label in Severity.choices
        ),
        ("Findings opened in the period", sum(counts["opened"].values())),
        ("Findings resolved in the period", sum(counts["resolved"].values())),
    ]
    sections.append(
        Section(
            "Findings by rule",
            ["Rule", "Title", "Severity", "Opened", "Resolved", "Open at the end"],
            [
                [
                    rule.code,
                    rule.title,
                    rule.severity.label,
                    counts["opened"].get(rule.code, 0),
                    counts["resolved"].get(rule.code, 0),
                    counts["open"].get(rule.code, 0),
                ]
                for rule in sorted(RULES.values(), key=lambda rule: _severity_rank(rule.severity))
            ],
            numeric=frozenset({3, 4, 5}),
            intro="Opened and resolved: in the period. Open at the end: on its last day.",
        )
    )
    for title, queryset, intro, severity_first in (
        (
            "Findings open at the end of the period",
            open_at_end,
            "Most severe first, then the oldest.",
            True,
        ),
        ("Findings opened in the period", opened, "Oldest first.", False),
        ("Findings resolved in the period", resolved, "Oldest first.", False),
    ):
        sections.append(_finding_section(title, queryset, intro, by_severity_first=severity_first))
    nsat = f.nsat_figure(user, period)
    if nsat is not None:
        summary += [
            ("NSAT in the period", f"{nsat.value}" if nsat.value is not None else "No responses"),
            ("Survey responses in the period", nsat.responses),
            ("NSAT target", f"{nsat.target}"),
        ]
        responses = satisfaction.responses_between(
            period.start, period.end, restrict(user, "view", SurveyResponse.objects.all())
        )
        names = dict(responses.order_by().values_list("customer_id", "customer__name").distinct())
        per_customer = sorted(
            satisfaction.nsat_by_customer(responses).items(), key=lambda item: names[item[0]]
        )
        sections.append(
            Section(
                "NSAT by customer",
                ["Customer", "Responses", "Very satisfied", "Dissatisfied", "NSAT", "Below target"],
                [
                    [
                        names[customer_id],
                        value.responses,
                        value.very_satisfied,
                        value.dissatisfied,
                        value.value,
                        "Yes" if satisfaction.is_below(value, nsat.target) else "",
                    ]
                    for customer_id, value in per_customer
                ],
                numeric=frozenset({1, 2, 3, 4}),
                intro=f"NSAT = % very satisfied − % dissatisfied + 100, over the responses dated "
                f"in the period; the target is {nsat.target}.",
                empty="No survey responses in the period.",
                pdf_rows=PDF_ROWS,
            )
        )
    return Report(
        kind="compliance",
        title="Compliance report",
        period=period,
        partner=_partner(user),
        generated_at=timezone.now(),
        summary=summary,
        sections=sections,
        chart=chart,
    )


def _severity_rank(severity: str) -> int:
    return [value for value, _ in Severity.choices].index(severity)


def _finding_section(
    title: str, findings: QuerySet[Finding], intro: str, *, by_severity_first: bool
) -> Section:
    ordering = ("severity", "opened_at", "pk") if by_severity_first else ("opened_at", "pk")
    rows = [
        [
            finding.rule,
            RULES[finding.rule].title if finding.rule in RULES else finding.rule,
            finding.get_severity_display(),
            finding.object_label,
            finding.customer.name if finding.customer else "",
            finding.message,
            _local(finding.opened_at),
            _local(finding.resolved_at),
        ]
        for finding in findings.select_related("customer").order_by(*ordering)
    ]
    return Section(
        title,
        ["Rule", "Title", "Severity", "Record", "Customer", "Message", "Opened", "Resolved"],
        rows,
        intro=intro,
        pdf_rows=PDF_ROWS,
        pdf_hidden=frozenset({0}),
        pdf_class="findings",
    )


def score_svg(trend: Sequence[f.RunScore], width: int = 640, height: int = 160) -> SafeString:
    """The score per run as an inline SVG line (0–100 %), drawn without any resource."""
    left, bottom, top = 34, 18, 8
    inner_w, inner_h = width - left - 8, height - bottom - top
    count = len(trend)

    def x(index: int) -> float:
        return left + (inner_w * index / (count - 1) if count > 1 else inner_w / 2)

    def y(score: Decimal) -> float:
        return top + inner_h * (1 - float(score) / 100)

    grid = "".join(
        f'<line x1="{left}" y1="{y(Decimal(v)):.1f}" x2="{width - 8}" y2="{y(Decimal(v)):.1f}" '
        f'stroke="#dee2e6" stroke-width="0.6"/>'
        f'<text x="{left - 4}" y="{y(Decimal(v)) + 3:.1f}" font-size="8" text-anchor="end" '
        f'fill="#6c757d">{v}</text>'
        for v in (0, 25, 50, 75, 100)
    )
    points = " ".join(f"{x(i):.1f},{y(run.score):.1f}" for i, run in enumerate(trend))
    dots = "".join(
        f'<circle cx="{x(i):.1f}" cy="{y(run.score):.1f}" r="1.6" fill="#0f4c81"/>'
        for i, run in enumerate(trend)
    )
    first, last = trend[0].started_at, trend[-1].started_at
    labels = (
        f'<text x="{left}" y="{height - 4}" font-size="8" fill="#6c757d">{_local(first)[:10]}</text>'
        f'<text x="{width - 8}" y="{height - 4}" font-size="8" text-anchor="end" '
        f'fill="#6c757d">{_local(last)[:10]}</text>'
    )
    return mark_safe(  # numbers and dates only
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{grid}'
        f'<polyline points="{points}" fill="none" stroke="#0f4c81" stroke-width="1.4"/>'
        f"{dots}{labels}</svg>"
    )


# --- portfolio report ------------------------------------------------------------------------


def portfolio_report(
    user: AnyUser, *, period: f.Period, today: datetime.date | None = None
) -> Report:
    """The portfolio dashboard's figures, with the claims approved and the contracts signed in
    the period."""
    figures = f.portfolio_figures(user, period=period, today=today)
    summary: list[tuple[str, Any]] = []
    sections: list[Section] = []
    if figures.customers is not None:
        summary.append(("Customers", figures.customers.total))
        if figures.customers.eligible is not None:
            summary += [
                ("Customers eligible for the Benefit", figures.customers.eligible),
                ("Eligible seats (eligible customers)", figures.customers.eligible_seats),
            ]
    if figures.engagements is not None:
        summary.append(("Open engagements", figures.engagements.open_total))
        sections.append(
            Section(
                "Open engagements by phase",
                ["Phase", "Open engagements"],
                [[tally.label, tally.count] for tally in figures.engagements.by_phase],
                numeric=frozenset({1}),
            )
        )
    if figures.adoption is not None:
        adoption = figures.adoption
        pcts = adoption.milestone_pcts
        sections.append(
            Section(
                "Adoption by workload",
                [
                    "Workload",
                    "Customers",
                    "MAU",
                    "PAU",
                    f"AU% on {adoption.as_of.isoformat()}",
                    f"AU% on {adoption.compared_with.isoformat()}",
                    "Movement",
                    *(f"Reached {pct} %" for pct in pcts),
                ],
                [
                    [
                        item.name,
                        item.customers,
                        item.mau,
                        item.pau,
                        item.au_pct,
                        item.previous_au_pct,
                        item.movement,
                        *(count for _pct, count in item.reached),
                    ]
                    for item in adoption.workloads
                ],
                numeric=frozenset(range(1, 7 + len(pcts))),
                intro="AU% = Σ MAU ÷ Σ PAU over each customer's newest usage point of the "
                "workload (points without PAU left out), now and a month earlier; movement in "
                "percentage points. Reached: customers whose newest AU% is at the milestone or "
                "above.",
                empty="No usage data.",
                pdf_class="wide",
            )
        )
        for (pct, customers), (_pct, pairs) in zip(
            adoption.customers_reached, adoption.reached_totals, strict=True
        ):
            summary += [
                (f"Customers with a workload at {pct} % AU or more", customers),
                (f"Customer workloads at {pct} % AU or more", pairs),
            ]
    if figures.claims is not None:
        claims = figures.claims
        summary += [
            ("CPOR claims", claims.total),
            ("Claims approved in the period", claims.approved_in_period),
        ]
        sections.append(
            Section(
                "CPOR claims by state",
                ["State", "Claims"],
                [[tally.label, tally.count] for tally in claims.by_state],
                numeric=frozenset({1}),
            )
        )
    if figures.incentives is not None:
        incentive = figures.incentives
        summary += [
            ("Incentives earned", format_money(incentive.earned, incentive.currency)),
            (
                "Incentives potential (milestones not reached yet)",
                format_money(incentive.potential, incentive.currency),
            ),
        ]
    vas = figures.vas
    if vas is not None:
        for title, amounts, what in (
            ("VAS pipeline (open quotes)", vas.pipeline, "Quotes"),
            ("Signed revenue (contracts signed, active or completed)", vas.signed, "Contracts"),
            ("Contracts signed in the period", vas.signed_in_period, "Contracts"),
        ):
            if amounts is None:
                continue
            for currency, total in f.totals_by_currency(amounts).items():
                summary.append((f"{title}", format_money(total, currency)))
            sections.append(
                Section(
                    title,
                    ["State", "Currency", what, "Total"],
                    [
                        [amount.label, amount.currency, amount.count, amount.total]
                        for amount in amounts
                    ],
                    numeric=frozenset({2, 3}),
                )
            )
    notes = [
        "Figures are as of the day the report was made; claims approved and contracts signed "
        "are counted in the period."
    ]
    return Report(
        kind="portfolio",
        title="Portfolio report",
        period=period,
        partner=_partner(user),
        generated_at=timezone.now(),
        summary=summary,
        sections=sections,
        notes=notes,
    )


# --- rendering -------------------------------------------------------------------------------


def _refuse_fetch(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    """WeasyPrint must not reach the network: a report has no external resources."""
    raise ValueError(f"Reports load no external resources ({url[:60]})")


def _cell_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def to_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "dashboards/report_pdf.html",
        {
            "report": report,
            "summary": [(label, _cell_text(value)) for label, value in report.summary],
            "sections": [
                (
                    section,
                    [
                        (section.header[index], index in section.numeric)
                        for index in section.pdf_columns
                    ],
                    [
                        [
                            (_cell_text(row[index]), index in section.numeric)
                            for index in section.pdf_columns
                        ]
                        for row in section.pdf_body
                    ],
                )
                for section in report.sections
            ],
            "generated": _local(report.generated_at),
        },
    )
    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return pdf


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def to_xlsx(report: Report) -> bytes:
    """A summary sheet, then one sheet per section; header rows in bold."""
    workbook = Workbook(write_only=True)

    def bold(sheet: Any, value: Any) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        return cell

    summary = workbook.create_sheet(title="Summary")
    summary.append([bold(summary, report.title)])
    summary.append(["Period", report.period.label])
    if report.partner:
        summary.append(["Partner", report.partner])
    summary.append(["Made", _local(report.generated_at)])
    summary.append([])
    summary.append([bold(summary, "Figure"), bold(summary, "Value")])
    for label, value in report.summary:
        summary.append([label, _xlsx_value(value)])
    for note in report.notes:
        summary.append([])
        summary.append([note])
    used: set[str] = {"Summary"}
    for section in report.sections:
        sheet = workbook.create_sheet(title=_sheet_title(section.title, used))
        sheet.append([bold(sheet, title) for title in section.header])
        for row in section.rows:
            sheet.append([_xlsx_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    """A unique sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    clean = "".join(" " if char in "[]:*?/\\" else char for char in title)
    name = clean.split(" (")[0][:31].strip()
    number = 2
    while name in used:
        suffix = f" {number}"
        name = clean[: 31 - len(suffix)].strip() + suffix
        number += 1
    used.add(name)
    return name


BUILDERS = {"compliance": compliance_report, "portfolio": portfolio_report}
RENDERERS = {"pdf": to_pdf, "xlsx": to_xlsx}


def render_report(
    kind: str,
    file_format: str,
    user: AnyUser,
    *,
    period: f.Period,
    today: datetime.date | None = None,
) -> bytes:
    report = BUILDERS[kind](user, period=period, today=today)
    return RENDERERS[file_format](report)
