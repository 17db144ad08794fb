"""Adoption figures: properties of the pure functions (hypothesis), worked examples, and the
read functions behind the tab, the API and the CLI."""

import datetime
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import assume, given
from hypothesis import strategies as st

from frpdesk.adoption.figures import (
    FORECAST_HORIZON_DAYS,
    Reading,
    au_band,
    au_pct,
    au_trend,
    customer_adoption_document,
    first_reached_on,
    forecast_on,
    mau_window,
    milestones,
    opportunity_units,
    peak_mau,
    peak_on,
    reaches,
    starting_peak,
    workload_figures,
)
from frpdesk.adoption.tests.factories import PartnerAssociationFactory, usage_history, workload
from frpdesk.catalog.models import Threshold
from frpdesk.customers.tests.factories import CustomerFactory

D = datetime.date
START = D(2024, 1, 1)


@st.composite
def readings(draw: st.DrawFn, min_size: int = 0, max_size: int = 12) -> list[Reading]:
    """Readings on distinct refresh dates (as the database keeps them), in any order."""
    offsets = draw(st.lists(st.integers(0, 900), min_size=min_size, max_size=max_size, unique=True))
    return [
        Reading(
            START + datetime.timedelta(days=offset),
            draw(st.integers(0, 5000)),
            draw(st.one_of(st.none(), st.integers(0, 5000))),
        )
        for offset in offsets
    ]


dates = st.dates(D(2023, 6, 1), D(2027, 1, 1))
pcts = st.integers(1, 100)


# --- properties ------------------------------------------------------------------------------


@given(readings(min_size=1))
def test_the_peak_is_the_highest_mau_and_reached_on_its_date(points: list[Reading]) -> None:
    peak = peak_mau(points)
    assert all(point.mau <= peak for point in points)
    day = peak_on(points)
    assert any(point.refresh_date == day and point.mau == peak for point in points)
    assert all(point.mau < peak for point in points if point.refresh_date < day)


@given(readings(), dates)
def test_the_starting_peak_only_looks_before_the_association(
    points: list[Reading], associated_on: datetime.date
) -> None:
    start = starting_peak(points, associated_on)
    assert 0 <= start <= peak_mau(points)
    before = [point.mau for point in points if point.refresh_date < associated_on]
    assert start == max(before, default=0)
    # Readings on or after the association day never change it.
    later = Reading(associated_on, 10_000, 1)
    assert starting_peak([*points, later], associated_on) == start


@given(readings())
def test_without_an_association_the_starting_peak_is_the_all_time_peak(
    points: list[Reading],
) -> None:
    assert starting_peak(points, None) == peak_mau(points)


@given(st.one_of(st.none(), st.integers(0, 10_000)), st.integers(0, 10_000))
def test_opportunity_units_are_never_negative(pau: int | None, start: int) -> None:
    units = opportunity_units(pau, start)
    if pau is None:
        assert units is None
    else:
        assert units == max(0, pau - start)
        assert units >= 0


@given(st.integers(0, 10_000), st.one_of(st.none(), st.integers(0, 10_000)), pcts)
def test_a_milestone_is_reached_exactly_when_au_pct_is_at_least_it(
    mau: int, pau: int | None, pct: int
) -> None:
    reached = reaches(mau, pau, pct)
    if not pau:
        assert not reached
        assert au_pct(mau, pau) is None
    else:
        assert reached == (Decimal(mau) * 100 / Decimal(pau) >= pct)


@given(readings(), pcts)
def test_a_milestone_is_first_reached_on_the_earliest_reading_at_or_above_it(
    points: list[Reading], pct: int
) -> None:
    day = first_reached_on(points, pct)
    reaching = sorted(p.refresh_date for p in points if reaches(p.mau, p.pau, pct))
    assert day == (reaching[0] if reaching else None)


@given(readings(), pcts)
def test_a_forecast_lies_after_the_newest_reading_and_only_when_not_reached(
    points: list[Reading], pct: int
) -> None:
    forecast = forecast_on(points, pct)
    if forecast is None:
        return
    newest = max(points, key=lambda point: point.refresh_date)
    assert newest.pau
    assert not reaches(newest.mau, newest.pau, pct)
    assert newest.refresh_date < forecast
    assert forecast <= newest.refresh_date + datetime.timedelta(days=FORECAST_HORIZON_DAYS + 1)
    slope = au_trend(points)
    assert slope is not None
    assert slope > 0


@given(readings(max_size=1), pcts)
def test_no_forecast_from_fewer_than_two_readings(points: list[Reading], pct: int) -> None:
    assert au_trend(points) is None
    assert forecast_on(points, pct) is None


@given(readings(min_size=2), pcts)
def test_no_forecast_without_pau(points: list[Reading], pct: int) -> None:
    without_pau = [Reading(point.refresh_date, point.mau, None) for point in points]
    assert au_trend(without_pau) is None
    assert forecast_on(without_pau, pct) is None


