"""Engagements API. Every write goes through ``frpdesk.engagements.services``.

- ``/api/engagements/``: list/retrieve with the engagement list's filters (``EngagementFilter``:
  ``search``, ``phase`` (code), ``owner``, ``origin``, ``customer``, ``workload`` (code),
  ``stale``, ``open``); POST opens an own-lead or existing-claim engagement (``customer`` id,
  ``origin``, ``workloads`` codes, ``owner`` username, ``started_on``); PATCH changes ``owner``
  and ``team`` (usernames). Actions: ``POST {id}/move/`` ``{"phase": "assess"}`` and
  ``GET|POST {id}/notes/`` (the status notes; POST adds one).
- ``/api/engagement-workloads/``: POST adds a workload (``engagement``, ``workload`` code,
  ``source``); PATCH sets ``status`` (DeliveryStatus id), ``status_l3``, ``intent_note`` — refused
  until a workload we are not endorsed for is routed. ``POST {id}/route/`` records the routing
  decision (``routing``: deliver | hand_off | rfa, ``justification``, ``handoff_partner``: a
  directory partner id) and returns the workload with its generated ``routing_note``.
- ``/api/checklist-items/``: POST adds an item (``engagement_workload``, ``name``, ``phase`` code,
  ``owner``, ``due_on``); PATCH changes ``owner`` and ``due_on``; ``POST {id}/done/`` marks it
  done (``done_on`` optional, today by default).
- ``/api/status-notes/``: list, retrieve and add (append-only).
- ``/api/timeline-events/``: read-only.
"""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from frpdesk.accounts.models import User
from frpdesk.catalog.models import DeliveryPhase, DeliveryStatus, Workload
from frpdesk.core.access import acting_user, require, restrict
from frpdesk.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, SlugRelatedField
from frpdesk.customers.models import Customer
from frpdesk.directory.models import DirectoryPartner
from frpdesk.engagements import services
from frpdesk.engagements.filters import (
    ChecklistItemFilter,
    EngagementFilter,
    EngagementWorkloadFilter,
    StatusNoteFilter,
    TimelineEventFilter,
)
from frpdesk.engagements.forms import OPENABLE_ORIGINS
from frpdesk.engagements.models import (
    ChecklistItem,
    Engagement,
    EngagementWorkload,
    Routing,
    StatusNote,
    TimelineEvent,
    WorkloadSource,
)

NO_DELETE = ["get", "post", "put", "patch", "head", "options"]
APPEND_ONLY = ["get", "post", "head", "options"]


def refuse_other_fields(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """An update endpoint that changes only ``allowed``: any other field is named and refused."""
    unsupported = sorted(set(data) - set(allowed))
    if unsupported:
        names = ", ".join(allowed[:-1]) + f" and {allowed[-1]}"
        raise serializers.ValidationError(dict.fromkeys(unsupported, f"Only {names} change here."))


def _user_field(**kwargs: Any) -> Any:
    return SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        allow_null=True,
        required=False,
        **kwargs,
    )


def _workload_field(**kwargs: Any) -> Any:
    return SlugRelatedField(slug_field="code", queryset=Workload.objects.all(), **kwargs)


class StatusNoteSerializer(serializers.ModelSerializer[StatusNote]):
    engagement = serializers.PrimaryKeyRelatedField(queryset=Engagement.objects.all())
    next_action_owner = _user_field()
    author: Any = SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = StatusNote
        fields = [
            "id",
            "engagement",
            "onboarding_scope",
            "risks",
            "next_action",
            "next_action_on",
            "next_action_owner",
            "author",
            "created_at",
        ]
        read_only_fields = ["author", "created_at"]


class NoteInputSerializer(StatusNoteSerializer):
    """A status note posted to an engagement's ``notes`` action (the URL names the engagement)."""

    engagement: Any = serializers.PrimaryKeyRelatedField(read_only=True)


