"""Jobs of the notifications area: the daily digests, checked every hour."""

import datetime

from django_tasks import task

from frpdesk.core.jobs import every


@every(datetime.timedelta(hours=1))
@task()
def send_daily_digests() -> None:
    """Send the digests due: each user's once per calendar day, at the first run of the day that
    has something to tell them."""
    from frpdesk.notifications.services import send_due_digests

    send_due_digests()
