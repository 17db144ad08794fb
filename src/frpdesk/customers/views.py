"""Pages of the customers area: the list, the customer page with its tabs, and the edit pages."""

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from frpdesk.adoption.models import UsagePoint
from frpdesk.catalog.models import Workload
from frpdesk.core.access import AnyUser, acting_user, can, require, restrict, sees_all_customers
from frpdesk.core.exports import export_response
from frpdesk.core.imports import ImportFailure
from frpdesk.core.views import (
    AccessMixin,
    CreatePage,
    DeletePage,
    DetailPage,
    ListPage,
    UpdatePage,
)
from frpdesk.customers.filters import CustomerFilter
from frpdesk.customers.forms import CustomerContactForm, CustomerForm, PartnerContactForm
from frpdesk.customers.importing import apply_import, preview_import
from frpdesk.customers.models import Customer, CustomerContact, PartnerContact
from frpdesk.customers.services import save_customer, survey_contact_missing
from frpdesk.customers.tables import (
    CustomerContactTable,
    CustomerTable,
    PartnerContactTable,
    eligibility_of,
)
from frpdesk.licensing.forms import LicenceUploadForm
from frpdesk.licensing.models import Eligibility, LicenseSnapshot, Migration
from frpdesk.licensing.services import eligibility_document, snapshot_changes
from frpdesk.licensing.tables import SnapshotLineTable

LIST_URL = reverse_lazy("customers:list")
HIDDEN_COLUMNS_KEY = "customers.list.hidden_columns"
TABS = ("overview", "eligibility", "licences", "adoption", "contacts", "claims", "history")
SNAPSHOT_HISTORY_LIMIT = 24


def customer_url(customer_pk: int, tab: str = "") -> str:
    url = reverse("customers:detail", args=[customer_pk])
    return f"{url}?tab={tab}" if tab else url


def visible_customers(user: AnyUser) -> models.QuerySet[Customer]:
    return restrict(user, "view", Customer.objects.all())


# --- list ------------------------------------------------------------------------------------


def hidden_columns(request: HttpRequest) -> list[str]:
    """The list columns this user chose to hide (kept in their session)."""
    choosable = {name for name, _ in CustomerTable.choosable_columns()}
    return [name for name in request.session.get(HIDDEN_COLUMNS_KEY, []) if name in choosable]


class CustomerListPage(ListPage):
    model = Customer
    table_class = CustomerTable
    filterset_class = CustomerFilter
    template_name = "customers/list.html"
    title = "Customers"
    description = (
        "Microsoft 365 tenants we serve, with their Benefit eligibility from the newest licences."
    )
    create_url_name = "customers:create"
    export_name = "customers"

    def get_queryset(self) -> Any:
        # Everything the table shows comes with the page's rows: a constant number of queries.
        return (
            super()
            .get_queryset()
            .select_related("owner", "team", "eligibility")
            .prefetch_related("tags", "eligibility__eligible_workloads")
            # Large columns the table never shows: sorting deep pages would carry them along.
            .defer(
                "notes",
                "eligibility__workloads",
                "eligibility__reasons",
                "eligibility__unknown_skus",
            )
        )

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"exclude": hidden_columns(self.request)}

    def export(self, export_format: str) -> HttpResponse:
        """The filtered rows, sorted as on screen, with the columns the user chose."""
        filterset = self.get_filterset(self.get_filterset_class())
        rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        table = self.get_table_class()(rows, request=self.request, **self.get_table_kwargs())
        sort = self.request.GET.get("sort")
        if sort:
            table.order_by = sort
        return export_response(
            table.as_values(), export_format=export_format, name=self.export_name
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        hidden = set(hidden_columns(self.request))
        context["columns"] = [
            {"name": name, "label": label, "shown": name not in hidden}
            for name, label in CustomerTable.choosable_columns()
        ]
        context["hidden_column_count"] = len(hidden)
        context["may_import"] = can(self.request.user, "add", Customer)
        return context


class CustomerColumnsView(AccessMixin, View):
    """Remembers which list columns the user wants, for the page and its exports."""

    model = Customer

    def post(self, request: HttpRequest) -> HttpResponse:
        if "reset" in request.POST:
            request.session.pop(HIDDEN_COLUMNS_KEY, None)
        else:
            shown = set(request.POST.getlist("columns"))
            request.session[HIDDEN_COLUMNS_KEY] = [
                name for name, _ in CustomerTable.choosable_columns() if name not in shown
            ]
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ) or not next_url.startswith(str(LIST_URL)):
            next_url = str(LIST_URL)
        return HttpResponseRedirect(next_url)


