"""``/health/``: the database, the worker's heartbeat and the queue, without signing in."""

import datetime
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from frpdesk.core import operations
from frpdesk.core.management.commands.worker import Command as WorkerCommand
from frpdesk.core.models import WorkerHeartbeat
from frpdesk.core.operations import record_heartbeat
from frpdesk.core.tasks import purge_old_audit_log_entries

pytestmark = pytest.mark.django_db


def get_health(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/health/")
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, response.json()


def test_all_well(client: Client) -> None:
    record_heartbeat("web-1:42", now=timezone.now() - datetime.timedelta(seconds=30))
    status, body = get_health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert isinstance(body["database"]["ms"], float)
    assert body["worker"]["status"] == "ok"
    assert 29 <= body["worker"]["last_heartbeat_seconds"] <= 60
    assert body["jobs"] == {"status": "ok", "waiting": 0, "waiting_minutes": 5}
    assert "web-1" not in str(body)  # no host names, versions or paths


def test_no_worker_ever_is_missing_and_degraded(client: Client) -> None:
    status, body = get_health(client)
    assert (status, body["status"]) == (200, "degraded")
    assert body["worker"] == {"status": "missing", "last_heartbeat_seconds": None}


def test_a_silent_worker_is_stale(client: Client) -> None:
    record_heartbeat("web-1:42", now=timezone.now() - datetime.timedelta(minutes=4))
    status, body = get_health(client)
    assert (status, body["status"], body["worker"]["status"]) == (200, "degraded", "stale")
    assert body["worker"]["last_heartbeat_seconds"] >= 240


def test_the_freshest_of_several_workers_counts(client: Client) -> None:
    now = timezone.now()
    record_heartbeat("old:1", now=now - datetime.timedelta(minutes=30))
    record_heartbeat("new:2", now=now - datetime.timedelta(seconds=5))
    assert get_health(client)[1]["worker"]["status"] == "ok"


def test_jobs_waiting_too_long_make_it_degraded(client: Client) -> None:
    from django_tasks_db.models import DBTaskResult

    record_heartbeat("web-1:42")
    purge_old_audit_log_entries.enqueue()  # just queued: not late
    assert get_health(client)[1]["status"] == "ok"
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=6))
    status, body = get_health(client)
    assert (status, body["status"]) == (200, "degraded")
    assert body["jobs"] == {"status": "late", "waiting": 1, "waiting_minutes": 5}


def test_a_job_planned_for_later_is_not_late(client: Client) -> None:
    record_heartbeat("web-1:42")
    purge_old_audit_log_entries.using(
        run_after=timezone.now() + datetime.timedelta(hours=1)
    ).enqueue()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=2))
    assert get_health(client)[1]["jobs"]["waiting"] == 0


def test_a_failing_database_answers_503_without_details(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        def cursor(self) -> Any:
            raise OperationalError('connection to server at "db.internal" failed: password=…')

    monkeypatch.setattr(operations, "connections", {"default": Broken()})
    status, body = get_health(client)
    assert status == 503
    assert body == {
        "status": "error",
        "database": {"status": "error"},
        "worker": {"status": "unknown"},
        "jobs": {"status": "unknown"},
    }
    assert "the database does not answer" in caplog.text  # the details go to the log


def test_only_get_and_head(client: Client) -> None:
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_when_it_starts() -> None:
    call_command("worker", "--batch", "--no-schedule", verbosity=0)
    beat = WorkerHeartbeat.objects.get()
    assert timezone.now() - beat.beat_at < datetime.timedelta(minutes=1)
    assert beat.worker.endswith(f":{operations.os.getpid()}")


def test_the_heartbeat_survives_a_failing_minute(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    beats: list[str] = []

    def flaky(worker: str) -> None:
        beats.append(worker)
        if len(beats) == 1:
            raise OperationalError("the database restarts")

    class TwoMinutes(threading.Event):
        waits = 0

        def wait(self, timeout: float | None = None) -> bool:
            self.waits += 1
            return self.waits > 2

    from frpdesk.core.management.commands import worker

    monkeypatch.setattr(worker, "record_heartbeat", flaky)
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    WorkerCommand._tick(TwoMinutes(), "host:1", False)
    assert beats == ["host:1", "host:1"]
    assert "retries in a minute" in caplog.text


def test_old_heartbeats_are_forgotten() -> None:
    now = timezone.now()
    record_heartbeat("gone:1", now=now - datetime.timedelta(days=2))
    record_heartbeat("alive:2", now=now)
    assert list(WorkerHeartbeat.objects.values_list("worker", flat=True)) == ["alive:2"]
    record_heartbeat("alive:2", now=now + datetime.timedelta(minutes=1))
    beat = WorkerHeartbeat.objects.get()
    assert (beat.started_at, beat.beat_at) == (now, now + datetime.timedelta(minutes=1))
