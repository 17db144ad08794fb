"""Pages of the scoping area.

- The engagement page's "Scope and requests" tab (loaded by htmx): the current scope assessment
  with its outcome and the VAS each "no" suggests, the older assessments, and the customer
  requests as cards saying what is missing before out-of-scope work may be delivered.
- The customer request list (filters, CSV/XLSX export) and a page per request.
- Form pages for each business action (assess, record or edit a request, record the disclosure,
  link the contract) and buttons for the status; each saves through a service function and
  returns to the engagement's scope tab.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from frpdesk.catalog.models import ScopeQuestion, Workload
from frpdesk.core.access import Action, AnyUser, acting_user, can, require, restrict
from frpdesk.core.views import AccessMixin, DetailPage, ListPage
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.views import ActionFormPage, PostAction, TargetMixin
from frpdesk.scoping import services
from frpdesk.scoping.filters import CustomerRequestFilter
from frpdesk.scoping.forms import (
    AssessmentForm,
    ContractForm,
    CustomerRequestForm,
    DisclosureForm,
    StatusForm,
)
from frpdesk.scoping.links import quote_create_url, scope_tab_url
from frpdesk.scoping.models import (
    CustomerRequest,
    Disclosure,
    RequestStatus,
    ScopeAssessment,
)
from frpdesk.scoping.tables import CustomerRequestTable
from frpdesk.vas.models import Quote, ServicesContract

# A request card's button for each status it can move to: label, icon, style.
STATUS_BUTTONS = {
    RequestStatus.IN_DELIVERY: ("Start delivery", "bi-play-circle", "btn-primary"),
    RequestStatus.DELIVERED: ("Mark delivered", "bi-check2-all", "btn-outline-success"),
    RequestStatus.DECLINED: ("Decline", "bi-x-circle", "btn-outline-secondary"),
    RequestStatus.OPEN: ("Reopen", "bi-arrow-counterclockwise", "btn-outline-secondary"),
}


def requests_with_links(queryset: QuerySet[CustomerRequest]) -> QuerySet[CustomerRequest]:
    """What a card or a row reads, in one query."""
    return queryset.select_related(
        "engagement__customer",
        "workload",
        "out_of_scope_item__workload",
        "contract__quote",
        "disclosure__disclosed_by",
        "recorded_by",
    )


def request_card(user: AnyUser, customer_request: CustomerRequest) -> dict[str, Any]:
    """A request with what is missing before delivery and the actions the user may take."""
    is_open = customer_request.engagement.closed_on is None
    status = RequestStatus(customer_request.status)
    final = status in services.FINAL_STATUSES
    outside = customer_request.outside_benefit
    may_change = is_open and can(user, "change", CustomerRequest)
    blockers = [] if final else services.delivery_blockers(customer_request)
    disclosure = services.disclosure_of(customer_request)
    buttons = []
    if may_change:
        for target in services.ALLOWED_MOVES[status]:
            label, icon, style = STATUS_BUTTONS[target]
            blocked = target in services.DELIVERY_STATUSES and bool(blockers)
            buttons.append(
                {
                    "status": target.value,
                    "label": label,
                    "icon": icon,
                    "style": style,
                    "blocked": blocked,
                }
            )
    return {
        "item": customer_request,
        "disclosure": disclosure,
        "blockers": blockers,
        "buttons": buttons,
        "may": {
            "edit": may_change and not final,
            "disclose": is_open
            and outside
            and disclosure is None
            and status == RequestStatus.OPEN
            and can(user, "add", Disclosure),
            "contract": may_change
            and outside
            and not final
            and can(user, "view", ServicesContract),
        },
    }


class EngagementPanel(AccessMixin, View):
    """The engagement page's "Scope and requests" tab (loaded by htmx)."""

    model = ScopeAssessment

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = request.user
        engagement = get_object_or_404(
            restrict(user, "view", Engagement.objects.select_related("customer")), pk=pk
        )
        is_open = engagement.closed_on is None
        assessments = list(
            restrict(user, "view", engagement.scope_assessments.all())
            .select_related("assessed_by")
            .prefetch_related("answers__question", "answers__suggested_vas")
        )
        current = assessments[0] if assessments else None
        customer_requests = requests_with_links(
            restrict(user, "view", engagement.customer_requests.all())
        )
        may_quote = is_open and can(user, "add", Quote)
        context: dict[str, Any] = {
            "engagement": engagement,
            "assessment": current,
            "history": assessments[1:],
            "suggested": [answer for answer in current.answers.all() if not answer.answer]
            if current
            else [],
            "quote_url": quote_create_url(engagement.pk) if may_quote else "",
            "cards": [request_card(user, item) for item in customer_requests],
            "may": {
                "assess": is_open and can(user, "add", ScopeAssessment),
                "add_request": is_open and can(user, "add", CustomerRequest),
            },
            "is_open": is_open,
            "has_questions": ScopeQuestion.objects.exists(),
        }
        return render(request, "scoping/engagement_panel.html", context)


