"""Adoption figures as pure functions of a workload's usage points (DESIGN.md §2 "Usage and
adoption"): the MAU window, AU%, high-water marks, milestones and their forecast dates."""

import datetime
from decimal import ROUND_HALF_UP, Decimal


def mau_window(refresh_date: datetime.date, days: int) -> tuple[datetime.date, datetime.date]:
    """The ``days`` days ending on the refresh date, both ends inclusive."""
    return refresh_date - datetime.timedelta(days=days - 1), refresh_date


def au_pct(mau: int, pau: int | None) -> Decimal | None:
    """MAU ÷ PAU in percent (two decimals); undefined, not 0, without PAU. May exceed 100."""
    if not pau:
        return None
    return (Decimal(mau) * 100 / Decimal(pau)).quantize(Decimal("0.01"), ROUND_HALF_UP)
