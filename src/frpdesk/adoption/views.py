"""Pages of the adoption area.

- The customer page's Adoption tab (``adoption_tab_context``, rendered inside the customer page)
  and its forms: usage report upload, manual MAU, partner association, Microsoft Graph
  connection and "Pull now". Each form posts to its own view; errors show the tab again.
- An import job's page and its progress fragment, polled by htmx until the job has finished.
- The portfolio heat-map: customers × workloads, newest AU% per cell.
- The licensed users of a workload who were not active in the MAU window (with CSV export).
"""

import datetime
from collections.abc import Mapping
from typing import Any

import polars as pl
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views import View
from django.views.generic import DetailView
from django_tables2 import RequestConfig

from frpdesk.adoption.figures import mau_window_days, milestone_pcts, workload_figures
from frpdesk.adoption.filters import BANDS, HeatmapFilter
from frpdesk.adoption.forms import (
    GraphConnectionForm,
    InactiveUsersForm,
    ManualMauForm,
    PartnerAssociationForm,
    UsageUploadForm,
)
from frpdesk.adoption.graph import save_graph_connection
from frpdesk.adoption.ledger import INACTIVE_USER_SCHEMA, inactive_users
from frpdesk.adoption.models import (
    ActivityLedger,
    GraphConnection,
    ImportSource,
    PartnerAssociation,
    UsageImport,
    UsagePoint,
    UsageSource,
)
from frpdesk.adoption.reports import WORKLOAD_CODES
from frpdesk.adoption.services import (
    create_usage_import,
    record_manual_mau,
    set_partner_association,
)
from frpdesk.adoption.tables import BAND_WORDS, FrameRows, HeatmapTable, InactiveUserTable
from frpdesk.adoption.tasks import pull_customer_usage
from frpdesk.catalog.models import Workload
from frpdesk.core.access import Action, AnyUser, acting_user, can, require, restrict
from frpdesk.core.exports import EXPORT_FORMATS, export_response
from frpdesk.core.views import AccessMixin, ListPage, attach_errors
from frpdesk.customers.models import Customer
from frpdesk.customers.views import customer_page, customer_url, visible_customers

TAB = "adoption"
RECENT_IMPORTS = 10
INACTIVE_PER_PAGE = 50


# --- the customer page's Adoption tab --------------------------------------------------------


def adoption_tab_context(
    request: HttpRequest, customer: Customer, bound_forms: Mapping[str, BaseForm] | None = None
) -> dict[str, Any]:
    """What the Adoption tab shows; ``bound_forms`` (by name) replace the blank forms, so a form
    that failed is shown again with its errors."""
    user = request.user
    may = {
        "upload": can(user, "add", UsageImport),
        "manual": can(user, "add", UsagePoint) and can(user, "change", UsagePoint),
        "associate": can(user, "add", PartnerAssociation)
        and can(user, "change", PartnerAssociation),
        "connect": can(user, "view", GraphConnection)
        and can(user, "add", GraphConnection)
        and can(user, "change", GraphConnection),
        "view_imports": can(user, "view", UsageImport),
        "view_connection": can(user, "view", GraphConnection),
    }
    may["pull"] = can(user, "change", GraphConnection) and may["upload"]
    connection = (
        GraphConnection.objects.filter(customer=customer).first()
        if may["view_connection"]
        else None
    )
    forms: dict[str, BaseForm] = {}
    if may["upload"]:
        forms["upload"] = UsageUploadForm()
    if may["manual"]:
        forms["manual"] = ManualMauForm()
    if may["associate"]:
        forms["associate"] = PartnerAssociationForm()
    if may["connect"]:
        forms["connect"] = (
            GraphConnectionForm(connection=connection)
            if connection
            else GraphConnectionForm(initial={"tenant_id": customer.tenant_id, "enabled": True})
        )
    forms.update(bound_forms or {})
    imports = (
        list(
            restrict(user, "view", UsageImport.objects.filter(customer=customer)).select_related(
                "created_by"
            )[: RECENT_IMPORTS + 1]
        )
        if may["view_imports"]
        else []
    )
    return {
        "adoption": {
            **figures_context(user, customer),
            "may": may,
            "forms": forms,
            "imports": imports[:RECENT_IMPORTS],
            "more_imports": len(imports) > RECENT_IMPORTS,
            "recent_imports": RECENT_IMPORTS,
            "connection": connection,
        }
    }


