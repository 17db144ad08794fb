"""NSAT as Microsoft computes it: % very satisfied − % dissatisfied (somewhat + very) + 100."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frpdesk.catalog.models import Threshold
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.satisfaction import services
from frpdesk.satisfaction.models import Rating, SurveyResponse
from frpdesk.satisfaction.services import Nsat, nsat_of
from frpdesk.satisfaction.tests.factories import responses

VS, SS, SD, VD = (
    Rating.VERY_SATISFIED,
    Rating.SOMEWHAT_SATISFIED,
    Rating.SOMEWHAT_DISSATISFIED,
    Rating.VERY_DISSATISFIED,
)
counts = st.integers(min_value=0, max_value=5_000)


def microsoft_nsat(vs: int, ss: int, sd: int, vd: int) -> Decimal:
    """Microsoft's formula on the four counts, exactly, then to one decimal (half up)."""
    total = vs + ss + sd + vd
    exact = Fraction(100 * vs, total) - Fraction(100 * (sd + vd), total) + 100
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@given(vs=counts, ss=counts, sd=counts, vd=counts)
def test_nsat_is_microsofts_formula_and_between_0_and_200(
    vs: int, ss: int, sd: int, vd: int
) -> None:
    nsat = nsat_of({VS: vs, SS: ss, SD: sd, VD: vd})

    assert (nsat.responses, nsat.very_satisfied, nsat.dissatisfied) == (
        vs + ss + sd + vd,
        vs,
        sd + vd,
    )
    if nsat.responses == 0:
        assert nsat.value is None
        return
    assert nsat.value is not None
    assert Decimal(0) <= nsat.value <= Decimal(200)
    assert nsat.value == microsoft_nsat(vs, ss, sd, vd)


@given(vs=counts, ss=counts, sd=counts, vd=counts, more=st.integers(min_value=1, max_value=50))
def test_one_more_very_satisfied_never_lowers_nsat(
    vs: int, ss: int, sd: int, vd: int, more: int
) -> None:
    before = nsat_of({VS: vs, SS: ss, SD: sd, VD: vd}).value
    after = nsat_of({VS: vs + more, SS: ss, SD: sd, VD: vd}).value
    assert after is not None
    assert before is None or after >= before


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ((VS,), "200.0"),
        ((VD,), "0.0"),
        ((SD,), "0.0"),
        ((SS,), "100.0"),
        ((VS, SD), "100.0"),
        ((VS, VS, VS, VD), "150.0"),
        ((VS, VS, SS), "166.7"),
        ((VS, SS, SD, VD), "75.0"),
        ((VS, SS, SS, SD, VD, VD), "66.7"),
    ],
)
def test_nsat_examples(ratings: tuple[Rating, ...], expected: str) -> None:
    counts_by_rating: dict[str, int] = {}
    for rating in ratings:
        counts_by_rating[rating] = counts_by_rating.get(rating, 0) + 1
    assert nsat_of(counts_by_rating).value == Decimal(expected)


def test_no_response_has_no_nsat_and_is_not_below_target() -> None:
    empty = Nsat(responses=0, very_satisfied=0, dissatisfied=0)
    assert empty.value is None
    assert not services.is_below(empty, Decimal(80))
    assert services.share(1, 0) is None
    assert services.share(1, 3) == Decimal("33.3")


@pytest.mark.django_db
def test_overall_per_customer_and_per_month_from_the_database() -> None:
    good, poor = CustomerFactory(name="Woodgrove Bank"), CustomerFactory(name="Fabrikam")
    responses(good, [VS, VS, SS], on=datetime.date(2026, 1, 10))
    responses(poor, [VS, SD, VD], on=datetime.date(2026, 1, 20))
    responses(poor, [SS], on=datetime.date(2026, 2, 3))
    everything = SurveyResponse.objects.all()

    overall = services.overall_nsat(everything)
    by_customer = services.nsat_by_customer(everything)
    by_month = services.nsat_by_month(everything)
    january = services.responses_between(
        datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), everything
    )

    assert (overall.responses, overall.very_satisfied, overall.dissatisfied) == (7, 3, 2)
    assert overall.value == Decimal("114.3")
    assert by_customer[good.pk].value == Decimal("166.7")
    assert by_customer[poor.pk].value == Decimal("75.0")
    assert [(month.isoformat(), nsat.value) for month, nsat in by_month] == [
        ("2026-01-01", Decimal("116.7")),
        ("2026-02-01", Decimal("100.0")),
    ]
    assert january.count() == 6
    assert services.is_below(by_customer[poor.pk], Decimal(80))


@pytest.mark.django_db
def test_target_comes_from_the_catalog_and_the_default_period_is_90_days() -> None:
    assert services.nsat_target() == Decimal(80)
    Threshold.objects.filter(code="nsat_target").update(value=Decimal(90))
    assert services.nsat_target() == Decimal(90)
    start, end = services.default_period(datetime.date(2026, 3, 31))
    assert (start, end) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert (end - start).days + 1 == 90
