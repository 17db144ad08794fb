"""Pages of the incentives area: the rate card, the estimates of approved claims with their
flags, statements (import, lines, disputes) and the claim page's incentive panel."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views import View

from frpdesk.claims.models import Claim, ClaimState, ClaimWorkload
from frpdesk.core.access import acting_user, can, require, restrict
from frpdesk.core.import_views import file_import_page
from frpdesk.core.views import (
    AccessMixin,
    CreatePage,
    DeletePage,
    DetailPage,
    ListPage,
    UpdatePage,
)
from frpdesk.incentives import services
from frpdesk.incentives.filters import (
    EstimateFilter,
    IncentiveRateFilter,
    StatementFilter,
    StatementLineFilter,
)
from frpdesk.incentives.forms import DisputeForm, IncentiveRateForm, StatementImportForm
from frpdesk.incentives.importing import import_statement
from frpdesk.incentives.models import IncentiveRate, Statement, StatementLine
from frpdesk.incentives.tables import (
    EstimateTable,
    IncentiveRateTable,
    StatementLineTable,
    StatementTable,
)

SAMPLE_CSV = (
    "Statement date,Tenant ID,Tenant name,Workload,Milestone,Amount,Currency\r\n"
    "3/31/2026,3f2a4c1e-9b7d-4e2a-8c5f-1a2b3c4d5e6f,Contoso Pharma,Microsoft Teams,15 % AU,"
    '"$1,234.50",USD\r\n'
)
LINE_ROWS = ("statement", "customer", "workload", "claim", "dispute")


# --- rate card -------------------------------------------------------------------------------


class RateListPage(ListPage):
    model = IncentiveRate
    table_class = IncentiveRateTable
    filterset_class = IncentiveRateFilter
    title = "Incentive rates"
    description = (
        "The amount per opportunity unit (PAU − starting peak) paid when a claimed workload "
        "reaches an AU% milestone, by validity period. Periods of the same workload and "
        "milestone never overlap."
    )
    create_url_name = "incentives:rate-create"
    export_name = "incentive-rates"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("workload")


class RateFormMixin:
    model: type[models.Model] = IncentiveRate
    form_class: Any = IncentiveRateForm
    success_url: Any = reverse_lazy("incentives:rate-list")
    cancel_url_name = "incentives:rate-list"
    request: HttpRequest

    def perform_save(self, form: Any) -> models.Model:
        return services.save_rate(acting_user=acting_user(self.request), rate=form.instance)


class RateCreatePage(RateFormMixin, CreatePage):
    success_message = "Rate added."


class RateEditPage(RateFormMixin, UpdatePage):
    success_message = "Rate saved; estimates use it from now on."


class RateDeletePage(DeletePage):
    model = IncentiveRate
    success_url = reverse_lazy("incentives:rate-list")


# --- estimates -------------------------------------------------------------------------------


class IncentivesAccessMixin(AccessMixin):
    """Pages about claims that show incentives: both may be read."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            require(request.user, "view", IncentiveRate)
        return super().dispatch(request, *args, **kwargs)