def figures_context(user: AnyUser, customer: Customer) -> dict[str, Any]:
    return {
        "customer": customer,
        "figures": workload_figures(customer),
        "pcts": milestone_pcts(),
        "mau_window_days": mau_window_days(),
        "may_view_inactive": can(user, "view", ActivityLedger),
    }


class CustomerFiguresFragment(AccessMixin, View):
    """The tab's figures alone, which the tab fetches again when an import finishes."""

    model = UsagePoint

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = get_object_or_404(visible_customers(request.user), pk=pk)
        return render(
            request, "adoption/figures.html", {"adoption": figures_context(request.user, customer)}
        )


class CustomerTabForm(AccessMixin, View):
    """A form of a customer's Adoption tab: POST it; errors show the tab again, success goes
    back to it with a message."""

    form_name = ""
    form_class: type[BaseForm]
    extra_actions: tuple[tuple[Action, type[models.Model]], ...] = ()

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return HttpResponseRedirect(customer_url(pk, TAB))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        for action, model in self.extra_actions:
            require(request.user, action, model)
        customer = get_object_or_404(visible_customers(request.user), pk=pk)
        form = self.make_form(request, customer)
        if form.is_valid():
            try:
                message = self.perform(form, customer)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, message)
                return HttpResponseRedirect(customer_url(customer.pk, TAB))
        return customer_page(
            request, customer, adoption_forms={self.form_name: form}, active_tab=TAB
        )

    def make_form(self, request: HttpRequest, customer: Customer) -> BaseForm:
        return self.form_class(request.POST, request.FILES)

    def perform(self, form: Any, customer: Customer) -> str:
        raise NotImplementedError


class UsageUploadView(CustomerTabForm):
    """Each uploaded report becomes an import job."""

    model = UsageImport
    access_action: Action = "add"
    form_name = "upload"
    form_class = UsageUploadForm

    def perform(self, form: Any, customer: Customer) -> str:
        imports = [
            create_usage_import(
                acting_user=acting_user(self.request),
                customer=customer,
                file_name=upload.name or "upload",
                file=upload,
                source=ImportSource.UPLOAD,
            )
            for upload in form.cleaned_data["reports"]
        ]
        names = ", ".join(item.file_name for item in imports)
        count = len(imports)
        return (
            f"Queued {count} usage report{'s' if count != 1 else ''} for import: {names}. "
            "The progress is shown below."
        )


class ManualMauView(CustomerTabForm):
    model = UsagePoint
    access_action: Action = "add"
    extra_actions = (("change", UsagePoint),)
    form_name = "manual"
    form_class = ManualMauForm

    def perform(self, form: Any, customer: Customer) -> str:
        data = form.cleaned_data
        point = record_manual_mau(
            acting_user=acting_user(self.request),
            customer=customer,
            workload=data["workload"],
            refresh_date=data["refresh_date"],
            mau=data["mau"],
            note=data["note"],
        )
        percent = "undefined without PAU" if point.au_pct is None else f"{point.au_pct}%"
        return (
            f"{point.workload.name}: MAU {point.mau:,} as of {point.refresh_date.isoformat()} "
            f"entered by hand; AU% {percent}."
        )


class PartnerAssociationView(CustomerTabForm):
    model = PartnerAssociation
    access_action: Action = "add"
    extra_actions = (("change", PartnerAssociation),)
    form_name = "associate"
    form_class = PartnerAssociationForm

    def perform(self, form: Any, customer: Customer) -> str:
        data = form.cleaned_data
        association = set_partner_association(
            acting_user=acting_user(self.request),
            customer=customer,
            workload=data["workload"],
            associated_on=data["associated_on"],
            note=data["note"],
        )
        return (
            f"{association.workload.name}: partner associated on "
            f"{association.associated_on.isoformat()}; the starting peak is the highest MAU "
            "before that day."
        )


