"""Quote services: numbering, disclosure, lines and the rate card, the Benefit refusal (down to
the database), the transition table, signing, and closed engagements."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from frpdesk.engagements.models import EventKind
from frpdesk.engagements.services import close_engagement
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.vas import services
from frpdesk.vas.models import (
    LineKind,
    PricingKind,
    Quote,
    QuoteLine,
    QuoteState,
    ServicesContract,
)
from frpdesk.vas.pricing import CENT, line_total, quote_totals
from frpdesk.vas.services import TRANSITIONS
from frpdesk.vas.tests.factories import RateCardEntryFactory, make_quote

YEAR = timezone.localdate().year
TODAY = timezone.localdate()

pytestmark = pytest.mark.django_db


def add(quote: Quote, **fields: Any) -> QuoteLine:
    fields.setdefault("quantity", Decimal(1))
    return services.add_line(acting_user=None, quote=quote, **fields)


# --- pricing ---------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=100_000, places=2)
percentages = st.decimals(min_value=0, max_value=100, places=2)
quantities = st.decimals(min_value=Decimal("0.01"), max_value=10_000, places=2)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.tuples(quantities, amounts), max_size=12),
    discount=percentages,
    tax=percentages,
)
def test_totals_add_up_to_the_cent_and_are_never_negative(
    lines: list[tuple[Decimal, Decimal]], discount: Decimal, tax: Decimal
) -> None:
    quote = Quote(discount_pct=discount, tax_pct=tax)
    rows = [QuoteLine(quantity=qty, unit_price=price) for qty, price in lines]
    totals = quote_totals(quote, rows)
    assert totals.subtotal == sum((line_total(row) for row in rows), Decimal(0))
    assert totals.total == totals.subtotal - totals.discount + totals.tax
    assert totals.net == totals.subtotal - totals.discount
    for amount in (totals.subtotal, totals.discount, totals.net, totals.tax, totals.total):
        assert amount == amount.quantize(CENT)
        assert amount >= 0
    assert totals.discount <= totals.subtotal


def test_totals_of_a_known_quote() -> None:
    quote = Quote(discount_pct=Decimal("10"), tax_pct=Decimal("8.25"))
    rows = [
        QuoteLine(quantity=Decimal("3"), unit_price=Decimal("1200.00")),
        QuoteLine(quantity=Decimal("1"), unit_price=Decimal("3500.00")),
        QuoteLine(quantity=Decimal("1"), unit_price=Decimal("0")),  # a Benefit line
    ]
    totals = quote_totals(quote, rows)
    assert (totals.subtotal, totals.discount, totals.net) == (
        Decimal("7100.00"),
        Decimal("710.00"),
        Decimal("6390.00"),
    )
    assert (totals.tax, totals.total) == (Decimal("527.18"), Decimal("6917.18"))


# --- quotes: numbering and disclosure --------------------------------------------------------


def test_quotes_are_numbered_per_year(partner_profile: Any) -> None:
    first, second = make_quote(), make_quote()
    assert first.number == f"Q-{YEAR}-0001"
    assert second.number == f"Q-{YEAR}-0002"
    Quote.objects.filter(pk=second.pk).update(number=f"Q-{YEAR}-9999")
    assert make_quote().number == f"Q-{YEAR}-10000"
    assert make_quote().number == f"Q-{YEAR}-10001"


def test_a_number_taken_meanwhile_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two users saving at once: the unique number refuses the later one, which retries."""
    taken = make_quote()
    real = services._next_number
    answers = iter([taken.number])
    monkeypatch.setattr(services, "_next_number", lambda *args: next(answers, None) or real(*args))
    quote = make_quote()
    assert quote.number == f"Q-{YEAR}-0002"