# --- customer page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    subject: str  # the SKU (and product) the reason is about; empty for the tenant summary
    text: str
    kind: str  # counts | pau | excluded | unknown | none

    ICONS = {
        "counts": ("check-circle-fill", "text-success", "Counts"),
        "pau": ("info-circle-fill", "text-primary", "PAU only"),
        "excluded": ("slash-circle", "text-secondary", "Excluded"),
        "none": ("dash-circle", "text-secondary", "No paid units"),
        "unknown": ("exclamation-triangle-fill", "text-warning", "Unknown SKU"),
    }

    @property
    def icon(self) -> str:
        return self.ICONS[self.kind][0]

    @property
    def colour(self) -> str:
        return self.ICONS[self.kind][1]

    @property
    def label(self) -> str:
        return self.ICONS[self.kind][2]


REASON_SUBJECT = re.compile(r"^(\S+(?: \(.*?\))?): (.*)$", re.DOTALL)


def _reason(text: str) -> Reason:
    match = REASON_SUBJECT.match(text)
    subject, rest = (match.group(1), match.group(2)) if match else ("", text)
    if "unknown SKU" in rest:
        kind = "unknown"
    elif "not a paid SKU" in rest:
        kind = "excluded"
    elif "count towards eligibility" in rest:
        kind = "counts"
    elif "only for PAU" in rest:
        kind = "pau"
    else:
        kind = "none"
    return Reason(subject, rest, kind)


MIGRATION_WORDS = {
    Migration.FASTTRACK_MIGRATION: (
        "FastTrack migration service",
        "Microsoft migrates the data; never part of our Benefit work.",
    ),
    Migration.GUIDANCE_ONLY: ("Migration guidance only", "We guide; the customer migrates."),
}


def migration_words(value: str | None, applies: bool) -> tuple[str, str]:
    """The data-migration tier of a workload in words: (what, explanation)."""
    if not applies:
        return ("Not applicable", "")
    if value is None:
        return ("None", "The workload is not eligible.")
    return MIGRATION_WORDS.get(Migration(value), (str(Migration(value).label), ""))


def eligibility_context(customer: Customer) -> dict[str, Any] | None:
    document = eligibility_document(customer)
    if document is None:
        return None
    workloads = {
        workload.code: workload for workload in Workload.objects.order_by("sort_order", "code")
    }
    rows = []
    for code, result in document["workloads"].items():
        workload = workloads.get(code)
        applies = bool(workload and workload.data_migration_applies)
        migration, migration_note = migration_words(result["migration"], applies)
        rows.append(
            {
                "workload": workload,
                "code": code,
                **result,
                "migration_applies": applies,
                "migration_words": migration,
                "migration_note": migration_note,
            }
        )
    reasons = document["reasons"]
    return {
        "document": document,
        "rows": rows,
        "eligible_count": sum(1 for row in rows if row["eligible"]),
        "summary": reasons[0] if reasons else "",
        "reasons": [_reason(text) for text in reasons[1:]],
        "unknown_skus": document["unknown_skus"],
    }


def licences_context(customer: Customer) -> dict[str, Any]:
    snapshots = list(
        customer.snapshots.select_related("imported_by")
        .annotate(line_count=Count("lines"))
        .order_by("-as_of")[: SNAPSHOT_HISTORY_LIMIT + 1]
    )
    history = []
    for index, snapshot in enumerate(snapshots[:SNAPSHOT_HISTORY_LIMIT]):
        previous = snapshots[index + 1] if index + 1 < len(snapshots) else None
        history.append(
            {
                "snapshot": snapshot,
                "previous": previous,
                "changes": snapshot_changes(previous, snapshot) if previous else None,
            }
        )
    newest = snapshots[0] if snapshots else None
    return {
        "newest_snapshot": newest,
        "line_table": SnapshotLineTable(newest.lines.select_related("sku"), prefix="l-")
        if newest
        else None,
        "snapshot_history": history,
        "snapshot_count": customer.snapshots.count(),
    }


