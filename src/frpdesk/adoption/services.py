"""State changes of the adoption area: usage imports, manual MAU entries, partner associations,
and PAU / AU% kept in step with the licence snapshots."""

import datetime
import hashlib
import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.adoption import ledger
from frpdesk.adoption.figures import au_pct, mau_window_days
from frpdesk.adoption.models import (
    ActivityLedger,
    ImportStatus,
    PartnerAssociation,
    UsageImport,
    UsagePoint,
    UsageSource,
)
from frpdesk.adoption.reports import ParsedReport, parse_report
from frpdesk.catalog.models import Workload
from frpdesk.core.imports import ImportFailure
from frpdesk.customers.models import Customer
from frpdesk.licensing.services import workload_pau_history

logger = logging.getLogger(__name__)

# A snapshot taken shortly after a report's refresh date (reports lag 1–3 days behind the pull
# that also fetched the licences) stands in for the licences of that date when none is older.
PAU_LOOKAHEAD = datetime.timedelta(days=31)
# The longest an import goes without moving on a stage before it counts as interrupted.
INTERRUPTED_AFTER = datetime.timedelta(minutes=30)

PauHistory = list[tuple[datetime.date, dict[str, int]]]


def pau_on(
    history: PauHistory, workload_code: str, day: datetime.date
) -> tuple[int | None, datetime.date | None]:
    """(PAU, snapshot date) of the licence snapshot in force on ``day``; (None, None) if none."""
    in_force = [entry for entry in history if entry[0] <= day]
    if in_force:
        as_of, pau = in_force[-1]
    elif history and history[0][0] <= day + PAU_LOOKAHEAD:
        as_of, pau = history[0]
    else:
        return None, None
    return pau.get(workload_code, 0), as_of


def apply_pau(points: Sequence[UsagePoint], history: PauHistory) -> list[UsagePoint]:
    """Set PAU, its snapshot date and AU% on the points; returns those that changed."""
    changed = []
    for point in points:
        pau, as_of = pau_on(history, point.workload.code, point.refresh_date)
        percent = au_pct(point.mau, pau)
        if (point.pau, point.pau_as_of, point.au_pct) != (pau, as_of, percent):
            point.pau, point.pau_as_of, point.au_pct = pau, as_of, percent
            changed.append(point)
    return changed


def recompute_pau(customer_ids: Sequence[int] | None = None) -> int:
    """Recompute PAU and AU% of every usage point of the customers (all when None)."""
    points = UsagePoint.objects.select_related("workload")
    if customer_ids is not None:
        points = points.filter(customer_id__in=customer_ids)
    by_customer: dict[int, list[UsagePoint]] = {}
    for point in points:
        by_customer.setdefault(point.customer_id, []).append(point)
    histories = workload_pau_history(list(by_customer))
    changed: list[UsagePoint] = []
    for customer_id, customer_points in by_customer.items():
        changed += apply_pau(customer_points, histories.get(customer_id, []))
    with transaction.atomic():
        UsagePoint.objects.bulk_update(changed, ["pau", "pau_as_of", "au_pct"], batch_size=1000)
    return len(changed)


@transaction.atomic
def record_manual_mau(
    *,
    acting_user: User | None,
    customer: Customer,
    workload: Workload,
    refresh_date: datetime.date,
    mau: int,
    note: str = "",
) -> UsagePoint:
    """Enter (or correct) the MAU of a workload that has no usage report, e.g. from the partner
    dashboard; marked as manual."""
    if workload.has_usage_report:
        raise ValidationError(
            {
                "workload": f"{workload.name} has a usage report: import the report instead of "
                "entering its MAU by hand."
            }
        )
    if mau < 0:
        raise ValidationError({"mau": "MAU cannot be negative."})
    point = UsagePoint.objects.filter(
        customer=customer, workload=workload, refresh_date=refresh_date
    ).first() or UsagePoint(customer=customer, workload=workload, refresh_date=refresh_date)
    point.source, point.mau, point.note, point.entered_by = (
        UsageSource.MANUAL,
        mau,
        note,
        acting_user,
    )
    apply_pau([point], workload_pau_history([customer.pk]).get(customer.pk, []))
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def delete_manual_mau(*, acting_user: User | None, point: UsagePoint) -> None:
    """Remove a manual MAU entry (e.g. typed for the wrong date). Figures from usage reports are
    not deleted by hand: a later report of the same date replaces them."""
    if point.source != UsageSource.MANUAL:
        raise ValidationError(
            "This MAU comes from a usage report; only manual entries can be deleted."
        )
    point.delete()