def test_the_disclosure_names_partner_and_customer_and_is_kept(partner_profile: Any) -> None:
    quote = make_quote(engagement=make_engagement())
    customer = quote.engagement.customer.name
    assert quote.disclosure.startswith(
        f"Value-added services are fee-based services agreed between Contoso Consulting and "
        f"{customer}."
    )
    assert "not covered by any Microsoft agreement" in quote.disclosure
    partner_profile.organisation_name = "Renamed Partner"
    partner_profile.save()
    quote.refresh_from_db()
    assert "Contoso Consulting" in quote.disclosure  # as shown when it was made


def test_the_disclosure_without_a_partner_profile() -> None:
    assert "agreed between the partner and" in make_quote().disclosure


def test_creating_a_quote_is_on_the_timeline() -> None:
    quote = make_quote(title="Workshops")
    event = quote.engagement.timeline.get(kind=EventKind.QUOTE_CHANGED)
    assert event.message == f"Quote {quote.number} “Workshops” drafted."


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"discount_pct": Decimal("120")}, "discount_pct"),
        ({"tax_pct": Decimal("-1")}, "tax_pct"),
        ({"currency": "euro"}, "currency"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_terms_are_refused(terms: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        make_quote(**terms)
    assert field in refused.value.message_dict
    assert not Quote.objects.exists()


def test_a_closed_engagement_takes_no_quote(consultant: Any) -> None:
    engagement = make_engagement(owner=consultant)
    quote = make_quote(engagement=engagement, lines=[(RateCardEntryFactory(), "1")])
    close_engagement(acting_user=consultant, engagement=engagement)
    with pytest.raises(ValidationError, match="was closed on"):
        make_quote(engagement=engagement)
    with pytest.raises(ValidationError, match="was closed on"):
        services.transition_quote(acting_user=None, quote=quote, to_state=QuoteState.SENT)
    with pytest.raises(ValidationError, match="was closed on"):
        add(quote, description="More", unit_price=Decimal(10))


# --- lines -----------------------------------------------------------------------------------


def test_a_rate_card_line_copies_name_unit_and_price() -> None:
    quote = make_quote()
    day = RateCardEntryFactory(name="Project manager", price=Decimal("1200.00"))
    workshop = RateCardEntryFactory(
        name="Adoption workshop", kind=PricingKind.FIXED, price=Decimal("3500.00")
    )
    first = add(quote, rate_card_entry=day, quantity=Decimal("3"))
    second = add(quote, rate_card_entry=workshop, description="Workshop for HR")
    assert (first.description, first.unit, first.unit_price) == (
        "Project manager",
        "day",
        Decimal("1200.00"),
    )
    assert (second.description, second.unit, second.unit_price) == (
        "Workshop for HR",
        "item",
        Decimal("3500.00"),
    )
    assert (first.sort_order, second.sort_order) == (0, 1)
    assert quote_totals(quote).subtotal == Decimal("7100.00")


def test_a_rate_card_line_keeps_the_card_price() -> None:
    entry = RateCardEntryFactory(price=Decimal("1200.00"))
    with pytest.raises(ValidationError, match="comes from the rate card") as refused:
        add(make_quote(), rate_card_entry=entry, unit_price=Decimal("900"))
    assert "unit_price" in refused.value.message_dict


def test_the_rate_card_entry_must_be_in_the_quote_currency_and_active() -> None:
    quote = make_quote(currency="EUR")
    with pytest.raises(ValidationError, match="priced in USD and the quote in EUR"):
        add(quote, rate_card_entry=RateCardEntryFactory(currency="USD"))
    with pytest.raises(ValidationError, match="no longer on the rate card"):
        add(quote, rate_card_entry=RateCardEntryFactory(currency="EUR", active=False))


def test_a_hand_line_needs_a_description_and_a_quantity() -> None:
    quote = make_quote()
    with pytest.raises(ValidationError) as refused:
        add(quote, unit_price=Decimal(100))
    assert "description" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        add(quote, description="Onsite day", quantity=Decimal(0), unit_price=Decimal(100))
    assert "quantity" in refused.value.message_dict


def test_a_benefit_line_is_never_priced() -> None:
    quote = make_quote()
    with pytest.raises(ValidationError, match="FastTrack Benefit services are free") as refused:
        add(quote, kind=LineKind.BENEFIT, description="Remote guidance", unit_price=Decimal(50))
    assert "unit_price" in refused.value.message_dict
    with pytest.raises(ValidationError, match="FastTrack Benefit services are free"):
        add(quote, kind=LineKind.BENEFIT, rate_card_entry=RateCardEntryFactory())
    free = add(quote, kind=LineKind.BENEFIT, description="Remote guidance")
    assert free.unit_price == 0
    with pytest.raises(ValidationError, match="FastTrack Benefit services are free"):
        services.update_line(acting_user=None, line=free, unit_price=Decimal(10))
    vas = add(quote, description="Onsite day", unit_price=Decimal(100))
    with pytest.raises(ValidationError, match="FastTrack Benefit services are free"):
        services.update_line(acting_user=None, line=vas, kind=LineKind.BENEFIT)


def test_the_database_refuses_a_priced_benefit_line() -> None:
    quote = make_quote()
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteLine.objects.create(
            quote=quote,
            kind=LineKind.BENEFIT,
            description="Remote guidance",
            quantity=1,
            unit_price=Decimal("10.00"),
        )
    assert not quote.lines.exists()


def test_update_line_recopies_another_rate_card_entry() -> None:
    quote = make_quote()
    line = add(quote, rate_card_entry=RateCardEntryFactory(name="Engineer"))
    other = RateCardEntryFactory(name="Architect", price=Decimal("1650.00"))
    line = services.update_line(
        acting_user=None, line=line, rate_card_entry=other, quantity=Decimal(4)
    )
    assert (line.description, line.unit_price, line.quantity) == (
        "Architect",
        Decimal("1650.00"),
        Decimal(4),
    )
    by_hand = services.update_line(
        acting_user=None, line=line, rate_card_entry=None, unit_price=Decimal("900")
    )
    assert (by_hand.description, by_hand.unit_price) == ("Architect", Decimal("900"))


def test_lines_change_only_in_draft() -> None:
    quote = make_quote(state=QuoteState.SENT)
    line = quote.lines.get()
    for attempt in (
        lambda: add(quote, description="More", unit_price=Decimal(1)),
        lambda: services.update_line(acting_user=None, line=line, quantity=Decimal(9)),
        lambda: services.remove_line(acting_user=None, line=line),
    ):
        with pytest.raises(ValidationError, match="only while it is a Draft"):
            attempt()
    line.refresh_from_db()
    assert line.quantity == 2


def test_remove_line() -> None:
    quote = make_quote(lines=[(RateCardEntryFactory(), "1")])
    services.remove_line(acting_user=None, line=quote.lines.get())
    assert not quote.lines.exists()


# --- quote terms -----------------------------------------------------------------------------


def test_terms_change_in_draft_and_renewal_until_final() -> None:
    quote = make_quote()
    quote = services.update_quote(
        acting_user=None, quote=quote, discount_pct=Decimal(10), title="New title"
    )
    assert (quote.discount_pct, quote.title) == (Decimal(10), "New title")
    services.transition_quote(acting_user=None, quote=quote, to_state=QuoteState.CANCELLED)
    with pytest.raises(ValidationError, match="cannot change any more"):
        services.update_quote(acting_user=None, quote=quote, renewal_on=TODAY)

    sent = make_quote(state=QuoteState.SENT)
    renewal = TODAY + datetime.timedelta(days=300)
    sent = services.update_quote(acting_user=None, quote=sent, renewal_on=renewal, notes="Call")
    assert sent.renewal_on == renewal
    with pytest.raises(ValidationError, match="only while it is a Draft"):
        services.update_quote(acting_user=None, quote=sent, tax_pct=Decimal(20))
    # Unchanged terms given back (a form's disabled fields) are no change.
    services.update_quote(acting_user=None, quote=sent, tax_pct=sent.tax_pct, notes="Again")


def test_currency_changes_only_without_rate_card_lines() -> None:
    quote = make_quote(lines=[(RateCardEntryFactory(), "1")])
    with pytest.raises(ValidationError, match="remove them before changing"):
        services.update_quote(acting_user=None, quote=quote, currency="EUR")
    services.remove_line(acting_user=None, line=quote.lines.get())
    assert services.update_quote(acting_user=None, quote=quote, currency="eur").currency == "EUR"


def test_only_drafts_are_deleted() -> None:
    draft, sent = make_quote(), make_quote(state=QuoteState.SENT)
    engagement = draft.engagement
    services.delete_quote(acting_user=None, quote=draft)
    assert not Quote.objects.filter(pk=draft.pk).exists()
    assert engagement.timeline.filter(message__contains="deleted").exists()
    with pytest.raises(ValidationError, match="only drafts can be deleted"):
        services.delete_quote(acting_user=None, quote=sent)


# --- the transition table --------------------------------------------------------------------

STATES = list(QuoteState)
PAIRS = [(before, after) for before in STATES for after in STATES]


@pytest.mark.parametrize(("before", "after"), PAIRS, ids=[f"{b}-{a}" for b, a in PAIRS])
def test_every_transition(before: QuoteState, after: QuoteState, sales: Any) -> None:
    quote = make_quote(user=sales, state=before, lines=[(RateCardEntryFactory(), "2")])
    assert quote.state == before
    details = {"customer_signatory": "Dana Whitfield"} if after == QuoteState.SIGNED else {}
    if after in TRANSITIONS[before]:
        moved = services.transition_quote(acting_user=sales, quote=quote, to_state=after, **details)
        assert moved.state == quote.state == after
        event = quote.engagement.timeline.first()
        assert event is not None
        assert event.data["after"] == after
        assert event.data["before"] == before
    else:
        with pytest.raises(
            ValidationError, match=r"cannot change any more|A quote becomes|already"
        ):
            services.transition_quote(acting_user=sales, quote=quote, to_state=after, **details)
        quote.refresh_from_db()
        assert quote.state == before


def test_the_table_is_the_documented_one() -> None:
    legal = {(before, after) for before, targets in TRANSITIONS.items() for after in targets}
    S = QuoteState
    assert legal == {
        (S.DRAFT, S.SENT),
        (S.SENT, S.ACCEPTED),
        (S.SENT, S.DRAFT),
        (S.ACCEPTED, S.SIGNED),
        (S.SIGNED, S.ACTIVE),
        (S.ACTIVE, S.COMPLETED),
        *((state, S.CANCELLED) for state in (S.DRAFT, S.SENT, S.ACCEPTED, S.SIGNED, S.ACTIVE)),
    }


def test_the_refusal_says_where_the_quote_can_go() -> None:
    quote = make_quote()
    with pytest.raises(ValidationError) as refused:
        services.transition_quote(acting_user=None, quote=quote, to_state=QuoteState.ACCEPTED)
    assert refused.value.messages == [
        f"A quote becomes Accepted only from Sent; {quote.number} is Draft. From Draft it can go "
        "to Sent or Cancelled."
    ]
    with pytest.raises(ValidationError) as refused:
        services.transition_quote(acting_user=None, quote=quote, to_state="approved")
    assert "state" in refused.value.message_dict


def test_a_quote_is_sent_only_with_a_priced_vas_line() -> None:
    quote = make_quote()
    add(quote, kind=LineKind.BENEFIT, description="Remote guidance")
    add(quote, description="Included kickoff", unit_price=Decimal(0))
    with pytest.raises(ValidationError, match="no priced value-added service line"):
        services.transition_quote(acting_user=None, quote=quote, to_state=QuoteState.SENT)
    add(quote, description="Onsite day", unit_price=Decimal(1300))
    services.transition_quote(acting_user=None, quote=quote, to_state=QuoteState.SENT)
    assert (quote.state, quote.sent_on) == (QuoteState.SENT, TODAY)
    services.transition_quote(acting_user=None, quote=quote, to_state=QuoteState.DRAFT)
    assert (quote.state, quote.sent_on) == (QuoteState.DRAFT, None)


# --- signing ---------------------------------------------------------------------------------


def test_signing_makes_the_contract(sales: Any, partner_profile: Any) -> None:
    renewal = TODAY + datetime.timedelta(days=365)
    quote = make_quote(user=sales, state=QuoteState.ACCEPTED, renewal_on=renewal)
    services.transition_quote(
        acting_user=sales,
        quote=quote,
        to_state=QuoteState.SIGNED,
        customer_signatory="  Dana Whitfield ",
        customer_signatory_title="CIO",
        ends_on=TODAY + datetime.timedelta(days=90),
    )
    contract = ServicesContract.objects.get(quote=quote)
    assert contract.number == f"C-{YEAR}-0001"
    assert (contract.customer_signatory, contract.customer_signatory_title) == (
        "Dana Whitfield",
        "CIO",
    )
    assert contract.partner_signatory == sales
    assert contract.signed_on == contract.starts_on == TODAY
    assert contract.renewal_on == renewal  # the quote's, unless given
    assert contract.disclosure == quote.disclosure
    assert "Contoso Consulting" in contract.disclosure
    event = quote.engagement.timeline.get(kind=EventKind.CONTRACT_SIGNED)
    assert event.message.startswith(f"Services contract {contract.number} signed by Dana Whitfield")
    assert event.data["contract_number"] == contract.number


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({}, "customer_signatory"),
        ({"customer_signatory": "  "}, "customer_signatory"),
        (
            {"customer_signatory": "D", "signed_on": TODAY + datetime.timedelta(days=1)},
            "signed_on",
        ),
        ({"customer_signatory": "D", "ends_on": TODAY - datetime.timedelta(days=1)}, "ends_on"),
        (
            {"customer_signatory": "D", "renewal_on": TODAY - datetime.timedelta(days=1)},
            "renewal_on",
        ),
    ],
)
def test_signing_refusals(details: dict[str, Any], field: str) -> None:
    quote = make_quote(state=QuoteState.ACCEPTED)
    with pytest.raises(ValidationError) as refused:
        services.transition_quote(
            acting_user=None, quote=quote, to_state=QuoteState.SIGNED, **details
        )
    assert field in refused.value.message_dict
    quote.refresh_from_db()
    assert quote.state == QuoteState.ACCEPTED
    assert not ServicesContract.objects.exists()