class ChecklistItemSerializer(serializers.ModelSerializer[ChecklistItem]):
    engagement_workload = serializers.PrimaryKeyRelatedField(
        queryset=EngagementWorkload.objects.all()
    )
    phase = SlugRelatedField(slug_field="code", queryset=DeliveryPhase.objects.all())
    owner = _user_field()
    done_by: Any = SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    template: Any = SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "engagement_workload",
            "template",
            "name",
            "phase",
            "owner",
            "due_on",
            "done_on",
            "done_by",
            "sort_order",
        ]
        read_only_fields = ["template", "done_on", "done_by", "sort_order"]


class EngagementWorkloadSerializer(serializers.ModelSerializer[EngagementWorkload]):
    engagement = serializers.PrimaryKeyRelatedField(queryset=Engagement.objects.all())
    workload = _workload_field()
    status = serializers.PrimaryKeyRelatedField(
        queryset=DeliveryStatus.objects.all(), allow_null=True, required=False
    )
    status_label = serializers.SerializerMethodField()
    routing_needed = serializers.SerializerMethodField()
    handoff_partner: Any = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    routed_by: Any = SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    # Blank until routed: read-only model fields lose ``allow_blank``.
    routing = serializers.ChoiceField(choices=Routing.choices, allow_blank=True, read_only=True)
    checklist = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = EngagementWorkload
        fields = [
            "id",
            "engagement",
            "workload",
            "source",
            "status",
            "status_label",
            "status_l3",
            "intent_note",
            "routing_needed",
            "routing",
            "routing_justification",
            "handoff_partner",
            "routing_note",
            "routed_by",
            "routed_at",
            "checklist",
        ]
        read_only_fields = [
            "routing",
            "routing_justification",
            "routing_note",
            "routed_by",
            "routed_at",
        ]

    def get_status_label(self, item: EngagementWorkload) -> str:
        return str(item.status) if item.status else ""

    def get_routing_needed(self, item: EngagementWorkload) -> bool:
        return services.needs_routing(
            item, self.context.setdefault("endorsed", services.endorsed_workload_ids())
        )


class RouteSerializer(serializers.Serializer[Any]):
    routing = serializers.ChoiceField(choices=Routing.choices)
    justification = serializers.CharField(required=False, allow_blank=True, default="")
    handoff_partner = serializers.PrimaryKeyRelatedField(
        queryset=DirectoryPartner.objects.all(), required=False, allow_null=True, default=None
    )


