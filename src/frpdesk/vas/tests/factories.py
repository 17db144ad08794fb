"""Test data for vas: rate-card entries as records, quotes and lines through the services."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import factory

from frpdesk.accounts.models import User
from frpdesk.catalog.models import VasItem
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.vas import services
from frpdesk.vas.models import PricingKind, Quote, QuoteState, RateCardEntry


class RateCardEntryFactory(factory.django.DjangoModelFactory):
    """A day rate on the project-management item (from the catalog migrations load)."""

    class Meta:
        model = RateCardEntry

    vas_item = factory.LazyFunction(lambda: VasItem.objects.get(code="project_management"))
    name = factory.Sequence(lambda n: f"Consultant {n}")
    kind = PricingKind.DAY_RATE
    price = Decimal("1000.00")
    currency = "USD"


def make_quote(
    *,
    user: User | None = None,
    engagement: Engagement | None = None,
    lines: Sequence[tuple[RateCardEntry, str]] = (),
    state: QuoteState = QuoteState.DRAFT,
    **terms: Any,
) -> Quote:
    """A quote with rate-card lines ``(entry, quantity)``, taken along the legal path to
    ``state`` (a line of 2 days at 1000.00 is added when none is given and it must be sent)."""
    quote = services.create_quote(
        acting_user=user,
        engagement=engagement or make_engagement(owner=user),
        title=terms.pop("title", "Project management"),
        **terms,
    )
    if not lines and state != QuoteState.DRAFT:
        lines = [(RateCardEntryFactory(), "2")]
    for entry, quantity in lines:
        services.add_line(
            acting_user=user, quote=quote, rate_card_entry=entry, quantity=Decimal(quantity)
        )
    for step in services.steps_to(state):
        details = {"customer_signatory": "Dana Whitfield"} if step == QuoteState.SIGNED else {}
        services.transition_quote(acting_user=user, quote=quote, to_state=step, **details)
    quote.refresh_from_db()
    return quote
