"""Running a deployment: backups and restores, the health check, audit-log retention.

Backups (``frpdesk backup FILE`` / ``frpdesk restore FILE``) are one gzip-compressed JSON-lines
document, the same for SQLite and PostgreSQL, so that a backup moves between them:

* line 1, the header: ``{"format": "frpdesk-backup", "format_version": 1, "frpdesk_version": …,
  "created_at": …, "database": "sqlite", "migrations": [["accounts", "0001_initial"], …]}``;
* for each table of every installed model (many-to-many tables included), a line
  ``{"table": "customers_customer", "model": "customers.customer", "columns": ["id", …]}`` and
  then one JSON array per row, its values in the order of ``columns``;
* last, ``{"end": {"rows": {"customers_customer": 120, …}}}``: a file without it is truncated.

Values are the *stored* values, converted by Django's fields into a form independent of the
database: dates and times in ISO 8601 (aware, to the microsecond), decimals and UUIDs as text,
binary data in base64, JSON columns as their JSON text (SQL NULL is ``null``, JSON null is
``"null"``). Field-level conversions (``from_db_value``, ``get_prep_value``) are bypassed, so
encrypted columns stay encrypted in the file and come back byte for byte. Django's own
``dumpdata`` is not used: its JSON truncates times to milliseconds, it would decrypt secrets,
reads many-to-many relations one object at a time and saves rows one by one with signals.
"""

from __future__ import annotations

import base64
import copy
import datetime
import gzip
import io
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import Value
from django.utils import timezone
from django.utils.duration import duration_string

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

BACKUP_FORMAT = "frpdesk-backup"
BACKUP_FORMAT_VERSION = 1
# Rows fetched and inserted per round trip; fewer for tables holding files.
CHUNK_ROWS = 2000
CHUNK_ROWS_WITH_FILES = 20


def _quiet(message: str) -> None:
    """The default progress callback: say nothing."""


def _rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


def frpdesk_version() -> str:
    try:
        return version("frpdesk")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "unknown"


# --- tables ----------------------------------------------------------------------------------


class BackupError(Exception):
    """A backup or restore refused; ``exit_code`` is what ``frpdesk restore`` exits with."""

    exit_code = 1


class NotABackup(BackupError):
    """The file is not a (complete, readable) frpdesk backup."""


class MigrationsMismatch(BackupError):
    exit_code = 3


class DatabaseInUse(BackupError):
    exit_code = 4


def _storage_field(model_field: models.Field[Any, Any]) -> models.Field[Any, Any]:
    """The field as its column stores it: a copy of the nearest Django field class.

    A project field (``EncryptedTextField``, ``StringListField``, django-countries'
    ``CountryField``) converts values on their way to the database; a restore writes the values
    as they were stored, so it goes through the plain Django class beneath (``TextField``…).
    """
    cls = next(c for c in type(model_field).__mro__ if c.__module__.startswith("django.db.models."))
    if cls is type(model_field):
        return model_field
    clone = copy.copy(model_field)
    clone.__dict__.pop("cached_col", None)
    clone.__class__ = cls
    return clone


@dataclass
class Table:
    """One database table of a model (or of a many-to-many relation) and its columns."""

    model: type[models.Model]
    name: str
    fields: list[models.Field[Any, Any]]
    has_files: bool = field(init=False)

    def __post_init__(self) -> None:
        self.has_files = any(f.get_internal_type() == "BinaryField" for f in self.fields)

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields]

    @property
    def chunk_rows(self) -> int:
        return CHUNK_ROWS_WITH_FILES if self.has_files else CHUNK_ROWS


def backup_tables(connection: BaseDatabaseWrapper) -> list[Table]:
    """Every table of an installed, managed model (many-to-many tables included) that exists."""
    existing = set(connection.introspection.table_names())
    tables: dict[str, Table] = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if not opts.managed or opts.proxy or opts.swapped or opts.db_table not in existing:
            continue
        if opts.db_table not in tables:
            tables[opts.db_table] = Table(model, opts.db_table, list(opts.local_concrete_fields))
    return [tables[name] for name in sorted(tables)]


def applied_migrations(connection: BaseDatabaseWrapper) -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