class CustomerDetailPage(DetailPage):
    model = Customer
    template_name = "customers/detail.html"
    list_url_name = "customers:list"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("owner", "team", "eligibility")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        upload_form = kwargs.pop("upload_form", None)
        adoption_forms = kwargs.pop("adoption_forms", None)
        tab = kwargs.pop("active_tab", None) or self.request.GET.get("tab", "")
        context = super().get_context_data(**kwargs)
        customer: Customer = self.object
        user = self.request.user
        from frpdesk.claims.models import Claim  # claims build on customers
        from frpdesk.satisfaction.models import SurveyResponse  # so does satisfaction

        may = {
            "eligibility": can(user, "view", Eligibility),
            "licences": can(user, "view", LicenseSnapshot),
            "adoption": can(user, "view", UsagePoint),
            "contacts": can(user, "view", CustomerContact),
            "partner_contacts": can(user, "view", PartnerContact),
            "history": can(user, "history", Customer),
            "claims": can(user, "view", Claim),
            "satisfaction": can(user, "view", SurveyResponse),
        }
        tabs_shown = {
            "overview": True,
            "eligibility": may["eligibility"],
            "licences": may["licences"],
            "adoption": may["adoption"],
            "contacts": may["contacts"] or may["partner_contacts"],
            "claims": may["claims"],
            "satisfaction": may["satisfaction"],
            "history": may["history"],
        }
        from frpdesk.engagements.models import Engagement  # engagements build on customers
        from frpdesk.engagements.views import customer_engagements

        eligibility = eligibility_of(customer)
        context.update(
            title=str(customer),
            active_tab=tab if tab in TABS and tabs_shown[tab] else "overview",
            may=may,
            eligibility=eligibility,
            eligible_workloads=list(eligibility.eligible_workloads.all()) if eligibility else [],
            workload_count=Workload.objects.count(),
            tags=list(customer.tags.all()),
            survey_contact_missing=survey_contact_missing(customer),
        )
        if may["eligibility"]:
            context["eligibility_detail"] = eligibility_context(customer)
        if may["licences"]:
            context.update(licences_context(customer))
            if can(user, "add", LicenseSnapshot):
                context["upload_form"] = upload_form or LicenceUploadForm()
        if may["adoption"]:
            from frpdesk.adoption.views import adoption_tab_context  # it builds on this module

            context.update(adoption_tab_context(self.request, customer, adoption_forms))
        if can(user, "view", Engagement):
            context["engagements"] = customer_engagements(user, customer)
        if may["contacts"]:
            contacts = restrict(user, "view", customer.contacts.all()).prefetch_related(
                "services_assisted"
            )
            context["contact_table"] = CustomerContactTable(contacts, request=self.request)
        if may["partner_contacts"]:
            people = restrict(user, "view", customer.partner_contacts.all()).select_related("user")
            context["partner_contact_table"] = PartnerContactTable(people, request=self.request)
        return context


def customer_page(request: HttpRequest, customer: Customer, **extra: Any) -> HttpResponse:
    """The customer page as GET shows it, with ``extra`` (a bound upload form, the tab)."""
    page = CustomerDetailPage()
    page.setup(request, pk=customer.pk)
    page.object = customer
    return page.render_to_response(page.get_context_data(object=customer, **extra))


# --- customer edit pages ---------------------------------------------------------------------


class CustomerSaveMixin:
    form_class: type[Any] | None = CustomerForm
    request: HttpRequest
    object: Any

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)  # type: ignore[misc]
        user = acting_user(self.request)
        if sees_all_customers(user):
            form.fields["team"].empty_label = "— No team: only those who see all customers —"
        else:
            form.fields["team"].queryset = user.teams.all()
            form.fields["team"].empty_label = "— Your team —"
        return form

    def perform_save(self, form: Any) -> models.Model:
        return save_customer(
            acting_user=acting_user(self.request),
            customer=form.instance,
            tags=form.cleaned_data["tags"],
        )

    def get_success_url(self) -> str:
        return customer_url(self.object.pk)


class CustomerCreatePage(CustomerSaveMixin, CreatePage):
    model = Customer
    cancel_url_name = "customers:list"
    success_message = "Customer added."
    template_name = "customers/customer_form.html"


class CustomerEditPage(CustomerSaveMixin, UpdatePage):
    model = Customer
    success_message = "Customer saved."
    template_name = "customers/customer_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = customer_url(self.object.pk)
        return context


class CustomerDeletePage(DeletePage):
    model = Customer
    success_url = LIST_URL
    template_name = "customers/customer_confirm_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        customer = self.object
        context.update(
            title=f"Delete {customer}",
            cancel_url=customer_url(customer.pk),
            contact_count=customer.contacts.count(),
            partner_contact_count=customer.partner_contacts.count(),
            snapshot_count=customer.snapshots.count(),
        )
        return context


# --- contacts --------------------------------------------------------------------------------