@given(
    st.lists(st.integers(0, 400), min_size=2, max_size=8, unique=True),
    st.integers(0, 1000),
    st.integers(1, 1000),
    pcts,
)
def test_no_forecast_from_a_flat_or_falling_trend(
    offsets: list[int], first_mau: int, pau: int, pct: int
) -> None:
    ordered = sorted(offsets)
    # MAU never grows from one refresh date to the next while PAU stays.
    falling = [
        Reading(START + datetime.timedelta(days=offset), max(0, first_mau - index * 3), pau)
        for index, offset in enumerate(ordered)
    ]
    assert forecast_on(falling, pct) is None


@given(
    st.integers(2, 8),
    st.integers(1, 30),
    st.integers(1, 20),
    st.integers(100, 5000),
)
def test_a_steady_rise_is_forecast_where_the_line_crosses(
    count: int, step_days: int, step_mau: int, pau: int
) -> None:
    points = [
        Reading(START + datetime.timedelta(days=index * step_days), index * step_mau, pau)
        for index in range(count)
    ]
    assume((count - 1) * step_days < 180)  # all inside the trend window
    pct = 40
    newest = points[-1]
    assume(not reaches(newest.mau, newest.pau, pct))
    slope = Fraction(step_mau * 100, pau * step_days)  # AU points per day
    days_needed = (pct - Fraction(newest.mau * 100, pau)) / slope
    assume(days_needed <= FORECAST_HORIZON_DAYS)
    forecast = forecast_on(points, pct)
    assert forecast is not None
    # The least-squares line of points on a straight line is that line: the forecast is the
    # first whole day at or after the crossing.
    assert (forecast - newest.refresh_date).days == max(1, math.ceil(days_needed))


@given(st.one_of(st.none(), st.decimals(0, 500, places=2)))
def test_every_au_pct_falls_in_one_band(percent: Decimal | None) -> None:
    band = au_band(percent, (15, 40))
    if percent is None:
        assert band == "none"
    elif percent < 15:
        assert band == "below"
    elif percent < 40:
        assert band == "first"
    else:
        assert band == "second"


# --- worked examples -------------------------------------------------------------------------


def test_the_mau_window_is_28_days_ending_on_the_refresh_date() -> None:
    assert mau_window(D(2025, 11, 20), 28) == (D(2025, 10, 24), D(2025, 11, 20))


def test_au_pct_is_undefined_without_pau_and_may_exceed_100() -> None:
    assert au_pct(21, 29) == Decimal("72.41")
    assert au_pct(21, 29, decimals=1) == Decimal("72.4")
    assert au_pct(5, None) is None
    assert au_pct(5, 0) is None
    assert au_pct(450, 300) == Decimal("150.00")


SERIES = [
    Reading(D(2025, 6, 1), 30, 200),  # 15.0%: the first milestone, exactly
    Reading(D(2025, 7, 1), 25, 200),  # 12.5%: below again
    Reading(D(2025, 8, 1), 40, 200),  # 20%
    Reading(D(2025, 9, 1), 50, 200),  # 25%
]


def test_a_worked_series() -> None:
    assert peak_mau(SERIES) == 50
    assert peak_on(SERIES) == D(2025, 9, 1)
    # Associated on 1 August: the starting peak is the highest MAU before that day.
    assert starting_peak(SERIES, D(2025, 8, 1)) == 30
    assert opportunity_units(200, 30) == 170
    assert starting_peak(SERIES, D(2025, 5, 1)) == 0
    first, second = milestones(SERIES, (15, 40))
    assert (first.reached, first.first_reached_on, first.forecast_on) == (
        True,
        D(2025, 6, 1),
        None,
    )
    assert second.reached is False
    assert second.first_reached_on is None
    # Least squares over the four points (days 0, 30, 61, 92; AU 15, 12.5, 20, 25):
    # slope = 578.125 / 4712.75 = 0.12267 AU points a day. From 25% on 1 September, the 15
    # points to 40% take 122.3 days: day 123.
    slope = au_trend(SERIES)
    assert slope == pytest.approx(578.125 / 4712.75)
    assert second.forecast_on == D(2025, 9, 1) + datetime.timedelta(days=123) == D(2026, 1, 2)


def test_the_trend_uses_the_recent_readings_only() -> None:
    old_fall = [Reading(D(2024, 1, 1), 180, 200), Reading(D(2024, 2, 1), 10, 200)]
    recent_rise = [Reading(D(2025, 8, 1), 20, 200), Reading(D(2025, 9, 1), 40, 200)]
    assert au_trend(old_fall + recent_rise) == pytest.approx(10 / 31)
    # 20 points to go at 10 points per 31 days: exactly 62 days.
    assert forecast_on(old_fall + recent_rise, 40) == D(2025, 11, 2)


