#!/usr/bin/env python
"""Benchmark: ``frpdesk backup`` and ``frpdesk restore`` of a database with the demo data.

    .venv/bin/python benchmarks/backup_roundtrip.py                         # SQLite
    .venv/bin/python benchmarks/backup_roundtrip.py --database-url postgres
    .venv/bin/python benchmarks/backup_roundtrip.py --move-to postgres      # SQLite → PostgreSQL

Creates a throwaway database, loads the demo data (``load_demo``: users, partner, customers,
engagements, quotes, a generated and a signed SOW, claims…) and generates ``--tenants`` more
customers (tags, one licence snapshot of 8 SKUs each) and ``--audit`` audit-log entries, then
times ``frpdesk.core.operations.backup`` (the file, gzip level 6) and ``restore`` of that file
over the same database. Prints rows, tables, file size and seconds, and checks that every table
holds the same rows after the restore as before (a SHA-256 of each table's rows in primary-key
order) and that a new row can be inserted (the sequences follow the restored keys).

``--move-to URL`` also restores the file into a second throwaway database (another vendor, say),
backs that one up and compares both backups row by row: a backup moves between SQLite and
PostgreSQL without losing or changing anything.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gzip
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import _benchlib as bench


def table_digests() -> dict[str, tuple[int, str]]:
    """Per table: (rows, SHA-256 of its rows as the database returns them, in pk order)."""
    from django.db import connection

    from frpdesk.core.operations import backup_tables

    digests = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in backup_tables(connection):
            pk = quote(table.model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {quote(table.name)} ORDER BY {pk}")
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                digest.update(
                    repr([bytes(v) if isinstance(v, memoryview) else v for v in row]).encode()
                )
                count += 1
            digests[table.name] = (count, digest.hexdigest())
    return digests


def generate_audit_entries(count: int, seed: int) -> None:
    """Audit-log entries as the application writes them: updates of customers, with changes."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from frpdesk.customers.models import Customer

    rng = random.Random(seed)
    content_type = ContentType.objects.get_for_model(Customer)
    ids = list(Customer.objects.values_list("pk", flat=True))
    now = timezone.now()
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(pk),
                object_id=pk,
                object_repr=f"Customer {pk}",
                action=LogEntry.Action.UPDATE,
                changes={"segment": ["smb", "enterprise"], "notes": ["", f"call back {index}"]},
                changes_text="",
                remote_addr="192.0.2.10",
                cid=f"{rng.getrandbits(64):016x}",
                timestamp=now - datetime.timedelta(seconds=rng.randint(0, 400 * 86400)),
            )
            for index, pk in enumerate(rng.choices(ids, k=count))
        ],
        batch_size=2000,
    )


def backup_rows(path: Path) -> Iterator[tuple[str, list[Any]]]:
    """(table, row) of a backup file, JSON columns parsed (their text differs by database)."""
    from django.apps import apps

    table = ""
    json_positions: list[int] = []
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        next(stream)  # the header differs (time, database)
        for line in stream:
            item = json.loads(line)
            if isinstance(item, dict):
                if "end" in item:
                    return
                table = item["table"]
                model = apps.get_model(item["model"])
                by_column = {f.column: f for f in model._meta.local_concrete_fields}
                json_positions = [
                    i
                    for i, column in enumerate(item["columns"])
                    if by_column[column].get_internal_type() == "JSONField"
                ]
                continue
            for i in json_positions:
                if item[i] is not None:
                    item[i] = json.loads(item[i])
            yield table, item


