"""Audit-log retention: old entries go, each object's creation and last change stay."""

import datetime
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from frpdesk.core.jobs import SCHEDULE
from frpdesk.core.operations import purge_audit_log
from frpdesk.core.tasks import purge_old_audit_log_entries
from frpdesk.customers.models import Tag

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LONG_AGO = NOW - datetime.timedelta(days=400)


def history(tag: Tag) -> list[int]:
    """The ids of the tag's entries, oldest first."""
    return list(
        LogEntry.objects.get_for_object(tag)
        .order_by("timestamp", "pk")
        .values_list("pk", flat=True)
    )


def edited_tag(name: str, *, old_updates: int, recent_updates: int = 0) -> tuple[Tag, list[int]]:
    """A tag created and updated ``old_updates`` times 400 days ago (a minute apart), then
    ``recent_updates`` times now."""
    tag = Tag.objects.create(name=name)
    for number in range(old_updates + recent_updates):
        tag.name = f"{name} v{number + 1}"
        tag.save()
    ids = history(tag)
    assert len(ids) == 1 + old_updates + recent_updates
    for minute, pk in enumerate(ids[: 1 + old_updates]):
        LogEntry.objects.filter(pk=pk).update(
            timestamp=LONG_AGO + datetime.timedelta(minutes=minute)
        )
    return tag, ids


def test_old_updates_go_the_creation_and_the_last_change_stay() -> None:
    tag, ids = edited_tag("Retail", old_updates=5, recent_updates=1)
    result = purge_audit_log(older_than_days=365, batch_size=2)
    assert history(tag) == [ids[0], ids[-1]]  # the creation and the recent update
    assert (result.deleted, result.kept) == (5, 1)


def test_without_recent_changes_the_last_old_update_stays() -> None:
    tag, ids = edited_tag("Energy", old_updates=4)
    purge_audit_log(older_than_days=365)
    assert history(tag) == [ids[0], ids[-1]]
    entries = LogEntry.objects.get_for_object(tag).order_by("timestamp")
    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]


def test_a_deleted_object_keeps_its_creation_and_deletion() -> None:
    tag, _ = edited_tag("Gone", old_updates=2)
    pk = tag.pk
    tag.delete()
    LogEntry.objects.filter(action=LogEntry.Action.DELETE).update(
        timestamp=LONG_AGO + datetime.timedelta(hours=1)
    )
    purge_audit_log(older_than_days=365)
    actions = list(
        LogEntry.objects.filter(object_pk=str(pk))
        .order_by("timestamp")
        .values_list("action", flat=True)
    )
    assert actions == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]


def test_old_access_entries_go_and_recent_entries_stay() -> None:
    tag, ids = edited_tag("Read", old_updates=0, recent_updates=3)
    access = LogEntry.objects.log_create(tag, force_log=True, action=LogEntry.Action.ACCESS)
    assert access is not None
    LogEntry.objects.filter(pk=access.pk).update(timestamp=LONG_AGO)
    result = purge_audit_log(older_than_days=365)
    assert history(tag) == ids  # the recent updates stay, old or not the last
    assert result.deleted == 1


def test_other_objects_are_untouched_and_a_second_run_deletes_nothing() -> None:
    first, first_ids = edited_tag("First", old_updates=3)
    second, second_ids = edited_tag("Second", old_updates=0, recent_updates=2)
    assert purge_audit_log(older_than_days=365).deleted == 2
    assert history(second) == second_ids
    assert history(first) == [first_ids[0], first_ids[-1]]
    assert purge_audit_log(older_than_days=365).deleted == 0


def test_dry_run_deletes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    tag, ids = edited_tag("Retail", old_updates=5, recent_updates=1)
    call_command("purge_audit_log", "--older-than", "365", "--dry-run")
    assert history(tag) == ids
    out = capsys.readouterr().out
    assert out.startswith("Would delete 5 audit-log entries older than 365 days")
    assert "kept 1 of that age (creations and last changes)" in out


def test_the_command_deletes_in_batches(capsys: pytest.CaptureFixture[str]) -> None:
    tag, ids = edited_tag("Retail", old_updates=5, recent_updates=1)
    call_command("purge_audit_log", "--older-than", "365", "--batch-size", "2")
    assert history(tag) == [ids[0], ids[-1]]
    assert capsys.readouterr().out.startswith("Deleted 5 audit-log entries older than 365 days")


def test_the_command_needs_an_age(settings: Any) -> None:
    settings.FRPDESK_AUDIT_RETENTION_DAYS = 0
    with pytest.raises(CommandError, match="Give --older-than DAYS"):
        call_command("purge_audit_log")
    with pytest.raises(CommandError, match="Give --older-than DAYS"):
        call_command("purge_audit_log", "--older-than", "0")
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        call_command("purge_audit_log", "--older-than", "5", "--batch-size", "0")


def test_the_weekly_job_follows_the_retention_setting(settings: Any) -> None:
    job = SCHEDULE[purge_old_audit_log_entries.name]
    assert job.interval == datetime.timedelta(days=7)
    tag, ids = edited_tag("Retail", old_updates=3)
    settings.FRPDESK_AUDIT_RETENTION_DAYS = 0  # the default: keep everything
    purge_old_audit_log_entries.call()
    assert history(tag) == ids
    settings.FRPDESK_AUDIT_RETENTION_DAYS = 365
    purge_old_audit_log_entries.call()
    assert history(tag) == [ids[0], ids[-1]]
    # The command takes the setting as its default age.
    call_command("purge_audit_log", "--dry-run")