class CustomerChildMixin:
    """Pages of a record that belongs to a customer: titles, cancel and success go back to the
    customer's Contacts tab."""

    request: HttpRequest
    kwargs: dict[str, Any]
    object: Any
    noun = "contact"

    _customer: Customer | None = None

    def customer(self) -> Customer:
        if self._customer is None:
            record = getattr(self, "object", None)
            if record is not None and record.customer_id:
                # Still known after the record is deleted (its pk is then None).
                self._customer = record.customer
            else:
                # New records: the URL's pk is the customer's.
                self._customer = get_object_or_404(
                    visible_customers(self.request.user), pk=self.kwargs["pk"]
                )
        return self._customer

    def get_success_url(self) -> str:
        return customer_url(self.customer().pk, "contacts")

    def default_title(self) -> str:
        customer = self.customer()
        if getattr(self, "object", None) is not None and self.object.pk:
            return f"Edit {self.noun} at {customer}"
        return f"New {self.noun} at {customer}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["cancel_url"] = customer_url(self.customer().pk, "contacts")
        context["customer"] = self.customer()
        return context


class NewChildMixin(CustomerChildMixin):
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["instance"] = self.model(customer=self.customer())  # type: ignore[attr-defined]
        return kwargs


class ContactCreatePage(NewChildMixin, CreatePage):
    model = CustomerContact
    template_name = "customers/contact_form.html"
    form_class = CustomerContactForm
    success_message = "Contact added."
    noun = "customer contact"


class ContactEditPage(CustomerChildMixin, UpdatePage):
    model = CustomerContact
    template_name = "customers/contact_form.html"
    form_class = CustomerContactForm
    success_message = "Contact saved."
    noun = "customer contact"


class ContactDeletePage(CustomerChildMixin, DeletePage):
    model = CustomerContact


class PartnerContactCreatePage(NewChildMixin, CreatePage):
    model = PartnerContact
    form_class = PartnerContactForm
    success_message = "Assignment added."
    noun = "assignment"


class PartnerContactEditPage(CustomerChildMixin, UpdatePage):
    model = PartnerContact
    form_class = PartnerContactForm
    success_message = "Assignment saved."
    noun = "assignment"


class PartnerContactDeletePage(CustomerChildMixin, DeletePage):
    model = PartnerContact


# --- bulk import: upload, preview every row, then import all or nothing ----------------------

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SAMPLE_CSV = (
    "name,tenant_id,primary_domain,country,industry,segment,edu,government_cloud,owner,tags\r\n"
    "Contoso Pharma,3f2a4c1e-9b7d-4e2a-8c5f-1a2b3c4d5e6f,contoso.example,US,Healthcare,Enterprise,no,no,,pilot;priority\r\n"
)


def _pending_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


@login_required
def customer_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "add", Customer)
    require(request.user, "change", Customer)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    context: dict[str, object] = {"title": "Import customers", "sample": SAMPLE_CSV}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "Choose a CSV or XLSX file to import."
        elif upload.size and upload.size > MAX_UPLOAD_BYTES:
            context["error"] = f"{upload.name} is larger than 10 MB; split it into smaller files."
        else:
            content = upload.read()
            try:
                preview = preview_import(upload.name or "upload", content)
            except ImportFailure as failure:
                context["error"] = str(failure)
            else:
                context["preview"] = preview
                if preview.ok:
                    context["token"] = _keep(request, upload.name or "upload", content)
    return render(request, "customers/import.html", context)


def _keep(request: HttpRequest, file_name: str, content: bytes) -> str:
    """Park the previewed file until the user confirms; the token is bound to the session."""
    token = secrets.token_urlsafe(16)
    _pending_dir().mkdir(parents=True, exist_ok=True)
    (_pending_dir() / token).write_bytes(content)
    request.session[f"customer-import:{token}"] = file_name
    return token


def _confirm(request: HttpRequest) -> HttpResponse:
    token = request.POST["token"]
    file_name = request.session.pop(f"customer-import:{token}", None)
    path = _pending_dir() / token
    if (
        file_name is None
        or not token.replace("-", "").replace("_", "").isalnum()
        or not path.exists()
    ):
        messages.error(request, "This import preview has expired; upload the file again.")
        return redirect("customers:import")
    content = path.read_bytes()
    path.unlink()
    try:
        counts = apply_import(
            acting_user=acting_user(request), preview=preview_import(file_name, content)
        )
    except ImportFailure as failure:
        messages.error(request, f"{failure} Upload the file again to see the rows.")
        return redirect("customers:import")
    messages.success(
        request,
        f"Imported {file_name}: {counts['create']} added, {counts['update']} updated, "
        f"{counts['unchanged']} unchanged.",
    )
    return redirect("customers:list")