# --- values --------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    """A stored value (after the database backend's own conversions) as a JSON value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime.timedelta):
        return duration_string(value)
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


# Columns whose JSON values are already what the database takes (text, numbers, booleans).
_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "BooleanField",
        "FloatField",
        "CharField",
        "TextField",
        "SlugField",
    }
)


def _plain(model_field: models.Field[Any, Any]) -> bool:
    """Whether the column holds text, numbers or booleans that JSON keeps as they are."""
    storage = _storage_field(model_field)
    stored = storage.target_field if storage.is_relation else storage  # type: ignore[attr-defined]
    return stored.get_internal_type() in _AS_IS and _storage_field(stored) is stored


def _reader(
    model_field: models.Field[Any, Any], table: str, connection: BaseDatabaseWrapper
) -> Callable[[Any], Any] | None:
    """Stored value → JSON value: the backend's converters only (not ``from_db_value``);
    ``None`` when the value needs no conversion."""
    column = model_field.get_col(table)
    converters = connection.ops.get_db_converters(column)
    if not converters:
        return None if _plain(model_field) else _encode

    def read(value: Any) -> Any:
        for converter in converters:
            value = converter(value, column, connection)
        return _encode(value)

    return read


# What PostgreSQL's COPY parses from the backup's text itself (ISO 8601 dates and times,
# decimals, UUIDs, JSON text, addresses), exactly as the column's type reads it.
_COPY_AS_TEXT = frozenset(
    {
        "DateTimeField",
        "DateField",
        "TimeField",
        "DecimalField",
        "UUIDField",
        "JSONField",
        "GenericIPAddressField",
    }
)


def _writer(
    model_field: models.Field[Any, Any], connection: BaseDatabaseWrapper, *, copy: bool
) -> Callable[[Any], Any] | None:
    """JSON value → query parameter for the column; ``None`` when the value is the parameter
    (``copy``: for PostgreSQL's COPY, which reads text)."""
    if _plain(model_field):
        return None
    storage = _storage_field(model_field)
    stored = storage.target_field if storage.is_relation else storage  # type: ignore[attr-defined]
    if copy and stored.get_internal_type() in _COPY_AS_TEXT and _storage_field(stored) is stored:
        return None
    if storage.get_internal_type() == "JSONField":
        json_null = Value(None, models.JSONField())

        def write_json(value: Any) -> Any:
            if value is None:
                return None
            decoded = json.loads(value)
            return storage.get_db_prep_save(json_null if decoded is None else decoded, connection)

        return write_json

    def write(value: Any) -> Any:
        if value is None:
            return None
        return storage.get_db_prep_save(storage.to_python(value), connection)

    return write


# --- backup --------------------------------------------------------------------------------


@dataclass
class Outcome:
    tables: int
    rows: int
    seconds: float
    bytes: int = 0


def backup(path: Path, *, progress: Progress = _quiet, using: str = DEFAULT_DB_ALIAS) -> Outcome:
    """Write every row of every table to ``path`` (a consistent snapshot; mode 0600).

    The file is written next to ``path`` and renamed at the end, so that a failed backup never
    leaves a truncated file behind under the expected name.
    """
    started = time.perf_counter()
    connection = connections[using]
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with (
            open(descriptor, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6) as compressed,
            io.TextIOWrapper(compressed, encoding="utf-8", newline="\n") as out,
        ):
            tables, rows = _write_backup(out, connection, using, progress)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    size = path.stat().st_size
    logger.info("Backup of %d rows in %d tables written to %s (%d bytes)", rows, tables, path, size)
    return Outcome(tables, rows, time.perf_counter() - started, size)


def _write_backup(
    out: IO[str], connection: BaseDatabaseWrapper, using: str, progress: Progress
) -> tuple[int, int]:
    def line(item: Any) -> None:
        out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")

    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            # One snapshot for every table, as pg_dump takes it.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        line(
            {
                "format": BACKUP_FORMAT,
                "format_version": BACKUP_FORMAT_VERSION,
                "frpdesk_version": frpdesk_version(),
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "migrations": applied_migrations(connection),
            }
        )
        counts: dict[str, int] = {}
        tables = backup_tables(connection)
        for table in tables:
            line(
                {
                    "table": table.name,
                    "model": table.model._meta.label_lower,
                    "columns": table.columns,
                }
            )
            count = 0
            for row in _table_rows(table, connection):
                line(row)
                count += 1
            counts[table.name] = count
            if count:
                progress(f"  {table.name}: {_rows(count)}")
        line({"end": {"rows": counts}})
    return len(tables), sum(counts.values())


