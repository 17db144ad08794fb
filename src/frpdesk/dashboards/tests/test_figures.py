"""The dashboards' figures on small crafted data: each one, and what a role may not see."""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.adoption.tests.factories import usage_history
from frpdesk.claims.models import Claim, ClaimState
from frpdesk.claims.tests.factories import make_claim
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.dashboards import figures
from frpdesk.dashboards.figures import Period, add_months
from frpdesk.dashboards.tests.conftest import Compliance, Portfolio, make_portfolio
from frpdesk.incentives import services as incentives
from frpdesk.incentives.tests.factories import (
    IncentiveRateFactory,
    approved_teams_claim,
    standard_rates,
)
from frpdesk.vas.models import Quote, QuoteState
from frpdesk.vas.pricing import quote_totals


def test_last_quarter_is_the_three_whole_months_before_this_one() -> None:
    assert Period.last_quarter(datetime.date(2026, 11, 25)) == Period(
        datetime.date(2026, 8, 1), datetime.date(2026, 10, 31)
    )
    assert Period.last_quarter(datetime.date(2026, 1, 1)) == Period(
        datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)
    )
    assert Period.last_quarter(datetime.date(2026, 11, 25)).slug == "2026-08-01-to-2026-10-31"


def test_add_months_keeps_the_day_within_the_month() -> None:
    assert add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 1, 15), -1) == datetime.date(2025, 12, 15)
    assert add_months(datetime.date(2025, 12, 31), 2) == datetime.date(2026, 2, 28)


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="end before"):
        Period(datetime.date(2026, 2, 1), datetime.date(2026, 1, 31))


# --- program ---------------------------------------------------------------------------------


def test_program_figures(compliance: Compliance, program_admin: User) -> None:
    today = timezone.localdate()
    result = figures.program_figures(program_admin, today=today)

    assert result.period == Period.last_quarter(today)
    assert result.score is not None
    assert result.score.latest is not None
    assert result.score.latest.score == Decimal("91.25")
    assert [run.score for run in result.score.trend] == [
        Decimal("80.00"),
        Decimal("85.50"),
        Decimal("91.25"),
    ]  # oldest first; the failed run has no score
    assert result.failing_trend is not None
    assert [point.by_severity for point in result.failing_trend] == [
        {"critical": 3, "major": 5, "minor": 1},
        {"critical": 2, "major": 4, "minor": 0},
        {"critical": 1, "major": 2, "minor": 2},
    ]
    findings = result.findings
    assert findings is not None
    assert findings.open_total == 4
    assert [(t.key, t.count) for t in findings.by_severity] == [
        ("critical", 1),
        ("major", 2),
        ("minor", 1),
    ]
    by_rule = {tally.rule: tally.count for tally in findings.by_rule}
    assert by_rule["referral_response"] == 1
    assert by_rule["survey_contact"] == 1
    assert by_rule["status_note_fresh"] == 1
    assert by_rule["au_not_falling"] == 1
    assert by_rule["claim_deadline"] == 0  # resolved
    assert findings.by_rule[0].count == 1  # most findings first
    assert findings.opened_in_period == 1
    assert findings.resolved_in_period == 1
    assert result.nsat is not None
    assert result.nsat.responses == 2
    assert result.nsat.value == Decimal("100.0")  # 50 % very satisfied − 50 % dissatisfied + 100
    assert not result.nsat.below_target


def test_the_nsat_of_another_period(compliance: Compliance, program_admin: User) -> None:
    today = timezone.localdate()
    year = Period(today - datetime.timedelta(days=364), today)
    nsat = figures.nsat_figure(program_admin, year)
    assert nsat is not None
    assert nsat.responses == 3
    assert nsat.value == Decimal("66.7")  # 33.3 % very satisfied − 66.7 % dissatisfied + 100
    assert nsat.below_target


def test_score_figures_of_a_period(compliance: Compliance, program_admin: User) -> None:
    today = timezone.localdate()
    period = Period(today - datetime.timedelta(days=25), today - datetime.timedelta(days=5))
    score = figures.score_figures(program_admin, period=period)
    assert score is not None
    assert [run.score for run in score.trend] == [Decimal("85.50")]
    assert score.latest is not None
    assert score.latest.score == Decimal("85.50")


def test_a_user_without_compliance_rights_gets_no_program_figure(
    compliance: Compliance, outsider: User
) -> None:
    result = figures.program_figures(outsider)
    assert result.score is None
    assert result.failing_trend is None
    assert result.findings is None
    assert result.nsat is None


def test_each_program_figure_needs_its_own_permission(
    compliance: Compliance, user_with: Callable[..., User]
) -> None:
    user = user_with("compliance.view_finding")
    result = figures.program_figures(user)
    assert result.findings is not None
    assert result.findings.open_total == 4
    assert result.score is None  # check runs
    assert result.failing_trend is None  # rule results
    assert result.nsat is None  # survey responses


