"""Value-added services API.

- ``/api/rate-card/``: the rate card (list, read, create, update, delete; an entry used on a quote
  line cannot be deleted: 409). ``vas_item`` is the catalog item's code. Filters: ``search``,
  ``vas_item`` (code), ``kind`` (``day_rate``/``fixed``), ``currency``, ``active``.
- ``/api/quotes/``: quotes with their lines (read-only here), totals and the VAS disclosure.
  Create makes a draft numbered ``Q-<year>-<0001>``; the terms (title, currency, discount, tax,
  validity) change only in draft, ``renewal_on`` and ``notes`` until the quote is final; only
  drafts can be deleted. Filters: ``search``, ``state`` (repeatable), ``renewal_due_before``,
  ``engagement``, ``customer`` (ids).
- ``POST /api/quotes/{id}/transition/`` ``{"state": …}``: draft → sent (needs a priced VAS line)
  → accepted → signed → active → completed; sent → draft; any non-final state → cancelled.
  Signing takes the contract: ``customer_signatory`` (required), ``customer_signatory_title``,
  ``signed_on`` (today), ``starts_on``, ``ends_on``, ``renewal_on``.
- ``/api/quote-lines/``: lines of draft quotes (create, update, delete). A line with a
  ``rate_card_entry`` takes the entry's name, unit and price; a ``benefit`` line never has a price.
- ``/api/contracts/``: services contracts (read; ``PATCH`` changes ``ends_on`` and
  ``renewal_on``). Filters: ``search``, ``state``, ``renewal_due_before``, ``ends_before``,
  ``engagement``, ``customer``.

A refusal is a 400 whose ``detail`` (or ``errors``) says why and what to do instead.
"""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from frpdesk.catalog.models import VasItem
from frpdesk.core.access import acting_user, require
from frpdesk.core.api import ScopedModelViewSet, SlugRelatedField
from frpdesk.vas import services
from frpdesk.vas.filters import ContractFilter, QuoteFilter, QuoteLineFilter, RateCardFilter
from frpdesk.vas.models import Quote, QuoteLine, QuoteState, RateCardEntry, ServicesContract
from frpdesk.vas.pricing import line_total, quote_totals


def money_field() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


class RateCardEntrySerializer(serializers.ModelSerializer[RateCardEntry]):
    vas_item = SlugRelatedField(
        slug_field="code", queryset=VasItem.objects.all(), help_text="The VAS catalog item's code."
    )

    class Meta:
        model = RateCardEntry
        fields = ["id", "vas_item", "name", "kind", "price", "currency", "active", "updated_at"]
        read_only_fields = ["updated_at"]


class LineSerializer(serializers.ModelSerializer[QuoteLine]):
    total = serializers.SerializerMethodField(help_text="quantity × unit price, to the cent.")

    class Meta:
        model = QuoteLine
        fields = [
            "id",
            "quote",
            "kind",
            "rate_card_entry",
            "description",
            "quantity",
            "unit",
            "unit_price",
            "sort_order",
            "total",
        ]
        read_only_fields = ["unit"]
        extra_kwargs = {
            "description": {"required": False, "allow_blank": True},
            "unit_price": {
                "required": False,
                "allow_null": True,
                "help_text": "Leave out for a rate-card line (the card's price) and a Benefit "
                "line (free).",
            },
            "sort_order": {"required": False},
        }

    @extend_schema_field(money_field())
    def get_total(self, line: QuoteLine) -> str:
        return f"{line_total(line):.2f}"  # a string, as DRF writes every decimal

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and attrs.pop("quote", self.instance.quote) != (
            self.instance.quote
        ):
            raise serializers.ValidationError(
                {"quote": "A line stays on its quote; remove it and add it to the other quote."}
            )
        return attrs


class TotalsSerializer(serializers.Serializer[Any]):
    subtotal = money_field()
    discount = money_field()
    net = money_field()
    tax = money_field()
    total = money_field()


class ContractSerializer(serializers.ModelSerializer[ServicesContract]):
    partner_signatory: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    quote_number = serializers.CharField(source="quote.number", read_only=True)
    state = serializers.ChoiceField(
        source="quote.state", choices=QuoteState.choices, read_only=True
    )

    class Meta:
        model = ServicesContract
        fields = [
            "id",
            "number",
            "quote",
            "quote_number",
            "state",
            "customer_signatory",
            "customer_signatory_title",
            "partner_signatory",
            "signed_on",
            "starts_on",
            "ends_on",
            "renewal_on",
            "disclosure",
            "created_at",
        ]
        read_only_fields = [
            "number",
            "quote",
            "customer_signatory",
            "customer_signatory_title",
            "signed_on",
            "starts_on",
            "disclosure",
            "created_at",
        ]