@transaction.atomic
def set_partner_association(
    *,
    acting_user: User | None,
    customer: Customer,
    workload: Workload,
    associated_on: datetime.date,
    note: str = "",
) -> PartnerAssociation:
    """Record when the partner's claim on the workload was approved (starts the starting peak)."""
    association, _ = PartnerAssociation.objects.update_or_create(
        customer=customer,
        workload=workload,
        defaults={"associated_on": associated_on, "note": note},
    )
    return association


# --- usage imports ---------------------------------------------------------------------------

UNEXPECTED_FAILURE = (
    "The import stopped on an unexpected error; nothing from the file was written. The error "
    "is in the server log."
)
HASH_CHUNK_BYTES = 1024 * 1024


@transaction.atomic
def create_usage_import(
    *,
    acting_user: User | None,
    customer: Customer,
    file_name: str,
    file: File | bytes,
    source: str,
) -> UsageImport:
    """Store a usage report and queue the job importing it (once this transaction commits)."""
    content = file if isinstance(file, File) else ContentFile(file)
    digest = hashlib.sha256()
    size = 0
    content.seek(0)
    for chunk in content.chunks(HASH_CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    content.seek(0)
    record = _new_import(
        acting_user=acting_user,
        customer=customer,
        file_name=file_name,
        size=size,
        content_hash=digest.hexdigest(),
        source=source,
        file=content,
    )
    import_id = record.pk
    transaction.on_commit(lambda: _enqueue_import(import_id))
    return record


def import_usage_file(
    *,
    acting_user: User | None,
    customer: Customer,
    file_name: str,
    content: bytes | Path,
    source: str,
) -> UsageImport:
    """Import a usage report now (CLI, API, Graph pulls), along the job's own code path.

    The record keeps the file's name, size and SHA-256 but not a copy of it: the caller has the
    file (or Graph has it), and copying a report of a million users to disk again would cost
    more than importing it. A bad file does not raise: the record comes back failed, its message
    naming the spot.

    The SHA-256 is computed in a thread while the file is parsed (hashlib lets go of the GIL):
    a sixth of the time of a large import. So whether the file was imported before is known only
    once it is parsed, before anything is written; the record gets its hash then.
    """
    size = content.stat().st_size if isinstance(content, Path) else len(content)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="usage-import-sha256") as pool:
        hashing = pool.submit(_sha256, content)
        record = _new_import(
            acting_user=acting_user,
            customer=customer,
            file_name=file_name,
            size=size,
            content_hash="",
            source=source,
            file=None,
        )
        return _run(record, content, hashing)


def _sha256(content: bytes | Path) -> str:
    if isinstance(content, bytes):
        return hashlib.sha256(content).hexdigest()
    with content.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def run_import(import_id: int) -> UsageImport:
    """The import job, on the stored file: see ``_run``."""
    record = UsageImport.objects.select_related("customer", "created_by").get(pk=import_id)
    return _run(record, None)


def _run(
    record: UsageImport, content: bytes | Path | None, hashing: "Future[str] | None" = None
) -> UsageImport:
    """Parse and merge (progress committed as it goes, for the page polling the record), then
    write the ledger, the usage points and the outcome in one transaction. ``content`` None: the
    stored file. ``hashing``: the SHA-256 of the file still being computed (the record has none
    yet).

    A bad file marks the record failed with the message and writes nothing else. An unexpected
    error does the same with a generic message, is logged, and is raised again for the job runner.
    """
    if record.finished:  # a job delivered twice
        return record
    _progress(record, 1, "Starting", status=ImportStatus.RUNNING, started_at=timezone.now())
    try:
        _import(record, content if content is not None else _stored_content(record), hashing)
    except ImportFailure as failure:
        _finish(
            record,
            status=ImportStatus.FAILED,
            message=str(failure),
            **_hash_of(hashing, default=record.content_hash),
        )
    except Exception:
        logger.exception("Usage import %s (%s) failed", record.pk, record.file_name)
        _finish(
            record,
            status=ImportStatus.FAILED,
            message=UNEXPECTED_FAILURE,
            **_hash_of(hashing, default=record.content_hash),
        )
        raise
    return record


