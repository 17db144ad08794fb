"""``frpdesk worker``: runs queued jobs and enqueues the scheduled ones when they are due."""

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from frpdesk.core.jobs import enqueue_due_jobs


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
        if not no_schedule:
            enqueue_due_jobs()
            if not batch:
                threading.Thread(target=self._schedule, args=(stop,), daemon=True).start()
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

    @staticmethod
    def _schedule(stop: threading.Event) -> None:
        while not stop.wait(60):
            close_old_connections()
            enqueue_due_jobs()
            close_old_connections()
