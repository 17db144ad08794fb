"""Template helpers of the vas pages."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.vas.models import QuoteState
from frpdesk.vas.pricing import format_money

register = template.Library()

STATE_BADGES = {
    QuoteState.DRAFT: "text-bg-light border text-secondary",
    QuoteState.SENT: "text-bg-info",
    QuoteState.ACCEPTED: "text-bg-primary",
    QuoteState.SIGNED: "text-bg-success",
    QuoteState.ACTIVE: "text-bg-success",
    QuoteState.COMPLETED: "text-bg-secondary",
    QuoteState.CANCELLED: "text-bg-dark",
}


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    return "—" if amount is None else format_money(amount, currency)


@register.simple_tag
def state_badge(state: str) -> SafeString:
    return format_html(
        '<span class="badge {}" data-testid="quote-state">{}</span>',
        STATE_BADGES[QuoteState(state)],
        QuoteState(state).label,
    )