# --- portfolio -------------------------------------------------------------------------------


def test_customer_and_engagement_figures(portfolio: Portfolio, executive: User) -> None:
    result = figures.portfolio_figures(executive)
    assert result.customers == figures.CustomerFigures(total=4, eligible=2, eligible_seats=1300)
    assert result.engagements is not None
    assert result.engagements.open_total == 3
    by_phase = {tally.key: tally.count for tally in result.engagements.by_phase}
    assert by_phase["initiate"] == 1
    assert by_phase["assess"] == 2
    assert by_phase["enable"] == 0  # the closed engagement is not counted
    assert [tally.key for tally in result.engagements.by_phase][:2] == ["initiate", "assess"]


def test_au_pct_by_workload_and_its_movement(portfolio: Portfolio, executive: User) -> None:
    adoption = figures.adoption_figures(executive, as_of=portfolio.today)
    assert adoption is not None
    assert adoption.compared_with == add_months(portfolio.today, -1)
    teams, exchange = (
        next(item for item in adoption.workloads if item.code == code)
        for code in ("teams", "exchange")
    )
    # Newest points: Alpha 30/100, Bravo 50/200; Charlie has no PAU (left out of AU%).
    assert (teams.customers, teams.mau, teams.pau) == (3, 80, 300)
    assert teams.au_pct == Decimal("26.67")
    # A month earlier: Alpha's older point 20/100, Bravo's same 50/200.
    assert teams.previous_au_pct == Decimal("23.33")
    assert teams.movement == Decimal("3.34")
    assert teams.reached == ((15, 2), (40, 0))  # Alpha 30 %, Bravo 25 %
    assert exchange.au_pct == Decimal("45.00")
    assert exchange.previous_au_pct is None  # no point a month earlier
    assert exchange.movement is None
    assert exchange.reached == ((15, 1), (40, 1))
    assert adoption.reached_totals == ((15, 3), (40, 1))  # customer × workload pairs
    assert adoption.customers_reached == ((15, 3), (40, 1))  # customers (one pair each here)


def test_au_pct_as_of_an_earlier_day(portfolio: Portfolio, executive: User) -> None:
    adoption = figures.adoption_figures(
        executive, as_of=portfolio.today - datetime.timedelta(days=30)
    )
    assert adoption is not None
    (teams,) = adoption.workloads  # Exchange has no point yet
    assert (teams.mau, teams.pau) == (70, 300)
    assert teams.previous_au_pct == Decimal("25.00")  # Bravo alone, 90 days before today


def test_claims_by_state(portfolio: Portfolio, executive: User) -> None:
    today = portfolio.today
    claims = figures.claim_figures(executive, Period(today - datetime.timedelta(days=90), today))
    assert claims is not None
    counts = {tally.key: tally.count for tally in claims.by_state}
    assert counts == {
        "draft": 1,
        "submitted": 1,
        "under_review": 0,
        "action_required": 0,
        "approved": 1,
        "rejected": 0,
        "dispute": 0,
        "rejected_final": 0,
    }
    assert claims.total == 3
    assert claims.approved_in_period == 1
    last_quarter = Period(today - datetime.timedelta(days=50), today)
    outside = figures.claim_figures(executive, last_quarter)
    assert outside is not None
    assert outside.approved_in_period == 0


def test_vas_totals_equal_the_quote_arithmetic(portfolio: Portfolio, executive: User) -> None:
    today = portfolio.today
    vas = figures.vas_figures(executive, Period(today, today))
    assert vas is not None
    assert vas.pipeline is not None
    assert vas.signed is not None
    pipeline = {amount.state: (amount.count, amount.total) for amount in vas.pipeline}
    assert pipeline == {"draft": (1, Decimal("2160.00")), "sent": (1, Decimal("3999.99"))}
    assert [(a.state, a.count, a.total) for a in vas.signed] == [("signed", 1, Decimal("1000.00"))]
    assert [(a.currency, a.count, a.total) for a in vas.signed_in_period or ()] == [
        ("USD", 1, Decimal("1000.00"))
    ]
    for quote in Quote.objects.all():
        expected = quote_totals(quote).total
        state = quote.state
        if state in figures.OPEN_QUOTE_STATES:
            assert pipeline[state][1] == expected