class GraphConnectionView(CustomerTabForm):
    model = GraphConnection
    access_action: Action = "change"
    extra_actions = (("add", GraphConnection),)
    form_name = "connect"
    form_class = GraphConnectionForm

    def make_form(self, request: HttpRequest, customer: Customer) -> BaseForm:
        connection = GraphConnection.objects.filter(customer=customer).first()
        return GraphConnectionForm(request.POST, connection=connection)

    def perform(self, form: Any, customer: Customer) -> str:
        data = form.cleaned_data
        connection = save_graph_connection(
            acting_user=acting_user(self.request),
            customer=customer,
            tenant_id=data["tenant_id"],
            client_id=data["client_id"],
            client_secret=data["client_secret"] or None,
            enabled=data["enabled"],
        )
        state = "pulled daily" if connection.enabled else "not pulled until enabled again"
        return f"Microsoft Graph connection saved; the usage reports are {state}."


class PullNowView(AccessMixin, View):
    """Queue a pull of the customer's reports from Microsoft Graph."""

    model = GraphConnection
    access_action: Action = "change"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return HttpResponseRedirect(customer_url(pk, TAB))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, "add", UsageImport)
        customer = get_object_or_404(visible_customers(request.user), pk=pk)
        connection = GraphConnection.objects.filter(customer=customer).first()
        if connection is None:
            messages.error(request, "Set up the Microsoft Graph connection first.")
        elif not connection.enabled:
            messages.error(request, "The Microsoft Graph connection is disabled; enable it first.")
        else:
            pull_customer_usage.enqueue(customer.pk)
            messages.success(
                request,
                "Pull from Microsoft Graph queued: the licences and usage reports appear in the "
                "imports below as they arrive.",
            )
        return HttpResponseRedirect(customer_url(customer.pk, TAB))


# --- import jobs -----------------------------------------------------------------------------


def visible_import(user: AnyUser, pk: int) -> UsageImport:
    imports = restrict(user, "view", UsageImport.objects.select_related("customer", "created_by"))
    return get_object_or_404(imports.filter(customer__in=visible_customers(user)), pk=pk)