def _table_rows(table: Table, connection: BaseDatabaseWrapper) -> Iterator[list[Any]]:
    readers = [
        (position, converter)
        for position, model_field in enumerate(table.fields)
        if (converter := _reader(model_field, table.name, connection)) is not None
    ]
    quote = connection.ops.quote_name
    sql = "SELECT {} FROM {} ORDER BY {}".format(
        ", ".join(quote(column) for column in table.columns),
        quote(table.name),
        quote(table.model._meta.pk.column),
    )
    with connection.chunked_cursor() as cursor:  # server-side on PostgreSQL
        cursor.execute(sql)
        while chunk := cursor.fetchmany(table.chunk_rows):
            for row in chunk:
                values = list(row)
                for position, read in readers:
                    values[position] = read(values[position])
                yield values


# --- restore -------------------------------------------------------------------------------


HEADER_MAX_CHARS = 16 * 1024 * 1024


def read_header(path: Path) -> dict[str, Any]:
    """The header of a backup file; raises NotABackup for anything else."""
    with _open_backup(path) as stream:
        return _read_header(stream, path)


def _open_backup(path: Path) -> IO[str]:
    return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")


def _read_header(stream: IO[str], path: Path) -> dict[str, Any]:
    try:
        header = json.loads(stream.readline(HEADER_MAX_CHARS))
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        raise NotABackup(
            f"{path} is not a frpdesk backup (not a gzip-compressed JSON lines file)."
        ) from exc
    if not isinstance(header, dict) or header.get("format") != BACKUP_FORMAT:
        raise NotABackup(f"{path} is not a frpdesk backup (no frpdesk-backup header).")
    format_version = header.get("format_version")
    if not isinstance(format_version, int) or format_version > BACKUP_FORMAT_VERSION:
        raise NotABackup(
            f"{path} has backup format version {format_version!r}; this frpdesk reads version "
            f"{BACKUP_FORMAT_VERSION}. Restore it with the frpdesk version that wrote it "
            f"({header.get('frpdesk_version', 'unknown')}) or a newer one."
        )
    migrations = header.get("migrations")
    if not isinstance(migrations, list) or not all(
        isinstance(item, list) and len(item) == 2 for item in migrations
    ):
        raise NotABackup(f"{path} is not a frpdesk backup (no list of migrations).")
    return header


def check_migrations(header: dict[str, Any], connection: BaseDatabaseWrapper) -> None:
    """Refuse a backup whose applied migrations differ from the database's."""
    theirs = {(str(app), str(name)) for app, name in header["migrations"]}
    ours = {(app, name) for app, name in applied_migrations(connection)}
    if theirs == ours:
        return

    def shown(items: set[tuple[str, str]]) -> str:
        listed = ", ".join(f"{app}.{name}" for app, name in sorted(items)[:3])
        return listed + (f" and {len(items) - 3} more" if len(items) > 3 else "")

    problems = []
    if theirs - ours:
        problems.append(f"the backup has migrations this database lacks ({shown(theirs - ours)})")
    if ours - theirs:
        problems.append(f"this database has migrations the backup lacks ({shown(ours - theirs)})")
    raise MigrationsMismatch(
        "The backup does not fit this database: "
        + "; ".join(problems)
        + f". It was written by frpdesk {header.get('frpdesk_version', 'unknown')}: restore it "
        "into a database migrated by that version (`frpdesk migrate`). Nothing was changed."
    )


def database_in_use(using: str = DEFAULT_DB_ALIAS) -> bool:
    """A database with user accounts is in use; a freshly migrated one has none."""
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.using(using).exists()


