"""Jobs of the claims area: the hourly check of the claim clocks."""

import datetime

from django_tasks import task

from frpdesk.core.jobs import every


@every(datetime.timedelta(hours=1))
@task()
def check_claim_clocks() -> None:
    """Reject claims left unanswered in Partner action required past their deadline and flag the
    ones whose review is late."""
    from frpdesk.claims.services import check_claim_clocks as check

    check()
