"""Referrals API.

- ``/api/referrals/``: list, read, create and update (no delete). ``workloads`` is a list of
  workload codes, ``tenant_id`` a GUID (braces and upper case accepted). The due dates,
  ``received_while_paused``, the customer link and the decision fields are computed: the clocks
  follow ``assigned_on``; decisions go through the actions below. ``overdue`` is true while the
  referral is pending and today is after its acceptance due date, or after its first response due
  date with no first response recorded. Filters are the list page's (``ReferralFilter``):
  ``search``, ``acceptance``, ``kind``, ``overdue`` (true/false), ``workload`` (code),
  ``customer`` (id), ``has_customer``, ``received_while_paused``.
- ``POST /api/referrals/{id}/accept/`` ``{"owner": username?, "workloads": [codes]?}``: links or
  creates the customer, opens the engagement (the referral's workloads unless given); answers the
  referral with ``engagement`` (its id).
- ``POST /api/referrals/{id}/decline/`` ``{"reason": text}`` (required).
- ``POST /api/referrals/{id}/respond/`` ``{"on": date?}``: records the first response (today by
  default).
- ``GET|POST /api/referrals/{id}/notes/`` ``{"text": text}``: the notes history, newest first;
  notes are append-only.

Only pending referrals can be accepted, declined or answered; a refusal is a 400 whose
``detail`` says why.
"""

import datetime
import uuid
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.core.access import acting_user, require, restrict
from frpdesk.core.api import ScopedModelViewSet, SlugRelatedField
from frpdesk.customers.services import parse_tenant_id
from frpdesk.referrals import services
from frpdesk.referrals.filters import ReferralFilter
from frpdesk.referrals.models import Referral, ReferralNote

READ_ONLY = [
    "first_response_due",
    "acceptance_due",
    "first_responded_on",
    "acceptance",
    "decided_on",
    "decline_reason",
    "customer",
    "received_while_paused",
    "reminder_sent_on",
    "overdue",
    "engagement",
    "created_at",
    "updated_at",
]


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    tenant_id = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The tenant's GUID; links the referral to the customer with the same tenant.",
    )
    workloads = SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Workload.objects.all(),
        required=False,
        help_text="Workload codes, e.g. exchange, teams.",
    )
    overdue = serializers.SerializerMethodField()
    engagement = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "referral_id",
            "kind",
            "tenant_name",
            "tenant_id",
            "tenant_domain",
            "rfa_id",
            "source",
            "workloads",
            "assigned_on",
            *READ_ONLY,
            "referral_status",
            "vas_sold",
            "services_estimated_value",
            "currency",
        ]
        read_only_fields = READ_ONLY

    def validate_tenant_id(self, value: str | None) -> uuid.UUID | None:
        if not value:
            return None
        try:
            return parse_tenant_id(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["tenant_id"]) from error

    def get_overdue(self, referral: Referral) -> bool:
        return services.is_overdue(referral, timezone.localdate())

    def get_engagement(self, referral: Referral) -> int | None:
        try:
            return int(referral.engagement.pk)
        except ObjectDoesNotExist:
            return None

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["tenant_id"] = str(instance.tenant_id) if instance.tenant_id else None
        return data


class AcceptSerializer(serializers.Serializer[Any]):
    owner = SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The engagement's owner (username); you by default.",
    )
    workloads = SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Workload.objects.all(),
        required=False,
        help_text="The engagement's workloads; the referral's by default.",
    )


class DeclineSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class RespondSerializer(serializers.Serializer[Any]):
    on = serializers.DateField(required=False, help_text="The day of the first response.")


class ReferralNoteSerializer(serializers.ModelSerializer[ReferralNote]):
    author: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = ReferralNote
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class ReferralViewSet(ScopedModelViewSet):
    """FastTrack referrals with their clocks; the filters are the referral list page's."""

    queryset = Referral.objects.select_related("customer", "engagement").prefetch_related(
        "workloads"
    )
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    ordering_fields = ["assigned_on", "acceptance_due", "first_response_due", "referral_id"]
    ordering = ["acceptance_due", "referral_id"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    # The decisions are changes of the referral (not additions): see ModelAccessPermission.
    access_actions: dict[str, str] = {}

    def save_instance(self, instance: Any, related: dict[str, Any]) -> Any:
        return services.save_referral(
            acting_user=acting_user(self.request),
            referral=instance,
            workloads=related.get("workloads"),
        )

    def _answer(self, referral: Referral) -> Response:
        referral = self.get_queryset().get(pk=referral.pk)
        return Response(ReferralSerializer(referral, context=self.get_serializer_context()).data)

    @extend_schema(request=AcceptSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"], access_actions={"POST": "change"})
    def accept(self, request: Request, pk: str | None = None) -> Response:
        from frpdesk.engagements.models import Engagement

        require(request.user, "add", Engagement)
        referral = self.get_object()
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.accept_referral(
            acting_user=acting_user(request),
            referral=referral,
            owner=body.validated_data.get("owner"),
            workloads=body.validated_data.get("workloads"),
        )
        return self._answer(referral)

    @extend_schema(request=DeclineSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"], access_actions={"POST": "change"})
    def decline(self, request: Request, pk: str | None = None) -> Response:
        referral = self.get_object()
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.decline_referral(
            acting_user=acting_user(request),
            referral=referral,
            reason=body.validated_data["reason"],
        )
        return self._answer(referral)

    @extend_schema(request=RespondSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"], access_actions={"POST": "change"})
    def respond(self, request: Request, pk: str | None = None) -> Response:
        referral = self.get_object()
        body = RespondSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        on: datetime.date | None = body.validated_data.get("on")
        services.record_first_response(acting_user=acting_user(request), referral=referral, on=on)
        return self._answer(referral)

    @extend_schema(
        methods=["GET"], request=None, responses={200: ReferralNoteSerializer(many=True)}
    )
    @extend_schema(
        methods=["POST"], request=ReferralNoteSerializer, responses={201: ReferralNoteSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        access_actions={"GET": "view", "POST": "view"},
        filterset_class=None,
        pagination_class=None,
    )
    def notes(self, request: Request, pk: str | None = None) -> Response:
        if request.method == "GET":
            referral = self.get_object()
            notes = restrict(request.user, "view", referral.notes.select_related("author"))
            return Response(ReferralNoteSerializer(notes, many=True).data)
        require(request.user, "add", ReferralNote)
        referral = self.get_object()
        body = ReferralNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = services.add_note(
            acting_user=acting_user(request), referral=referral, text=body.validated_data["text"]
        )
        return Response(ReferralNoteSerializer(note).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("referrals", ReferralViewSet, basename="referral")
