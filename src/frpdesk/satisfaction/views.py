"""Pages of the satisfaction area: survey responses, the imported files and their upload, the
NSAT page (per customer and overall over a period, with the monthly trend) and the customer
page's satisfaction panel."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views import View

from frpdesk.core.access import AnyUser, can, restrict
from frpdesk.core.exports import EXPORT_FORMATS, export_response
from frpdesk.core.import_views import file_import_page
from frpdesk.core.views import AccessMixin, DeletePage, ListPage
from frpdesk.customers.models import Customer
from frpdesk.satisfaction import services
from frpdesk.satisfaction.filters import SurveyImportFilter, SurveyResponseFilter
from frpdesk.satisfaction.forms import NsatPeriodForm, SurveyImportForm
from frpdesk.satisfaction.importing import import_survey
from frpdesk.satisfaction.models import SurveyImport, SurveyResponse
from frpdesk.satisfaction.tables import SurveyImportTable, SurveyResponseTable

SAMPLE_CSV = (
    "Tenant ID,Tenant name,Response date,Satisfaction,Verbatim\r\n"
    "3f2a4c1e-9b7d-4e2a-8c5f-1a2b3c4d5e6f,Contoso Pharma,3/31/2026,Very satisfied,"
    '"Clear guidance, quick answers"\r\n'
    "Contoso Pharma,2026-04-02,Somewhat dissatisfied,Migration advice came late\r\n"
)
PANEL_RESPONSES = 5


def visible_responses(user: AnyUser) -> models.QuerySet[SurveyResponse]:
    """The responses a user may read, of customers they may read."""
    return restrict(user, "view", SurveyResponse.objects.all()).filter(
        customer__in=restrict(user, "view", Customer.objects.all())
    )


# --- responses and imports -------------------------------------------------------------------


class ResponseListPage(ListPage):
    model = SurveyResponse
    table_class = SurveyResponseTable
    filterset_class = SurveyResponseFilter
    template_name = "satisfaction/response_list.html"
    title = "Survey responses"
    description = (
        "Microsoft's customer satisfaction survey results, one row per response on the 4-point "
        "scale. NSAT = % very satisfied − % dissatisfied + 100."
    )
    export_name = "survey-responses"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .filter(customer__in=restrict(self.request.user, "view", Customer.objects.all()))
            .select_related("customer", "survey_import")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_import"] = can(self.request.user, "add", SurveyImport)
        return context


class ImportListPage(ListPage):
    model = SurveyImport
    table_class = SurveyImportTable
    filterset_class = SurveyImportFilter
    template_name = "satisfaction/import_list.html"
    title = "Survey imports"
    description = (
        "Each survey results file imported, once: the same file again changes nothing. "
        "Deleting an import removes its responses."
    )
    export_name = "survey-imports"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("imported_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_import"] = can(self.request.user, "add", SurveyImport)
        return context


class ImportDeletePage(DeletePage):
    model = SurveyImport
    success_url = reverse_lazy("satisfaction:import-list")


@login_required
def survey_import(request: HttpRequest) -> HttpResponse:
    return file_import_page(
        request,
        model=SurveyImport,
        form_class=SurveyImportForm,
        title="Import survey results",
        sample=SAMPLE_CSV,
        default_name="survey.csv",
        run_import=import_survey,
        created=lambda outcome: outcome.created,
        success_url=lambda outcome: (
            reverse("satisfaction:list") + f"?survey_import={outcome.survey_import.pk}"
        ),
        template_name="satisfaction/survey_import.html",
    )


# --- NSAT ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NsatRow:
    customer: Customer | None  # None: every customer together
    nsat: services.Nsat
    target: Decimal

    @property
    def very_satisfied_pct(self) -> Decimal | None:
        return services.share(self.nsat.very_satisfied, self.nsat.responses)

    @property
    def dissatisfied_pct(self) -> Decimal | None:
        return services.share(self.nsat.dissatisfied, self.nsat.responses)

    @property
    def below(self) -> bool:
        return services.is_below(self.nsat, self.target)

    def values(self) -> list[Any]:
        return [
            self.customer.name if self.customer else "All customers",
            str(self.customer.tenant_id) if self.customer else "",
            self.nsat.responses,
            self.very_satisfied_pct,
            self.dissatisfied_pct,
            self.nsat.value,
            "yes" if self.below else "",
        ]


EXPORT_HEADER = [
    "Customer",
    "Tenant ID",
    "Responses",
    "Very satisfied %",
    "Dissatisfied %",
    "NSAT",
    "Below target",
]


class NsatPage(AccessMixin, View):
    """NSAT per customer and overall over a period (the last 90 days by default); customers
    below the target first."""

    model = SurveyResponse

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        form = NsatPeriodForm(request.GET or None, today=today)
        target = services.nsat_target()
        context: dict[str, Any] = {
            "title": "Customer satisfaction (NSAT)",
            "form": form,
            "target": target,
            "today": today,
            "may_import": can(request.user, "add", SurveyImport),
        }
        if form.is_bound and not form.is_valid():
            return render(request, "satisfaction/nsat.html", context)
        start, end = form.period()
        responses = services.responses_between(start, end, visible_responses(request.user))
        customers = {
            customer.pk: customer
            for customer in Customer.objects.filter(
                pk__in=responses.values("customer_id").distinct()
            )
        }
        rows = sorted(
            (
                NsatRow(customers[pk], nsat, target)
                for pk, nsat in services.nsat_by_customer(responses).items()
            ),
            key=lambda row: (row.nsat.value or 0, row.customer.name if row.customer else ""),
        )
        overall = NsatRow(None, services.overall_nsat(responses), target)
        export_format = request.GET.get("export")
        if export_format in EXPORT_FORMATS:
            return export_response(
                [EXPORT_HEADER, overall.values(), *(row.values() for row in rows)],
                export_format=export_format,
                name=f"nsat-{start.isoformat()}-{end.isoformat()}",
            )
        months = services.nsat_by_month(responses)
        query = request.GET.copy()
        query.pop("export", None)
        context.update(
            start=start,
            end=end,
            rows=rows,
            overall=overall,
            below_count=sum(1 for row in rows if row.below),
            query=query.urlencode(),
            chart={
                "labels": [month.strftime("%Y-%m") for month, _nsat in months],
                "nsat": [float(nsat.value or 0) for _month, nsat in months],
                "responses": [nsat.responses for _month, nsat in months],
                "target": float(target),
            },
        )
        return render(request, "satisfaction/nsat.html", context)


class CustomerPanel(AccessMixin, View):
    """The customer page's satisfaction panel (loaded by htmx): NSAT of the last 90 days and
    overall, and the newest responses."""

    model = SurveyResponse

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = get_object_or_404(restrict(request.user, "view", Customer.objects.all()), pk=pk)
        today = timezone.localdate()
        start, end = services.default_period(today)
        target = services.nsat_target()
        responses = visible_responses(request.user).filter(customer=customer)
        recent = NsatRow(
            customer,
            services.overall_nsat(services.responses_between(start, end, responses)),
            target,
        )
        return render(
            request,
            "satisfaction/customer_panel.html",
            {
                "customer": customer,
                "recent": recent,
                "all_time": NsatRow(customer, services.overall_nsat(responses), target),
                "responses": list(responses.select_related("customer")[:PANEL_RESPONSES]),
                "start": start,
                "end": end,
                "target": target,
            },
        )
