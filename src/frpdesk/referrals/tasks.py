"""Jobs of the referrals area: the hourly check of the referral clocks."""

import datetime

from django_tasks import task

from frpdesk.core.jobs import every


@every(datetime.timedelta(hours=1))
@task()
def check_referral_clocks() -> None:
    """Mark pending referrals past their acceptance due date as reassigned (lost), then remind
    the referral contact of those whose first response or acceptance is due."""
    from frpdesk.referrals.services import reassign_expired, send_reminders

    reassign_expired()
    send_reminders()
