"""``frpdesk worker``: runs queued jobs and enqueues the scheduled ones when they are due.

A thread of its own wakes once a minute: it records the worker's heartbeat (``/health/`` reports
a worker without one for 3 minutes as stale) and enqueues the scheduled jobs that are due.
"""

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from frpdesk.core.jobs import enqueue_due_jobs
from frpdesk.core.operations import forget_heartbeat, record_heartbeat, worker_name

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run jobs (imports, scheduled Microsoft Graph pulls). With the default database queue it "
        "runs them itself; with FRPDESK_TASKS_BACKEND=rq it runs an RQ worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run the jobs queued now, then exit."
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help="Do not enqueue scheduled jobs."
        )

    def handle(
        self, *args: Any, batch: bool, no_schedule: bool, verbosity: int, **options: Any
    ) -> None:
        stop = threading.Event()
        worker = worker_name()
        record_heartbeat(worker)
        if not no_schedule:
            enqueue_due_jobs()
        if not batch:
            threading.Thread(
                target=self._tick, args=(stop, worker, not no_schedule), daemon=True
            ).start()
        try:
            if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_rq"):
                call_command("rqworker", "default", burst=batch, verbosity=verbosity)
            else:
                call_command(
                    "db_worker",
                    interval=1.0,
                    batch=batch,
                    startup_delay=False,
                    reload=False,
                    verbosity=verbosity,
                )
        finally:
            stop.set()
            if not batch:  # a worker run by cron (--batch) stays "ok" until its next run
                try:
                    forget_heartbeat(worker)
                except Exception:  # forgotten after a day anyway
                    logger.exception("Could not remove the worker's heartbeat")

    @staticmethod
    def _tick(stop: threading.Event, worker: str, schedule: bool) -> None:
        while not stop.wait(60):
            close_old_connections()
            try:
                record_heartbeat(worker)
                if schedule:
                    enqueue_due_jobs()
            except Exception:  # the database away for a moment must not end the heartbeat
                logger.exception("The worker's scheduler thread failed; it retries in a minute")
            close_old_connections()
