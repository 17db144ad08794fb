"""Usage imports end to end: every sample of ../shared/samples gives the figures its README lists,
re-imports change nothing, older reports never lower activity, a bad file writes nothing but its
failed record, and the import runs as a job with its progress in the record.

Expected figures were read off the sample files, not computed by the code under test.
"""

import datetime
import hashlib
import logging
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frpdesk.adoption import ledger, services
from frpdesk.adoption.models import (
    ActivityLedger,
    ImportSource,
    ImportStatus,
    ReportType,
    UsageImport,
    UsagePoint,
    UsageSource,
)
from frpdesk.adoption.services import create_usage_import, import_usage_file, run_import
from frpdesk.adoption.tests.conftest import (
    CONCEALED_REPORT,
    COPILOT,
    EMAIL,
    O365,
    REFRESH_DATE,
    SAMPLES_DIR,
    TEAMS,
    TEAMS_OBSERVED,
    TENANT_A_ID,
    TENANT_A_REPORTS,
    as_csv,
    sample_rows,
    shifted,
    with_cell,
)
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.licensing.services import import_license_file

Rows = Callable[[], dict[str, list[tuple[Any, ...]]]]


def run(customer: Customer, name: str, content: bytes | None = None) -> UsageImport:
    return import_usage_file(
        acting_user=None,
        customer=customer,
        file_name=name,
        content=content if content is not None else SAMPLES_DIR / name,
        source=ImportSource.CLI,
    )


def points(customer: Customer, day: datetime.date = REFRESH_DATE) -> dict[str, tuple[Any, ...]]:
    """workload → (MAU, licensed, active in period, period days) on the day."""
    return {
        code: values
        for code, *values in UsagePoint.objects.filter(customer=customer, refresh_date=day)
        .order_by("workload__code")
        .values_list("workload__code", "mau", "licensed", "active_in_period", "period_days")
    } | {}


def point_rows(customer: Customer) -> list[tuple[Any, ...]]:
    """Everything about the customer's points, update times included."""
    return list(UsagePoint.objects.filter(customer=customer).order_by("pk").values_list())


def ledger_data(customer: Customer) -> bytes:
    return bytes(ActivityLedger.objects.get(customer=customer).data)


