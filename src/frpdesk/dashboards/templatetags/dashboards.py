"""Filters of the dashboards: amounts, percentages, the movement arrow, a score's tone."""

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.vas.pricing import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """``{{ amount|money:currency }}`` → ``1,234.50 USD`` (— when unknown)."""
    return "—" if amount is None else format_money(amount, currency)


@register.filter
def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


@register.filter
def movement(value: Decimal | None) -> SafeString:
    """An arrow and the change in percentage points: up green, down red, flat grey."""
    if value is None:
        return format_html('<span class="text-muted" title="{}">—</span>', "No figure to compare")
    if value > 0:
        return format_html(
            '<span class="text-success" data-movement="up"><i class="bi bi-arrow-up-right"></i> '
            "+{} pp</span>",
            f"{value:.1f}",
        )
    if value < 0:
        return format_html(
            '<span class="text-danger" data-movement="down"><i class="bi bi-arrow-down-right">'
            "</i> {} pp</span>",
            f"{value:.1f}".replace("-", "−"),
        )
    return format_html(
        '<span class="text-muted" data-movement="flat"><i class="bi bi-arrow-right"></i> 0.0 pp'
        "</span>"
    )


@register.filter
def tone(score: Decimal | None) -> str:
    """The Bootstrap colour of a compliance score or an NSAT (90+, 80+, below); grey when there
    is none (a missing value reaches a template filter as "")."""
    if not isinstance(score, int | float | Decimal):
        return "secondary"
    if score >= 90:
        return "success"
    if score >= 80:
        return "warning"
    return "danger"


@register.filter
def get(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)
