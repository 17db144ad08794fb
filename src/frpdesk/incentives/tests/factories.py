"""Test data for incentives: rates, statements written directly (no file), lines and disputes,
and an approved claim whose tenant has reached the first milestone."""

import datetime
import uuid
from decimal import Decimal

import factory

from frpdesk.adoption.tests.factories import usage_history, workload
from frpdesk.claims.models import Claim, ClaimState
from frpdesk.claims.tests.factories import make_claim
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.incentives.models import (
    IncentiveRate,
    LineDispute,
    MatchStatus,
    Statement,
    StatementLine,
)

APPROVED_ON = datetime.date(2026, 2, 1)
# Teams of a 400-seat tenant: 20 MAU before the claim (the starting peak), 15 % reached on
# 2026-03-31 (70 / 400 = 17.5 %), 22.5 % on 2026-04-30. Opportunity units: 400 − 20 = 380.
TEAMS_READINGS = (
    (datetime.date(2026, 1, 31), 20, 400),
    (datetime.date(2026, 2, 28), 40, 400),
    (datetime.date(2026, 3, 31), 70, 400),
    (datetime.date(2026, 4, 30), 90, 400),
)
FIRST_REACHED = datetime.date(2026, 3, 31)


class IncentiveRateFactory(factory.django.DjangoModelFactory):
    """A rate; deletable (nothing refers to rates)."""

    class Meta:
        model = IncentiveRate

    workload = factory.LazyFunction(lambda: workload("teams"))
    milestone_pct = 15
    amount_per_unit = Decimal("4.00")
    currency = "USD"
    valid_from = datetime.date(2026, 1, 1)
    valid_to = None


class StatementFactory(factory.django.DjangoModelFactory):
    """A statement without lines; deletable (its lines and disputes go with it)."""

    class Meta:
        model = Statement

    file_name = factory.Sequence(lambda n: f"statement-{n}.csv")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")


class StatementLineFactory(factory.django.DjangoModelFactory):
    """A line of an unknown tenant; deletable."""

    class Meta:
        model = StatementLine

    statement = factory.SubFactory(StatementFactory)
    row = factory.Sequence(lambda n: n + 2)
    statement_date = factory.LazyFunction(datetime.date.today)
    tenant_id = factory.LazyFunction(uuid.uuid4)
    workload = factory.LazyFunction(lambda: workload("teams"))
    milestone_pct = 15
    amount = Decimal("1520.00")
    match_status = MatchStatus.UNKNOWN_TENANT


class LineDisputeFactory(factory.django.DjangoModelFactory):
    """A dispute of a fresh line; deletable."""

    class Meta:
        model = LineDispute

    line = factory.SubFactory(StatementLineFactory)
    reason = "The amount leaves out 40 units."
    filed_on = factory.LazyFunction(datetime.date.today)


def standard_rates() -> list[IncentiveRate]:
    """Teams: 4.00 per unit at 15 %, 6.00 at 40 %, from 2026-01-01."""
    return [
        IncentiveRateFactory(milestone_pct=15, amount_per_unit=Decimal("4.00")),
        IncentiveRateFactory(milestone_pct=40, amount_per_unit=Decimal("6.00")),
    ]


def approved_teams_claim(customer: Customer | None = None, **fields: object) -> Claim:
    """An approved Teams claim (on APPROVED_ON) of a tenant with the TEAMS_READINGS usage."""
    customer = customer or CustomerFactory(**fields)
    usage_history(customer, "teams", TEAMS_READINGS)
    return make_claim(
        customer=customer, workloads=("teams",), state=ClaimState.APPROVED, on=APPROVED_ON
    )