class EstimateListPage(IncentivesAccessMixin, ListPage):
    model = ClaimWorkload
    table_class = EstimateTable
    filterset_class = EstimateFilter
    template_name = "incentives/estimates.html"
    title = "Incentive estimates"
    description = (
        "Each approved claim workload: its opportunity units, the AU% milestones reached and "
        "forecast, what they earned or may earn at the rate card's rates, and what statements "
        f"paid. A milestone reached more than {services.UNPAID_AFTER_DAYS} days ago and on no "
        "statement is flagged."
    )
    export_name = "incentive-estimates"

    def get_queryset(self) -> Any:
        return restrict(self.request.user, "view", services.approved_claim_workloads()).order_by(
            "claim__customer__name", "claim__pk", "workload__sort_order"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows: list[services.Estimate] = list(context["table"].data)
        by_workload: dict[str, list[services.Estimate]] = {}
        for row in rows:
            by_workload.setdefault(row.claim_workload.workload.name, []).append(row)
        context.update(
            totals=services.Totals.of(rows),
            currency=services.card_currency(),
            disputable_count=restrict(self.request.user, "view", StatementLine.objects.all())
            .filter(services.disputable_condition())
            .count(),
            chart={
                "labels": list(by_workload),
                "earned": [
                    float(services.Totals.of(group).earned) for group in by_workload.values()
                ],
                "potential": [
                    float(services.Totals.of(group).potential) for group in by_workload.values()
                ],
                "currency": services.card_currency(),
            },
        )
        return context


class ClaimPanel(IncentivesAccessMixin, View):
    """The claim page's incentive panel (loaded by htmx): estimates and payments of one claim."""

    model = Claim

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = get_object_or_404(restrict(request.user, "view", Claim.objects.all()), pk=pk)
        earning = claim.state == ClaimState.APPROVED and not claim.incentive_opt_out
        rows = (
            services.estimates(services.approved_claim_workloads().filter(claim=claim))
            if earning
            else []
        )
        lines = restrict(request.user, "view", claim.statement_lines.select_related(*LINE_ROWS))
        return render(
            request,
            "incentives/claim_panel.html",
            {
                "claim": claim,
                "earning": earning,
                "rows": rows,
                "totals": services.Totals.of(rows),
                "currency": services.card_currency(),
                "lines_table": StatementLineTable(lines, request=request, orderable=False),
                "today": timezone.localdate(),
            },
        )


# --- statements ------------------------------------------------------------------------------


class StatementListPage(ListPage):
    model = Statement
    table_class = StatementTable
    filterset_class = StatementFilter
    template_name = "incentives/statement_list.html"
    title = "Payment statements"
    description = (
        "Microsoft's incentive payment statements, each line matched to our approved claims. "
        f"A line can be disputed until {services.DISPUTABLE_DAYS} days after its date."
    )
    export_name = "statements"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("imported_by")
            .annotate(line_count=Count("lines"))
            # Meta.ordering does not apply to an aggregate query.
            .order_by("-imported_at", "-pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_import"] = can(self.request.user, "add", Statement)
        return context


class StatementDetailPage(DetailPage):
    model = Statement
    template_name = "incentives/statement_detail.html"
    list_url_name = "incentives:statement-list"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        lines = restrict(
            self.request.user, "view", self.object.lines.select_related(*LINE_ROWS)
        ).order_by("row")
        context.update(
            title=str(self.object),
            lines_table=StatementLineTable(lines, request=self.request, orderable=False),
            dispute_form=DisputeForm(),
        )
        return context


class StatementDeletePage(DeletePage):
    model = Statement
    success_url = reverse_lazy("incentives:statement-list")


class LineListPage(ListPage):
    """Every statement line, with the flags as filters (still disputable, unmatched…)."""

    model = StatementLine
    table_class = StatementLineTable
    filterset_class = StatementLineFilter
    title = "Statement lines"
    description = (
        "Lines of every imported statement. Filter on “Still disputable” for the lines that can "
        f"still be disputed ({services.DISPUTABLE_DAYS} days after the statement date)."
    )
    export_name = "statement-lines"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related(*LINE_ROWS)


class LineDisputeAction(AccessMixin, View):
    """Files a dispute of a line (while disputable), or updates its dispute; back to where the
    form was, with the outcome as a message."""

    model = StatementLine
    access_action = "change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        line = get_object_or_404(
            restrict(request.user, "change", StatementLine.objects.all()), pk=pk
        )
        form = DisputeForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The dispute form is not valid: " + form.errors.as_text())
        else:
            try:
                services.record_dispute(
                    acting_user=acting_user(request), line=line, **form.cleaned_data
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Dispute of line {line.row} recorded.")
        return redirect(reverse("incentives:statement-detail", args=[line.statement_id]))


@login_required
def statement_import(request: HttpRequest) -> HttpResponse:
    return file_import_page(
        request,
        model=Statement,
        form_class=StatementImportForm,
        title="Import a payment statement",
        sample=SAMPLE_CSV,
        default_name="statement.csv",
        run_import=import_statement,
        created=lambda outcome: outcome.created,
        success_url=lambda outcome: reverse(
            "incentives:statement-detail", kwargs={"pk": outcome.statement.pk}
        ),
        template_name="incentives/statement_import.html",
    )
