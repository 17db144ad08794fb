"""Pages of the claims area: the register with its clocks, a claim with its history and actions
(submit, record a state change, export for Partner Center, PoE download), drafting from an
engagement, the status import, conflicts, and the tabs of the customer and engagement pages."""

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from frpdesk.catalog.services import holidays
from frpdesk.claims import services
from frpdesk.claims.filters import ClaimFilter, ExternalClaimFilter
from frpdesk.claims.forms import ClaimForm, ExternalClaimForm, StatusImportForm, TransitionForm
from frpdesk.claims.importing import import_claim_status
from frpdesk.claims.models import Claim, ClaimState, ClaimTransition, ExternalClaim
from frpdesk.claims.tables import ClaimTable, ExternalClaimTable, state_badge
from frpdesk.core.access import acting_user, can, restrict
from frpdesk.core.import_views import file_import_page
from frpdesk.core.imports import ImportFailure, read_upload
from frpdesk.core.views import (
    AccessMixin,
    CreatePage,
    DeletePage,
    DetailPage,
    ListPage,
    UpdatePage,
)
from frpdesk.customers.models import Customer
from frpdesk.engagements.models import Engagement
from frpdesk.sow.views import file_response

SAMPLE_CSV = (
    "Claim reference,Status,Date,Reason\r\n"
    "CLM-12,Under review,3/9/2026,\r\n"
    "CLM-12,Approved,2026-03-20,\r\n"
    "PC-778812,Claimed by another partner,3/20/2026,Tenant workload already associated\r\n"
)


def claim_url(claim: Claim) -> str:
    return reverse("claims:detail", args=[claim.pk])


def _claims(request: HttpRequest, action: str = "view") -> models.QuerySet[Claim]:
    return restrict(
        request.user,
        action,  # type: ignore[arg-type]
        Claim.objects.select_related("customer", "engagement", "poe_signed_sow"),
    )


# --- the register ----------------------------------------------------------------------------


class ClaimListPage(ListPage):
    model = Claim
    table_class = ClaimTable
    filterset_class = ClaimFilter
    template_name = "claims/list.html"
    title = "CPOR claims"
    description = (
        "Our claims of tenants' workloads in Partner Center and their clocks: the review starts "
        "within 5 business days, ends within 14; a requested action is answered within 14."
    )
    create_url_name = "claims:create"
    export_name = "claims"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("customer")
            .prefetch_related("workloads__workload")
            .order_by(models.F("deadline").asc(nulls_last=True), "-pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_import"] = can(user, "change", Claim)
        context["import_form"] = StatusImportForm()
        context["may_conflicts"] = can(user, "view", ExternalClaim)
        context["overdue_count"] = (
            restrict(user, "view", Claim.objects.all())
            .filter(services.overdue_condition(timezone.localdate()))
            .count()
        )
        return context


class ClaimDetailPage(DetailPage):
    model = Claim
    template_name = "claims/detail.html"
    list_url_name = "claims:list"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("customer", "engagement", "poe_signed_sow", "partner_contact")
            .defer("document", "poe_signed_sow__document")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        claim: Claim = self.object
        user = self.request.user
        today = timezone.localdate()
        is_draft = claim.state == ClaimState.DRAFT
        # A draft moves only by "Submit" (the rules are checked first).
        allowed = [] if is_draft else list(services.TRANSITIONS[claim.state])
        may_change = can(user, "change", Claim)
        workloads = [item.workload for item in claim.workloads.select_related("workload")]
        context.update(
            title=str(claim),
            reference=services.reference(claim),
            state_badge=state_badge(claim),
            time_left=services.time_left(claim, today, holidays()),
            overdue=services.is_overdue(claim, today),
            workloads=workloads,
            transitions=list(
                restrict(user, "view", ClaimTransition.objects.filter(claim=claim)).select_related(
                    "actor"
                )
            ),
            conflicts=list(services.conflicts(claim.customer, workloads)),
            export=services.export_data(claim),
            has_poe=bool(claim.poe_signed_sow_id or claim.poe_file_name),
            is_draft=is_draft,
            import_form=StatusImportForm(),
            may_change=may_change,
            may_delete=can(user, "delete", Claim) and is_draft,
            transition_form=TransitionForm(allowed=allowed) if allowed and may_change else None,
        )
        return context


