"""``frpdesk backup`` and ``frpdesk restore``: every row of every table comes back, byte for byte."""

import gzip
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.db.models.expressions import Value

from frpdesk.accounts import roles
from frpdesk.accounts.models import User
from frpdesk.adoption.models import GraphConnection
from frpdesk.adoption.tests.factories import GraphConnectionFactory
from frpdesk.claims.models import ClaimState
from frpdesk.claims.tests.factories import make_claim
from frpdesk.core.models import WorkerHeartbeat
from frpdesk.core.operations import (
    BACKUP_FORMAT,
    applied_migrations,
    backup_tables,
    read_header,
    record_heartbeat,
)
from frpdesk.core.tasks import purge_old_audit_log_entries
from frpdesk.customers.models import Customer, Tag
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.vas.tests.factories import RateCardEntryFactory

EVERY_BYTE = bytes(range(256)) * 4


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table as the database returns it, in primary-key order."""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for table in backup_tables(connection):
            cursor.execute(
                f"SELECT * FROM {quote(table.name)} ORDER BY {quote(table.model._meta.pk.column)}"
            )
            rows[table.name] = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
    return rows


def business_data(make_user: Callable[..., User]) -> None:
    """Rows in many apps: users and roles (many-to-many), customers with tags and contacts,
    an engagement, a claim with an uploaded PoE (binary), an encrypted secret, a session, a
    queued job with a JSON null, a worker heartbeat; the audit log records most of it."""
    consultant = make_user(roles.DELIVERY_CONSULTANT, first_name="Zoë", last_name="Ångström")
    make_user(roles.PROGRAM_ADMINISTRATOR)
    customer = CustomerFactory(name="Zürich Versicherung ✓", tags=["retail", "priority"])
    CustomerContactFactory(customer=customer, services_assisted=["teams", "exchange"])
    engagement = make_engagement(owner=consultant, customer=customer, workloads=("teams",))
    claim = make_claim(engagement=engagement, state=ClaimState.SUBMITTED, user=consultant)
    claim.document = EVERY_BYTE
    claim.poe_file_name = "poe.bin"
    claim.save()
    GraphConnectionFactory(customer=customer, client_secret="never-in-a-backup-in-clear")
    RateCardEntryFactory()
    session = SessionStore()
    session["note"] = "kept"
    session.create()
    result = purge_old_audit_log_entries.enqueue()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=result.id).update(return_value=Value(None, models.JSONField()))
    record_heartbeat("host:1")


def reset_tag_sequence() -> None:
    """As in a freshly created database: the next tag id would be 1."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('customers_tag', 'id'), 1, false)")
        else:
            cursor.execute("UPDATE sqlite_sequence SET seq = 0 WHERE name = 'customers_tag'")


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_every_row_of_every_table(
    reference_data: None,
    make_user: Callable[..., User],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    business_data(make_user)
    assert LogEntry.objects.filter(action=LogEntry.Action.CREATE).count() > 5
    before = snapshot()
    path = tmp_path / "frpdesk.json.gz"

    call_command("backup", str(path))
    out = capsys.readouterr().out
    assert "customers_customer: 1 row\n" in out
    assert f"of {len(before)} tables to {path}" in out

    # Everything changes: edits, deletions, new rows.
    Customer.objects.update(name="Renamed")
    GraphConnection.objects.all().delete()
    Tag.objects.create(name="created after the backup")
    make_user(None, username="newcomer")
    WorkerHeartbeat.objects.all().delete()
    LogEntry.objects.filter(action=LogEntry.Action.CREATE).delete()
    reset_tag_sequence()
    assert snapshot() != before

    call_command("restore", str(path), "--force")
    out = capsys.readouterr().out
    assert "Restored" in out
    assert "customers_customer: 1 row\n" in out
    assert snapshot() == before

    # The stored secret came back still encrypted, and decrypts; the PoE bytes are intact.
    connection_row = GraphConnection.objects.get()
    assert connection_row.client_secret == "never-in-a-backup-in-clear"
    from frpdesk.claims.models import Claim

    assert bytes(Claim.objects.get().document) == EVERY_BYTE
    # New rows get ids after the restored ones (PostgreSQL's sequences were reset).
    tag = Tag.objects.create(name="after the restore")
    assert tag.pk > max(row[0] for row in before["customers_tag"])
    user = User.objects.create_user("another")
    assert user.pk > max(row[0] for row in before["accounts_user"])


@pytest.mark.django_db
def test_the_backup_file_has_a_header_rows_and_an_end_and_is_private(
    make_user: Callable[..., User], tmp_path: Path
) -> None:
    make_user(roles.AUDITOR)
    CustomerFactory(tags=["retail"])
    GraphConnectionFactory(client_secret="plain-secret-value")
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path), verbosity=0)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    header = read_header(path)
    assert header["format"] == BACKUP_FORMAT
    assert header["format_version"] == 1
    assert header["database"] == connection.vendor
    assert header["migrations"] == applied_migrations(connection)
    assert ["core", "0002_workerheartbeat"] in header["migrations"]
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        lines = [json.loads(line) for line in stream]
    tables = {line["table"]: line for line in lines if isinstance(line, dict) and "table" in line}
    # Many-to-many tables and the framework's own are in it.
    for name in (
        "customers_customer_tags",
        "accounts_user_groups",
        "auth_permission",
        "django_content_type",
        "django_session",
        "auditlog_logentry",
        "django_tasks_database_dbtaskresult",
    ):
        assert name in tables
    assert tables["customers_customer"]["model"] == "customers.customer"
    end = lines[-1]["end"]["rows"]
    assert end["accounts_user"] == 1
    assert end["customers_customer_tags"] == 1
    # Secrets stay encrypted in the file.
    assert "plain-secret-value" not in json.dumps(lines)
    assert not path.with_name(path.name + ".partial").exists()


