import datetime

import pytest

from frpdesk.claims.models import Claim
from frpdesk.incentives.models import IncentiveRate
from frpdesk.incentives.tests.factories import approved_teams_claim, standard_rates

# The tests' clock: 91 days after the first milestone was reached (flagged unpaid after 45).
TODAY = datetime.date(2026, 6, 30)


@pytest.fixture
def rates(db: None) -> list[IncentiveRate]:
    return standard_rates()


@pytest.fixture
def claim(db: None) -> Claim:
    return approved_teams_claim(name="Fabrikam Industries")