def _hash_of(hashing: "Future[str] | None", *, default: str) -> dict[str, str]:
    """``content_hash`` for ``_finish``, once the hash is computed ({} if it is not pending)."""
    if hashing is None:
        return {}
    try:
        return {"content_hash": hashing.result()}
    except OSError:  # the file went away while it was hashed: the import says why
        return {"content_hash": default}


def _new_import(
    *,
    acting_user: User | None,
    customer: Customer,
    file_name: str,
    size: int,
    content_hash: str,
    source: str,
    file: File | None,
) -> UsageImport:
    """The import record with the file's size and SHA-256 ("": not computed yet) and the file,
    if kept."""
    record = UsageImport(
        customer=customer,
        file_name=file_name[:255],
        size_bytes=size,
        content_hash=content_hash,
        source=source,
        status=ImportStatus.QUEUED,
        created_by=acting_user,
    )
    if file is not None:
        record.file.save(Path(file_name).name or "usage-report", file, save=False)
    record.save()
    return record


def _enqueue_import(import_id: int) -> None:
    from frpdesk.adoption.tasks import run_usage_import

    result = run_usage_import.enqueue(import_id)
    UsageImport.objects.filter(pk=import_id).update(task_id=str(result.id)[:64])


def _progress(record: UsageImport, percent: int, stage: str, **fields: object) -> None:
    """Commit the progress at once (outside any transaction of the import) for the page."""
    fields = {"progressed_at": timezone.now(), **fields}
    record.progress, record.stage = percent, stage[:120]
    for name, value in fields.items():
        setattr(record, name, value)
    UsageImport.objects.filter(pk=record.pk).update(progress=percent, stage=stage[:120], **fields)


def fail_interrupted_imports(now: datetime.datetime) -> int:
    """Fail the imports that stopped moving: a killed or restarted worker leaves its import
    "running" for ever (its data, one transaction, was never saved), and users would wait."""
    cutoff = now - INTERRUPTED_AFTER
    return UsageImport.objects.filter(
        Q(progressed_at__lt=cutoff) | Q(progressed_at__isnull=True, started_at__lt=cutoff),
        status=ImportStatus.RUNNING,
    ).update(
        status=ImportStatus.FAILED,
        stage="Failed",
        finished_at=now,
        message="The import stopped before it finished (its process ended) and saved nothing. "
        "Import the file again.",
    )


def _finish(record: UsageImport, *, status: str, message: str, **fields: object) -> None:
    record.status, record.message = status, message
    record.progress, record.stage = 100, "Done" if status == ImportStatus.DONE else "Failed"
    record.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(record, name, value)
    record.save(
        update_fields=[
            "status",
            "message",
            "progress",
            "stage",
            "finished_at",
            *fields,
        ]
    )


def _stored_content(record: UsageImport) -> bytes | Path:
    if not record.file:
        raise ImportFailure(record.file_name, None, None, "has no stored file to import")
    try:
        return Path(record.file.path)
    except NotImplementedError:  # a storage without local files
        with record.file.open("rb") as stream:
            return stream.read()