def restore(
    path: Path, *, force: bool = False, progress: Progress = _quiet, using: str = DEFAULT_DB_ALIAS
) -> Outcome:
    """Replace every row of every table with the backup's, in one transaction.

    Refuses (``BackupError``, nothing changed) a file that is not a complete frpdesk backup, one
    whose migrations differ from the database's, and — without ``force`` — a database in use.
    Primary keys are kept; PostgreSQL's sequences are then moved past the restored keys.
    """
    started = time.perf_counter()
    connection = connections[using]
    with _open_backup(path) as stream:
        header = _read_header(stream, path)
        check_migrations(header, connection)
        if not force and database_in_use(using):
            raise DatabaseInUse(
                "The database has user accounts: it is in use, and a restore replaces everything "
                "in it. Add --force to replace it. Nothing was changed."
            )
        tables = {table.name: table for table in backup_tables(connection)}
        try:
            with transaction.atomic(using=using):
                _empty_tables(connection, tables)
                counts = _load_rows(stream, tables, connection, progress)
                connection.check_constraints(table_names=list(tables))
                statements = connection.ops.sequence_reset_sql(
                    no_style(), [table.model for table in tables.values()]
                )
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
        except (OSError, EOFError, ValueError, TypeError, ValidationError) as exc:
            raise NotABackup(
                f"{path} is damaged or truncated ({exc}). Nothing was changed."
            ) from exc
        except DatabaseError as exc:
            raise BackupError(
                f"The rows of {path} do not load into this database ({exc}). Nothing was changed."
            ) from exc
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # the ids of the backup now
    rows = sum(counts.values())
    logger.info("Restored %d rows in %d tables from %s", rows, len(counts), path)
    return Outcome(len(counts), rows, time.perf_counter() - started, path.stat().st_size)


# PostgreSQL: TRUNCATE costs about 10 ms a table whatever its size, DELETE costs by the row.
TRUNCATE_FROM_ROWS = 10_000


def _empty_tables(connection: BaseDatabaseWrapper, tables: dict[str, Table]) -> None:
    """Delete every row of every table (foreign keys are deferred: any order will do)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # SQLite's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at the end.
            for statement in connection.ops.sql_flush(no_style(), list(tables)):
                cursor.execute(statement)
            return
        # TRUNCATE refuses tables with foreign-key checks still pending in this transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Nobody reads or writes a table until the restore is committed (or rolled back).
        cursor.execute(
            f"LOCK TABLE {', '.join(quote(name) for name in tables)} IN ACCESS EXCLUSIVE MODE"
        )
        big = []
        for name in tables:
            cursor.execute(f"SELECT 1 FROM {quote(name)} LIMIT 1 OFFSET {TRUNCATE_FROM_ROWS}")
            if cursor.fetchone():
                big.append(name)
        # Big tables are truncated, with every table that references them (TRUNCATE's rule).
        referencing: dict[str, set[str]] = {}
        for table in tables.values():
            for model_field in table.fields:
                if model_field.is_relation and model_field.related_model is not None:
                    target = model_field.related_model._meta.db_table  # type: ignore[union-attr]
                    referencing.setdefault(target, set()).add(table.name)
        truncated: set[str] = set()
        while big:
            name = big.pop()
            if name not in truncated:
                truncated.add(name)
                big.extend(referencing.get(name, ()))
        if truncated:
            for statement in connection.ops.sql_flush(no_style(), sorted(truncated)):
                cursor.execute(statement)
        # Rows load table by table: references are checked once all are in.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name in tables:
            if name not in truncated:
                cursor.execute(f"DELETE FROM {quote(name)}")


def _load_rows(
    stream: IO[str],
    tables: dict[str, Table],
    connection: BaseDatabaseWrapper,
    progress: Progress,
) -> dict[str, int]:
    counts: dict[str, int] = {}
    table: Table | None = None
    writers: list[tuple[int, Callable[[Any], Any]]] = []
    width = 0
    batch: list[list[Any]] = []
    insert: Callable[[list[list[Any]]], None]
    with connection.cursor() as cursor:
        copy = _copies(cursor, connection)

        def flush() -> None:
            if batch:
                insert(batch)
                batch.clear()

        def finish_table() -> None:
            flush()
            if table is not None and counts[table.name]:
                progress(f"  {table.name}: {_rows(counts[table.name])}")

        for text in stream:
            item = json.loads(text)
            if isinstance(item, list):
                if table is None or len(item) != width:
                    raise ValueError("a row that belongs to no table or has the wrong length")
                for position, write in writers:
                    item[position] = write(item[position])
                batch.append(item)
                counts[table.name] += 1
                if len(batch) >= table.chunk_rows:
                    flush()
                continue
            if not isinstance(item, dict):
                raise ValueError("a line that is neither a row nor a table")
            finish_table()
            if "end" in item:
                return _check_end(item["end"], counts, tables)
            name = item.get("table")
            if name not in tables:
                raise BackupError(
                    f"The backup has a table this installation does not have: {name!r}. "
                    "Nothing was changed."
                )
            if name in counts:
                raise ValueError(f"table {name} appears twice")
            table = tables[name]
            by_column = {f.column: f for f in table.fields}
            columns = item.get("columns")
            if not isinstance(columns, list) or sorted(columns) != sorted(by_column):
                raise BackupError(
                    f"The columns of {name} in the backup differ from this database's. "
                    "Nothing was changed."
                )
            writers = [
                (position, converter)
                for position, column in enumerate(columns)
                if (converter := _writer(by_column[column], connection, copy=copy)) is not None
            ]
            width = len(columns)
            insert = _inserter(cursor, connection, name, columns)
            counts[name] = 0
    raise ValueError("the file ends before its end marker")


def _copies(cursor: Any, connection: BaseDatabaseWrapper) -> bool:
    """Whether rows are loaded with COPY: on PostgreSQL with psycopg 3."""
    return connection.vendor == "postgresql" and hasattr(getattr(cursor, "cursor", None), "copy")


def _inserter(
    cursor: Any, connection: BaseDatabaseWrapper, table: str, columns: list[str]
) -> Callable[[list[list[Any]]], None]:
    """Inserts rows of ``table``: with COPY on PostgreSQL (psycopg 3), else ``executemany``."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    if _copies(cursor, connection):
        raw = cursor.cursor
        statement = f"COPY {quote(table)} ({names}) FROM STDIN"

        def copy_rows(rows: list[list[Any]]) -> None:
            with connection.wrap_database_errors, raw.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)

        return copy_rows
    sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"

    def insert_rows(rows: list[list[Any]]) -> None:
        cursor.executemany(sql, rows)

    return insert_rows


