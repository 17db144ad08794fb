"""State changes of value-added services: quotes, their lines, their states and the services
contract a signed quote becomes.

- A quote is numbered ``Q-<year>-<0001>`` and a contract ``C-<year>-<0001>``; each carries the
  VAS disclosure (``VAS_DISCLOSURE``) as it was worded for the partner and the customer when the
  record was made.
- Lines (and the commercial terms) change only while the quote is a draft. A line taken from the
  rate card copies the entry's name, unit and price; a FastTrack Benefit line never has a price.
- States move along ``TRANSITIONS``; every move is an event on the engagement's timeline, and
  nothing changes on a closed engagement.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import VasItem
from frpdesk.engagements.models import Engagement, EventKind
from frpdesk.engagements.services import check_open, record_event
from frpdesk.partner.services import current_profile
from frpdesk.vas.models import (
    VAS_DISCLOSURE,
    LineKind,
    PricingKind,
    Quote,
    QuoteLine,
    QuoteState,
    RateCardEntry,
    ServicesContract,
)
from frpdesk.vas.pricing import quote_totals

SLUG = re.compile(r"[-a-zA-Z0-9_]+")
BENEFIT_PRICED = (
    "FastTrack Benefit services are free: a Benefit line cannot carry a price. Set its price to "
    "0, or make it a value-added service line if the work goes beyond the Benefit."
)
UNITS = {PricingKind.DAY_RATE: "day", PricingKind.FIXED: "item"}

# Where a quote may go from each state. Sent → Draft takes a quote back for revision (the
# customer asked for changes); completed and cancelled quotes are final.
TRANSITIONS: dict[str, tuple[QuoteState, ...]] = {
    QuoteState.DRAFT: (QuoteState.SENT, QuoteState.CANCELLED),
    QuoteState.SENT: (QuoteState.ACCEPTED, QuoteState.DRAFT, QuoteState.CANCELLED),
    QuoteState.ACCEPTED: (QuoteState.SIGNED, QuoteState.CANCELLED),
    QuoteState.SIGNED: (QuoteState.ACTIVE, QuoteState.CANCELLED),
    QuoteState.ACTIVE: (QuoteState.COMPLETED, QuoteState.CANCELLED),
    QuoteState.COMPLETED: (),
    QuoteState.CANCELLED: (),
}
# The usual life of a quote after Draft (demo data and tests walk it).
LIFECYCLE = (
    QuoteState.SENT,
    QuoteState.ACCEPTED,
    QuoteState.SIGNED,
    QuoteState.ACTIVE,
    QuoteState.COMPLETED,
)
FINAL_STATES = frozenset(state for state, targets in TRANSITIONS.items() if not targets)
# Terms the customer is quoted; they change only while the quote is a draft.
DRAFT_ONLY_FIELDS = ("title", "currency", "discount_pct", "tax_pct", "valid_until")
SIGN_FIELDS = frozenset(
    {
        "customer_signatory",
        "customer_signatory_title",
        "signed_on",
        "starts_on",
        "ends_on",
        "renewal_on",
    }
)


def label(state: str) -> str:
    return str(QuoteState(state).label)


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def steps_to(state: QuoteState) -> tuple[QuoteState, ...]:
    """The legal moves from Draft to ``state`` (cancelling is one move from anywhere)."""
    if state == QuoteState.CANCELLED:
        return (state,)
    return LIFECYCLE[: LIFECYCLE.index(state) + 1] if state in LIFECYCLE else ()


def allowed_targets(quote: Quote) -> tuple[QuoteState, ...]:
    return TRANSITIONS[quote.state]


def disclosure_for(engagement: Engagement) -> str:
    profile = current_profile()
    partner = profile.organisation_name if profile else "the partner"
    return VAS_DISCLOSURE.format(partner=partner, customer=engagement.customer.name)


# --- numbering -------------------------------------------------------------------------------


def _next_number(model: type[Quote] | type[ServicesContract], prefix: str, year: int) -> str:
    start = f"{prefix}-{year}-"
    # By length first: after 9999 the numbers grow a digit and still sort last.
    newest = (
        model.objects.filter(number__startswith=start)
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(newest.removeprefix(start)) + 1 if newest else 1
    return f"{start}{sequence:04d}"


def _save_numbered(instance: Quote | ServicesContract, prefix: str, year: int) -> None:
    """Save with the next free number. Two saves racing for the same number: the unique
    constraint refuses the second, which takes the following number."""
    model = type(instance)
    for _attempt in range(5):
        instance.number = _next_number(model, prefix, year)
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError:
            if not model.objects.filter(number=instance.number).exists():
                raise  # another constraint: not a race for the number
            continue
        return
    raise ValidationError("Could not number the record; try again.", code="numbering")


# --- quotes ----------------------------------------------------------------------------------


def _locked(quote: Quote) -> Quote:
    """The quote re-read under a row lock, with its engagement open."""
    current = Quote.objects.select_for_update().select_related("engagement__customer")
    locked = current.get(pk=quote.pk)
    check_open(locked.engagement)
    return locked


def _check_draft(quote: Quote, doing: str) -> None:
    if quote.state != QuoteState.DRAFT:
        raise ValidationError(
            f"Quote {quote.number} is {label(quote.state)}: {doing} only while it is a Draft. "
            "Move it back to Draft first (possible while it is Sent), or make a new quote.",
            code="not_draft",
        )


def rate_card_for(currency: str) -> models.QuerySet[RateCardEntry]:
    """The entries a quote in ``currency`` may take lines from."""
    return RateCardEntry.objects.filter(active=True, currency=currency).select_related("vas_item")


@dataclass(frozen=True)
class Suggestions:
    entries: list[RateCardEntry]
    unpriced: list[VasItem]  # suggested items without an active entry in the currency


def suggested_entries(codes: Iterable[str], currency: str) -> Suggestions:
    """The first active rate-card entry (in the quote's currency) of each suggested VAS item."""
    entries, unpriced = [], []
    # Codes come from a link's query string: anything but a slug names no item.
    wanted = [code.strip() for code in codes if SLUG.fullmatch(code.strip())]
    for item in VasItem.objects.filter(code__in=wanted, active=True).order_by("name"):
        entry = rate_card_for(currency).filter(vas_item=item).first()
        if entry is None:
            unpriced.append(item)
        else:
            entries.append(entry)
    return Suggestions(entries, unpriced)


def _check_terms(quote: Quote) -> None:
    """The percentages' constraints, worded for the person typing them."""
    errors = {
        name: f"Enter a percentage from 0 to 100 ({label} is {value})."
        for name, label in (("discount_pct", "discount"), ("tax_pct", "tax"))
        if (value := getattr(quote, name)) is not None and not 0 <= value <= 100
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_quote(
    *,
    acting_user: User | None,
    engagement: Engagement,
    title: str,
    currency: str = "USD",
    discount_pct: Decimal = Decimal("0"),
    tax_pct: Decimal = Decimal("0"),
    valid_until: datetime.date | None = None,
    renewal_on: datetime.date | None = None,
    notes: str = "",
    entries: Sequence[RateCardEntry] = (),
) -> Quote:
    """A draft quote on the engagement, with one line (quantity 1) per rate-card entry given."""
    check_open(engagement)
    quote = Quote(
        engagement=engagement,
        title=(title or "").strip(),
        currency=(currency or "").strip().upper(),
        discount_pct=discount_pct,
        tax_pct=tax_pct,
        valid_until=valid_until,
        renewal_on=renewal_on,
        notes=notes,
        disclosure=disclosure_for(engagement),
        created_by=acting_user,
    )
    _check_terms(quote)
    quote.full_clean(exclude=["number"])
    _save_numbered(quote, "Q", timezone.localdate().year)
    for entry in entries:
        add_line(acting_user=acting_user, quote=quote, rate_card_entry=entry, quantity=Decimal(1))
    record_event(
        engagement,
        EventKind.QUOTE_CHANGED,
        f"Quote {quote.number} “{quote.title}” drafted.",
        acting_user,
        quote=quote.pk,
        number=quote.number,
        state=quote.state,
    )
    return quote


@transaction.atomic
def update_quote(*, acting_user: User | None, quote: Quote, **changes: Any) -> Quote:
    """Change a quote's terms (draft only) or its notes and renewal date (until it is final)."""
    current = _locked(quote)
    unknown = set(changes) - {*DRAFT_ONLY_FIELDS, "renewal_on", "notes"}
    if unknown:
        raise TypeError(f"update_quote cannot change {', '.join(sorted(unknown))}")
    if "currency" in changes:
        changes["currency"] = (changes["currency"] or "").strip().upper()
    changed = {name for name, value in changes.items() if getattr(current, name) != value}
    if current.state in FINAL_STATES and changed:
        raise ValidationError(
            f"Quote {current.number} is {label(current.state)}: it cannot change any more.",
            code="final",
        )
    if changed & set(DRAFT_ONLY_FIELDS):
        _check_draft(current, "its terms (title, currency, discount, tax, validity) can change")
    if "currency" in changed and current.lines.filter(rate_card_entry__isnull=False).exists():
        raise ValidationError(
            {
                "currency": "Lines from the rate card are priced in "
                f"{current.currency}: remove them before changing the quote's currency."
            }
        )
    for name, value in changes.items():
        setattr(current, name, value)
    _check_terms(current)
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def delete_quote(*, acting_user: User | None, quote: Quote) -> None:
    """Only a draft can be deleted; a quote the customer has seen is cancelled instead."""
    current = _locked(quote)
    if current.state != QuoteState.DRAFT:
        raise ValidationError(
            f"Quote {current.number} is {label(current.state)}: only drafts can be deleted. "
            "Cancel it instead, so the record of what the customer was offered stays.",
            code="not_draft",
        )
    record_event(
        current.engagement,
        EventKind.QUOTE_CHANGED,
        f"Draft quote {current.number} “{current.title}” deleted.",
        acting_user,
        number=current.number,
    )
    current.delete()


# --- lines -----------------------------------------------------------------------------------


def _apply_line_rules(quote: Quote, line: QuoteLine, price_given: bool) -> None:
    """Copy from the rate card and check what a line may carry; ``price_given``: the caller
    set a price of its own (refused on rate-card lines: their price is the card's)."""
    entry = line.rate_card_entry
    if entry is not None:
        if line.kind == LineKind.BENEFIT:
            raise ValidationError({"rate_card_entry": BENEFIT_PRICED})
        if entry.currency != quote.currency:
            raise ValidationError(
                {
                    "rate_card_entry": f"“{entry.name}” is priced in {entry.currency} and the "
                    f"quote in {quote.currency}: choose an entry in {quote.currency}."
                }
            )
        if price_given and line.unit_price != entry.price:
            raise ValidationError(
                {
                    "unit_price": f"The price of “{entry.name}” comes from the rate card "
                    f"({entry.price} {entry.currency}); leave the price empty and give a "
                    "discount on the quote, or enter the line without a rate-card entry."
                }
            )
        line.unit = UNITS[PricingKind(entry.kind)]
        line.unit_price = entry.price
        line.description = line.description.strip() or entry.name
    else:
        line.unit = line.unit.strip() or "day"
    if line.kind == LineKind.BENEFIT and line.unit_price:
        raise ValidationError({"unit_price": BENEFIT_PRICED})
    if not line.description.strip():
        raise ValidationError({"description": "Describe the service, or choose a rate-card entry."})
    if line.quantity is None or line.quantity <= 0:
        raise ValidationError({"quantity": "Enter a quantity above 0."})
    line.full_clean()


@transaction.atomic
def add_line(
    *,
    acting_user: User | None,
    quote: Quote,
    quantity: Decimal,
    kind: str = LineKind.VAS,
    rate_card_entry: RateCardEntry | None = None,
    description: str = "",
    unit: str = "",
    unit_price: Decimal | None = None,
    sort_order: int | None = None,
) -> QuoteLine:
    current = _locked(quote)
    _check_draft(current, "lines can be added")
    if rate_card_entry is not None and not rate_card_entry.active:
        raise ValidationError(
            {"rate_card_entry": f"“{rate_card_entry.name}” is no longer on the rate card."}
        )
    if sort_order is None:
        last = current.lines.aggregate(last=models.Max("sort_order"))["last"]
        sort_order = 0 if last is None else last + 1
    line = QuoteLine(
        quote=current,
        kind=kind,
        rate_card_entry=rate_card_entry,
        description=(description or "").strip(),
        quantity=quantity,
        unit=unit or "",
        unit_price=unit_price or Decimal("0"),
        sort_order=sort_order,
    )
    _apply_line_rules(current, line, price_given=unit_price is not None)
    line.save()
    return line


LINE_FIELDS = frozenset(
    {"kind", "rate_card_entry", "description", "quantity", "unit", "unit_price", "sort_order"}
)


@transaction.atomic
def update_line(*, acting_user: User | None, line: QuoteLine, **changes: Any) -> QuoteLine:
    """Change a draft quote's line; choosing another rate-card entry copies it again. A
    ``unit_price`` of None means "no price of my own": the card's price, or 0 by hand."""
    current_quote = _locked(line.quote)
    _check_draft(current_quote, "lines can change")
    unknown = set(changes) - LINE_FIELDS
    if unknown:
        raise TypeError(f"update_line cannot change {', '.join(sorted(unknown))}")
    current = QuoteLine.objects.select_related("rate_card_entry").get(pk=line.pk)
    entry = changes.get("rate_card_entry", current.rate_card_entry)
    if entry is not None and entry != current.rate_card_entry:
        if not entry.active:
            raise ValidationError(
                {"rate_card_entry": f"“{entry.name}” is no longer on the rate card."}
            )
        current.description = ""  # the new entry's name, unless one is given
    price = changes.pop("unit_price", current.unit_price if entry is None else None)
    for name, value in changes.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.unit_price = price if price is not None else Decimal("0")
    _apply_line_rules(current_quote, current, price_given=price is not None)
    current.save()
    return current


@transaction.atomic
def remove_line(*, acting_user: User | None, line: QuoteLine) -> None:
    current_quote = _locked(line.quote)
    _check_draft(current_quote, "lines can be removed")
    QuoteLine.objects.filter(pk=line.pk).delete()


# --- states ----------------------------------------------------------------------------------


def _refusal(quote: Quote, to_state: QuoteState) -> str:
    current = label(quote.state)
    if quote.state in FINAL_STATES:
        return f"Quote {quote.number} is {current}: it cannot change any more."
    if quote.state == to_state:
        return f"Quote {quote.number} is already {current}."
    sources = [label(state) for state, targets in TRANSITIONS.items() if to_state in targets]
    onward = _join([label(state) for state in TRANSITIONS[quote.state]])
    return (
        f"A quote becomes {to_state.label} only from {_join(sources)}; {quote.number} is "
        f"{current}. From {current} it can go to {onward}."
    )


def _check_sendable(quote: Quote) -> None:
    lines = list(quote.lines.all())
    if not any(line.kind == LineKind.VAS and line.unit_price > 0 for line in lines):
        raise ValidationError(
            f"Quote {quote.number} has no priced value-added service line: add one (from the "
            "rate card) before sending it.",
            code="nothing_priced",
        )


def _sign(acting_user: User | None, quote: Quote, details: dict[str, Any]) -> ServicesContract:
    today = timezone.localdate()
    signed_on = details.get("signed_on") or today
    starts_on = details.get("starts_on") or signed_on
    contract = ServicesContract(
        quote=quote,
        customer_signatory=(details.get("customer_signatory") or "").strip(),
        customer_signatory_title=(details.get("customer_signatory_title") or "").strip(),
        partner_signatory=acting_user,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=details.get("ends_on"),
        renewal_on=details.get("renewal_on") or quote.renewal_on,
        disclosure=disclosure_for(quote.engagement),
    )
    if not contract.customer_signatory:
        raise ValidationError(
            {"customer_signatory": "Name the customer's signatory of the services contract."}
        )
    if signed_on > today:
        raise ValidationError(
            {"signed_on": "The contract cannot be signed in the future; sign it when it is."}
        )
    _check_contract_dates(contract)
    contract.full_clean(exclude=["number"])
    _save_numbered(contract, "C", signed_on.year)
    return contract


def _check_contract_dates(contract: ServicesContract) -> None:
    if contract.ends_on and contract.ends_on < contract.starts_on:
        raise ValidationError({"ends_on": "The contract cannot end before it starts."})
    if contract.renewal_on and contract.renewal_on < contract.starts_on:
        raise ValidationError({"renewal_on": "The renewal date cannot be before the start."})


@transaction.atomic
def transition_quote(
    *, acting_user: User | None, quote: Quote, to_state: str, **details: Any
) -> Quote:
    """Move a quote to ``to_state``. Signing takes the contract's ``SIGN_FIELDS`` as details:
    ``customer_signatory`` (required), ``customer_signatory_title``, ``signed_on`` (today),
    ``starts_on`` (the signing day), ``ends_on``, ``renewal_on`` (the quote's)."""
    if to_state not in QuoteState.values:
        raise ValidationError(
            {
                "state": f"“{to_state}” is not a quote state; use one of {', '.join(QuoteState.values)}."
            }
        )
    target = QuoteState(to_state)
    unknown = set(details) - (SIGN_FIELDS if target == QuoteState.SIGNED else set())
    if unknown:
        raise TypeError(f"Moving to {target.label} takes no {', '.join(sorted(unknown))}")
    current = _locked(quote)
    if target not in TRANSITIONS[current.state]:
        raise ValidationError(_refusal(current, target), code="illegal_transition")
    before = current.state
    today = timezone.localdate()
    if target == QuoteState.SENT:
        _check_sendable(current)
        current.sent_on = today
    elif target == QuoteState.ACCEPTED:
        current.accepted_on = today
    elif target == QuoteState.DRAFT:
        current.sent_on = None
    current.state = target
    current.save()
    totals = quote_totals(current)
    data = {
        "quote": current.pk,
        "number": current.number,
        "before": before,
        "after": str(target),
        "total": str(totals.total),
        "currency": current.currency,
    }
    if target == QuoteState.SIGNED:
        contract = _sign(acting_user, current, details)
        record_event(
            current.engagement,
            EventKind.CONTRACT_SIGNED,
            f"Services contract {contract.number} signed by {contract.customer_signatory} "
            f"(quote {current.number}, {totals.total} {current.currency}).",
            acting_user,
            contract=contract.pk,
            contract_number=contract.number,
            **data,
        )
    else:
        record_event(
            current.engagement,
            EventKind.QUOTE_CHANGED,
            f"Quote {current.number} {label(before)} → {target.label}.",
            acting_user,
            **data,
        )
    quote.refresh_from_db()
    return current


# --- contracts -------------------------------------------------------------------------------


@transaction.atomic
def update_contract(
    *,
    acting_user: User | None,
    contract: ServicesContract,
    ends_on: datetime.date | None,
    renewal_on: datetime.date | None,
) -> ServicesContract:
    """The contract's end and renewal dates are the only things that change after signing."""
    current = (
        ServicesContract.objects.select_for_update()
        .select_related("quote__engagement")
        .get(pk=contract.pk)
    )
    check_open(current.quote.engagement)
    current.ends_on = ends_on
    current.renewal_on = renewal_on
    _check_contract_dates(current)
    current.full_clean()
    current.save()
    return current