def test_no_forecast_when_the_newest_reading_has_no_pau() -> None:
    points = [*SERIES, Reading(D(2025, 10, 1), 60, None)]
    assert forecast_on(points, 40) is None


def test_a_forecast_too_far_out_is_left_out() -> None:
    crawl = [Reading(D(2025, 1, 1), 100, 100_000), Reading(D(2025, 6, 1), 101, 100_000)]
    assert au_trend(crawl) is not None
    assert forecast_on(crawl, 40) is None


# --- read functions --------------------------------------------------------------------------

FABRIKAM_TENANT = "b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c"


@pytest.fixture
def fabrikam(db: None):
    customer = CustomerFactory(name="Fabrikam Industries", tenant_id=FABRIKAM_TENANT)
    usage_history(
        customer,
        "teams",
        [(D(2025, 8, 20), 10, 29), (D(2025, 9, 20), 14, 29), (D(2025, 11, 20), 21, 29)],
    )
    usage_history(customer, "exchange", [(D(2025, 11, 20), 22, 29)])
    usage_history(customer, "intune", [(D(2025, 11, 1), 12, None)], source="manual")
    PartnerAssociationFactory(customer=customer, associated_on=D(2025, 9, 1))
    return customer


def test_the_adoption_document_has_exactly_the_cli_shape(fabrikam) -> None:
    document = customer_adoption_document(fabrikam)

    assert document == {
        "tenant_id": FABRIKAM_TENANT,
        "workloads": {
            "exchange": {
                "refresh_date": "2025-11-20",
                "mau": 22,
                "pau": 29,
                "au_pct": 75.9,
                "peak_mau": 22,
                "milestones": {"15": True, "40": True},
            },
            "teams": {
                "refresh_date": "2025-11-20",
                "mau": 21,
                "pau": 29,
                "au_pct": 72.4,
                "peak_mau": 21,
                "milestones": {"15": True, "40": True},
            },
            "intune": {
                "refresh_date": "2025-11-01",
                "mau": 12,
                "pau": 0,
                "au_pct": None,
                "peak_mau": 12,
                "milestones": {"15": False, "40": False},
            },
        },
    }
    assert list(document["workloads"]) == ["exchange", "teams", "intune"]  # catalog order


def test_the_milestones_follow_the_catalog_thresholds(fabrikam) -> None:
    Threshold.objects.filter(code="milestone_second_pct").update(value=80)
    document = customer_adoption_document(fabrikam)
    assert document["workloads"]["teams"]["milestones"] == {"15": True, "80": False}


def test_a_customer_without_usage_has_no_workloads(db: None) -> None:
    customer = CustomerFactory()
    assert customer_adoption_document(customer) == {
        "tenant_id": str(customer.tenant_id),
        "workloads": {},
    }


def test_workload_figures_carry_everything_the_tab_shows(fabrikam) -> None:
    figures = {item.workload.code: item for item in workload_figures(fabrikam)}

    teams = figures["teams"]
    assert (teams.mau, teams.pau, teams.au_pct) == (21, 29, Decimal("72.41"))
    assert teams.pau_as_of == D(2025, 11, 20)
    assert teams.associated_on == D(2025, 9, 1)
    assert teams.starting_peak == 10  # only 20 August is before the association
    assert teams.opportunity_units == 19
    assert teams.source == "report"
    assert not teams.is_manual
    assert [m.reached for m in teams.milestones] == [True, True]
    assert [reading.refresh_date for reading in teams.readings] == [
        D(2025, 8, 20),
        D(2025, 9, 20),
        D(2025, 11, 20),
    ]
    chart = teams.chart_data()
    assert chart["milestones"] == [15, 40]
    assert chart["points"][-1] == {"date": "2025-11-20", "au_pct": 72.41, "mau": 21, "pau": 29}

    exchange = figures["exchange"]
    assert exchange.associated_on is None
    assert exchange.starting_peak == exchange.peak_mau == 22  # as if associated today
    assert exchange.opportunity_units == 7

    intune = figures["intune"]
    assert intune.is_manual
    assert intune.au_pct is None
    assert intune.opportunity_units is None
    assert not intune.has_au_pct


def test_workload_figures_take_a_constant_number_of_queries(fabrikam) -> None:
    with CaptureQueriesContext(connection) as few:
        workload_figures(fabrikam)
    for code in ("sharepoint", "onedrive", "viva_engage", "m365_apps"):
        usage_history(
            fabrikam,
            code,
            [(D(2025, 9, 20) + datetime.timedelta(days=7 * n), 5 + n, 29) for n in range(8)],
        )
        PartnerAssociationFactory(customer=fabrikam, workload=workload(code))
    with CaptureQueriesContext(connection) as many:
        assert len(workload_figures(fabrikam)) == 7
    assert len(many) == len(few)
