"""A small portfolio whose every figure is known, and users with one permission or another."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from frpdesk.accounts.models import SEE_ALL_CUSTOMERS, User
from frpdesk.adoption.tests.factories import usage_history
from frpdesk.catalog.models import DeliveryPhase
from frpdesk.claims.models import Claim, ClaimState
from frpdesk.claims.tests.factories import make_claim
from frpdesk.compliance.models import CheckRun, Finding
from frpdesk.compliance.tests.factories import make_check_run, make_finding, make_rule_result
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.licensing.models import Eligibility
from frpdesk.satisfaction.models import Rating
from frpdesk.satisfaction.tests.factories import responses
from frpdesk.vas.models import Quote, QuoteState
from frpdesk.vas.tests.factories import RateCardEntryFactory, make_quote


def days_ago(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


def moment(day: datetime.date, hour: int = 3) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@dataclass
class Portfolio:
    """What ``make_portfolio`` made, by name."""

    today: datetime.date
    customers: dict[str, Customer] = field(default_factory=dict)
    engagements: dict[str, Engagement] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    quotes: dict[str, Quote] = field(default_factory=dict)


def make_portfolio(today: datetime.date | None = None) -> Portfolio:
    """Four customers (two eligible: 300 and 1,000 seats; one not: 100; one without licences),
    four engagements (Initiate, Assess ×2 open; one closed in Enable), Teams usage of three of
    them and Exchange of the fourth, claims approved, draft and submitted, and quotes: a draft
    (2,160.00 after 10 % discount and 20 % tax), a sent one (3,999.99) and a signed one
    (1,000.00) with its contract."""
    today = today or timezone.localdate()
    made = Portfolio(today=today)
    for name, seats in (("Alpha", 300), ("Bravo", 1000), ("Charlie", 100), ("Delta", None)):
        customer = CustomerFactory(name=f"{name} Corp")
        made.customers[name] = customer
        if seats is not None:
            Eligibility.objects.create(
                customer=customer,
                as_of=today,
                eligible=seats >= 150,
                eligible_seats=seats,
                workloads={},
            )
    phases = {phase.code: phase for phase in DeliveryPhase.objects.all()}
    for name, customer, phase, closed in (
        ("alpha-initiate", "Alpha", "initiate", False),
        ("bravo-assess", "Bravo", "assess", False),
        ("charlie-assess", "Charlie", "assess", False),
        ("alpha-closed", "Alpha", "enable", True),
    ):
        engagement = make_engagement(customer=made.customers[customer])
        Engagement.objects.filter(pk=engagement.pk).update(
            name=name, phase=phases[phase], closed_on=today if closed else None
        )
        engagement.refresh_from_db()
        made.engagements[name] = engagement
    # Teams: Alpha 20 → 30 of 100, Bravo 50 of 200 (one old report), Charlie without PAU;
    # Exchange: Delta 45 of 100.
    usage_history(
        made.customers["Alpha"],
        "teams",
        [(days_ago(today, 40), 20, 100), (days_ago(today, 5), 30, 100)],
    )
    usage_history(made.customers["Bravo"], "teams", [(days_ago(today, 90), 50, 200)])
    usage_history(made.customers["Charlie"], "teams", [(days_ago(today, 5), 10, None)])
    usage_history(made.customers["Delta"], "exchange", [(days_ago(today, 5), 45, 100)])
    made.claims["approved"] = make_claim(
        customer=made.customers["Alpha"], state=ClaimState.APPROVED, on=days_ago(today, 60)
    )
    made.claims["draft"] = make_claim(customer=made.customers["Bravo"], state=ClaimState.DRAFT)
    made.claims["submitted"] = make_claim(
        customer=made.customers["Charlie"], state=ClaimState.SUBMITTED
    )
    entry = RateCardEntryFactory(price=Decimal("1000.00"))
    odd = RateCardEntryFactory(price=Decimal("1333.33"))
    made.quotes["draft"] = make_quote(
        engagement=made.engagements["alpha-initiate"],
        lines=[(entry, "2")],
        discount_pct=Decimal("10"),
        tax_pct=Decimal("20"),
    )
    made.quotes["sent"] = make_quote(
        engagement=made.engagements["bravo-assess"], lines=[(odd, "3")], state=QuoteState.SENT
    )
    made.quotes["signed"] = make_quote(
        engagement=made.engagements["charlie-assess"],
        lines=[(entry, "1")],
        state=QuoteState.SIGNED,
    )
    return made


@dataclass
class Compliance:
    runs: list[CheckRun]
    findings: dict[str, Finding]


def make_compliance(today: datetime.date | None = None) -> Compliance:
    """Three completed runs (80.00, 85.50, 91.25; one failed run without a score) with rule
    results, findings open (a critical one opened in the last quarter, two major, one minor) and
    resolved (one in the last quarter), and survey responses: two in the last quarter (very
    satisfied, somewhat dissatisfied: NSAT 100) and one before it."""
    today = today or timezone.localdate()
    runs = [
        make_check_run(score=score, started_at=moment(days_ago(today, days)))
        for score, days in (("80.00", 30), ("85.50", 20), ("91.25", 1))
    ]
    make_check_run(status="failed", started_at=moment(days_ago(today, 10)))
    for run, (critical, major, minor) in zip(runs, ((3, 5, 1), (2, 4, 0), (1, 2, 2)), strict=True):
        make_rule_result(run=run, rule="spoc_set", failing=critical)
        make_rule_result(run=run, rule="survey_contact", failing=major - 1)
        make_rule_result(run=run, rule="status_note_fresh", failing=1)
        make_rule_result(run=run, rule="au_not_falling", failing=minor)
    customer = CustomerFactory(name="Echo Corp")
    first_of_month = today.replace(day=1)
    in_quarter = moment(first_of_month - datetime.timedelta(days=20))
    before = moment(first_of_month - datetime.timedelta(days=200))
    last = runs[-1]
    findings = {
        "critical": make_finding(
            rule="referral_response",
            customer=customer,
            run=last,
            opened_at=in_quarter,
            message="Referral R-1 answered after 3 business days.",
        ),
        "major-1": make_finding(
            rule="survey_contact", customer=customer, run=last, opened_at=before
        ),
        "major-2": make_finding(
            rule="status_note_fresh",
            customer=customer,
            run=last,
            opened_at=before,
            message="No status note for 40 days.",
        ),
        "minor": make_finding(rule="au_not_falling", customer=customer, run=last, opened_at=before),
        "resolved": make_finding(
            rule="claim_deadline", customer=customer, run=last, opened_at=before
        ),
    }
    Finding.objects.filter(pk=findings["resolved"].pk).update(resolved_at=in_quarter)
    responses(customer, [Rating.VERY_SATISFIED, Rating.SOMEWHAT_DISSATISFIED], on=in_quarter.date())
    responses(customer, [Rating.VERY_DISSATISFIED], on=before.date())
    return Compliance(runs=runs, findings=findings)


@pytest.fixture
def portfolio(db: None) -> Portfolio:
    return make_portfolio()


@pytest.fixture
def compliance(db: None) -> Compliance:
    return make_compliance()


@pytest.fixture
def user_with(db: None) -> Callable[..., User]:
    """A user whose only role grants the given permissions (``app_label.codename``), over every
    customer (which customers a user sees is tested in ``test_scoping``)."""

    def make(*permissions: str, username: str = "limited") -> User:
        group = Group.objects.create(name=f"Only {username}")
        for permission in (*permissions, SEE_ALL_CUSTOMERS):
            app_label, codename = permission.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        user = User.objects.create_user(username=username, password="x" * 12)
        user.groups.add(group)
        return user

    return make


def pks(rows: Any) -> set[int]:
    return {row.pk for row in rows}