def _import(record: UsageImport, content: bytes | Path, hashing: "Future[str] | None") -> None:
    if hashing is None and _imported_before(record):
        return

    def parse_progress(percent: int, stage: str) -> None:
        _progress(record, 2 + percent * 58 // 100, stage)

    try:
        parsed = parse_report(record.file_name, content, progress=parse_progress)
    except ImportFailure:
        # As if the file had been recognised before it was read.
        if hashing is not None and _imported_before(record, hashing):
            return
        raise
    window_days = mau_window_days()
    outcome = _merged_into_ledger(record, parsed, window_days, report_progress=True)
    if hashing is not None and _imported_before(record, hashing):
        return
    _progress(record, 95, "Saving")
    with transaction.atomic():
        # One import of a tenant at a time writes: lock the customer (SQLite locks the whole
        # database at the first write, which this update is).
        UsageImport.objects.filter(pk=record.pk).update(stage="Saving")
        Customer.objects.select_for_update().filter(pk=record.customer_id).exists()
        if _ledger_version(record.customer_id) != outcome.ledger_version:
            # Another import of this tenant finished while this one merged: merge on top of it.
            outcome = _merged_into_ledger(record, parsed, window_days, report_progress=False)
        ledger_changed = _save_ledger(
            record.customer, outcome.merge.frame, outcome.data, parsed.refresh_date
        )
        points_changed = _save_points(record, parsed, outcome.figures)
        changed = ledger_changed or points_changed
        _finish(
            record,
            status=ImportStatus.DONE,
            message=_outcome_message(parsed, outcome.figures, changed),
            report_type=parsed.report_type,
            refresh_date=parsed.refresh_date,
            period_days=parsed.period_days,
            rows=parsed.rows,
            warnings=list(parsed.warnings),
            summary={code: item.as_dict() for code, item in outcome.figures.items()},
            changed=changed,
        )


def _imported_before(record: UsageImport, hashing: "Future[str] | None" = None) -> bool:
    """Finish the record as done, changing nothing, if the tenant imported the same file
    before (``hashing``: the file's hash, still to be stored on the record)."""
    if hashing is not None:
        record.content_hash = _hash_of(hashing, default="")["content_hash"]
        UsageImport.objects.filter(pk=record.pk).update(content_hash=record.content_hash)
    earlier = (
        UsageImport.objects.filter(
            customer_id=record.customer_id,
            content_hash=record.content_hash,
            status=ImportStatus.DONE,
        )
        .exclude(pk=record.pk)
        .order_by("finished_at", "pk")
        .first()
    )
    if earlier is None or not record.content_hash:
        return False
    imported_on = timezone.localdate(earlier.finished_at) if earlier.finished_at else None
    _finish(
        record,
        status=ImportStatus.DONE,
        message=f"Already imported on {imported_on} ({earlier.file_name}); nothing changed.",
        report_type=earlier.report_type,
        refresh_date=earlier.refresh_date,
        period_days=earlier.period_days,
        rows=earlier.rows,
        warnings=earlier.warnings,
        summary=earlier.summary,
        changed=False,
    )
    return True


@dataclass(frozen=True)
class _MergeOutcome:
    ledger_version: datetime.datetime | None  # ``updated_at`` of the ledger merged into
    merge: ledger.Merge
    figures: dict[str, ledger.WorkloadFigures]
    data: bytes | None  # the new ledger as Parquet; None when unchanged


def _ledger_version(customer_id: int) -> datetime.datetime | None:
    return (
        ActivityLedger.objects.filter(customer_id=customer_id)
        .values_list("updated_at", flat=True)
        .first()
    )


def _merged_into_ledger(
    record: UsageImport, parsed: ParsedReport, window_days: int, *, report_progress: bool
) -> _MergeOutcome:
    def stage(percent: int, name: str) -> None:
        if report_progress:
            _progress(record, percent, name)

    stage(65, "Merging the users into the tenant's ledger")
    stored = ActivityLedger.objects.filter(customer_id=record.customer_id).first()
    merge = ledger.merge(ledger.read(stored.data if stored else None), parsed)
    stage(80, "Counting active users")
    figures = ledger.usage_figures(parsed, merge.frame, window_days)
    stage(85, "Writing the ledger")
    data = ledger.write(merge.frame) if merge.changed else None
    return _MergeOutcome(stored.updated_at if stored else None, merge, figures, data)


def _save_ledger(
    customer: Customer, frame: pl.DataFrame, data: bytes | None, refresh_date: datetime.date
) -> bool:
    """Store the merged ledger (``data`` None: unchanged); returns whether anything changed."""
    stored = ActivityLedger.objects.filter(customer=customer).only("newest_refresh_date").first()
    newest = refresh_date
    if stored is not None and stored.newest_refresh_date:
        newest = max(stored.newest_refresh_date, refresh_date)
    moved_on = stored is None or stored.newest_refresh_date != newest
    if data is None:
        if stored is not None and moved_on:
            ActivityLedger.objects.filter(pk=stored.pk).update(newest_refresh_date=newest)
        return stored is not None and moved_on
    values = {
        "users": frame.height,
        "concealed_users": int(frame.get_column("concealed").sum()),
        "newest_refresh_date": newest,
    }
    if stored is None:
        ActivityLedger.objects.create(customer=customer, data=b"", **values)
    else:  # an update that does not read the old blob back first
        ActivityLedger.objects.filter(pk=stored.pk).update(updated_at=timezone.now(), **values)
    _write_ledger_data(customer.pk, data)
    return True


def _write_ledger_data(customer_id: int, data: bytes) -> None:
    if connection.vendor != "postgresql":
        ActivityLedger.objects.filter(customer_id=customer_id).update(data=data)
        return
    # Django binds parameters on the client, which sends bytes as escaped text: for the ledger
    # of a million users that takes three times as long as psycopg's binary parameter (%b).
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"UPDATE {ActivityLedger._meta.db_table} SET data = %b WHERE customer_id = %s",
            [data, customer_id],
        )


