"""Jobs of the compliance area: the hourly check run, and the runs asked for on the pages."""

import datetime

from django_tasks import task

from frpdesk.core.jobs import every


@every(datetime.timedelta(hours=1))
@task()
def run_scheduled_checks() -> None:
    """Evaluate every program obligation over the portfolio (trigger "schedule")."""
    from frpdesk.compliance.models import Trigger
    from frpdesk.compliance.services import run_checks

    run_checks(trigger=Trigger.SCHEDULE, acting_user=None)


@task()
def run_requested_checks(run_id: int) -> None:
    """Carry out a run queued by "Run checks now" (``services.request_run``)."""
    from frpdesk.compliance.services import run_requested

    run_requested(run_id)
