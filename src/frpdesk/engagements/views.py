"""Pages of the engagements area.

- The engagement list (filters, CSV/XLSX export) and the engagement page: phase and its history,
  owner and team, each workload with its status, routing, partner association and checklist,
  the status notes and the timeline.
- The pipeline: a kanban by phase; cards move by drag and drop (``engagements.js`` posts the
  card's "Move to" form, which also works without JavaScript).
- My work: the signed-in user's next actions, open checklist items and stale engagements.
- Form pages for each business action; each saves through a service function.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views import View
from django.views.generic import FormView

from frpdesk.adoption.models import PartnerAssociation
from frpdesk.catalog.models import DeliveryPhase
from frpdesk.claims.models import Claim
from frpdesk.core.access import Action, AnyUser, acting_user, can, require, restrict
from frpdesk.core.views import AccessMixin, DetailPage, ListPage, attach_errors
from frpdesk.customers.models import Customer
from frpdesk.engagements import services
from frpdesk.engagements.filters import EngagementFilter
from frpdesk.engagements.forms import (
    AddWorkloadForm,
    AssociationForm,
    ChecklistItemForm,
    EngagementCreateForm,
    MoveForm,
    RoutingForm,
    StatusNoteForm,
    TeamForm,
    WorkloadStatusForm,
)
from frpdesk.engagements.models import (
    ChecklistItem,
    Engagement,
    EngagementWorkload,
    Routing,
    StatusNote,
    WorkloadSource,
)
from frpdesk.engagements.tables import EngagementTable
from frpdesk.scoping.models import ScopeAssessment
from frpdesk.sow.models import SowVersion
from frpdesk.vas.models import Quote


def engagement_url(engagement_pk: int, anchor: str = "") -> str:
    url = reverse("engagements:detail", args=[engagement_pk])
    return f"{url}#{anchor}" if anchor else url


def visible_engagements(user: AnyUser) -> models.QuerySet[Engagement]:
    return restrict(user, "view", Engagement.objects.all())


def referral_url(engagement: Engagement) -> str:
    """The referral's page, once the referrals area provides one."""
    if engagement.referral_id is None:
        return ""
    try:
        return reverse("referrals:detail", args=[engagement.referral_id])
    except NoReverseMatch:
        return ""


# --- list ------------------------------------------------------------------------------------


class EngagementListPage(ListPage):
    model = Engagement
    table_class = EngagementTable
    filterset_class = EngagementFilter
    title = "Engagements"
    description = (
        "FastTrack engagements, their phase and their status notes; stale ones have had no "
        "status note for 14 days."
    )
    create_url_name = "engagements:create"
    export_name = "engagements"

    def get_queryset(self) -> Any:
        return services.with_staleness(
            super()
            .get_queryset()
            .select_related("customer", "owner", "phase")
            .prefetch_related("workloads__workload")
        )


# --- engagement page -------------------------------------------------------------------------


def workload_rows(user: AnyUser, engagement: Engagement) -> list[dict[str, Any]]:
    """Each workload of the engagement with what its card shows."""
    today = timezone.localdate()
    endorsed = services.endorsed_workload_ids()
    associations = {
        association.workload_id: association
        for association in PartnerAssociation.objects.filter(customer=engagement.customer_id)
    }
    eligibility = getattr(engagement.customer, "eligibility", None)
    eligibility_by_code = (eligibility.workloads or {}) if eligibility else {}
    rows = []
    workloads = engagement.workloads.select_related(
        "workload", "status", "handoff_partner", "routed_by"
    ).prefetch_related("checklist__owner", "checklist__phase", "checklist__done_by")
    for item in restrict(user, "view", workloads):
        checklist = [
            {
                "item": entry,
                "overdue": bool(entry.due_on and not entry.done_on and entry.due_on < today),
            }
            for entry in item.checklist.all()
        ]
        rows.append(
            {
                "item": item,
                "endorsed": item.workload_id in endorsed,
                "needs_routing": services.needs_routing(item, endorsed),
                "association": associations.get(item.workload_id),
                "eligibility": eligibility_by_code.get(item.workload.code) if eligibility else None,
                "checklist": checklist,
                "done_count": sum(1 for entry in item.checklist.all() if entry.done_on),
            }
        )
    return rows


