"""Jobs of the core: the weekly audit-log retention (``FRPDESK_AUDIT_RETENTION_DAYS``)."""

import datetime

from django.conf import settings
from django_tasks import task

from frpdesk.core.jobs import every


@every(datetime.timedelta(days=7))
@task()
def purge_old_audit_log_entries() -> None:
    """Delete audit-log entries older than FRPDESK_AUDIT_RETENTION_DAYS (0: keep everything),
    except each object's creation and last change."""
    from frpdesk.core.operations import purge_audit_log

    days = settings.FRPDESK_AUDIT_RETENTION_DAYS
    if days > 0:
        purge_audit_log(older_than_days=days)
