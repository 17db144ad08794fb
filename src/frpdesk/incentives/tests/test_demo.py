import pytest

from frpdesk.claims.models import Claim
from frpdesk.incentives.demo import load_demo_incentives
from frpdesk.incentives.models import IncentiveRate, MatchStatus, Statement
from frpdesk.incentives.services import approved_claim_workloads, estimates


@pytest.mark.django_db
def test_demo_rates_without_claims_then_a_statement_leaving_one_milestone_unpaid(
    claim: Claim,
) -> None:
    claim.state = "draft"
    claim.save()
    load_demo_incentives()
    assert IncentiveRate.objects.count() == 26
    assert not Statement.objects.exists()

    claim.state = "approved"
    claim.save()
    load_demo_incentives()
    load_demo_incentives()  # the same statement again: nothing changes

    statuses = Statement.objects.get().lines.values_list("match_status", flat=True)
    assert list(statuses) == [MatchStatus.UNKNOWN_TENANT]
    (row,) = estimates(approved_claim_workloads())
    assert row.unpaid_flag