class EngagementDetailPage(DetailPage):
    model = Engagement
    template_name = "engagements/detail.html"
    list_url_name = "engagements:list"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("customer", "customer__eligibility", "owner", "phase", "referral")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        engagement: Engagement = self.object
        user = self.request.user
        is_open = engagement.closed_on is None
        may = {
            "change": is_open and can(user, "change", Engagement),
            "note": is_open and can(user, "add", StatusNote),
            "workload": is_open and can(user, "change", EngagementWorkload),
            "add_workload": is_open and can(user, "add", EngagementWorkload),
            "checklist": is_open and can(user, "change", ChecklistItem),
            "associate": can(user, "add", PartnerAssociation)
            and can(user, "change", PartnerAssociation),
            "customer": can(user, "view", Customer),
            "history": can(user, "history", Engagement),
            "scope": can(user, "view", ScopeAssessment),
            "vas": can(user, "view", Quote),
            "sow": can(user, "view", SowVersion),
            "claims": can(user, "view", Claim),
        }
        context.update(
            title=str(engagement),
            may=may,
            is_stale=services.is_stale(engagement),
            max_age=services.status_note_max_age(),
            referral_url=referral_url(engagement),
            phase_history=list(engagement.phases.select_related("phase")),
            phases=list(DeliveryPhase.objects.all()),
            team=list(engagement.team.order_by("username")),
            workloads=workload_rows(user, engagement),
            notes=list(
                restrict(
                    user,
                    "view",
                    engagement.status_notes.select_related("next_action_owner", "author"),
                )
            ),
            timeline=list(restrict(user, "view", engagement.timeline.select_related("actor"))),
            today=timezone.localdate(),
        )
        return context


# --- pipeline and my work --------------------------------------------------------------------


class PipelinePage(AccessMixin, View):
    """Open engagements as cards in one column per catalog phase."""

    model = Engagement

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = EngagementFilter(
            request.GET,
            queryset=services.with_staleness(
                visible_engagements(request.user).filter(closed_on__isnull=True)
            )
            .select_related("customer", "owner", "phase")
            .annotate(workload_count=Count("workloads", distinct=True))
            .order_by("customer__name", "pk"),
        )
        filterset.form.fields.pop("phase", None)
        filterset.form.fields.pop("open", None)
        engagements = list(filterset.qs) if filterset.is_valid() else []
        columns = [
            {
                "phase": phase,
                "cards": [item for item in engagements if item.phase_id == phase.pk],
            }
            for phase in DeliveryPhase.objects.all()
        ]
        return render(
            request,
            "engagements/pipeline.html",
            {
                "title": "Pipeline",
                "columns": columns,
                "phases": [column["phase"] for column in columns],
                "filter": filterset,
                "may_move": can(request.user, "change", Engagement),
                "stale_count": sum(1 for item in engagements if item.is_stale),
            },
        )


class MyWorkPage(AccessMixin, View):
    model = Engagement

    def get(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        work = services.my_work(user, visible_engagements(user))
        return render(
            request,
            "engagements/my_work.html",
            {"title": "My work", "work": work, "today": work.today},
        )


# --- actions ---------------------------------------------------------------------------------


class TargetMixin(AccessMixin):
    """Pages and actions on one record addressed by the URL's ``pk`` (scoped like every view).

    ``model`` is what the action changes (checked before anything else); ``target_model`` is the
    record the URL names.
    """

    target_model: type[models.Model] = Engagement
    kwargs: dict[str, Any]
    _target: Any = None

    def target(self) -> Any:
        if self._target is None:
            rows = restrict(self.request.user, "view", self.target_model._default_manager.all())
            self._target = get_object_or_404(rows, pk=self.kwargs["pk"])
        return self._target

    def engagement(self) -> Engagement:
        target = self.target()
        if isinstance(target, Engagement):
            return target
        if isinstance(target, EngagementWorkload):
            return target.engagement
        if isinstance(target, ChecklistItem):
            return target.engagement_workload.engagement
        raise TypeError(type(target))

    def anchor(self) -> str:
        target = self.target()
        if isinstance(target, EngagementWorkload):
            return f"workload-{target.workload.code}"
        if isinstance(target, ChecklistItem):
            return f"workload-{target.engagement_workload.workload.code}"
        return ""

    def return_url(self) -> str:
        return engagement_url(self.engagement().pk, self.anchor())


class ActionFormPage(TargetMixin, FormView):
    """A form page whose valid form is handed to ``perform`` (a service call)."""

    template_name = "engagements/form.html"
    access_action: Action = "change"
    title = ""
    intro = ""
    submit_label = "Save"

    def perform(self, form: Any) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            message = self.perform(form)
        except ValidationError as error:
            attach_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return HttpResponseRedirect(self.return_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            intro=self.intro,
            submit_label=self.submit_label,
            engagement=self.engagement(),
            target=self.target(),
            cancel_url=self.return_url(),
        )
        return context


class EngagementCreatePage(AccessMixin, FormView):
    model = Engagement
    access_action: Action = "add"
    template_name = "engagements/form.html"
    form_class = EngagementCreateForm

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {"owner": self.request.user}
        customer = self.request.GET.get("customer", "")
        if customer.isdigit():
            initial["customer"] = int(customer)
        return initial

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["customer"].queryset = restrict(
            self.request.user, "view", Customer.objects.all()
        )
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        try:
            engagement = services.open_engagement(
                acting_user=acting_user(self.request),
                customer=data["customer"],
                origin=data["origin"],
                workloads=list(data["workloads"]),
                owner=data["owner"],
                source=WorkloadSource.CLAIMED,
                started_on=data["started_on"],
            )
        except ValidationError as error:
            attach_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{engagement} opened.")
        return HttpResponseRedirect(engagement_url(engagement.pk))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title="Open an engagement",
            intro="For an own lead or a workload we already claimed. Engagements from a "
            "FastTrack referral open when the referral is accepted.",
            submit_label="Open engagement",
            cancel_url=reverse("engagements:list"),
        )
        return context