def _check_end(end: Any, counts: dict[str, int], tables: dict[str, Table]) -> dict[str, int]:
    if not isinstance(end, dict) or end.get("rows") != counts:
        raise ValueError("the rows read differ from the counts of the end marker")
    missing = sorted(set(tables) - set(counts))
    if missing:
        raise BackupError(
            f"The backup lacks tables of this installation: {', '.join(missing[:5])}. "
            "Nothing was changed."
        )
    return counts


# --- health ----------------------------------------------------------------------------------

HEARTBEAT_STALE_AFTER = datetime.timedelta(minutes=3)
HEARTBEAT_FORGOTTEN_AFTER = datetime.timedelta(days=1)
JOB_WAITING_AFTER = datetime.timedelta(minutes=5)


def worker_name() -> str:
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def record_heartbeat(worker: str, *, now: datetime.datetime | None = None) -> None:
    """The worker is alive; forgets workers silent for a day (stopped or killed)."""
    from frpdesk.core.models import WorkerHeartbeat

    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker=worker,
        defaults={"beat_at": now},
        create_defaults={"started_at": now, "beat_at": now},
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - HEARTBEAT_FORGOTTEN_AFTER).delete()


def forget_heartbeat(worker: str) -> None:
    from frpdesk.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker=worker).delete()


def health(
    *, now: datetime.datetime | None = None, using: str = DEFAULT_DB_ALIAS
) -> tuple[int, dict[str, Any]]:
    """The HTTP status and the JSON body of ``/health/``.

    200 ``ok`` when the database answers, a worker beat within 3 minutes and no job has waited
    more than 5 minutes; 200 ``degraded`` when the database answers but the worker or the queue
    is not right (the web application still serves); 503 ``error`` when the database fails.
    """
    now = now or timezone.now()
    started = time.perf_counter()
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database does not answer")
        return 503, {
            "status": "error",
            "database": {"status": "error"},
            "worker": {"status": "unknown"},
            "jobs": {"status": "unknown"},
        }
    database = {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}
    worker = _worker_health(now)
    jobs = _jobs_health(now)
    healthy = worker["status"] == "ok" and jobs["status"] in {"ok", "not_checked"}
    return 200, {
        "status": "ok" if healthy else "degraded",
        "database": database,
        "worker": worker,
        "jobs": jobs,
    }


