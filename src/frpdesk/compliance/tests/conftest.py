"""Fixtures of the compliance tests: the day the checks judge, and an engagement of the
consultant with its customer's survey contact."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.compliance.checks import CHECKS, Evaluation, Failure
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.tests.factories import make_engagement


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


Evaluate = Callable[[str], Evaluation]


@pytest.fixture
def evaluate(today: datetime.date) -> Evaluate:
    """``evaluate("rule")``: the rule's evaluation today."""
    return lambda code: CHECKS[code](today)


def failing(evaluation: Evaluation) -> dict[tuple[str, int], Failure]:
    return {(item.object_type, item.object_id): item for item in evaluation.failures}


@pytest.fixture
def engagement(db: None, consultant: User, partner_profile: Any) -> Engagement:
    """Open since today, Teams and Exchange, owned by the consultant; the customer has a
    survey-eligible sponsor."""
    customer = CustomerFactory(name="Fabrikam Retail", owner=consultant)
    CustomerContactFactory(customer=customer, name="Dana Fox", survey_eligible=True)
    return make_engagement(owner=consultant, customer=customer, workloads=("teams", "exchange"))
