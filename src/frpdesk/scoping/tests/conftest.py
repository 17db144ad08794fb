"""Fixtures of the scoping tests: an open engagement on two workloads, owned by the consultant."""

import pytest

from frpdesk.accounts.models import User
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.tests.factories import make_engagement


@pytest.fixture
def engagement(consultant: User) -> Engagement:
    return make_engagement(owner=consultant, workloads=("teams", "intune"))
