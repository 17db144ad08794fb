"""Long work as jobs (django-tasks) and the schedule of recurring jobs.

Jobs go to the backend of ``settings.TASKS``: the database queue by default (served by
``frpdesk worker``, no extra server needed) or RQ on Redis at scale. Recurring jobs are declared
with ``every(...)``; ``enqueue_due_jobs`` (run by the worker once a minute, or by cron) enqueues
those whose interval has elapsed, once, even with several workers.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    task: Task[[], Any]
    interval: datetime.timedelta


SCHEDULE: dict[str, ScheduledJob] = {}


def every(interval: datetime.timedelta) -> Callable[[Task[[], Any]], Task[[], Any]]:
    """Decorator for a task without arguments: run it once per ``interval``."""

    def register(task: Task[[], Any]) -> Task[[], Any]:
        SCHEDULE[task.name] = ScheduledJob(task.name, task, interval)
        return task

    return register


def enqueue_due_jobs(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every scheduled job whose interval has elapsed; returns their names."""
    from frpdesk.core.models import ScheduledRun

    now = now or timezone.now()
    enqueued: list[str] = []
    for job in SCHEDULE.values():
        with transaction.atomic():
            run = ScheduledRun.objects.select_for_update().filter(name=job.name).first()
            if run is not None and run.last_enqueued_at + job.interval > now:
                continue
            if run is None:
                try:
                    with transaction.atomic():
                        ScheduledRun.objects.create(name=job.name, last_enqueued_at=now)
                except IntegrityError:  # another worker took it first
                    continue
            else:
                run.last_enqueued_at = now
                run.save(update_fields=["last_enqueued_at"])
            job.task.enqueue()
        logger.info("Enqueued scheduled job %s", job.name)
        enqueued.append(job.name)
    return enqueued