# --- form pages and buttons ------------------------------------------------------------------


class ScopeTarget(TargetMixin):
    """Engagement actions that return to the scope tab, also for a request addressed by pk."""

    def engagement(self) -> Engagement:
        target = self.target()
        if isinstance(target, CustomerRequest):
            return target.engagement
        return super().engagement()

    def anchor(self) -> str:
        target = self.target()
        return f"request-{target.pk}" if isinstance(target, CustomerRequest) else ""

    def return_url(self) -> str:
        return scope_tab_url(self.engagement().pk, self.anchor())


class ScopeFormPage(ScopeTarget, ActionFormPage):
    pass


class AssessPage(ScopeFormPage):
    """Answer the three scope questions; saving adds a new assessment (the history stays)."""

    model = ScopeAssessment
    access_action: Action = "add"
    form_class = AssessmentForm
    template_name = "scoping/assess.html"
    submit_label = "Save assessment"
    intro = (
        "All yes: the Benefit's remote guidance covers the customer. Each no is a value-added "
        "service opportunity, sold separately under a services contract."
    )

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["questions"] = list(ScopeQuestion.objects.select_related("suggested_vas"))
        kwargs["previous"] = services.current_assessment(self.engagement())
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        previous = services.current_assessment(self.engagement())
        context["title"] = "Re-assess scope" if previous else "Assess scope"
        context["previous"] = previous
        return context

    def perform(self, form: AssessmentForm) -> str:
        assessment = services.assess_scope(
            acting_user=acting_user(self.request),
            engagement=self.engagement(),
            answers=form.answers(),
        )
        return f"Scope assessed: {assessment.get_outcome_display()}."


class RequestFormPage(ScopeFormPage):
    form_class = CustomerRequestForm
    template_name = "scoping/request_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["engagement"] = self.engagement()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["suggest_url"] = reverse("scoping:suggest", args=[self.engagement().pk])
        return context

    def perform(self, form: CustomerRequestForm) -> str:
        customer_request = services.save_request(
            acting_user=acting_user(self.request), customer_request=form.save(commit=False)
        )
        self._target = customer_request  # return to the request's card
        return (
            f"Request saved as “{customer_request.get_classification_display()}”: "
            f"{customer_request.classification_reason}"
        )


class RequestCreatePage(RequestFormPage):
    model = CustomerRequest
    access_action: Action = "add"
    title = "Record a customer request"
    intro = (
        "What the customer asked for. It is classified against the catalog: remote guidance is "
        "in Benefit scope; anything beyond it needs a disclosure and a signed services contract "
        "before delivery."
    )
    submit_label = "Record request"


class RequestEditPage(RequestFormPage):
    model = CustomerRequest
    target_model = CustomerRequest
    title = "Edit customer request"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.target()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_delete"] = can(self.request.user, "delete", CustomerRequest)
        return context