@pytest.mark.django_db
def test_backup_does_not_overwrite_a_file_without_force(tmp_path: Path) -> None:
    path = tmp_path / "backup.json.gz"
    path.write_text("precious")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(path), verbosity=0)
    assert path.read_text() == "precious"
    call_command("backup", str(path), "--force", verbosity=0)
    assert read_header(path)["format"] == BACKUP_FORMAT


def rewrite(path: Path, change: Callable[[list[str]], list[str]]) -> None:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        lines = stream.read().splitlines(keepends=True)
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.writelines(change(lines))


@pytest.fixture
def backed_up(make_user: Callable[..., User], tmp_path: Path) -> Path:
    make_user(roles.SALES)
    CustomerFactory(tags=["retail"])
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path), verbosity=0)
    Tag.objects.create(name="after the backup")
    return path


def restore_fails(path: Path, *args: str) -> CommandError:
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("restore", str(path), *args, verbosity=0)
    assert snapshot() == before, "a refused restore changed the database"
    return error.value


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    assert "is not a frpdesk backup" in str(error := restore_fails(text, "--force"))
    assert error.returncode == 1
    other_json = tmp_path / "other.json.gz"
    with gzip.open(other_json, "wt") as stream:
        stream.write('{"model": "customers.customer", "pk": 1}\n')
    assert "no frpdesk-backup header" in str(restore_fails(other_json, "--force"))
    future = tmp_path / "future.json.gz"
    with gzip.open(future, "wt") as stream:
        stream.write(json.dumps({"format": BACKUP_FORMAT, "format_version": 99}) + "\n")
    assert "format version 99" in str(restore_fails(future, "--force"))


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_other_migrations(backed_up: Path) -> None:
    def other_migrations(lines: list[str]) -> list[str]:
        header = json.loads(lines[0])
        header["migrations"] = [m for m in header["migrations"] if m[0] != "core"]
        header["migrations"].append(["customers", "9999_from_the_future"])
        return [json.dumps(header) + "\n", *lines[1:]]

    rewrite(backed_up, other_migrations)
    error = restore_fails(backed_up, "--force")
    assert error.returncode == 3
    message = str(error)
    assert (
        "the backup has migrations this database lacks (customers.9999_from_the_future)" in message
    )
    assert "this database has migrations the backup lacks (core.0001_initial" in message
    assert "Nothing was changed" in message