@contextlib.contextmanager
def second_database(url: str) -> Iterator[str]:
    """A second throwaway database under the alias "moved", migrated; dropped afterwards."""
    from django.core.management import call_command
    from django.db import connections

    from frpdesk.env import parse_database_url

    url = bench.DEFAULT_POSTGRES_URL if url == "postgres" else url
    created: tuple[dict[str, Any], str] | None = None
    temp_dir = Path(tempfile.mkdtemp(prefix="frpdesk-bench-move-"))
    if url.startswith("postgres"):
        import psycopg
        from psycopg import sql

        parts = urlsplit(url)
        name = parts.path.lstrip("/") or f"frpdesk_bench_move_{os.getpid()}"
        url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
        admin = bench._postgres_admin_kwargs(url)
        with psycopg.connect(**admin) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created = (admin, name)
    elif not url:
        url = f"sqlite:///{temp_dir / 'moved.sqlite3'}"
    try:
        connections.settings["moved"] = {
            **connections.settings["default"],
            **parse_database_url(url),
        }
        for key in ("ATOMIC_REQUESTS", "AUTOCOMMIT", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
            connections.settings["moved"].setdefault(key, connections.settings["default"][key])
        call_command("migrate", database="moved", verbosity=0, interactive=False)
        yield "moved"
    finally:
        with contextlib.suppress(Exception):
            connections["moved"].close()
        if created is not None:
            import psycopg
            from psycopg import sql

            admin, name = created
            with psycopg.connect(**admin) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        for path in temp_dir.iterdir():
            path.unlink()
        temp_dir.rmdir()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tenants", type=int, default=1000, help="generated customers (default 1000)"
    )
    parser.add_argument(
        "--audit", type=int, default=5000, help="generated audit-log entries (default 5000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--move-to",
        metavar="URL",
        help="also restore into this second throwaway database ('postgres', a URL, or '' for "
        "SQLite) and compare its backup with the first",
    )
    bench.add_database_argument(parser)
    args = parser.parse_args(argv)

    with bench.throwaway_database(args.database_url) as database:
        from django.db import connection

        from frpdesk.core.demo import load_demo
        from frpdesk.core.operations import backup, restore
        from frpdesk.customers.models import Tag

        started = time.perf_counter()
        load_demo()
        tags = [Tag.objects.get_or_create(name=f"Bench tag {i}")[0] for i in range(8)]
        generated = bench.generate_tenants(args.tenants, seed=args.seed, tags=tags)
        generate_audit_entries(args.audit, args.seed)
        print(
            f"[setup] demo data, {args.tenants:,} generated tenants ({generated.lines:,} licence "
            f"lines), {args.audit:,} audit entries in {time.perf_counter() - started:.1f} s "
            "(not timed)"
        )
        before = table_digests()
        rows = sum(count for count, _ in before.values())
        failed = False
        with tempfile.TemporaryDirectory(prefix="frpdesk-bench-backup-") as directory:
            path = Path(directory) / "frpdesk-backup.json.gz"
            taken = backup(path)
            restored = restore(path, force=True)
            after = table_digests()
            changed = sorted(name for name in before if before[name] != after.get(name))
            tag = Tag.objects.create(name="After the restore")  # a fresh id from the sequence
            megabytes = taken.bytes / 1_000_000
            print(
                f"backup/restore: {database.label}, {rows:,} rows in {taken.tables} tables: "
                f"backup {taken.seconds:.2f} s ({rows / taken.seconds:,.0f} rows/s), file "
                f"{megabytes:.1f} MB (gzip); restore {restored.seconds:.2f} s "
                f"({rows / restored.seconds:,.0f} rows/s)"
            )
            if changed or restored.rows != rows or taken.rows != rows:
                print(f"  sanity FAILED: tables differ after the restore: {', '.join(changed)}")
                failed = True
            else:
                print(
                    "  sanity: every table holds the same rows after the restore; a new row "
                    f"got id {tag.pk} after the restored maximum"
                )
            if args.move_to is not None:
                with second_database(args.move_to) as alias:
                    from django.db import connections

                    moved_vendor = connections[alias].vendor
                    moved = restore(path, using=alias)
                    again = Path(directory) / "moved.json.gz"
                    backup(again, using=alias)
                    source_rows = list(backup_rows(path))
                    moved_rows = list(backup_rows(again))
                    same = source_rows == moved_rows
                    if not same:
                        for ours, theirs in zip(source_rows, moved_rows, strict=False):
                            if ours != theirs:
                                print(f"  first difference:\n    {ours}\n    {theirs}")
                                break
                    print(
                        f"  moved to {moved_vendor}: restore {moved.seconds:.2f} s; its backup "
                        + ("has the same rows, row by row" if same else "DIFFERS (FAILED)")
                    )
                    failed = failed or not same
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        connection.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
