from decimal import Decimal

from django import template

from frpdesk.vas.pricing import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """``{{ amount|money:currency }}`` → ``1,234.50 USD`` (— when unknown)."""
    return "—" if amount is None else format_money(amount, currency)
