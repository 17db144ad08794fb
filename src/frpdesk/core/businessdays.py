"""Business-day arithmetic for the program's clocks: weekends and given holidays are skipped.

Pure functions: the caller passes the holidays (the catalog's list), so they are easy to test.
"""

import datetime
from collections.abc import Collection

SATURDAY = 5


def is_business_day(day: datetime.date, holidays: Collection[datetime.date] = ()) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_business_days(
    start: datetime.date, count: int, holidays: Collection[datetime.date] = ()
) -> datetime.date:
    """The day ``count`` business days after ``start`` (``start`` itself does not count).

    With ``count`` 0 the start is returned as it is, business day or not.
    """
    if count < 0:
        raise ValueError("count must be zero or more business days")
    day = start
    remaining = count
    while remaining:
        day += datetime.timedelta(days=1)
        if is_business_day(day, holidays):
            remaining -= 1
    return day


def business_days_between(
    start: datetime.date, end: datetime.date, holidays: Collection[datetime.date] = ()
) -> int:
    """Business days after ``start`` up to and including ``end`` (negative when end is earlier)."""
    if end < start:
        return -business_days_between(end, start, holidays)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_business_day(start + datetime.timedelta(days=offset), holidays)
    )