def without_imports(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    return {label: table for label, table in rows.items() if label != "adoption.UsageImport"}


# --- the samples -----------------------------------------------------------------------------


def test_every_sample_of_tenant_a_imports_with_the_readme_figures(tenant_a: Customer) -> None:
    records = {name: run(tenant_a, name) for name in TENANT_A_REPORTS}
    assert {name: record.status for name, record in records.items()} == dict.fromkeys(
        TENANT_A_REPORTS, ImportStatus.DONE
    )
    assert [records[name].report_type for name in TENANT_A_REPORTS] == [
        ReportType.OFFICE365_ACTIVE_USERS,
        ReportType.EMAIL,
        ReportType.ONEDRIVE,
        ReportType.SHAREPOINT,
        ReportType.TEAMS,
        ReportType.TEAMS,
        ReportType.M365_APPS,
        ReportType.COPILOT,
    ]
    assert all(record.refresh_date == REFRESH_DATE for record in records.values())
    assert all(record.period_days == 30 for record in records.values())
    # Licensed and active in the D30 period as the README lists them (Teams: the Office 365
    # report's 29 beats the Teams report's 28, which no longer counts deleted Tomas); MAU over
    # the 28 days ending on 2025-11-20 without Tomas, who was active in every workload but
    # Yammer and Copilot.
    assert points(tenant_a) == {
        "copilot": [3, 4, 3, 30],
        "exchange": [22, 29, 23, 30],
        "m365_apps": [23, None, 24, 30],
        "onedrive": [16, 29, 17, 30],
        "sharepoint": [19, 29, 20, 30],
        "teams": [20, 29, 21, 30],
        "viva_engage": [11, 29, 11, 30],
    }
    office = records[O365]
    assert (office.rows, office.warnings, office.changed) == (30, [], True)
    assert office.summary == {
        "exchange": {"licensed": 29, "active_in_period": 23, "mau": 22},
        "onedrive": {"licensed": 29, "active_in_period": 17, "mau": 16},
        "sharepoint": {"licensed": 29, "active_in_period": 20, "mau": 19},
        "teams": {"licensed": 29, "active_in_period": 21, "mau": 20},
        "viva_engage": {"licensed": 29, "active_in_period": 11, "mau": 11},
    }
    assert office.message == (
        "30 users, refresh date 2025-11-20: Exchange Online MAU 22, OneDrive MAU 16, SharePoint "
        "Online MAU 19, Microsoft Teams MAU 20, Viva Engage (Yammer) MAU 11."
    )
    assert records[EMAIL].summary == {
        "exchange": {"licensed": 29, "active_in_period": 23, "mau": 22}
    }
    assert records[TEAMS].summary == {"teams": {"licensed": 28, "active_in_period": 21, "mau": 20}}
    assert records[COPILOT].summary == {"copilot": {"licensed": 4, "active_in_period": 3, "mau": 3}}
    # The same Teams users with the columns in another order add nothing.
    assert records[TEAMS_OBSERVED].changed is False
    assert records[TEAMS_OBSERVED].message.endswith(
        "Nothing changed: the tenant's figures already included this report."
    )
    stored = ActivityLedger.objects.get(customer=tenant_a)
    assert (stored.users, stored.concealed_users, stored.newest_refresh_date) == (
        30,
        0,
        REFRESH_DATE,
    )
    frame = ledger.read(stored.data)
    assert frame.filter(pl.col("copilot_licensed")).height == 4
    point = UsagePoint.objects.get(customer=tenant_a, workload__code="exchange")
    assert (point.source, point.usage_import) == (UsageSource.REPORT, records[O365])


def test_the_concealed_file_imports_with_a_warning(tenant_b: Customer) -> None:
    record = run(tenant_b, CONCEALED_REPORT)
    assert (record.status, record.period_days, record.rows) == (ImportStatus.DONE, 7, 20)
    [warning] = record.warnings
    assert "concealed names" in warning
    assert "displayConcealedNames = false" in warning
    assert ActivityLedger.objects.get(customer=tenant_b).concealed_users == 20
    # Active in the 7-day period and MAU over 28 days, read off the file.
    assert points(tenant_b) == {
        "exchange": [13, 20, 13, 7],
        "onedrive": [9, 20, 5, 7],
        "sharepoint": [13, 20, 6, 7],
        "teams": [13, 20, 13, 7],
        "viva_engage": [1, 20, 1, 7],
    }


def test_pau_and_au_pct_come_from_the_licences_in_force(tenant_a: Customer) -> None:
    import_license_file(
        acting_user=None,
        customer=tenant_a,
        file_name="subscribedSkus.json",
        content=(SAMPLES_DIR / "subscribedSkus.json").read_bytes(),
        as_of=REFRESH_DATE,
    )
    run(tenant_a, O365)
    run(tenant_a, COPILOT)
    exchange = UsagePoint.objects.get(customer=tenant_a, workload__code="exchange")
    # PAU 40: E3 20 + E5 5 + F3 10 + E1 5 (the licensing tests' figure for this sample).
    assert (exchange.pau, exchange.pau_as_of, exchange.au_pct) == (40, REFRESH_DATE, Decimal("55"))
    copilot = UsagePoint.objects.get(customer=tenant_a, workload__code="copilot")
    assert (copilot.mau, copilot.pau, copilot.au_pct) == (3, 5, Decimal("60"))


# --- idempotence and order -------------------------------------------------------------------


def test_the_same_file_twice_changes_nothing(tenant_a: Customer, adoption_rows: Rows) -> None:
    first = run(tenant_a, O365)
    content = _raw(O365)
    assert (first.size_bytes, first.content_hash) == (
        len(content),
        hashlib.sha256(content).hexdigest(),
    )
    assert not first.file  # the caller has the file: no copy is kept
    before = adoption_rows()
    again = run(tenant_a, O365)
    assert (again.status, again.changed) == (ImportStatus.DONE, False)
    assert again.message == (
        f"Already imported on {timezone.localdate().isoformat()} ({O365}); nothing changed."
    )
    assert (again.report_type, again.refresh_date, again.rows, again.summary) == (
        first.report_type,
        first.refresh_date,
        first.rows,
        first.summary,
    )
    assert without_imports(adoption_rows()) == without_imports(before)


def test_the_hash_computed_during_the_import_is_stored_done_or_failed(tenant_a: Customer) -> None:
    # import_usage_file hashes the file while it parses it: the stored record has the hash
    # whatever the outcome, and a re-import is recognised from bytes as from a path.
    content = _raw(O365)
    digest = hashlib.sha256(content).hexdigest()
    done = run(tenant_a, O365, content)
    broken = content.replace(b"2025-11-20", b"2025-11-2x", 1) + b"x"
    failed = run(tenant_a, O365, broken)
    assert failed.status == ImportStatus.FAILED
    again = run(tenant_a, O365)
    stored = {
        record.pk: (record.status, record.content_hash)
        for record in UsageImport.objects.filter(pk__in=[done.pk, failed.pk, again.pk])
    }
    assert stored == {
        done.pk: (ImportStatus.DONE, digest),
        failed.pk: (ImportStatus.FAILED, hashlib.sha256(broken).hexdigest()),
        again.pk: (ImportStatus.DONE, digest),
    }
    assert again.message.startswith("Already imported on ")


def test_the_same_report_in_other_bytes_changes_nothing(
    tenant_a: Customer, adoption_rows: Rows
) -> None:
    run(tenant_a, O365)
    data, before = ledger_data(tenant_a), adoption_rows()
    lf_without_bom = as_csv(sample_rows(O365), bom=False, newline="\n")
    again = run(tenant_a, O365, lf_without_bom)
    assert (again.status, again.changed) == (ImportStatus.DONE, False)
    assert again.message.endswith(
        "Nothing changed: the tenant's figures already included this report."
    )
    assert ledger_data(tenant_a) == data
    assert without_imports(adoption_rows()) == without_imports(before)


def test_teams_columns_in_either_order_give_the_same_tenant(
    tenant_a: Customer, tenant_b: Customer
) -> None:
    run(tenant_a, TEAMS)
    run(tenant_b, TEAMS_OBSERVED)
    assert ledger_data(tenant_a) == ledger_data(tenant_b)
    assert points(tenant_a) == points(tenant_b) == {"teams": [20, 28, 21, 30]}


def test_an_older_report_after_a_newer_one_never_lowers_activity(tenant_a: Customer) -> None:
    run(tenant_a, O365)
    newer = ledger.read(ledger_data(tenant_a))
    month_earlier = shifted(O365, -31)
    older = run(tenant_a, O365, month_earlier)
    assert (older.status, older.refresh_date) == (ImportStatus.DONE, datetime.date(2025, 10, 20))
    merged = ledger.read(ledger_data(tenant_a))
    activity = [column for column in merged.columns if column.endswith("_last_activity")]
    assert merged.select(activity).equals(newer.select(activity))
    assert ActivityLedger.objects.get(customer=tenant_a).newest_refresh_date == REFRESH_DATE
    # The older report gets its own points, from its own dates: everything a month earlier.
    assert points(tenant_a, datetime.date(2025, 10, 20)) == points(tenant_a)


def test_two_reports_of_one_workload_and_day_keep_the_larger_counts_in_any_order(
    tenant_a: Customer, tenant_b: Customer
) -> None:
    # Nestor, never active per the Office 365 report, read mail per this Email report.
    email = with_cell(EMAIL, 24, "Last Activity Date", "2025-11-19")
    run(tenant_a, O365)
    run(tenant_a, EMAIL, email)
    run(tenant_b, EMAIL, email)
    run(tenant_b, O365)
    assert points(tenant_a)["exchange"] == points(tenant_b)["exchange"] == [23, 29, 24, 30]


# --- bad files -------------------------------------------------------------------------------


def _raw(name: str) -> bytes:
    return (SAMPLES_DIR / name).read_bytes()


BAD_FILES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "wrong header": (
        "people.csv",
        lambda: b"\xef\xbb\xbfName,Email\r\nAdele,adele@example.com\r\n",
        "people.csv, line 1: is not a usage report this import knows",
    ),
    "bad date": (
        O365,
        lambda: with_cell(O365, 5, "SharePoint Last Activity Date", "2025-13-01"),
        f"{O365}, line 5, column SharePoint Last Activity Date: '2025-13-01' is not a date",
    ),
    "bad boolean": (
        TEAMS,
        lambda: with_cell(TEAMS, 7, "Is Licensed", "Maybe"),
        f"{TEAMS}, line 7, column Is Licensed: 'Maybe' is not True, False, Yes or No",
    ),
    "mixed refresh dates": (
        EMAIL,
        lambda: with_cell(EMAIL, 12, "Report Refresh Date", "2025-11-19"),
        f"{EMAIL}, line 12, column Report Refresh Date: is '2025-11-19' but the first row has",
    ),
    "ragged row": (
        EMAIL,
        lambda: as_csv(
            [row[:6] if index == 8 else row for index, row in enumerate(sample_rows(EMAIL))]
        ),
        f"{EMAIL}, line 9: has 6 values but the header has 13 columns",
    ),
    "not UTF-8": (
        EMAIL,
        lambda: _raw(EMAIL).replace(b"Emily Braun", b"Emily Br\xe4un"),
        f"{EMAIL}, line 10, column Display Name: is not UTF-8 text",
    ),
    "empty": (EMAIL, lambda: b"", f"{EMAIL}: is empty"),
    "truncated JSON": (
        COPILOT,
        lambda: _raw(COPILOT)[: _raw(COPILOT).index(b'"displayName": "Brian')],
        f"{COPILOT}, line 25: is not valid JSON",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_writes_nothing_but_its_failed_record(
    kind: str, tenant_a: Customer, adoption_rows: Rows
) -> None:
    run(tenant_a, O365)  # the tenant has a ledger and points already
    before = adoption_rows()
    name, content, message = BAD_FILES[kind]
    record = run(tenant_a, name, content())
    assert record.status == ImportStatus.FAILED
    assert record.message.startswith(message)
    assert (record.progress, record.stage, record.changed) == (100, "Failed", False)
    assert record.finished_at is not None
    after = adoption_rows()
    assert without_imports(after) == without_imports(before)
    assert after["adoption.UsageImport"][:-1] == before["adoption.UsageImport"]
    assert after["adoption.UsageImport"][-1][0] == record.pk


def test_an_unexpected_error_fails_the_record_logs_and_raises(
    tenant_a: Customer,
    adoption_rows: Rows,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    run(tenant_a, EMAIL)
    before = adoption_rows()

    def broken(*args: Any, **kwargs: Any) -> bool:
        UsagePoint.objects.filter(customer=tenant_a).update(mau=0)  # a half-written import…
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "_save_points", broken)
    with caplog.at_level(logging.ERROR), pytest.raises(RuntimeError, match="disk on fire"):
        run(tenant_a, O365)
    record = UsageImport.objects.get(file_name=O365)
    assert (record.status, record.message) == (ImportStatus.FAILED, services.UNEXPECTED_FAILURE)
    assert "disk on fire" in caplog.text
    assert without_imports(adoption_rows()) == without_imports(before)  # …rolled back


# --- malformed variants ----------------------------------------------------------------------


@st.composite
def malformed_email_report(draw: st.DrawFn) -> bytes:
    rows = sample_rows(EMAIL)
    kind = draw(st.sampled_from(["cell", "drop column", "duplicate column", "bytes"]))
    if kind == "bytes":
        data = bytearray(as_csv(rows))
        for _ in range(draw(st.integers(1, 4))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    column = draw(st.integers(0, len(rows[0]) - 1))
    if kind == "cell":
        line = draw(st.integers(0, len(rows) - 1))
        rows[line][column] = draw(
            st.sampled_from(["", "2025-02-30", "Yes", "-3", '"', ",", "2025-11-21"])
            | st.text(max_size=10)
        )
    for row in rows:
        if kind == "drop column":
            del row[column]
        elif kind == "duplicate column":
            row.append(row[column])
    return as_csv(rows)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=malformed_email_report())
def test_malformed_variants_never_write_partially(
    content: bytes, tenant_a: Customer, adoption_rows: Rows
) -> None:
    before = adoption_rows()
    record = run(tenant_a, EMAIL, content)  # anything raised fails the test
    after = adoption_rows()
    if record.status == ImportStatus.FAILED:
        assert record.message.startswith(f"{EMAIL}:") or record.message.startswith(f"{EMAIL}, ")
        assert without_imports(after) == without_imports(before)
    else:
        assert record.status == ImportStatus.DONE
        assert UsagePoint.objects.filter(
            customer=tenant_a, refresh_date=record.refresh_date
        ).exists()


# --- as a job --------------------------------------------------------------------------------


def test_create_usage_import_stores_the_file_and_queues_the_job(
    tenant_a: Customer,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    make_user: Callable[..., Any],
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    uploader = make_user(None, username="uploader")
    content = _raw(EMAIL)
    upload = SimpleUploadedFile(EMAIL, content, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record = create_usage_import(
            acting_user=uploader,
            customer=tenant_a,
            file_name=EMAIL,
            file=upload,
            source=ImportSource.UPLOAD,
        )
    stored = UsageImport.objects.get(pk=record.pk)
    assert (stored.status, stored.size_bytes, stored.created_by) == (
        ImportStatus.QUEUED,
        len(content),
        uploader,
    )
    assert stored.content_hash == hashlib.sha256(content).hexdigest()
    with stored.file.open("rb") as file:
        assert file.read() == content
    assert Path(stored.file.name).name == EMAIL
    assert len(callbacks) == 1  # the job is queued only once the upload is committed
    callbacks[0]()
    done = UsageImport.objects.get(pk=record.pk)
    assert (done.status, done.progress) == (ImportStatus.DONE, 100)
    assert done.task_id
    assert done.started_at is not None
    assert done.finished_at is not None
    assert UsagePoint.objects.get(customer=tenant_a).entered_by == uploader


def test_the_worker_runs_a_queued_import(reference_data: None) -> None:
    # Really committed (the worker opens and closes database connections of its own).
    tenant_a = CustomerFactory(name="Fabrikam Industries", tenant_id=TENANT_A_ID)
    record = create_usage_import(
        acting_user=None,
        customer=tenant_a,
        file_name=COPILOT,
        file=_raw(COPILOT),
        source=ImportSource.API,
    )
    queued = UsageImport.objects.get(pk=record.pk)
    assert queued.status == ImportStatus.QUEUED
    assert queued.task_id
    call_command("worker", "--batch", "--no-schedule", verbosity=0)
    done = UsageImport.objects.get(pk=record.pk)
    assert (done.status, done.summary) == (
        ImportStatus.DONE,
        {"copilot": {"licensed": 4, "active_in_period": 3, "mau": 3}},
    )


def test_progress_is_written_before_the_final_transaction(
    tenant_a: Customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    merge, save_points = ledger.merge, services._save_points
    outer = connection.in_atomic_block  # the test's own transaction

    def watched_merge(*args: Any, **kwargs: Any) -> ledger.Merge:
        seen["while merging"] = UsageImport.objects.values_list("status", "progress", "stage").get()
        seen["merged in the final transaction"] = len(connection.atomic_blocks) > int(outer)
        return merge(*args, **kwargs)

    def watched_save_points(*args: Any, **kwargs: Any) -> bool:
        seen["saved in the final transaction"] = len(connection.atomic_blocks) > int(outer)
        return save_points(*args, **kwargs)

    monkeypatch.setattr(ledger, "merge", watched_merge)
    monkeypatch.setattr(services, "_save_points", watched_save_points)
    record = run(tenant_a, EMAIL)
    assert record.status == ImportStatus.DONE
    assert seen == {
        "while merging": (
            ImportStatus.RUNNING,
            65,
            "Merging the users into the tenant's ledger",
        ),
        "merged in the final transaction": False,
        "saved in the final transaction": True,
    }


def test_an_import_finishing_meanwhile_is_merged_onto_not_overwritten(
    tenant_a: Customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(tenant_a, O365)
    real_merge = ledger.merge
    merged: list[str] = []

    def merge_while_another_import_finishes(frame: pl.DataFrame, report: Any) -> ledger.Merge:
        merged.append(report.report_name)
        if len(merged) == 1:  # the Copilot report is imported while the Email report merges
            monkeypatch.setattr(ledger, "merge", real_merge)
            assert run(tenant_a, COPILOT).status == ImportStatus.DONE
            monkeypatch.setattr(ledger, "merge", merge_while_another_import_finishes)
        return real_merge(frame, report)

    monkeypatch.setattr(ledger, "merge", merge_while_another_import_finishes)
    assert run(tenant_a, EMAIL).status == ImportStatus.DONE
    assert merged == ["EmailActivityUserDetail", "EmailActivityUserDetail"]  # merged again
    frame = ledger.read(ledger_data(tenant_a))
    assert frame.get_column("copilot_licensed").sum() == 4
    assert frame.get_column("exchange_licensed_as_of").drop_nulls().unique().to_list() == [
        REFRESH_DATE
    ]


def test_a_finished_import_is_not_run_again(tenant_a: Customer) -> None:
    record = run(tenant_a, EMAIL)
    points_before = point_rows(tenant_a)
    assert run_import(record.pk).finished_at == record.finished_at
    assert point_rows(tenant_a) == points_before


def test_a_stored_ledger_serves_the_inactive_users_list(tenant_a: Customer) -> None:
    run(tenant_a, O365)
    stored = ActivityLedger.objects.get(customer=tenant_a)
    listed = ledger.inactive_users(stored, "exchange", REFRESH_DATE, 28)
    assert listed.get_column("user_key").to_list()[:3] == [
        "grady.archie@fabrikam.example.com",
        "henrietta.mueller@fabrikam.example.com",
        "nestor.wilke@fabrikam.example.com",
    ]


@pytest.mark.django_db
def test_an_import_that_stopped_moving_is_failed_so_users_import_again() -> None:
    """A killed worker leaves its import "running" (its data was never committed): after
    INTERRUPTED_AFTER without progress the scheduled sweep fails it, and only it."""
    from frpdesk.adoption.services import INTERRUPTED_AFTER, fail_interrupted_imports
    from frpdesk.adoption.tasks import fail_interrupted_usage_imports
    from frpdesk.adoption.tests.factories import UsageImportFactory
    from frpdesk.core.jobs import SCHEDULE

    now = timezone.now()
    stalled_at = now - INTERRUPTED_AFTER - datetime.timedelta(minutes=1)
    stalled = UsageImportFactory(
        status=ImportStatus.RUNNING, started_at=stalled_at, progressed_at=stalled_at, progress=42
    )
    moving = UsageImportFactory(
        status=ImportStatus.RUNNING, started_at=stalled_at, progressed_at=now, progress=60
    )
    waiting = UsageImportFactory(status=ImportStatus.QUEUED)

    assert fail_interrupted_imports(now) == 1

    stalled.refresh_from_db()
    assert stalled.status == ImportStatus.FAILED
    assert stalled.finished_at == now
    assert stalled.message.startswith("The import stopped before it finished")
    assert UsageImport.objects.get(pk=moving.pk).status == ImportStatus.RUNNING
    assert UsageImport.objects.get(pk=waiting.pk).status == ImportStatus.QUEUED
    assert SCHEDULE[fail_interrupted_usage_imports.name].interval == datetime.timedelta(minutes=15)