class EngagementSerializer(serializers.ModelSerializer[Engagement]):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    origin = serializers.ChoiceField(
        choices=OPENABLE_ORIGINS,
        help_text="own_lead or existing_claim; referral engagements open by accepting a referral.",
    )
    owner = _user_field()
    team: Any = SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        many=True,
        required=False,
    )
    phase: Any = SlugRelatedField(slug_field="code", read_only=True)
    workloads: Any = SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Workload.objects.all(),
        write_only=True,
        help_text="Workload codes (on creation).",
    )
    engagement_workloads = serializers.SerializerMethodField()
    referral: Any = SlugRelatedField(slug_field="referral_id", read_only=True, allow_null=True)
    started_on = serializers.DateField(required=False)
    stale = serializers.SerializerMethodField()

    class Meta:
        model = Engagement
        fields = [
            "id",
            "name",
            "customer",
            "origin",
            "referral",
            "owner",
            "team",
            "phase",
            "started_on",
            "closed_on",
            "workloads",
            "engagement_workloads",
            "stale",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["name", "closed_on", "created_at", "updated_at"]

    def get_engagement_workloads(self, engagement: Engagement) -> list[dict[str, Any]]:
        return [
            {"id": item.pk, "workload": item.workload.code, "source": item.source}
            for item in engagement.workloads.all()
        ]

    def get_stale(self, engagement: Engagement) -> bool:
        stale = getattr(engagement, "is_stale", None)
        return services.is_stale(engagement) if stale is None else bool(stale)

    def to_representation(self, instance: Engagement) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["origin"] = instance.origin  # "referral" is shown, though not accepted as input
        return data


class EngagementViewSet(ScopedModelViewSet):
    """Engagements; the filters are the engagement list's."""

    queryset = (
        Engagement.objects.select_related("customer", "owner", "phase", "referral")
        .prefetch_related("team", "workloads__workload")
        .order_by("customer__name", "pk")
    )
    serializer_class = EngagementSerializer
    filterset_class = EngagementFilter
    ordering_fields = ["started_on", "created_at", "updated_at"]
    http_method_names = NO_DELETE

    def get_queryset(self) -> Any:
        return services.with_staleness(super().get_queryset())

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        require(self.request.user, "view", Customer)
        serializer.instance = services.open_engagement(
            acting_user=acting_user(self.request),
            customer=data["customer"],
            origin=data["origin"],
            workloads=data.get("workloads", []),
            owner=data.get("owner"),
            source=WorkloadSource.CLAIMED,
            started_on=data.get("started_on"),
        )

    def perform_update(self, serializer: Any) -> None:
        engagement: Engagement = serializer.instance
        data = serializer.validated_data
        refuse_other_fields(data, ("owner", "team"))
        serializer.instance = services.set_team(
            acting_user=acting_user(self.request),
            engagement=engagement,
            owner=data.get("owner", engagement.owner),
            team=data.get("team", list(engagement.team.all())),
        )

    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Move the engagement to another phase: ``{"phase": "<phase code>"}``."""
        require(request.user, "change", Engagement)
        engagement = self.get_object()
        code = request.data.get("phase") if hasattr(request.data, "get") else None
        phase = DeliveryPhase.objects.filter(code=code).first() if code else None
        if phase is None:
            codes = ", ".join(DeliveryPhase.objects.values_list("code", flat=True))
            raise serializers.ValidationError({"phase": f"Give one of the phase codes: {codes}."})
        services.move_engagement(
            acting_user=acting_user(request), engagement=engagement, phase=phase
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=engagement.pk)).data)

    @extend_schema(methods=["GET"], responses={200: StatusNoteSerializer(many=True)})
    @extend_schema(
        methods=["POST"], request=NoteInputSerializer, responses={201: StatusNoteSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=NoteInputSerializer,
        pagination_class=None,  # the notes come as one list
    )
    def notes(self, request: Request, pk: str | None = None) -> Response:
        """The engagement's status notes, newest first; POST adds one."""
        engagement = self.get_object()
        if request.method == "GET":
            notes = restrict(request.user, "view", engagement.status_notes.all())
            return Response(StatusNoteSerializer(notes, many=True).data)
        require(request.user, "add", StatusNote)
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        note = services.add_status_note(
            acting_user=acting_user(request),
            engagement=engagement,
            onboarding_scope=data["onboarding_scope"],
            risks=data.get("risks", ""),
            next_action=data["next_action"],
            next_action_on=data["next_action_on"],
            next_action_owner=data.get("next_action_owner"),
        )
        return Response(StatusNoteSerializer(note).data, status=201)


class EngagementWorkloadViewSet(ScopedModelViewSet):
    queryset = EngagementWorkload.objects.select_related(
        "engagement", "workload", "status", "routed_by"
    ).prefetch_related("checklist__owner", "checklist__phase", "checklist__template")
    serializer_class = EngagementWorkloadSerializer
    filterset_class = EngagementWorkloadFilter
    http_method_names = NO_DELETE

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.add_workload(
            acting_user=acting_user(self.request),
            engagement=data["engagement"],
            workload=data["workload"],
            source=data.get("source") or WorkloadSource.CLAIMED,
        )

    def perform_update(self, serializer: Any) -> None:
        item: EngagementWorkload = serializer.instance
        data = serializer.validated_data
        refuse_other_fields(data, ("status", "status_l3", "intent_note"))
        serializer.instance = services.update_workload_status(
            acting_user=acting_user(self.request),
            engagement_workload=item,
            status=data.get("status", item.status),
            status_l3=data.get("status_l3", item.status_l3),
            intent_note=data.get("intent_note", item.intent_note),
        )

    @action(detail=True, methods=["post"], serializer_class=RouteSerializer)
    def route(self, request: Request, pk: str | None = None) -> Response:
        """Record the routing decision of a workload we are not endorsed for."""
        require(request.user, "change", EngagementWorkload)
        item = self.get_object()
        serializer = RouteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.route_workload(
            acting_user=acting_user(request),
            engagement_workload=item,
            routing=data["routing"],
            justification=data["justification"],
            handoff_partner=data["handoff_partner"],
        )
        return Response(EngagementWorkloadSerializer(self.get_queryset().get(pk=item.pk)).data)


class DoneSerializer(serializers.Serializer[Any]):
    done_on = serializers.DateField(required=False, allow_null=True, default=None)


class ChecklistItemViewSet(ScopedModelViewSet):
    queryset = ChecklistItem.objects.select_related(
        "engagement_workload__engagement", "phase", "owner", "done_by", "template"
    )
    serializer_class = ChecklistItemSerializer
    filterset_class = ChecklistItemFilter
    ordering_fields = ["due_on", "done_on"]
    http_method_names = NO_DELETE

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.add_checklist_item(
            acting_user=acting_user(self.request),
            engagement_workload=data["engagement_workload"],
            name=data["name"],
            phase=data["phase"],
            owner=data.get("owner"),
            due_on=data.get("due_on"),
        )

    def perform_update(self, serializer: Any) -> None:
        item: ChecklistItem = serializer.instance
        data = serializer.validated_data
        refuse_other_fields(data, ("owner", "due_on"))
        serializer.instance = services.update_checklist_item(
            acting_user=acting_user(self.request),
            item=item,
            owner=data.get("owner", item.owner),
            due_on=data.get("due_on", item.due_on),
        )

    @action(detail=True, methods=["post"], serializer_class=DoneSerializer)
    def done(self, request: Request, pk: str | None = None) -> Response:
        """Mark the item done (``done_on`` defaults to today)."""
        require(request.user, "change", ChecklistItem)
        item = self.get_object()
        serializer = DoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.complete_checklist_item(
            acting_user=acting_user(request),
            item=item,
            done_on=serializer.validated_data["done_on"],
        )
        return Response(ChecklistItemSerializer(self.get_queryset().get(pk=item.pk)).data)


class StatusNoteViewSet(ScopedModelViewSet):
    """Status notes (append-only): list, retrieve and add."""

    queryset = StatusNote.objects.select_related("engagement", "next_action_owner", "author")
    serializer_class = StatusNoteSerializer
    filterset_class = StatusNoteFilter
    http_method_names = APPEND_ONLY

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        engagement = data["engagement"]
        if not restrict(self.request.user, "view", Engagement.objects.filter(pk=engagement.pk)):
            raise serializers.ValidationError({"engagement": "No such engagement."})
        serializer.instance = services.add_status_note(
            acting_user=acting_user(self.request),
            engagement=engagement,
            onboarding_scope=data["onboarding_scope"],
            risks=data.get("risks", ""),
            next_action=data["next_action"],
            next_action_on=data["next_action_on"],
            next_action_owner=data.get("next_action_owner"),
        )


class TimelineEventSerializer(serializers.ModelSerializer[TimelineEvent]):
    actor: Any = SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = TimelineEvent
        fields = ["id", "engagement", "kind", "message", "actor", "at", "data"]
        read_only_fields = fields


class TimelineEventViewSet(ScopedReadOnlyViewSet):
    """The business events of engagements, newest first (written by the services only)."""

    queryset = TimelineEvent.objects.select_related("actor")
    serializer_class = TimelineEventSerializer
    filterset_class = TimelineEventFilter


def register(router: BaseRouter) -> None:
    router.register("engagements", EngagementViewSet, basename="engagement")
    router.register(
        "engagement-workloads", EngagementWorkloadViewSet, basename="engagement-workload"
    )
    router.register("checklist-items", ChecklistItemViewSet, basename="checklist-item")
    router.register("status-notes", StatusNoteViewSet, basename="status-note")
    router.register("timeline-events", TimelineEventViewSet, basename="timeline-event")
