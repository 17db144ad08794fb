"""Business days: weekends and holidays are skipped, whatever the start and the count."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frpdesk.core.businessdays import add_business_days, business_days_between, is_business_day

FRIDAY = datetime.date(2026, 3, 6)
days = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31))
holiday_sets = st.frozensets(days, max_size=30)


def test_two_business_days_from_thursday_is_monday() -> None:
    assert add_business_days(datetime.date(2026, 3, 5), 2) == datetime.date(2026, 3, 9)


def test_from_friday_skips_the_weekend_and_a_holiday_monday() -> None:
    easter_monday = datetime.date(2026, 3, 9)
    assert add_business_days(FRIDAY, 1) == easter_monday
    assert add_business_days(FRIDAY, 1, {easter_monday}) == datetime.date(2026, 3, 10)
    assert add_business_days(FRIDAY, 2, {easter_monday}) == datetime.date(2026, 3, 11)


def test_from_a_saturday_the_first_business_day_is_monday() -> None:
    assert add_business_days(datetime.date(2026, 3, 7), 1) == datetime.date(2026, 3, 9)


def test_zero_days_is_the_start_and_negative_counts_are_refused() -> None:
    assert add_business_days(FRIDAY, 0) == FRIDAY
    with pytest.raises(ValueError, match="zero or more"):
        add_business_days(FRIDAY, -1)


@given(start=days, count=st.integers(min_value=1, max_value=40), holidays=holiday_sets)
def test_the_result_is_a_business_day_exactly_count_business_days_later(
    start: datetime.date, count: int, holidays: frozenset[datetime.date]
) -> None:
    due = add_business_days(start, count, holidays)
    assert due > start
    assert due.weekday() < 5
    assert due not in holidays
    assert is_business_day(due, holidays)
    assert business_days_between(start, due, holidays) == count
    # Every day in between that is skipped is a weekend day or a holiday, or counted.
    skipped = [start + datetime.timedelta(days=offset) for offset in range(1, (due - start).days)]
    assert sum(1 for day in skipped if is_business_day(day, holidays)) == count - 1


@given(start=days, count=st.integers(min_value=0, max_value=40), holidays=holiday_sets)
def test_a_holiday_never_brings_the_due_date_earlier(
    start: datetime.date, count: int, holidays: frozenset[datetime.date]
) -> None:
    assert add_business_days(start, count, holidays) >= add_business_days(start, count)


@given(start=days, offset=st.integers(min_value=-400, max_value=400), holidays=holiday_sets)
def test_between_is_antisymmetric(
    start: datetime.date, offset: int, holidays: frozenset[datetime.date]
) -> None:
    end = start + datetime.timedelta(days=offset)
    assert business_days_between(start, end, holidays) == -business_days_between(
        end, start, holidays
    )
