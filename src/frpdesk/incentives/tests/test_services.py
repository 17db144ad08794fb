"""Rates in force, estimates, the unpaid flag and disputes, on a controlled clock."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from frpdesk.adoption.tests.factories import workload
from frpdesk.claims.models import Claim, ClaimState
from frpdesk.claims.tests.factories import make_claim
from frpdesk.incentives import services
from frpdesk.incentives.models import (
    DisputeStatus,
    IncentiveRate,
    MatchStatus,
    StatementLine,
)
from frpdesk.incentives.services import (
    estimates,
    periods_overlap,
    rate_in_force,
    record_dispute,
    save_rate,
)
from frpdesk.incentives.tests.conftest import TODAY
from frpdesk.incentives.tests.factories import (
    FIRST_REACHED,
    IncentiveRateFactory,
    StatementLineFactory,
    approved_teams_claim,
)

D = datetime.date
BASE = D(2026, 1, 1)
days = st.integers(min_value=0, max_value=60)


def period(start: int, length: int | None) -> tuple[D, D | None]:
    begin = BASE + datetime.timedelta(days=start)
    return begin, None if length is None else begin + datetime.timedelta(days=length)


# --- rate card -------------------------------------------------------------------------------


@given(
    periods=st.lists(st.tuples(days, st.none() | st.integers(0, 30)), max_size=6),
    on=days,
)
def test_rate_in_force_is_the_newest_start_covering_the_day(
    periods: list[tuple[int, int | None]], on: int
) -> None:
    day = BASE + datetime.timedelta(days=on)
    rates = [
        IncentiveRate(valid_from=start, valid_to=end, amount_per_unit=Decimal(index))
        for index, (start, end) in enumerate(period(*item) for item in periods)
    ]
    chosen = rate_in_force(rates, day)
    covering = [
        r for r in rates if r.valid_from <= day and (r.valid_to is None or day <= r.valid_to)
    ]
    if not covering:
        assert chosen is None
    else:
        assert chosen in covering
        assert chosen.valid_from == max(r.valid_from for r in covering)


@given(first=st.tuples(days, st.none() | days), second=st.tuples(days, st.none() | days))
def test_periods_overlap_when_they_share_a_day(
    first: tuple[int, int | None], second: tuple[int, int | None]
) -> None:
    a, b = period(*first), period(*second)

    def covered(p: tuple[D, D | None]) -> set[D]:
        end = p[1] or BASE + datetime.timedelta(days=200)
        return {p[0] + datetime.timedelta(days=n) for n in range((end - p[0]).days + 1)}

    assert periods_overlap(a, b) == bool(covered(a) & covered(b))
    assert periods_overlap(a, b) == periods_overlap(b, a)


@pytest.mark.django_db
def test_rate_in_force_on_the_boundaries() -> None:
    old = IncentiveRateFactory(valid_from=D(2026, 1, 1), valid_to=D(2026, 3, 31))
    new = IncentiveRateFactory(valid_from=D(2026, 4, 1), amount_per_unit=Decimal("5.00"))
    rates = [old, new]
    assert rate_in_force(rates, D(2025, 12, 31)) is None
    assert rate_in_force(rates, D(2026, 3, 31)) == old
    assert rate_in_force(rates, D(2026, 4, 1)) == new
    assert rate_in_force(rates, D(2030, 1, 1)) == new


@pytest.mark.django_db
def test_overlapping_rates_are_refused_adjacent_ones_accepted() -> None:
    teams = workload("teams")
    save_rate(
        acting_user=None,
        rate=IncentiveRate(
            workload=teams, milestone_pct=15, amount_per_unit=Decimal(4), valid_from=D(2026, 1, 1)
        ),
    )
    with pytest.raises(ValidationError) as refused:
        save_rate(
            acting_user=None,
            rate=IncentiveRate(
                workload=teams,
                milestone_pct=15,
                amount_per_unit=Decimal(5),
                valid_from=D(2026, 6, 1),
            ),
        )
    assert "overlaps the rate valid 2026-01-01 – open-ended" in str(refused.value)
    # Another milestone, or another workload, is not a clash.
    save_rate(
        acting_user=None,
        rate=IncentiveRate(
            workload=teams, milestone_pct=40, amount_per_unit=Decimal(6), valid_from=D(2026, 6, 1)
        ),
    )
    first = IncentiveRate.objects.get(milestone_pct=15)
    first.valid_to = D(2026, 5, 31)
    save_rate(acting_user=None, rate=first)
    save_rate(
        acting_user=None,
        rate=IncentiveRate(
            workload=teams, milestone_pct=15, amount_per_unit=Decimal(5), valid_from=D(2026, 6, 1)
        ),
    )
    assert IncentiveRate.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"milestone_pct": 25}, "milestone_pct", "25 % is not a milestone of the program"),
        ({"valid_to": D(2025, 12, 1)}, "valid_to", "must be on or after Valid from"),
        ({"amount_per_unit": Decimal(-1)}, "amount_per_unit", "greater than or equal to 0"),
    ],
)
def test_bad_rates_are_refused_with_what_to_do(
    fields: dict[str, object], field: str, message: str
) -> None:
    values: dict[str, object] = {
        "workload": workload("teams"),
        "milestone_pct": 15,
        "amount_per_unit": Decimal(4),
        "valid_from": D(2026, 1, 1),
    } | fields
    with pytest.raises(ValidationError) as refused:
        save_rate(acting_user=None, rate=IncentiveRate(**values))
    assert message in " ".join(refused.value.message_dict[field])
    assert not IncentiveRate.objects.exists()


@pytest.mark.django_db
def test_the_rate_card_has_one_currency() -> None:
    IncentiveRateFactory(currency="USD")
    with pytest.raises(ValidationError) as refused:
        save_rate(
            acting_user=None,
            rate=IncentiveRate(
                workload=workload("intune"),
                milestone_pct=15,
                amount_per_unit=Decimal(4),
                currency="eur",
                valid_from=D(2026, 1, 1),
            ),
        )
    assert "The rate card is in USD" in refused.value.message_dict["currency"][0]


# --- estimates -------------------------------------------------------------------------------


def estimate_of(claim: Claim, today: D = TODAY) -> services.Estimate:
    (row,) = estimates(services.approved_claim_workloads().filter(claim=claim), today=today)
    return row


@pytest.mark.django_db
def test_estimate_of_an_approved_claim(rates: list[IncentiveRate], claim: Claim) -> None:
    row = estimate_of(claim)

    assert row.figures is not None
    assert (row.figures.pau, row.figures.starting_peak, row.units) == (400, 20, 380)
    first, second = row.milestones
    assert (first.pct, first.earned_on, first.amount) == (15, FIRST_REACHED, Decimal("1520.00"))
    assert first.rate == rates[0]
    assert (second.pct, second.earned_on, second.amount) == (40, None, Decimal("2280.00"))
    assert second.forecast_on is not None
    assert second.forecast_on > D(2026, 4, 30)
    assert row.forecast_on == second.forecast_on
    assert (row.earned, row.potential, row.paid) == (Decimal("1520.00"), Decimal("2280.00"), 0)
    assert first.unpaid_flag
    assert row.unpaid_flag
    assert not second.unpaid_flag


@pytest.mark.django_db
@pytest.mark.parametrize(("days_after", "flagged"), [(44, False), (45, False), (46, True)])
def test_unpaid_flag_after_45_days(
    rates: list[IncentiveRate], claim: Claim, days_after: int, flagged: bool
) -> None:
    today = FIRST_REACHED + datetime.timedelta(days=days_after)
    assert estimate_of(claim, today).unpaid_flag is flagged


@pytest.mark.django_db
def test_a_matched_statement_line_pays_the_milestone(
    rates: list[IncentiveRate], claim: Claim
) -> None:
    StatementLineFactory(
        tenant_id=claim.tenant_id,
        customer=claim.customer,
        claim=claim,
        match_status=MatchStatus.MATCHED,
        amount=Decimal("1500.00"),
    )
    # A line of the other milestone, or an unmatched one, pays nothing of this one.
    StatementLineFactory(milestone_pct=15, amount=Decimal("99.00"))

    row = estimate_of(claim)

    assert row.paid == Decimal("1500.00")
    assert not row.unpaid_flag
    assert row.milestones[0].paid_lines == 1


@pytest.mark.django_db
def test_milestone_reached_before_the_claim_is_not_earned(rates: list[IncentiveRate]) -> None:
    claim = approved_teams_claim()
    claim.approved_on = D(2026, 4, 15)
    claim.save()
    claim.customer.partner_associations.update(associated_on=D(2026, 4, 15))

    first, _second = estimate_of(claim).milestones

    # Reached on 2026-03-31, before the claim; still reached on 2026-04-30, after it.
    assert first.earned_on == D(2026, 4, 30)


@pytest.mark.django_db
def test_no_rate_or_no_usage_leaves_amounts_unknown(claim: Claim) -> None:
    row = estimate_of(claim)
    assert [m.amount for m in row.milestones] == [None, None]
    assert row.earned == 0

    bare = make_claim(workloads=("intune",), state=ClaimState.APPROVED, on=D(2026, 2, 1))
    empty = estimate_of(bare)
    assert empty.figures is None
    assert empty.units is None
    assert not empty.unpaid_flag


@pytest.mark.django_db
def test_only_approved_claims_not_opted_out_are_estimated(claim: Claim) -> None:
    make_claim(workloads=("intune",), state=ClaimState.SUBMITTED)
    opted_out = make_claim(workloads=("intune",), state=ClaimState.APPROVED)
    opted_out.incentive_opt_out = True
    opted_out.save()

    assert [row.claim for row in services.approved_claim_workloads()] == [claim]


# --- disputes --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("days_after", "allowed"), [(90, True), (91, False)])
def test_disputes_only_while_disputable(days_after: int, allowed: bool) -> None:
    line = StatementLineFactory(statement_date=D(2026, 3, 1))
    today = D(2026, 3, 1) + datetime.timedelta(days=days_after)
    assert services.is_disputable(line, today) is allowed
    assert StatementLine.objects.filter(services.disputable_condition(today)).exists() is allowed
    if allowed:
        dispute = record_dispute(
            acting_user=None, line=line, reason="Short by 40 units", today=today
        )
        assert (dispute.status, dispute.filed_on) == (DisputeStatus.OPEN, today)
    else:
        with pytest.raises(ValidationError, match="could be disputed until 2026-05-30"):
            record_dispute(acting_user=None, line=line, reason="Too late", today=today)


@pytest.mark.django_db
def test_a_dispute_needs_a_reason_and_a_resolution_to_close() -> None:
    line = StatementLineFactory()
    with pytest.raises(ValidationError, match="Say why"):
        record_dispute(acting_user=None, line=line, reason=" ")
    record_dispute(acting_user=None, line=line, reason="Short by 40 units")
    with pytest.raises(ValidationError, match="Say what Microsoft decided"):
        record_dispute(acting_user=None, line=line, status=DisputeStatus.WON)

    dispute = record_dispute(
        acting_user=None, line=line, status=DisputeStatus.WON, resolution="Paid in May"
    )

    assert (dispute.reason, dispute.status, dispute.resolution) == (
        "Short by 40 units",
        DisputeStatus.WON,
        "Paid in May",
    )
    # Closed disputes can still be updated after the 90 days (only filing is limited).
    later = line.statement_date + datetime.timedelta(days=200)
    record_dispute(
        acting_user=None, line=line, status=DisputeStatus.LOST, resolution="Rejected", today=later
    )
