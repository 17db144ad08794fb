"""Pages of the referrals area: the register sorted by urgency, a referral with its clocks and
notes, hand entry, the Partner Center import, and the decisions (accept, decline, answer)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import View

from frpdesk.catalog.models import Workload
from frpdesk.core.access import acting_user, can, require, restrict
from frpdesk.core.import_views import file_import_page
from frpdesk.core.views import AccessMixin, CreatePage, DetailPage, ListPage, UpdatePage
from frpdesk.customers.models import Customer
from frpdesk.referrals import services
from frpdesk.referrals.filters import ReferralFilter
from frpdesk.referrals.forms import (
    AcceptForm,
    DeclineForm,
    FirstResponseForm,
    ImportForm,
    NoteForm,
    ReferralForm,
)
from frpdesk.referrals.importing import import_referrals
from frpdesk.referrals.models import Acceptance, Referral, ReferralNote
from frpdesk.referrals.tables import ReferralTable, time_left

SAMPLE_CSV = (
    "Referral ID,Referral type,Tenant name,Tenant ID,Tenant domain,RFA ID,Referral source,"
    "RFA workloads,Date of assignment,Acceptance,Decline reason,Referral status,VAS sold,"
    "Services estimated value\r\n"
    "FT-100231,Benefit,Contoso Pharma,3f2a4c1e-9b7d-4e2a-8c5f-1a2b3c4d5e6f,contoso.example,"
    'RFA-55012,FastTrack RFA,"Exchange Online; Microsoft Teams",3/4/2026,Pending,,New,No,'
    "12500.00\r\n"
)


def referral_url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def engagement_of(referral: Referral) -> Any:
    try:
        return referral.engagement
    except ObjectDoesNotExist:
        return None


def engagement_url(engagement: Any) -> str:
    """The engagement's page, or "" while the engagements area has no page for it."""
    try:
        return reverse("engagements:detail", args=[engagement.pk])
    except NoReverseMatch:
        return ""


class ReferralListPage(ListPage):
    model = Referral
    table_class = ReferralTable
    filterset_class = ReferralFilter
    template_name = "referrals/list.html"
    title = "Referrals"
    description = (
        "FastTrack referrals Microsoft assigned to us, the most urgent first: answer within 2 "
        "business days, accept within 7 days or the referral is reassigned."
    )
    create_url_name = "referrals:create"
    export_name = "referrals"

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("customer").prefetch_related("workloads")
        return services.by_urgency(rows, timezone.localdate())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_import"] = can(user, "add", Referral) and can(user, "change", Referral)
        context["overdue_count"] = (
            restrict(user, "view", Referral.objects.all())
            .filter(services.overdue_condition(timezone.localdate()))
            .count()
        )
        return context


class ReferralDetailPage(DetailPage):
    model = Referral
    template_name = "referrals/detail.html"
    list_url_name = "referrals:list"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("customer", "created_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        referral: Referral = self.object
        user = self.request.user
        today = timezone.localdate()
        engagement = engagement_of(referral)
        pending = referral.acceptance == Acceptance.PENDING
        may_decide = can(user, "change", Referral)
        context.update(
            title=str(referral),
            today=today,
            pending=pending,
            overdue=services.is_overdue(referral, today),
            time_left=time_left(referral, today),
            workloads=list(referral.workloads.all()),
            notes=list(restrict(user, "view", referral.notes.select_related("author"))),
            engagement=engagement,
            engagement_url=engagement_url(engagement) if engagement else "",
            may_decide=may_decide and pending,
            may_respond=may_decide and pending and referral.first_responded_on is None,
            may_note=can(user, "add", ReferralNote),
            decline_form=DeclineForm(),
            respond_form=FirstResponseForm(),
            note_form=NoteForm(),
        )
        return context


class ReferralSaveMixin:
    form_class: type[Any] | None = ReferralForm
    request: HttpRequest
    object: Any

    def perform_save(self, form: Any) -> models.Model:
        return services.save_referral(
            acting_user=acting_user(self.request),
            referral=form.instance,
            workloads=form.cleaned_data["workloads"],
        )

    def get_success_url(self) -> str:
        return referral_url(self.object)


class ReferralCreatePage(ReferralSaveMixin, CreatePage):
    model = Referral
    cancel_url_name = "referrals:list"
    success_message = "Referral added; its clocks are running."


class ReferralEditPage(ReferralSaveMixin, UpdatePage):
    model = Referral
    success_message = "Referral saved."

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = referral_url(self.object)
        return context


# --- decisions -------------------------------------------------------------------------------


class ReferralPostAction(AccessMixin, View):
    """A POST that changes one referral through a service, then back to the referral's page;
    a refusal is shown there as a message."""

    model = Referral
    access_action = "change"
    http_method_names = ["post"]
    form_class: type[Any]

    def perform(self, referral: Referral, data: dict[str, Any]) -> str:
        """Call the service; returns the success message."""
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        referral = get_object_or_404(self.get_queryset(), pk=pk)
        form = self.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect(referral_url(referral))
        try:
            messages.success(request, self.perform(referral, form.cleaned_data))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(referral_url(referral))

    def get_queryset(self) -> Any:
        return restrict(self.request.user, "change", Referral.objects.all())


def _form_errors(form: Any) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
        for name, errors in form.errors.items()
    )