def test_vas_totals_per_currency_and_rounding(
    portfolio: Portfolio, executive: User, program_admin: User
) -> None:
    from frpdesk.vas.tests.factories import RateCardEntryFactory, make_quote

    entry = RateCardEntryFactory(price=Decimal("333.33"), currency="EUR")
    quote = make_quote(
        engagement=portfolio.engagements["alpha-initiate"],
        lines=[(entry, "0.5"), (entry, "1.25")],
        currency="EUR",
        discount_pct=Decimal("7.5"),
        tax_pct=Decimal("19"),
        state=QuoteState.ACCEPTED,
    )
    vas = figures.vas_figures(executive, Period(portfolio.today, portfolio.today))
    assert vas is not None
    assert vas.pipeline is not None
    (accepted,) = [amount for amount in vas.pipeline if amount.state == "accepted"]
    assert accepted.currency == "EUR"
    assert accepted.total == quote_totals(quote).total
    assert figures.totals_by_currency(vas.pipeline) == {
        "EUR": quote_totals(quote).total,
        "USD": Decimal("6159.99"),
    }


def test_incentives_equal_the_estimates_service(db: None, executive: User) -> None:
    standard_rates()
    claimed = approved_teams_claim(name="Fabrikam Industries")
    # A second approved claim without usage data earns nothing; an opted-out one is left out.
    make_claim(customer=CustomerFactory(), state=ClaimState.APPROVED)
    opted_out = approved_teams_claim(name="Opted Out Inc")
    Claim.objects.filter(pk=opted_out.pk).update(incentive_opt_out=True)
    # A tenant that reached 40 % too, after the association (a larger rate on the second).
    big = CustomerFactory(name="Big Tenant")
    usage_history(
        big,
        "teams",
        [
            (datetime.date(2026, 1, 31), 100, 1000),
            (datetime.date(2026, 3, 31), 200, 1000),
            (datetime.date(2026, 5, 31), 450, 1000),
        ],
    )
    make_claim(
        customer=big, workloads=("teams",), state=ClaimState.APPROVED, on=datetime.date(2026, 2, 1)
    )
    today = datetime.date(2026, 6, 30)
    rows = incentives.approved_claim_workloads()
    expected = incentives.Totals.of(incentives.estimates(rows, today=today))

    result = figures.incentive_figures(executive, today=today)

    assert result is not None
    assert (result.earned, result.potential) == (expected.earned, expected.potential)
    assert result.earned == Decimal("1520.00") + Decimal("900") * 4 + Decimal("900") * 6
    assert result.claim_workloads == 3
    assert claimed.pk  # the service counted it too
    with CaptureQueriesContext(connection) as captured:
        figures.incentive_figures(executive, today=today)
    assert len(captured.captured_queries) <= 6  # one aggregate, whatever the number of claims


def test_incentives_with_a_rate_change_ahead_use_the_service(db: None, executive: User) -> None:
    standard_rates()
    approved_teams_claim(name="Fabrikam Industries")
    today = datetime.date(2026, 6, 30)
    # From September, the 40 % milestone pays more: the forecast day's rate counts.
    IncentiveRateFactory(
        milestone_pct=40, amount_per_unit=Decimal("9.00"), valid_from=datetime.date(2026, 9, 1)
    )
    from frpdesk.incentives.models import IncentiveRate

    IncentiveRate.objects.filter(milestone_pct=40, valid_from=datetime.date(2026, 1, 1)).update(
        valid_to=datetime.date(2026, 8, 31)
    )
    expected = incentives.Totals.of(
        incentives.estimates(incentives.approved_claim_workloads(), today=today)
    )
    result = figures.incentive_figures(executive, today=today)
    assert result is not None
    assert (result.earned, result.potential) == (expected.earned, expected.potential)


def test_a_user_without_rights_gets_no_portfolio_figure(
    portfolio: Portfolio, outsider: User
) -> None:
    result = figures.portfolio_figures(outsider)
    assert result.customers is None
    assert result.engagements is None
    assert result.adoption is None
    assert result.claims is None
    assert result.incentives is None
    assert result.vas is None


def test_each_portfolio_figure_needs_its_own_permission(
    portfolio: Portfolio, user_with: Callable[..., User]
) -> None:
    user = user_with("customers.view_customer", "vas.view_quote")
    result = figures.portfolio_figures(user)
    assert result.customers == figures.CustomerFigures(total=4, eligible=None, eligible_seats=None)
    assert result.engagements is None
    assert result.adoption is None
    assert result.claims is None
    assert result.incentives is None
    assert result.vas is not None
    assert result.vas.pipeline is not None
    assert result.vas.signed is None  # contracts
    assert result.vas.signed_in_period is None


def test_the_portfolio_runs_a_fixed_number_of_queries(db: None, executive: User) -> None:
    make_portfolio()
    figures.portfolio_figures(executive)  # warm caches (content types, thresholds)
    with CaptureQueriesContext(connection) as small:
        figures.portfolio_figures(executive)
    make_portfolio()
    make_portfolio()
    with CaptureQueriesContext(connection) as bigger:
        figures.portfolio_figures(executive)
    assert len(bigger.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 20
