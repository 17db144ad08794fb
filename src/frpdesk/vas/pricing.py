"""Quote arithmetic, shared by the quote page, the API and the SOW document."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from frpdesk.vas.models import Quote, QuoteLine

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(line: QuoteLine) -> Decimal:
    return money(line.quantity * line.unit_price)


@dataclass(frozen=True)
class QuoteTotals:
    subtotal: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


def quote_totals(quote: Quote, lines: list[QuoteLine] | None = None) -> QuoteTotals:
    """Subtotal of the lines, less the discount, plus tax on what remains (each to the cent)."""
    lines = list(quote.lines.all()) if lines is None else lines
    subtotal = sum((line_total(line) for line in lines), Decimal("0.00"))
    discount = money(subtotal * quote.discount_pct / 100)
    net = subtotal - discount
    tax = money(net * quote.tax_pct / 100)
    return QuoteTotals(subtotal=subtotal, discount=discount, net=net, tax=tax, total=net + tax)


def format_money(amount: Decimal, currency: str) -> str:
    """An amount as the pages and exports show it: ``12,500.00 USD``."""
    return f"{money(amount):,.2f} {currency}"