class DeclineView(ReferralPostAction):
    form_class = DeclineForm

    def perform(self, referral: Referral, data: dict[str, Any]) -> str:
        services.decline_referral(
            acting_user=acting_user(self.request), referral=referral, reason=data["reason"]
        )
        return f"Referral {referral.referral_id} declined. Decline it in Partner Center too."


class FirstResponseView(ReferralPostAction):
    form_class = FirstResponseForm

    def perform(self, referral: Referral, data: dict[str, Any]) -> str:
        services.record_first_response(
            acting_user=acting_user(self.request), referral=referral, on=data["on"]
        )
        return f"First response to {referral.referral_id} recorded."


class NoteView(ReferralPostAction):
    form_class = NoteForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            require(request.user, "add", ReferralNote)
        return super().dispatch(request, *args, **kwargs)

    def perform(self, referral: Referral, data: dict[str, Any]) -> str:
        services.add_note(
            acting_user=acting_user(self.request), referral=referral, text=data["text"]
        )
        return "Note added."


def workload_rows(referral: Referral, checked: set[int]) -> list[dict[str, Any]]:
    """Every catalog workload with the customer's eligibility for it (the referral's first)."""
    customer = referral.customer
    if customer is None and referral.tenant_id is not None:
        customer = Customer.objects.filter(tenant_id=referral.tenant_id).first()
    eligibility = None
    if customer is not None:
        from frpdesk.licensing.models import Eligibility

        eligibility = Eligibility.objects.filter(customer=customer).first()
    referred = {workload.pk for workload in referral.workloads.all()}
    rows = []
    for workload in Workload.objects.all():
        result = eligibility.workloads.get(workload.code) if eligibility else None
        rows.append(
            {
                "workload": workload,
                "referred": workload.pk in referred,
                "checked": workload.pk in checked,
                "eligibility": result,
            }
        )
    rows.sort(key=lambda row: not row["referred"])
    return rows


class AcceptPage(AccessMixin, View):
    """Accepting links or creates the customer and opens an engagement with the workloads."""

    model = Referral
    access_action = "change"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            from frpdesk.engagements.models import Engagement

            require(request.user, "add", Engagement)
        return super().dispatch(request, *args, **kwargs)

    def referral(self, pk: int) -> Referral:
        return get_object_or_404(
            restrict(self.request.user, "change", Referral.objects.select_related("customer")),
            pk=pk,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        referral = self.referral(pk)
        form = AcceptForm(initial={"workloads": list(referral.workloads.all())})
        return self.page(referral, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        referral = self.referral(pk)
        form = AcceptForm(request.POST)
        if form.is_valid():
            try:
                engagement = services.accept_referral(
                    acting_user=acting_user(request),
                    referral=referral,
                    owner=form.cleaned_data["owner"],
                    workloads=list(form.cleaned_data["workloads"]),
                )
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    f"Referral {referral.referral_id} accepted: engagement “{engagement}” opened. "
                    "Accept it in Partner Center too.",
                )
                return HttpResponseRedirect(engagement_url(engagement) or referral_url(referral))
        return self.page(referral, form)

    def page(self, referral: Referral, form: AcceptForm) -> HttpResponse:
        if form.is_bound:
            chosen = self.request.POST.getlist("workloads")
            checked = {int(value) for value in chosen if value.isdigit()}
        else:
            checked = {workload.pk for workload in form.initial["workloads"]}
        customer = referral.customer or (
            Customer.objects.filter(tenant_id=referral.tenant_id).first()
            if referral.tenant_id
            else None
        )
        return render(
            self.request,
            "referrals/accept.html",
            {
                "title": f"Accept {referral}",
                "referral": referral,
                "form": form,
                "rows": workload_rows(referral, checked),
                "customer": customer,
                "pending": referral.acceptance == Acceptance.PENDING,
            },
        )


# --- import ----------------------------------------------------------------------------------


@login_required
def referral_import(request: HttpRequest) -> HttpResponse:
    return file_import_page(
        request,
        model=Referral,
        form_class=ImportForm,
        title="Import referrals",
        sample=SAMPLE_CSV,
        default_name="upload.csv",
        run_import=import_referrals,
        success_url=lambda counts: reverse("referrals:list"),
        template_name="referrals/import.html",
        actions=("add", "change"),
    )
