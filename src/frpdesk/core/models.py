from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F


class StaleEdit(ValidationError):
    """The record changed after the editor loaded it: their save would overwrite that change."""

    def __init__(self, instance: models.Model) -> None:
        super().__init__(
            f"Someone else changed this {instance._meta.verbose_name} while you were editing it. "
            "Your changes were not saved: reload it to see the current version, then make your "
            "changes again.",
            code="stale",
        )


class TimeStampedModel(models.Model):
    """A record people edit: its times, and a version that detects concurrent edits.

    Every save bumps ``version`` in the database. An editor (a form, an API request) says which
    version it started from with ``expect_version``; the save then succeeds only if the record is
    still at that version, atomically, and raises ``StaleEdit`` otherwise.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding or self.pk is None:
            super().save(*args, **kwargs)
            return
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        expected = self.__dict__.pop("_expected_version", None)
        with transaction.atomic(using=kwargs.get("using")):
            if expected is not None:
                claimed = (
                    type(self)
                    ._base_manager.filter(pk=self.pk, version=expected)
                    .update(version=F("version") + 1)
                )
                if not claimed:
                    raise StaleEdit(self)
                self.version = expected + 1
            else:
                self.version = F("version") + 1
            super().save(*args, **kwargs)
        if expected is None:
            # The new number is in the database; it is read again only when asked for.
            del self.version

    def expect_version(self, version: int | None) -> None:
        """The version the editor loaded (None: the editor did not say, nothing is checked)."""
        self._expected_version = version


class ScheduledRun(models.Model):
    """When a scheduled job (``frpdesk.core.jobs.SCHEDULE``) was last enqueued."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} last enqueued {self.last_enqueued_at:%Y-%m-%d %H:%M}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of a ``frpdesk worker`` process (its scheduler thread beats once a
    minute); the health check (``/health/``) reports the worker as stale without a recent beat."""

    worker = models.CharField(max_length=200, unique=True, help_text="host:pid")
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker} alive at {self.beat_at:%Y-%m-%d %H:%M:%S}"