def test_contract_details_only_when_signing() -> None:
    with pytest.raises(TypeError):
        services.transition_quote(
            acting_user=None,
            quote=make_quote(),
            to_state=QuoteState.CANCELLED,
            customer_signatory="Dana",
        )


def test_contract_dates_change() -> None:
    contract = make_quote(state=QuoteState.SIGNED).contract
    later = TODAY + datetime.timedelta(days=200)
    updated = services.update_contract(
        acting_user=None, contract=contract, ends_on=later, renewal_on=later
    )
    assert (updated.ends_on, updated.renewal_on) == (later, later)
    with pytest.raises(ValidationError) as refused:
        services.update_contract(
            acting_user=None,
            contract=contract,
            ends_on=TODAY - datetime.timedelta(days=5),
            renewal_on=None,
        )
    assert "ends_on" in refused.value.message_dict


def test_suggested_entries_pick_the_first_active_entry_in_the_currency() -> None:
    RateCardEntryFactory(name="A manager", active=False)
    chosen = RateCardEntryFactory(name="B manager")
    RateCardEntryFactory(name="C manager")
    suggestions = services.suggested_entries(
        ["project_management", "workshops", " ", "nonsense"], "USD"
    )
    assert suggestions.entries == [chosen]
    assert [item.code for item in suggestions.unpriced] == ["workshops"]