def _worker_health(now: datetime.datetime) -> dict[str, Any]:
    from frpdesk.core.models import WorkerHeartbeat

    try:
        last = WorkerHeartbeat.objects.aggregate(last=models.Max("beat_at"))["last"]
    except DatabaseError:
        logger.exception("Health check: cannot read the worker heartbeat")
        return {"status": "unknown", "last_heartbeat_seconds": None}
    if last is None:
        return {"status": "missing", "last_heartbeat_seconds": None}
    age = max(0, round((now - last).total_seconds()))
    status = "ok" if now - last <= HEARTBEAT_STALE_AFTER else "stale"
    return {"status": status, "last_heartbeat_seconds": age}


def _jobs_health(now: datetime.datetime) -> dict[str, Any]:
    """Jobs of the database queue due for more than 5 minutes and still not started."""
    minutes = int(JOB_WAITING_AFTER.total_seconds() // 60)
    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
        return {"status": "not_checked", "waiting": None, "waiting_minutes": minutes}
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    threshold = now - JOB_WAITING_AFTER
    try:
        waiting = (
            DBTaskResult.objects.filter(status=TaskResultStatus.READY)
            .filter(
                Q(run_after=get_date_max(), enqueued_at__lt=threshold) | Q(run_after__lt=threshold)
            )
            .count()
        )
    except DatabaseError:
        logger.exception("Health check: cannot count the waiting jobs")
        return {"status": "unknown", "waiting": None, "waiting_minutes": minutes}
    return {
        "status": "ok" if not waiting else "late",
        "waiting": waiting,
        "waiting_minutes": minutes,
    }


# --- audit-log retention ---------------------------------------------------------------------


@dataclass
class Purge:
    cutoff: datetime.datetime
    deleted: int
    kept: int
    dry_run: bool


def purge_audit_log(
    *,
    older_than_days: int,
    batch_size: int = 1000,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
) -> Purge:
    """Delete audit-log entries older than the cutoff, in batches of one transaction each.

    Kept whatever their age: every object's creation entries and its last change (the latest
    update or deletion entry), so that the log still tells who created each object and its last
    known state. Everything else older than the cutoff goes: intermediate updates and
    access entries.
    """
    from auditlog.models import LogEntry

    if older_than_days < 1 or batch_size < 1:
        raise ValueError("older_than_days and batch_size must be at least 1")
    cutoff = (now or timezone.now()) - datetime.timedelta(days=older_than_days)
    old = LogEntry.objects.filter(timestamp__lt=cutoff)
    changes = (LogEntry.Action.UPDATE, LogEntry.Action.DELETE)
    later_change = LogEntry.objects.filter(
        content_type_id=OuterRef("content_type_id"),
        object_pk=OuterRef("object_pk"),
        action__in=changes,
    ).filter(
        Q(timestamp__gt=OuterRef("timestamp"))
        | Q(timestamp=OuterRef("timestamp"), pk__gt=OuterRef("pk"))
    )
    purgeable = old.exclude(action=LogEntry.Action.CREATE).filter(
        Q(action=LogEntry.Action.ACCESS) | Exists(later_change)
    )
    old_count = old.count()
    if dry_run:
        deleted = purgeable.count()
        return Purge(cutoff, deleted, old_count - deleted, dry_run=True)
    deleted = 0
    last_pk = 0
    while True:
        ids = list(
            purgeable.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        last_pk = ids[-1]
        with transaction.atomic():
            # The conditions again, in the deleting transaction: still right if the log changed.
            count, _ = purgeable.filter(pk__in=ids).delete()
        deleted += count
        if len(ids) < batch_size:
            break
    logger.info("Audit log: deleted %d entries older than %s", deleted, cutoff.isoformat())
    return Purge(cutoff, deleted, old_count - deleted, dry_run=False)