class QuoteSerializer(serializers.ModelSerializer[Quote]):
    lines = LineSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField()
    contract = serializers.SerializerMethodField()
    created_by: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Quote
        fields = [
            "id",
            "number",
            "engagement",
            "title",
            "currency",
            "discount_pct",
            "tax_pct",
            "state",
            "valid_until",
            "renewal_on",
            "sent_on",
            "accepted_on",
            "notes",
            "lines",
            "totals",
            "disclosure",
            "contract",
            "created_by",
            "created_at",
        ]
        read_only_fields = [
            "number",
            "state",
            "sent_on",
            "accepted_on",
            "disclosure",
            "created_at",
        ]

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, quote: Quote) -> dict[str, Any]:
        return TotalsSerializer(quote_totals(quote, list(quote.lines.all()))).data

    @extend_schema_field(ContractSerializer(allow_null=True))
    def get_contract(self, quote: Quote) -> dict[str, Any] | None:
        contract = getattr(quote, "contract", None)
        return ContractSerializer(contract).data if contract else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and attrs.pop("engagement", self.instance.engagement) != (
            self.instance.engagement
        ):
            raise serializers.ValidationError(
                {"engagement": "A quote stays on its engagement; make a new quote instead."}
            )
        return attrs


class TransitionSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=QuoteState.choices, help_text="The state to move to.")
    customer_signatory = serializers.CharField(required=False, allow_blank=True, max_length=200)
    customer_signatory_title = serializers.CharField(
        required=False, allow_blank=True, max_length=120
    )
    signed_on = serializers.DateField(required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)
    renewal_on = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        contract_fields = sorted(set(attrs) & services.SIGN_FIELDS)
        if attrs["state"] != QuoteState.SIGNED and contract_fields:
            raise serializers.ValidationError(
                f"{', '.join(contract_fields)}: contract fields are given only when signing "
                "(state “signed”)."
            )
        return attrs


class RateCardViewSet(ScopedModelViewSet):
    """The partner's rate card; the filters are the rate card page's."""

    queryset = RateCardEntry.objects.select_related("vas_item")
    serializer_class = RateCardEntrySerializer
    filterset_class = RateCardFilter
    ordering_fields = ["name", "price", "currency"]


class QuoteViewSet(ScopedModelViewSet):
    """Quotes with lines, totals and disclosure; the filters are the quotes page's."""

    queryset = Quote.objects.select_related(
        "created_by", "contract__partner_signatory", "contract__quote"
    ).prefetch_related("lines")
    serializer_class = QuoteSerializer
    filterset_class = QuoteFilter
    ordering_fields = ["number", "created_at", "renewal_on", "valid_until"]
    # A transition is a change of the quote (not an addition): see ModelAccessPermission.
    access_actions: dict[str, str] = {}

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = services.create_quote(
            acting_user=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        assert serializer.instance is not None
        serializer.instance = services.update_quote(
            acting_user=acting_user(self.request),
            quote=serializer.instance,
            **serializer.validated_data,
        )

    def perform_destroy(self, instance: Quote) -> None:
        services.delete_quote(acting_user=acting_user(self.request), quote=instance)

    @extend_schema(request=TransitionSerializer, responses={200: QuoteSerializer})
    @action(detail=True, methods=["post"], access_actions={"POST": "change"})
    def transition(self, request: Request, pk: str | None = None) -> Response:
        quote = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        details = dict(body.validated_data)
        to_state = details.pop("state")
        if to_state == QuoteState.SIGNED:
            require(request.user, "add", ServicesContract)
        services.transition_quote(
            acting_user=acting_user(request), quote=quote, to_state=to_state, **details
        )
        fresh = self.get_queryset().get(pk=quote.pk)
        return Response(QuoteSerializer(fresh, context=self.get_serializer_context()).data)


class QuoteLineViewSet(ScopedModelViewSet):
    """Lines of quotes; they change only while their quote is a draft."""

    queryset = QuoteLine.objects.select_related("quote")
    serializer_class = LineSerializer
    filterset_class = QuoteLineFilter
    ordering_fields = ["sort_order"]

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = services.add_line(
            acting_user=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        assert serializer.instance is not None
        serializer.instance = services.update_line(
            acting_user=acting_user(self.request),
            line=serializer.instance,
            **serializer.validated_data,
        )

    def perform_destroy(self, instance: QuoteLine) -> None:
        services.remove_line(acting_user=acting_user(self.request), line=instance)


class ContractViewSet(ScopedModelViewSet):
    """Services contracts (made by signing a quote); only their end and renewal dates change."""

    queryset = ServicesContract.objects.select_related("quote", "partner_signatory")
    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    ordering_fields = ["signed_on", "renewal_on", "ends_on", "number"]
    http_method_names = ["get", "patch", "put", "head", "options"]

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        contract = serializer.instance
        assert contract is not None
        data = serializer.validated_data
        serializer.instance = services.update_contract(
            acting_user=acting_user(self.request),
            contract=contract,
            ends_on=data.get("ends_on", contract.ends_on),
            renewal_on=data.get("renewal_on", contract.renewal_on),
        )


def register(router: BaseRouter) -> None:
    router.register("rate-card", RateCardViewSet, basename="rate-card")
    router.register("quotes", QuoteViewSet, basename="quote")
    router.register("quote-lines", QuoteLineViewSet, basename="quote-line")
    router.register("contracts", ContractViewSet, basename="contract")