class UsageImportPage(AccessMixin, DetailView):
    model = UsageImport
    template_name = "adoption/import_detail.html"
    context_object_name = "usage_import"

    def get_object(self, queryset: Any = None) -> UsageImport:
        return visible_import(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        usage_import: UsageImport = self.object
        context.update(
            import_context(usage_import, full=True),
            title=f"Import of {usage_import.file_name}",
            customer=usage_import.customer,
            back_url=customer_url(usage_import.customer_id, TAB),
        )
        return context


def import_context(usage_import: UsageImport, *, full: bool) -> dict[str, Any]:
    """The status fragment's context; ``full`` adds the facts and the per-workload figures."""
    context: dict[str, Any] = {"usage_import": usage_import, "full": full}
    if full and usage_import.summary:
        names = dict(Workload.objects.values_list("code", "name"))
        context["summary_rows"] = [
            (names.get(code, code), code, counts) for code, counts in usage_import.summary.items()
        ]
    return context


class UsageImportProgress(AccessMixin, View):
    """The status of one import as an htmx fragment; it polls itself until the job finishes,
    then tells the page (event ``usage-import-finished``) so the figures are fetched again."""

    model = UsageImport

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        usage_import = visible_import(request.user, pk)
        response = render(
            request,
            "adoption/import_status.html",
            import_context(usage_import, full=request.GET.get("full") == "1"),
        )
        if usage_import.finished and request.headers.get("HX-Request"):
            response["HX-Trigger"] = "usage-import-finished"
        return response


# --- portfolio heat-map ----------------------------------------------------------------------


class HeatmapPage(ListPage):
    model = Customer
    table_class = HeatmapTable
    filterset_class = HeatmapFilter
    template_name = "adoption/heatmap.html"
    title = "Adoption heat-map"
    description = (
        "The newest AU% (MAU ÷ PAU) of every customer's workloads; click a cell for its trend."
    )
    export_name = "adoption-heatmap"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            require(request.user, "view", UsagePoint)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return (
            super().get_queryset().select_related("owner").only("pk", "name", "tenant_id", "owner")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        first, second = milestone_pcts()
        context["legend"] = [
            ("none", "No AU%"),
            ("below", f"Below {first}%"),
            ("first", f"{first}–{second}%"),
            ("second", f"{second}% or more"),
        ]
        context["band_words"] = BAND_WORDS
        context["bands"] = BANDS
        return context


# --- inactive users --------------------------------------------------------------------------


class InactiveUsersPage(AccessMixin, View):
    """Licensed, non-deleted users of a workload not active in the MAU window that ends on the
    workload's newest refresh date: the list for adoption campaigns."""

    model = ActivityLedger

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, "view", UsagePoint)
        customer = get_object_or_404(visible_customers(request.user), pk=pk)
        ledger = ActivityLedger.objects.filter(customer=customer).first()
        form = InactiveUsersForm(request.GET or None)
        workload, search = self.choice(form, customer)
        window_days = mau_window_days()
        as_of = newest_report_date(customer, workload, ledger)
        rows = (
            inactive_rows(ledger, workload, as_of, window_days, search)
            if ledger is not None and workload is not None and as_of is not None
            else pl.DataFrame(schema=INACTIVE_USER_SCHEMA)
        )
        table = InactiveUserTable(FrameRows(rows), request=request)
        export_format = request.GET.get("export")
        if export_format in EXPORT_FORMATS and workload is not None:
            return export_response(
                table.as_values(),
                export_format=export_format,
                name=f"inactive-{workload.code}-{slugify(customer.name)}",
            )
        RequestConfig(request, paginate={"per_page": INACTIVE_PER_PAGE}).configure(table)
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        return render(
            request,
            "adoption/inactive_users.html",
            {
                "title": f"Inactive users of {customer}",
                "customer": customer,
                "form": form,
                "workload": workload,
                "ledger": ledger,
                "as_of": as_of,
                "window_start": as_of - datetime.timedelta(days=window_days - 1) if as_of else None,
                "window_days": window_days,
                "table": table,
                "row_count": rows.height,
                "concealed": bool(rows.get_column("concealed").any())
                or bool(ledger and ledger.concealed_users),
                "query_without_page": query.urlencode(),
                "back_url": customer_url(customer.pk, TAB),
            },
        )

    def choice(self, form: InactiveUsersForm, customer: Customer) -> tuple[Workload | None, str]:
        """The chosen workload (the first one with report data when none is chosen) and the
        search text; (None, "") when the choice is not valid (the form then says why)."""
        if form.is_bound and not form.is_valid():
            return None, ""
        data = form.cleaned_data if form.is_bound else {}
        workload = data.get("workload") or first_reported_workload(customer)
        return workload, (data.get("search") or "").strip()


def first_reported_workload(customer: Customer) -> Workload | None:
    point = (
        UsagePoint.objects.filter(customer=customer, source=UsageSource.REPORT)
        .select_related("workload")
        .order_by("workload__sort_order", "workload__code")
        .first()
    )
    if point is not None:
        return point.workload
    return Workload.objects.filter(code__in=WORKLOAD_CODES).first()


def newest_report_date(
    customer: Customer, workload: Workload | None, ledger: ActivityLedger | None
) -> datetime.date | None:
    """The newest refresh date of the workload's reports, else the ledger's newest."""
    if workload is not None:
        newest = (
            UsagePoint.objects.filter(
                customer=customer, workload=workload, source=UsageSource.REPORT
            )
            .order_by("-refresh_date")
            .values_list("refresh_date", flat=True)
            .first()
        )
        if newest is not None:
            return newest
    return ledger.newest_refresh_date if ledger is not None else None


def inactive_rows(
    ledger: ActivityLedger,
    workload: Workload,
    as_of: datetime.date,
    window_days: int,
    search: str,
) -> pl.DataFrame:
    """The inactive users of the workload whose name or user principal name (or concealed code)
    contains the search text, in any case."""
    frame = inactive_users(ledger, workload.code, as_of, window_days)
    if not search:
        return frame
    needle = search.lower()
    return frame.filter(
        pl.col("display_name").fill_null("").str.to_lowercase().str.contains(needle, literal=True)
        | pl.col("user_key").str.to_lowercase().str.contains(needle, literal=True)
    )
