"""Scoping API. Every write goes through ``frpdesk.scoping.services``.

- ``/api/scope-assessments/``: list and retrieve (filters ``engagement``, ``outcome``); POST adds
  a new assessment ``{"engagement": id, "answers": [{"question": 1, "answer": true,
  "comment": ""}, …]}`` with one answer per catalog question (by number). There is no PUT, PATCH
  or DELETE: assessments are history, a re-assessment is a new POST.
- ``/api/customer-requests/``: list, retrieve, create, update and delete, with the request list's
  filters (``CustomerRequestFilter``: ``search``, ``classification``, ``status``, ``blocked``,
  ``workload`` (code), ``engagement``, ``customer``). ``classification`` may be left out: the
  rules' suggestion is taken (``classification_reason`` says why). ``status``, ``contract`` and
  ``disclosure`` change through the actions:
  - ``POST {id}/disclosure/`` ``{"disclosed_to", "disclosed_to_contact"?, "disclosed_on",
    "method", "note"?, "disclosed_by"? (username; you by default)}``;
  - ``POST {id}/contract/`` ``{"contract": id | null}`` (a signed contract of the engagement);
  - ``POST {id}/status/`` ``{"status": "in_delivery" | "delivered" | "declined" | "open",
    "note"?}``. Delivering work outside the Benefit without a disclosure and a covering
    contract is a 400 whose ``missing`` lists what to record first (also in ``blockers``).
- ``POST /api/customer-requests/suggest/`` ``{"description", "workload"?}`` (for those who may add
  requests): the classification the rules propose, without recording anything.
"""

from typing import Any

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.status import HTTP_400_BAD_REQUEST

from frpdesk.accounts.models import User
from frpdesk.catalog.models import OutOfScopeItem, ScopeQuestion, Workload
from frpdesk.core.access import acting_user, require, restrict
from frpdesk.core.api import ScopedModelViewSet, SlugRelatedField
from frpdesk.customers.models import CustomerContact
from frpdesk.engagements.models import Engagement
from frpdesk.scoping import services
from frpdesk.scoping.filters import CustomerRequestFilter, ScopeAssessmentFilter
from frpdesk.scoping.models import (
    CustomerRequest,
    Disclosure,
    RequestClass,
    RequestStatus,
    ScopeAnswer,
    ScopeAssessment,
)
from frpdesk.vas.models import ServicesContract


def _visible_engagement(user: Any, engagement: Engagement) -> Engagement:
    if not restrict(user, "view", Engagement.objects.filter(pk=engagement.pk)).exists():
        raise serializers.ValidationError({"engagement": "No such engagement."})
    return engagement


# --- assessments -----------------------------------------------------------------------------


class ScopeAnswerSerializer(serializers.ModelSerializer[ScopeAnswer]):
    question = SlugRelatedField(
        slug_field="number",
        queryset=ScopeQuestion.objects.all(),
        help_text="The catalog question's number (1–3).",
    )
    question_text = serializers.CharField(source="question.text", read_only=True)
    suggested_vas: Any = SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    suggested_vas_name = serializers.CharField(
        source="vas_suggestion",
        read_only=True,
        help_text="What a no suggests (the VAS item's name, else the question's text).",
    )

    class Meta:
        model = ScopeAnswer
        fields = [
            "question",
            "question_text",
            "answer",
            "comment",
            "suggested_vas",
            "suggested_vas_name",
        ]
        extra_kwargs = {"comment": {"required": False}}


class ScopeAssessmentSerializer(serializers.ModelSerializer[ScopeAssessment]):
    engagement = serializers.PrimaryKeyRelatedField(queryset=Engagement.objects.all())
    answers = ScopeAnswerSerializer(many=True)
    assessed_by: Any = SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ScopeAssessment
        fields = ["id", "engagement", "outcome", "assessed_by", "assessed_at", "answers"]
        read_only_fields = ["outcome", "assessed_by", "assessed_at"]


class ScopeAssessmentViewSet(ScopedModelViewSet):
    """Scope assessments, newest first; append-only (a re-assessment is a new one)."""

    queryset = ScopeAssessment.objects.select_related("assessed_by").prefetch_related(
        "answers__question", "answers__suggested_vas"
    )
    serializer_class = ScopeAssessmentSerializer
    filterset_class = ScopeAssessmentFilter
    ordering_fields = ["assessed_at"]
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        engagement = _visible_engagement(self.request.user, data["engagement"])
        serializer.instance = services.assess_scope(
            acting_user=acting_user(self.request),
            engagement=engagement,
            answers=[
                services.AnswerInput(
                    question=item["question"],
                    answer=item["answer"],
                    comment=item.get("comment", ""),
                )
                for item in data["answers"]
            ],
        )