# --- drafting --------------------------------------------------------------------------------


class ClaimSaveMixin:
    form_class: type[Any] | None = ClaimForm
    template_name: str | None = "claims/form.html"
    request: HttpRequest
    object: Any

    def perform_save(self, form: Any) -> models.Model:
        upload = form.cleaned_data.get("poe_file")
        claim = services.save_claim(
            acting_user=acting_user(self.request),
            claim=form.instance,
            workloads=form.cleaned_data["workloads"],
        )
        if upload is not None:
            try:
                name, content = read_upload(upload, "poe")
            except ImportFailure as failure:
                raise ValidationError({"poe_file": str(failure)}) from failure
            services.attach_poe_file(
                acting_user=acting_user(self.request), claim=claim, file_name=name, content=content
            )
        return claim

    def get_success_url(self) -> str:
        return claim_url(self.object)


class ClaimCreatePage(ClaimSaveMixin, CreatePage):
    """A new draft; ``?engagement=<id>`` fills it from the engagement, ``?customer=<id>`` from
    the customer."""

    model = Claim
    cancel_url_name = "claims:list"
    success_message = "Claim drafted. Submit it once every rule passes."

    def get_initial(self) -> dict[str, Any]:
        user = acting_user(self.request)
        engagement_id = self.request.GET.get("engagement", "")
        if engagement_id.isdigit():
            engagement = get_object_or_404(
                restrict(user, "view", Engagement.objects.select_related("customer")),
                pk=engagement_id,
            )
            return services.initial_for(engagement, user)
        customer_id = self.request.GET.get("customer", "")
        if customer_id.isdigit():
            customer = get_object_or_404(
                restrict(user, "view", Customer.objects.all()), pk=customer_id
            )
            return {"customer": customer, "partner_contact": user}
        return {"partner_contact": user}


class ClaimEditPage(ClaimSaveMixin, UpdatePage):
    model = Claim
    success_message = "Claim saved."

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = claim_url(self.object)
        return context


class ClaimDeletePage(DeletePage):
    model = Claim

    def perform_delete(self) -> None:
        services.delete_claim(acting_user=acting_user(self.request), claim=self.object)

    def get_success_url(self) -> str:
        return reverse("claims:list")


# --- actions ---------------------------------------------------------------------------------


class SubmitView(AccessMixin, View):
    model = Claim
    access_action = "change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = get_object_or_404(_claims(request, "change"), pk=pk)
        try:
            services.submit_claim(acting_user=acting_user(request), claim=claim)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{claim} submitted. Add it in Partner Center with the exported data and the PoE.",
            )
        return HttpResponseRedirect(claim_url(claim))