def _save_points(
    record: UsageImport, parsed: ParsedReport, figures: dict[str, ledger.WorkloadFigures]
) -> bool:
    """Upsert the usage point of every workload the report covers; returns whether any changed."""
    workloads = Workload.objects.in_bulk(list(parsed.workloads), field_name="code")
    points = {
        point.workload.code: point
        for point in UsagePoint.objects.select_related("workload").filter(
            customer_id=record.customer_id,
            workload__code__in=parsed.workloads,
            refresh_date=parsed.refresh_date,
        )
    }
    changed: list[UsagePoint] = []
    for code in parsed.workloads:
        item = figures[code]
        point = points.get(code)
        if point is None or point.source != UsageSource.REPORT:
            point = point or UsagePoint(
                customer_id=record.customer_id,
                workload=workloads[code],
                refresh_date=parsed.refresh_date,
            )
            point.source = UsageSource.REPORT
            values = (item.mau, item.licensed, item.active_in_period, parsed.period_days)
        else:
            # Two reports can give a workload on the same refresh date (the Office 365 active
            # users report and the Email activity report both give Exchange): each count keeps
            # the larger, so the point is the same whatever order they come in, and again on
            # re-import.
            values = (
                max(point.mau, item.mau),
                _larger(point.licensed, item.licensed),
                _larger(point.active_in_period, item.active_in_period),
                _larger(point.period_days, parsed.period_days),
            )
            if values == (point.mau, point.licensed, point.active_in_period, point.period_days):
                points[code] = point
                continue
        point.mau, point.licensed, point.active_in_period, point.period_days = values
        point.usage_import, point.entered_by = record, record.created_by
        points[code] = point
        changed.append(point)
    history = workload_pau_history([record.customer_id]).get(record.customer_id, [])
    changed += [
        point for point in apply_pau(list(points.values()), history) if point not in changed
    ]
    for point in changed:
        point.save()
    return bool(changed)


def _larger(first: int | None, second: int | None) -> int | None:
    return max((value for value in (first, second) if value is not None), default=None)


def _outcome_message(
    parsed: ParsedReport, figures: dict[str, ledger.WorkloadFigures], changed: bool
) -> str:
    names = dict(Workload.objects.filter(code__in=parsed.workloads).values_list("code", "name"))
    mau = ", ".join(
        f"{names.get(code, code)} MAU {figures[code].mau:,}" for code in parsed.workloads
    )
    message = f"{parsed.users:,} users, refresh date {parsed.refresh_date.isoformat()}: {mau}."
    if not changed:
        message += " Nothing changed: the tenant's figures already included this report."
    return message