class TeamPage(ActionFormPage):
    model = Engagement
    form_class = TeamForm
    title = "Owner and team"
    intro = "The owner receives the checklist items that have no other owner."

    def get_initial(self) -> dict[str, Any]:
        engagement = self.engagement()
        return {"owner": engagement.owner, "team": list(engagement.team.all())}

    def perform(self, form: Any) -> str:
        services.set_team(
            acting_user=acting_user(self.request),
            engagement=self.engagement(),
            owner=form.cleaned_data["owner"],
            team=form.cleaned_data["team"],
        )
        return "Owner and team saved."


class AddWorkloadPage(ActionFormPage):
    model = EngagementWorkload
    access_action: Action = "add"
    form_class = AddWorkloadForm
    title = "Add a workload"
    intro = "The workload gets its checklist from the catalog's milestone templates."

    def perform(self, form: Any) -> str:
        item = services.add_workload(
            acting_user=acting_user(self.request),
            engagement=self.engagement(),
            workload=form.cleaned_data["workload"],
            source=form.cleaned_data["source"],
        )
        self._target = item
        return f"{item.workload.name} added."


class StatusNotePage(ActionFormPage):
    model = StatusNote
    access_action: Action = "add"
    form_class = StatusNoteForm
    title = "Add a status note"
    intro = "Onboarding scope, risks and the next action: due at least every 14 days."
    submit_label = "Add status note"

    def get_initial(self) -> dict[str, Any]:
        return {"next_action_owner": self.request.user}

    def anchor(self) -> str:
        return "notes"

    def perform(self, form: Any) -> str:
        data = form.cleaned_data
        services.add_status_note(
            acting_user=acting_user(self.request),
            engagement=self.engagement(),
            onboarding_scope=data["onboarding_scope"],
            risks=data["risks"],
            next_action=data["next_action"],
            next_action_on=data["next_action_on"],
            next_action_owner=data["next_action_owner"],
        )
        return "Status note added."


class WorkloadStatusPage(ActionFormPage):
    model = EngagementWorkload
    target_model = EngagementWorkload
    form_class = WorkloadStatusForm
    submit_label = "Save status"

    def get_initial(self) -> dict[str, Any]:
        item = self.target()
        return {"status": item.status, "status_l3": item.status_l3, "intent_note": item.intent_note}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = f"Status of {self.target().workload.name}"
        return context

    def perform(self, form: Any) -> str:
        data = form.cleaned_data
        item = services.update_workload_status(
            acting_user=acting_user(self.request),
            engagement_workload=self.target(),
            status=data["status"],
            status_l3=data["status_l3"],
            intent_note=data["intent_note"],
        )
        return f"Status of {item.workload.name} saved."


class RoutingPage(ActionFormPage):
    model = EngagementWorkload
    target_model = EngagementWorkload
    form_class = RoutingForm
    template_name = "engagements/routing_form.html"
    submit_label = "Record decision"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["candidates"] = services.handoff_candidates(self.target())
        item = self.target()
        if item.routing:
            kwargs.setdefault("initial", {}).update(
                routing=item.routing,
                handoff_partner=item.handoff_partner,
                justification=item.routing_justification,
            )
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item = self.target()
        context.update(
            title=f"Route {item.workload.name}",
            candidates=list(services.handoff_candidates(item)),
            customer=item.engagement.customer,
        )
        return context

    def perform(self, form: Any) -> str:
        data = form.cleaned_data
        item = services.route_workload(
            acting_user=acting_user(self.request),
            engagement_workload=self.target(),
            routing=data["routing"],
            justification=data["justification"],
            handoff_partner=data["handoff_partner"],
        )
        if item.routing == Routing.HAND_OFF:
            return f"{item.workload.name} handed off to {item.handoff_partner}; the note is ready."
        if item.routing == Routing.RFA:
            return f"{item.workload.name}: the Request for Assistance advice is ready."
        return f"{item.workload.name}: we deliver it ourselves."