class TransitionView(AccessMixin, View):
    model = Claim
    access_action = "change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = get_object_or_404(_claims(request, "change"), pk=pk)
        form = TransitionForm(request.POST, allowed=list(services.TRANSITIONS[claim.state]))
        if not form.is_valid():
            messages.error(request, "Choose a state allowed from the current one and a date.")
            return HttpResponseRedirect(claim_url(claim))
        try:
            services.transition_claim(
                acting_user=acting_user(request),
                claim=claim,
                state=form.cleaned_data["state"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "State recorded.")
        return HttpResponseRedirect(claim_url(claim))


class ExportView(AccessMixin, View):
    """What Partner Center's "Add customer" form needs, as JSON or CSV (``?format=``)."""

    model = Claim

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = get_object_or_404(_claims(request).defer("document"), pk=pk)
        name = services.reference(claim)
        if request.GET.get("format") == "csv":
            response = HttpResponse(services.export_csv([claim]), content_type="text/csv")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        response = HttpResponse(
            json.dumps(services.export_data(claim), indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response


class PoeDownload(AccessMixin, View):
    model = Claim

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = get_object_or_404(_claims(request), pk=pk)
        document = services.poe_document(claim)
        if document is None:
            raise Http404("This claim has no proof of execution yet.")
        return file_response(document[0], document[1])


class StatusImportView(AccessMixin, View):
    """The Partner Center status file; a GET shows the form and the expected columns."""

    model = Claim
    access_action = "change"

    def get(self, request: HttpRequest) -> HttpResponse:
        return file_import_page(
            request,
            model=Claim,
            form_class=StatusImportForm,
            title="Import claim status",
            sample=SAMPLE_CSV,
            default_name="upload.csv",
            run_import=import_claim_status,
            success_url=lambda counts: self.back_url(),
            template_name="claims/import.html",
            actions=("change",),
            error_status=400,
        )

    post = get

    def back_url(self) -> str:
        """The page the form came from (``next``) when it is on this site, else the claims."""
        back = self.request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={self.request.get_host()}):
            return back
        return reverse("claims:list")


# --- conflicts -------------------------------------------------------------------------------


class ExternalClaimListPage(ListPage):
    model = ExternalClaim
    table_class = ExternalClaimTable
    filterset_class = ExternalClaimFilter
    title = "Claims by other partners"
    description = (
        "Tenant workloads Partner Center reports as claimed by another partner: we cannot claim "
        "them."
    )
    create_url_name = "claims:external-create"
    export_name = "external-claims"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("customer", "workload")


class ExternalClaimSaveMixin:
    form_class: type[Any] | None = ExternalClaimForm
    request: HttpRequest
    object: Any

    def perform_save(self, form: Any) -> models.Model:
        return services.save_external_claim(
            acting_user=acting_user(self.request), external=form.instance
        )

    def get_success_url(self) -> str:
        return reverse("claims:external-list")


class ExternalClaimCreatePage(ExternalClaimSaveMixin, CreatePage):
    model = ExternalClaim
    cancel_url_name = "claims:external-list"
    title = "Record a claim by another partner"

    def get_initial(self) -> dict[str, Any]:
        customer_id = self.request.GET.get("customer", "")
        return {"customer": customer_id} if customer_id.isdigit() else {}


class ExternalClaimEditPage(ExternalClaimSaveMixin, UpdatePage):
    model = ExternalClaim
    cancel_url_name = "claims:external-list"


class ExternalClaimDeletePage(DeletePage):
    model = ExternalClaim

    def get_success_url(self) -> str:
        return reverse("claims:external-list")


# --- the customer's and the engagement's tabs ------------------------------------------------


def _panel(
    request: HttpRequest,
    claims: models.QuerySet[Claim],
    customer: Customer,
    new_claim_query: str,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    days_off = holidays()
    rows = [
        {
            "claim": claim,
            "reference": services.reference(claim),
            "badge": state_badge(claim),
            "time_left": services.time_left(claim, today, days_off),
            "overdue": services.is_overdue(claim, today),
        }
        for claim in restrict(user, "view", claims)
        .select_related("customer")
        .prefetch_related("workloads__workload")
        .defer("document")
    ]
    return render(
        request,
        "claims/panel.html",
        {
            "rows": rows,
            "customer": customer,
            "conflicts": list(restrict(user, "view", services.conflicts(customer))),
            "may_add": can(user, "add", Claim),
            "may_conflict": can(user, "add", ExternalClaim),
            "new_claim_query": new_claim_query,
        },
    )


class CustomerPanel(AccessMixin, View):
    model = Claim

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = get_object_or_404(restrict(request.user, "view", Customer.objects.all()), pk=pk)
        return _panel(
            request, Claim.objects.filter(customer=customer), customer, f"customer={customer.pk}"
        )


class EngagementPanel(AccessMixin, View):
    model = Claim

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        engagement = get_object_or_404(
            restrict(request.user, "view", Engagement.objects.select_related("customer")), pk=pk
        )
        return _panel(
            request,
            Claim.objects.filter(engagement=engagement),
            engagement.customer,
            f"engagement={engagement.pk}",
        )