@pytest.mark.django_db
def test_restore_refuses_a_truncated_or_damaged_backup(backed_up: Path, tmp_path: Path) -> None:
    rewrite(backed_up, lambda lines: lines[:-1])  # no end marker
    error = restore_fails(backed_up, "--force")
    assert (error.returncode, "damaged or truncated" in str(error)) == (1, True)

    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(backed_up.read_bytes()[:-40])  # the gzip stream itself cut short
    assert "damaged or truncated" in str(restore_fails(cut, "--force"))

    def wrong_count(lines: list[str]) -> list[str]:
        end = json.loads(lines[-1])
        end["end"]["rows"]["customers_customer"] = 2
        return [*lines[:-1], json.dumps(end) + "\n"]

    call_command("backup", str(backed_up), "--force", verbosity=0)
    rewrite(backed_up, wrong_count)
    assert "damaged or truncated" in str(restore_fails(backed_up, "--force"))

    def bad_date(lines: list[str]) -> list[str]:
        (position,) = [i for i, line in enumerate(lines) if '"table":"accounts_user"' in line]
        column = json.loads(lines[position])["columns"].index("date_joined")
        row = json.loads(lines[position + 1])
        row[column] = "the day before yesterday"
        return [*lines[: position + 1], json.dumps(row) + "\n", *lines[position + 2 :]]

    call_command("backup", str(backed_up), "--force", verbosity=0)
    rewrite(backed_up, bad_date)
    error = restore_fails(backed_up, "--force")
    # Django reads the date on SQLite, PostgreSQL's COPY on PostgreSQL.
    assert "damaged or truncated" in str(error) or "do not load" in str(error)
    assert (error.returncode, "Nothing was changed" in str(error)) == (1, True)


@pytest.mark.django_db
def test_restore_refuses_a_database_in_use_without_force(backed_up: Path) -> None:
    error = restore_fails(backed_up)
    assert error.returncode == 4
    assert "--force" in str(error)


@pytest.mark.django_db
def test_restore_into_a_database_without_users_needs_no_force(
    backed_up: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    User.objects.all().delete()
    call_command("restore", str(backed_up))
    assert User.objects.get().username == "sales"
    assert not Tag.objects.filter(name="after the backup").exists()
    assert "Restored" in capsys.readouterr().out


def test_restore_exits_with_its_code_from_the_command_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    result = subprocess.run(
        [sys.executable, "-m", "frpdesk", "restore", str(text)],
        capture_output=True,
        text=True,
        env={"FRPDESK_DATA_DIR": str(tmp_path), "PATH": ""},
        check=False,
    )
    assert result.returncode == 1
    assert "is not a frpdesk backup" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("truncate_from_rows", [1, 10_000])
def test_big_tables_are_truncated_small_ones_deleted_from(
    make_user: Callable[..., User],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    truncate_from_rows: int,
) -> None:
    """PostgreSQL empties big tables with TRUNCATE (and those referencing them), the others
    with DELETE; either way, inside the test's transaction with its pending checks."""
    from frpdesk.core import operations

    make_user(roles.SALES)
    CustomerContactFactory(customer=CustomerFactory(tags=["retail"]), services_assisted=["teams"])
    before = snapshot()
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path), verbosity=0)
    CustomerFactory(tags=["new"])
    monkeypatch.setattr(operations, "TRUNCATE_FROM_ROWS", truncate_from_rows)
    call_command("restore", str(path), "--force", verbosity=0)
    assert snapshot() == before