class SuggestPartial(AccessMixin, View):
    """The classification the rules propose for the request form's description and workload."""

    model = CustomerRequest
    access_action: Action = "add"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        engagement = get_object_or_404(
            restrict(request.user, "view", Engagement.objects.all()), pk=pk
        )
        description = request.GET.get("description", "")
        workload_id = request.GET.get("workload", "")
        workload = (
            Workload.objects.filter(
                pk=workload_id, pk__in=engagement.workloads.values("workload")
            ).first()
            if workload_id.isdigit()
            else None
        )
        suggestion = (
            services.suggest_classification(description, workload) if description.strip() else None
        )
        return render(request, "scoping/suggestion.html", {"suggestion": suggestion})


class DisclosurePage(ScopeFormPage):
    model = Disclosure
    access_action: Action = "add"
    target_model = CustomerRequest
    form_class = DisclosureForm
    title = "Record the disclosure"
    intro = (
        "Record that the customer was told this request goes beyond the free FastTrack "
        "Benefit: value-added services are fee-based and not covered by any Microsoft agreement."
    )
    submit_label = "Record disclosure"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["customer_request"] = self.target()
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"disclosed_by": self.request.user}

    def perform(self, form: DisclosureForm) -> str:
        data = form.cleaned_data
        disclosure = services.record_disclosure(
            acting_user=acting_user(self.request),
            customer_request=self.target(),
            disclosed_by=data["disclosed_by"],
            disclosed_to=data["disclosed_to"],
            disclosed_to_contact=data["disclosed_to_contact"],
            disclosed_on=data["disclosed_on"],
            method=data["method"],
            note=data["note"],
        )
        return f"{disclosure}."


class ContractPage(ScopeFormPage):
    model = CustomerRequest
    target_model = CustomerRequest
    form_class = ContractForm
    title = "Link the services contract"
    intro = "Out-of-scope work is delivered under a signed services contract of this engagement."
    submit_label = "Link contract"
    template_name = "scoping/contract_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            require(request.user, "view", ServicesContract)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["engagement"] = self.engagement()
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"contract": self.target().contract}

    def perform(self, form: ContractForm) -> str:
        contract = form.cleaned_data["contract"]
        services.link_contract(
            acting_user=acting_user(self.request),
            customer_request=self.target(),
            contract=contract,
        )
        return f"Covered by {contract.number}." if contract else "Contract unlinked."


class ScopePostAction(ScopeTarget, PostAction):
    target_model = CustomerRequest
    model = CustomerRequest


class StatusAction(ScopePostAction):
    """Start delivery, mark delivered, decline or reopen; refused with what is missing."""

    def perform(self) -> str:
        form = StatusForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError("Choose the status to move the request to.")
        customer_request = services.set_status(
            acting_user=acting_user(self.request),
            customer_request=self.target(),
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
        return f"“{customer_request}” is now {customer_request.get_status_display().lower()}."


class DeleteAction(ScopePostAction):
    access_action: Action = "delete"

    def perform(self) -> str:
        customer_request = self.target()
        services.delete_request(
            acting_user=acting_user(self.request), customer_request=customer_request
        )
        return f"Request “{customer_request}” deleted."

    def anchor(self) -> str:
        return ""


# --- list and detail -------------------------------------------------------------------------


class RequestListPage(ListPage):
    model = CustomerRequest
    table_class = CustomerRequestTable
    filterset_class = CustomerRequestFilter
    title = "Customer requests"
    description = (
        "What customers asked for, classified against the FastTrack Benefit; out-of-scope work "
        "needs a recorded disclosure and a signed services contract before delivery."
    )
    export_name = "customer-requests"

    def get_queryset(self) -> Any:
        return requests_with_links(super().get_queryset())


class RequestDetailPage(DetailPage):
    model = CustomerRequest
    template_name = "scoping/request_detail.html"
    list_url_name = "scoping:request-list"

    def get_queryset(self) -> Any:
        return requests_with_links(super().get_queryset())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["card"] = request_card(self.request.user, self.object)
        context["scope_url"] = scope_tab_url(self.object.engagement_id)
        context["title"] = str(self.object)
        return context
