"""A portfolio where each user has their own overdue items, and a fake Teams."""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from django.utils import timezone

from frpdesk.accounts import roles
from frpdesk.accounts.models import User
from frpdesk.claims.models import Claim, ClaimState
from frpdesk.claims.tests.factories import make_claim
from frpdesk.compliance.models import Finding, Severity
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.services import add_status_note
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.notifications import teams
from frpdesk.referrals.models import Referral
from frpdesk.referrals.tests.factories import ReferralFactory

WEBHOOK = "https://contoso.webhook.office.com/webhookb2/secret-token-1234/IncomingWebhook/abcd"
BASE_URL = "https://frpdesk.contoso-consulting.example"


@pytest.fixture(autouse=True)
def base_url(settings: Any) -> None:
    settings.FRPDESK_BASE_URL = BASE_URL


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


_finding_ids = iter(range(1, 10_000))


def make_finding(
    owner: User | None, severity: str = Severity.MAJOR, label: str = "", **fields: Any
) -> Finding:
    """A finding about an engagement of a customer of the test team (of the partner as a whole
    when nobody owns it)."""
    number = next(_finding_ids)
    now = timezone.now()
    if owner is not None:
        fields.setdefault("customer", CustomerFactory())
    return Finding.objects.create(
        rule=fields.pop("rule", "status_note_fresh"),
        severity=severity,
        object_type="engagements.engagement",
        object_id=number,
        object_label=label or f"Engagement {number}",
        message=fields.pop("message", "No status note in the last 14 days."),
        fix_url=fields.pop("fix_url", f"/engagements/{number}/"),
        owner=owner,
        opened_at=fields.pop("opened_at", now),
        last_seen_at=now,
        **fields,
    )


@dataclass
class Portfolio:
    consultant: User
    colleague: User
    program_admin: User
    sales: User
    own_claim: Claim
    others_claim: Claim
    own_referral: Referral
    unowned_referral: Referral
    active: Engagement
    stale: Engagement
    findings: dict[str, Finding] = field(default_factory=dict)


@pytest.fixture
def portfolio(
    consultant: User, program_admin: User, sales: User, make_user: Callable[..., User]
) -> Portfolio:
    """The consultant owns: an engagement started today (one checklist item and one next action
    past due, an overdue claim), an engagement started 20 days ago without a status note, and a
    customer with an overdue referral. A colleague owns another overdue claim; a referral of no
    customer is overdue (program administrators); findings of each."""
    colleague = make_user(roles.DELIVERY_CONSULTANT, username="colleague")
    customer = CustomerFactory(name="Woodgrove Bank", owner=consultant)
    active = make_engagement(owner=consultant, customer=customer, workloads=("teams",))
    item = active.workloads.get().checklist.order_by("sort_order", "pk").first()
    assert item is not None
    item.due_on = days_ago(1)
    item.save()
    active.workloads.get().checklist.exclude(pk=item.pk).update(due_on=today())
    add_status_note(
        acting_user=consultant,
        engagement=active,
        onboarding_scope="Teams rollout for 2,400 seats",
        next_action="Run the network assessment",
        next_action_on=days_ago(2),
        next_action_owner=consultant,
    )
    stale = make_engagement(
        owner=consultant,
        customer=CustomerFactory(name="Fabrikam Manufacturing"),
        workloads=("exchange",),
        started_on=days_ago(20),
    )
    stale.workloads.get().checklist.update(owner=None)
    own_claim = make_claim(engagement=active, state=ClaimState.SUBMITTED, on=days_ago(30))
    others = make_engagement(
        owner=colleague, customer=CustomerFactory(name="Litware University"), workloads=("teams",)
    )
    others.workloads.get().checklist.update(owner=None)
    others_claim = make_claim(engagement=others, state=ClaimState.SUBMITTED, on=days_ago(30))
    own_referral = ReferralFactory(tenant_name="Woodgrove Bank", customer=customer)
    unowned_referral = ReferralFactory(tenant_name="Tailspin Airlines")
    portfolio = Portfolio(
        consultant,
        colleague,
        program_admin,
        sales,
        own_claim,
        others_claim,
        own_referral,
        unowned_referral,
        active,
        stale,
    )
    portfolio.findings = {
        "own": make_finding(
            consultant, label="Woodgrove Bank FastTrack onboarding", customer=customer
        ),
        "colleague": make_finding(
            colleague, label="Litware University FastTrack onboarding", customer=others.customer
        ),
        "unowned": make_finding(None, Severity.CRITICAL, "Contoso Consulting", rule="spoc_set"),
    }
    return portfolio


@dataclass
class FakeTeams:
    """Answers every webhook POST with ``status`` (or raises ``error``); keeps the requests."""

    status: int = 200
    error: Exception | None = None
    requests: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        return httpx.Response(self.status, text="1" if self.status == 200 else "Bad payload")

    @property
    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.requests]


@pytest.fixture
def fake_teams(monkeypatch: pytest.MonkeyPatch) -> FakeTeams:
    fake = FakeTeams()
    monkeypatch.setattr(teams, "TRANSPORT", httpx.MockTransport(fake.handle))
    return fake