class AssociationPage(ActionFormPage):
    model = PartnerAssociation
    access_action: Action = "add"
    target_model = EngagementWorkload
    form_class = AssociationForm
    submit_label = "Save association date"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            require(request.user, "change", PartnerAssociation)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        association = services.association_of(self.target())
        if association is None:
            return {}
        return {"associated_on": association.associated_on, "note": association.note}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item = self.target()
        context["title"] = f"Partner association date of {item.workload.name}"
        context["intro"] = (
            "The day our claim on this tenant's workload was approved. It is the customer's "
            "record (shown on its Adoption tab too) and starts the starting peak of adoption."
        )
        return context

    def perform(self, form: Any) -> str:
        association = services.set_association_date(
            acting_user=acting_user(self.request),
            engagement_workload=self.target(),
            associated_on=form.cleaned_data["associated_on"],
            note=form.cleaned_data["note"],
        )
        return (
            f"{association.workload.name}: partner associated on "
            f"{association.associated_on.isoformat()}."
        )


class ChecklistItemPage(ActionFormPage):
    model = ChecklistItem
    target_model = ChecklistItem
    form_class = ChecklistItemForm

    def get_initial(self) -> dict[str, Any]:
        item = self.target()
        return {"owner": item.owner, "due_on": item.due_on}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item = self.target()
        context["title"] = f"{item.name} ({item.engagement_workload.workload.name})"
        return context

    def perform(self, form: Any) -> str:
        item = services.update_checklist_item(
            acting_user=acting_user(self.request),
            item=self.target(),
            owner=form.cleaned_data["owner"],
            due_on=form.cleaned_data["due_on"],
        )
        return f"“{item.name}” saved."


class PostAction(TargetMixin, View):
    """A button's POST: call the service, then go back with a message (never a 500)."""

    http_method_names = ["post"]
    access_action: Action = "change"

    def perform(self) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            message = self.perform()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return HttpResponseRedirect(self.back_url())

    def back_url(self) -> str:
        next_url = self.request.POST.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={self.request.get_host()}, require_https=False
        ):
            return next_url
        return self.return_url()


class ChecklistDoneAction(PostAction):
    model = ChecklistItem
    target_model = ChecklistItem

    def perform(self) -> str:
        item = services.complete_checklist_item(
            acting_user=acting_user(self.request), item=self.target()
        )
        return f"“{item.name}” done."


class CloseAction(PostAction):
    model = Engagement

    def perform(self) -> str:
        engagement = services.close_engagement(
            acting_user=acting_user(self.request), engagement=self.engagement()
        )
        return f"{engagement} closed."


class MoveAction(PostAction):
    """Move an engagement to another phase: the pipeline's drag and drop and "Move to" forms.

    Scripts (``Accept: application/json``) get JSON: 200 with the new phase, or 400 with the
    reason; forms get a redirect with a message.
    """

    model = Engagement

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        wants_json = "application/json" in request.headers.get("Accept", "")
        form = MoveForm(request.POST)
        if not form.is_valid():
            reason = "Choose the phase to move the engagement to."
            if wants_json:
                return JsonResponse({"detail": reason}, status=400)
            messages.error(request, reason)
            return HttpResponseRedirect(self.back_url())
        try:
            engagement = services.move_engagement(
                acting_user=acting_user(request),
                engagement=self.engagement(),
                phase=form.cleaned_data["phase"],
            )
        except ValidationError as error:
            if wants_json:
                return JsonResponse({"detail": " ".join(error.messages)}, status=400)
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.back_url())
        message = f"{engagement} moved to {engagement.phase.name}."
        if wants_json:
            return JsonResponse(
                {"detail": message, "phase": engagement.phase.code, "id": engagement.pk}
            )
        messages.success(request, message)
        return HttpResponseRedirect(self.back_url())


class RoutingNoteDownload(TargetMixin, View):
    """The generated hand-off note or Request for Assistance advice as a text file."""

    model = EngagementWorkload
    target_model = EngagementWorkload

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.target()
        if not item.routing_note:
            messages.error(request, f"{item.workload.name} has no generated note yet.")
            return HttpResponseRedirect(self.return_url())
        kind = "hand-off" if item.routing == Routing.HAND_OFF else "rfa-advice"
        name = slugify(f"{item.engagement.customer.name}-{item.workload.code}-{kind}")
        response = HttpResponse(item.routing_note, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.txt"'
        return response


def customer_engagements(user: AnyUser, customer: Customer) -> list[Engagement]:
    """A customer's engagements for its page (empty without the permission to see them)."""
    return list(
        services.with_staleness(visible_engagements(user).filter(customer=customer))
        .select_related("phase", "owner")
        .annotate(workload_count=Count("workloads", distinct=True))
        .order_by("-started_on")
    )
