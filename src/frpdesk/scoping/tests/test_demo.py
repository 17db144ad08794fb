"""The scoping demo: each open engagement gets an assessment with a "no", an in-scope request and
a disclosed out-of-scope request, covered by the engagement's signed contract when there is one."""

from collections.abc import Callable

import pytest

from frpdesk.accounts import roles
from frpdesk.accounts.models import User
from frpdesk.engagements.services import close_engagement
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.scoping import services
from frpdesk.scoping.demo import load_demo_scoping
from frpdesk.scoping.models import Outcome, RequestClass
from frpdesk.scoping.tests.factories import make_contract

pytestmark = pytest.mark.django_db


def test_demo_scope_on_each_open_engagement(make_user: Callable[..., User]) -> None:
    consultant = make_user(roles.DELIVERY_CONSULTANT, username="consultant")
    with_contract = make_engagement(owner=consultant, workloads=("exchange", "teams"))
    contract = make_contract(with_contract)
    without = make_engagement(owner=consultant, workloads=("sharepoint",))
    closed = make_engagement(owner=consultant)
    close_engagement(acting_user=consultant, engagement=closed)

    load_demo_scoping()
    load_demo_scoping()  # a second run adds nothing

    assert not closed.scope_assessments.exists()
    for engagement in (with_contract, without):
        assert engagement.scope_assessments.count() == 1
        assessment = services.current_assessment(engagement)
        assert assessment is not None
        assert assessment.outcome == Outcome.VAS_OPPORTUNITIES
        requests = {item.classification: item for item in engagement.customer_requests.all()}
        assert set(requests) == {RequestClass.IN_SCOPE, RequestClass.BEYOND_GUIDANCE}
        out_of_scope = requests[RequestClass.BEYOND_GUIDANCE]
        assert out_of_scope.out_of_scope_item is not None  # found by the suggestion
        assert services.disclosure_of(out_of_scope) is not None
    covered = with_contract.customer_requests.get(classification=RequestClass.BEYOND_GUIDANCE)
    assert covered.contract == contract
    assert services.delivery_blockers(covered) == []
    uncovered = without.customer_requests.get(classification=RequestClass.BEYOND_GUIDANCE)
    assert [blocker.item for blocker in services.delivery_blockers(uncovered)] == ["contract"]