# --- customer requests -----------------------------------------------------------------------


class DisclosureSerializer(serializers.ModelSerializer[Disclosure]):
    disclosed_by = SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text="Who told the customer (username); you by default.",
    )
    disclosed_to_contact = serializers.PrimaryKeyRelatedField(
        queryset=CustomerContact.objects.all(), required=False, allow_null=True
    )
    recorded_by: Any = SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Disclosure
        fields = [
            "disclosed_by",
            "disclosed_to",
            "disclosed_to_contact",
            "disclosed_on",
            "method",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["recorded_by", "recorded_at"]
        extra_kwargs = {"disclosed_to": {"required": False, "allow_blank": True}}


# "CustomerRequest" is the name of the customers area's request body (``Customer`` + Request).
@extend_schema_serializer(component_name="CustomerRequestRecord")
class CustomerRequestSerializer(serializers.ModelSerializer[CustomerRequest]):
    engagement = serializers.PrimaryKeyRelatedField(queryset=Engagement.objects.all())
    workload = SlugRelatedField(
        slug_field="code",
        queryset=Workload.objects.all(),
        required=False,
        allow_null=True,
        help_text="A workload code of the engagement, e.g. teams.",
    )
    classification = serializers.ChoiceField(
        choices=RequestClass.choices,
        required=False,
        allow_blank=True,
        help_text="Leave out (or blank) to take the rules' suggestion.",
    )
    out_of_scope_item = serializers.PrimaryKeyRelatedField(
        queryset=OutOfScopeItem.objects.all(), required=False, allow_null=True
    )
    # A method, not a field with a default: PATCH answers (partial) leave defaults out.
    out_of_scope_item_text = serializers.SerializerMethodField()
    contract: Any = SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    disclosure = serializers.SerializerMethodField()
    blockers = serializers.SerializerMethodField()
    recorded_by: Any = SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CustomerRequest
        fields = [
            "id",
            "engagement",
            "workload",
            "description",
            "requested_by",
            "requested_on",
            "classification",
            "classification_reason",
            "out_of_scope_item",
            "out_of_scope_item_text",
            "status",
            "contract",
            "disclosure",
            "blockers",
            "recorded_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "classification_reason",
            "status",
            "recorded_by",
            "created_at",
            "updated_at",
        ]

    def validate_engagement(self, engagement: Engagement) -> Engagement:
        if self.instance is not None and engagement.pk != self.instance.engagement_id:
            raise serializers.ValidationError(
                "A request stays on its engagement; record a new one instead."
            )
        return _visible_engagement(self.context["request"].user, engagement)

    def get_out_of_scope_item_text(self, customer_request: CustomerRequest) -> str:
        item = customer_request.out_of_scope_item
        return item.description if item is not None else ""

    @extend_schema_field(DisclosureSerializer(allow_null=True))
    def get_disclosure(self, customer_request: CustomerRequest) -> dict[str, Any] | None:
        disclosure = services.disclosure_of(customer_request)
        return DisclosureSerializer(disclosure).data if disclosure else None

    def get_blockers(self, customer_request: CustomerRequest) -> list[str]:
        """What is missing before delivery (a disclosure, a covering contract); empty if none."""
        if customer_request.status in services.FINAL_STATUSES:
            return []
        return [blocker.message for blocker in services.delivery_blockers(customer_request)]


class ContractLinkSerializer(serializers.Serializer[Any]):
    contract = serializers.PrimaryKeyRelatedField(
        queryset=ServicesContract.objects.select_related("quote"),
        allow_null=True,
        help_text="A signed services contract of the request's engagement; null unlinks it.",
    )


class StatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class SuggestSerializer(serializers.Serializer[Any]):
    description = serializers.CharField()
    workload = SlugRelatedField(
        slug_field="code", queryset=Workload.objects.all(), required=False, allow_null=True
    )


class SuggestionSerializer(serializers.Serializer[Any]):
    classification = serializers.ChoiceField(choices=RequestClass.choices)
    reason = serializers.CharField()
    out_of_scope_item = serializers.IntegerField(allow_null=True)


BLOCKED_RESPONSE = inline_serializer(
    "DeliveryBlocked",
    {
        "detail": serializers.CharField(),
        # Only when delivery is blocked; other refusals name their fields in "errors".
        "missing": serializers.ListField(child=serializers.CharField(), required=False),
        "errors": serializers.DictField(required=False),
    },
)


class CustomerRequestViewSet(ScopedModelViewSet):
    """Customer requests with what blocks their delivery; the filters are the list page's."""

    queryset = CustomerRequest.objects.select_related(
        "engagement",
        "workload",
        "out_of_scope_item",
        "contract__quote",
        "disclosure__disclosed_by",
        "disclosure__recorded_by",
        "recorded_by",
    )
    serializer_class = CustomerRequestSerializer
    filterset_class = CustomerRequestFilter
    ordering_fields = ["requested_on", "created_at", "updated_at"]
    # The actions change the request (not add to it): see ModelAccessPermission.
    access_actions: dict[str, str] = {}

    def save_instance(self, instance: Any, related: dict[str, Any]) -> Any:
        return services.save_request(
            acting_user=acting_user(self.request), customer_request=instance
        )

    def perform_destroy(self, instance: CustomerRequest) -> None:
        services.delete_request(acting_user=acting_user(self.request), customer_request=instance)

    def _answer(self, customer_request: CustomerRequest) -> Response:
        fresh = self.get_queryset().get(pk=customer_request.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(request=DisclosureSerializer, responses={200: CustomerRequestSerializer})
    @action(detail=True, methods=["post"], access_actions={"POST": "change"})
    def disclosure(self, request: Request, pk: str | None = None) -> Response:
        """Record that the customer was told the request goes beyond the Benefit."""
        require(request.user, "add", Disclosure)
        customer_request = self.get_object()
        body = DisclosureSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.record_disclosure(
            acting_user=acting_user(request),
            customer_request=customer_request,
            disclosed_by=data.get("disclosed_by") or acting_user(request),
            disclosed_to=data.get("disclosed_to", ""),
            disclosed_to_contact=data.get("disclosed_to_contact"),
            disclosed_on=data["disclosed_on"],
            method=data["method"],
            note=data.get("note", ""),
        )
        return self._answer(customer_request)

    @extend_schema(request=ContractLinkSerializer, responses={200: CustomerRequestSerializer})
    @action(detail=True, methods=["post"], access_actions={"POST": "change"})
    def contract(self, request: Request, pk: str | None = None) -> Response:
        """Link the signed services contract that covers the request (null unlinks it)."""
        require(request.user, "view", ServicesContract)
        customer_request = self.get_object()
        body = ContractLinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.link_contract(
            acting_user=acting_user(request),
            customer_request=customer_request,
            contract=body.validated_data["contract"],
        )
        return self._answer(customer_request)

    @extend_schema(
        request=StatusSerializer, responses={200: CustomerRequestSerializer, 400: BLOCKED_RESPONSE}
    )
    @action(detail=True, methods=["post"], access_actions={"POST": "change"})
    def status(self, request: Request, pk: str | None = None) -> Response:
        """Move the request; delivery outside the Benefit is refused with what is missing."""
        customer_request = self.get_object()
        body = StatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.set_status(
                acting_user=acting_user(request),
                customer_request=customer_request,
                status=body.validated_data["status"],
                note=body.validated_data["note"],
            )
        except services.DeliveryBlocked as blocked:
            return Response(
                {"detail": blocked.messages[0], "missing": blocked.missing},
                status=HTTP_400_BAD_REQUEST,
            )
        return self._answer(customer_request)

    @extend_schema(request=SuggestSerializer, responses={200: SuggestionSerializer})
    @action(
        detail=False,
        methods=["post"],
        # Suggestions serve whoever records requests (the "suggest" page needs add as well).
        access_actions={"POST": "add"},
        filterset_class=None,
        pagination_class=None,
    )
    def suggest(self, request: Request) -> Response:
        """The classification the rules propose for a description; nothing is recorded."""
        body = SuggestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        suggestion = services.suggest_classification(
            body.validated_data["description"], body.validated_data.get("workload")
        )
        item = suggestion.out_of_scope_item
        return Response(
            SuggestionSerializer(
                {
                    "classification": suggestion.classification.value,
                    "reason": suggestion.reason,
                    "out_of_scope_item": item.pk if item else None,
                }
            ).data
        )


def register(router: BaseRouter) -> None:
    router.register("scope-assessments", ScopeAssessmentViewSet, basename="scope-assessment")
    router.register("customer-requests", CustomerRequestViewSet, basename="customer-request")
