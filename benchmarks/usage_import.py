#!/usr/bin/env python
"""Benchmark: import a 1,000,000-row Office365ActiveUserDetail report end to end.

    .venv/bin/python benchmarks/usage_import.py                       # SQLite and PostgreSQL
    .venv/bin/python benchmarks/usage_import.py --rows 100000 --database-url ""   # quick, SQLite

Generates the report as Microsoft Graph returns it (UTF-8 BOM, CRLF, names with commas quoted,
deleted users, blank dates, products joined with ``+``), times ``polars.read_csv(path)`` alone on
it, then imports it with ``frpdesk.adoption.services.import_usage_file`` into a fresh customer
of a throwaway database: hash the file, parse and check every value, merge into the
tenant's ledger, write the ledger (Parquet) and the usage points. Each measurement runs in a child
process of its own, so its peak memory (``ru_maxrss``) is its own. Goals: >= 200,000 rows/s,
<= 3x the bare ``polars.read_csv``, peak memory < 1.5 GB.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import itertools
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import _benchlib as bench

from frpdesk.adoption.report_formats import OFFICE365_ACTIVE_USER_HEADER

GOAL_ROWS_PER_SECOND = 200_000
GOAL_RATIO = 3.0
GOAL_PEAK_BYTES = 1.5 * 1024**3
REFRESH_DATE = datetime.date(2025, 11, 20)
MAU_WINDOW_DAYS = 28  # the catalog's mau_window_days
FILE_NAME = "Office365ActiveUserDetail_D30.csv"
WORKLOADS = ("exchange", "onedrive", "sharepoint", "teams", "viva_engage")
# (assigned products, has licence for Exchange, OneDrive, SharePoint, Skype, Yammer, Teams), weight
LICENCE_MIXES = (
    ("MICROSOFT 365 E3", (True,) * 6, 50),
    ("MICROSOFT 365 E5+MICROSOFT 365 COPILOT", (True,) * 6, 10),
    ("MICROSOFT 365 F3", (True, True, True, False, True, True), 20),
    ("OFFICE 365 E1+ENTERPRISE MOBILITY + SECURITY E5", (True,) * 6, 10),
    ("MICROSOFT 365 E3 (NO TEAMS)", (True, True, True, False, True, False), 5),
    ("MICROSOFT POWER AUTOMATE FREE", (False,) * 6, 5),  # no workload at all
)
FIRST_NAMES = ("Adele", "Alex", "Bianca", "Brian", "Cameron", "Christie", "Debra", "Diego")
LAST_NAMES = ("Vance", "Wilber", "Pisani", "Johnson", "White", "Cline", "Berger", "Siciliani")


# --- the report ------------------------------------------------------------------------------


def generate(path: Path, rows: int, seed: int) -> dict[str, Any]:
    """Write the report; returns what an import must find (users, licensed and MAU per workload)."""
    rng = random.Random(seed)
    days = [(REFRESH_DATE - datetime.timedelta(days=back)).isoformat() for back in range(700)]
    window_start = (REFRESH_DATE - datetime.timedelta(days=MAU_WINDOW_DAYS - 1)).isoformat()
    mixes = [mix for mix in LICENCE_MIXES for _ in range(mix[2])]
    licensed = dict.fromkeys(WORKLOADS, 0)
    mau = dict.fromkeys(WORKLOADS, 0)
    deleted_users = 0
    # Skype for Business is in the file but is no workload; its columns are skipped below.
    workload_positions = {
        "exchange": 0,
        "onedrive": 1,
        "sharepoint": 2,
        "teams": 5,
        "viva_engage": 4,
    }

    def last_activity(has_licence: bool) -> str:
        draw = rng.random()
        if not has_licence or draw < 0.08:
            return ""  # never active
        if draw < 0.70:
            return days[rng.randrange(0, 28)]  # in the MAU window
        if draw < 0.74:
            return days[rng.randrange(28, 30)]  # in the D30 period, not the 28-day window
        return days[rng.randrange(30, 700)]  # long ago

    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(OFFICE365_ACTIVE_USER_HEADER + "\r\n")
        batch: list[str] = []
        for index in range(rows):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f'"{last}, {first}"' if index % 3 == 0 else f"{first} {last}"
            deleted = index % 997 == 13
            deleted_users += deleted
            products, licences, _ = rng.choice(mixes)
            dates = [last_activity(has) for has in licences]
            dates[3] = ""  # Skype for Business: retired
            assigned = days[rng.randrange(200, 700)]
            assign_dates = [assigned if has else "" for has in licences]
            for code, position in workload_positions.items():
                licensed[code] += licences[position]
                if not deleted and dates[position] >= window_start:
                    mau[code] += 1
            batch.append(
                ",".join(
                    [
                        REFRESH_DATE.isoformat(),
                        f"{first.lower()}.{last.lower()}{index}@contoso.example.com",
                        name,
                        "True" if deleted else "False",
                        days[index % 25] if deleted else "",
                        *("True" if has else "False" for has in licences),
                        *dates,
                        *assign_dates,
                        products,
                    ]
                )
            )
            if len(batch) == 20_000:
                out.write("\r\n".join(batch) + "\r\n")
                batch = []
        if batch:
            out.write("\r\n".join(batch) + "\r\n")
    return {"users": rows, "deleted": deleted_users, "licensed": licensed, "mau": mau}


# --- child processes -------------------------------------------------------------------------


def peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kilobytes


def current_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def child_parse(path: Path, repeat: int) -> dict[str, Any]:
    import polars as pl

    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        frame = pl.read_csv(path)
        seconds.append(time.perf_counter() - started)
        del frame
        gc.collect()
    return {"seconds": seconds, "peak_bytes": peak_bytes()}


def child_import(
    path: Path, repeat: int, database_url: str, expected: dict[str, Any]
) -> dict[str, Any]:
    with bench.throwaway_database(database_url, quiet=True) as database:
        from frpdesk.adoption import services
        from frpdesk.adoption.models import ActivityLedger, ImportSource, ImportStatus, UsagePoint
        from frpdesk.customers.models import Customer

        marks: list[tuple[str, float]] = []
        progress = services._progress

        def timed_progress(record: Any, percent: int, stage: str, **fields: Any) -> None:
            marks.append((stage, time.perf_counter()))
            progress(record, percent, stage, **fields)

        services._progress = timed_progress  # type: ignore[assignment]
        baseline = current_bytes()
        seconds, problems, stages = [], [], []
        for run in range(repeat):
            customer = Customer.objects.create(
                name=f"Benchmark tenant {run + 1}", tenant_id=uuid.uuid4()
            )
            gc.collect()
            marks.clear()
            started = time.perf_counter()
            record = services.import_usage_file(
                acting_user=None,
                customer=customer,
                file_name=path.name,
                content=path,
                source=ImportSource.CLI,
            )
            finished = time.perf_counter()
            seconds.append(finished - started)
            stages = stage_seconds(started, marks, finished)
            problems += sanity_problems(record, customer, expected, ActivityLedger, UsagePoint)
            if record.status != ImportStatus.DONE:
                break
        return {
            "label": database.label,
            "seconds": seconds,
            "stages": stages,
            "peak_bytes": peak_bytes(),
            "baseline_bytes": baseline,
            "problems": problems,
        }


def stage_seconds(
    started: float, marks: list[tuple[str, float]], finished: float
) -> list[tuple[str, float]]:
    """Time spent in each stage the import reports (the first: creating the import record; the
    file's SHA-256 is computed in a thread from then on, while the file is read)."""
    bounds = [("Creating the record", started), *marks, ("end", finished)]
    return [
        (stage, end - start)
        for (stage, start), (_, end) in itertools.pairwise(bounds)
        if end - start >= 0.005
    ]


def sanity_problems(
    record: Any, customer: Any, expected: dict[str, Any], ledger_model: Any, point_model: Any
) -> list[str]:
    if record.status != "done":
        return [f"the import failed: {record.message}"]
    problems = []
    if record.rows != expected["users"]:
        problems.append(f"{record.rows} rows imported, {expected['users']} generated")
    stored = ledger_model.objects.get(customer=customer)
    if stored.users != expected["users"]:
        problems.append(f"{stored.users} users in the ledger, {expected['users']} generated")
    points = dict(
        point_model.objects.filter(customer=customer).values_list("workload__code", "mau")
    )
    if points != expected["mau"]:
        problems.append(f"MAU {points}, generated {expected['mau']}")
    licensed = {code: figures["licensed"] for code, figures in record.summary.items()}
    if licensed != expected["licensed"]:
        problems.append(f"licensed {licensed}, generated {expected['licensed']}")
    return problems


def in_child(*arguments: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"child process failed:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="default 1000000")
    parser.add_argument("--repeat", type=int, default=3, help="imports per database (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        action="append",
        metavar="URL",
        help=(
            "repeatable; default: a SQLite file and 'postgres' "
            f"({bench.DEFAULT_POSTGRES_URL}frpdesk_bench_<pid>), each created and dropped"
        ),
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        kind, path, repeat, *rest = args.child
        if kind == "parse":
            result = child_parse(Path(path), int(repeat))
        else:
            database_url, expected = rest
            result = child_import(Path(path), int(repeat), database_url, json.loads(expected))
        print(json.dumps(result))
        return 0

    urls = args.database_url if args.database_url is not None else ["", "postgres"]
    work_dir = Path(tempfile.mkdtemp(prefix="frpdesk-bench-usage-"))
    try:
        path = work_dir / FILE_NAME
        started = time.perf_counter()
        expected = generate(path, args.rows, args.seed)
        size_mb = path.stat().st_size / 1e6
        print(
            f"[setup] generated {args.rows:,} rows ({size_mb:,.0f} MB, {expected['deleted']:,} "
            f"deleted users) in {time.perf_counter() - started:.1f} s (not timed)"
        )
        parse_seconds: list[float] = []
        parse_peak = 0
        results = []
        for url in urls:
            # The bare parse is timed next to each import: the machine's load varies.
            bare = in_child("parse", str(path), str(args.repeat))
            parse_seconds += bare["seconds"]
            parse_peak = max(parse_peak, bare["peak_bytes"])
            print(f"[parse] polars.read_csv(path): {seconds_list(bare['seconds'])}")
            result = in_child("import", str(path), str(args.repeat), url, json.dumps(expected))
            results.append(result)
            print(f"[import] {result['label']}: {seconds_list(result['seconds'])}")
            print(
                "  stages of the last run: "
                + ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in result["stages"])
            )
        bare_median = statistics.median(parse_seconds)
        print()
        print(
            f"usage import: {args.rows:,}-row Office365ActiveUserDetail CSV ({size_mb:,.0f} MB); "
            f"polars.read_csv(path) alone: median {bare_median:.2f} s, peak memory "
            f"{gib(parse_peak)}"
        )
        failed = False
        for result in results:
            median = statistics.median(result["seconds"])
            rate, ratio = args.rows / median, median / bare_median
            goals = [
                f">= {GOAL_ROWS_PER_SECOND:,} rows/s {met(rate >= GOAL_ROWS_PER_SECOND)}",
                f"<= {GOAL_RATIO:g}x {met(ratio <= GOAL_RATIO)}",
                f"< 1.5 GB {met(result['peak_bytes'] < GOAL_PEAK_BYTES)}",
            ]
            print(
                f"  {result['label']}: median {median:.2f} s -> {rate:,.0f} rows/s, "
                f"{ratio:.1f}x the bare parse, peak memory {gib(result['peak_bytes'])} "
                f"({gib(result['baseline_bytes'])} before the first import); goals: "
                + "; ".join(goals)
            )
            for problem in result["problems"]:
                print(f"  SANITY CHECK FAILED ({result['label']}): {problem}", file=sys.stderr)
                failed = True
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        if not failed:
            print(
                "  sanity: every import done; rows, ledger users, licensed users and MAU per "
                "workload as generated"
            )
        return 1 if failed else 0
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def seconds_list(values: list[float]) -> str:
    return ", ".join(f"{value:.2f} s" for value in values)


def gib(value: int) -> str:
    return f"{value / 1024**3:.2f} GB"


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


if __name__ == "__main__":
    sys.exit(main())
