"""Critical findings are told at once: compliance sends ``findings_opened`` after a check run
commits, with the findings it opened."""

import logging
from typing import Any

from frpdesk.compliance.signals import findings_opened

logger = logging.getLogger(__name__)


def _findings_opened(sender: Any, run: Any = None, findings: Any = (), **kwargs: Any) -> None:
    from frpdesk.notifications.services import alert_critical_findings

    try:
        alert_critical_findings(findings)
    except Exception:  # the check run is done and stored: an alert problem must not undo it
        logger.exception(
            "Critical alerts of check run %s could not be sent", getattr(run, "pk", None)
        )


findings_opened.connect(_findings_opened, dispatch_uid="notifications-critical-alerts")
