#!/usr/bin/env python
"""Benchmark: recompute the FastTrack eligibility of every tenant.

    .venv/bin/python benchmarks/eligibility_recompute.py                      # SQLite, 10,000
    .venv/bin/python benchmarks/eligibility_recompute.py --database-url postgres

Creates a throwaway database, migrates it (which loads the reference catalog), bulk-inserts N
customers with one licence snapshot of 8 SKUs each (not timed), then times
``frpdesk.licensing.services.recompute_eligibility()`` over all tenants ``--repeat`` times and
prints the median and best run as tenants per second. Goal: >= 2,000 tenants/s on SQLite.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

import _benchlib as bench

GOAL_TENANTS_PER_SECOND = 2000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=10_000, help="default 10000")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the timed runs, profile one more run with cProfile and print the top entries",
    )
    bench.add_database_argument(parser)
    args = parser.parse_args(argv)

    with bench.throwaway_database(args.database_url) as database:
        from frpdesk.licensing.models import Eligibility, LicenseSnapshot, SnapshotLine
        from frpdesk.licensing.services import load_rules, recompute_eligibility

        generated = bench.generate_tenants(args.tenants, seed=args.seed)
        print(
            f"[setup] generated {args.tenants:,} tenants, {generated.lines:,} snapshot lines "
            f"in {generated.seconds:.1f} s (not timed)"
        )
        assert LicenseSnapshot.objects.count() == args.tenants
        assert SnapshotLine.objects.count() == args.tenants * bench.SKUS_PER_TENANT

        started = time.perf_counter()
        load_rules()
        rules_seconds = time.perf_counter() - started

        timings = []
        for run in range(1, args.repeat + 1):
            started = time.perf_counter()
            count = recompute_eligibility()
            seconds = time.perf_counter() - started
            timings.append(seconds)
            print(
                f"[run {run}] recompute_eligibility() -> {count:,} tenants in {seconds:.2f} s "
                f"({count / seconds:,.0f} tenants/s)"
            )

        # Sanity: one row per tenant, both outcomes present, the rows are the engine's answer.
        rows = Eligibility.objects.count()
        eligible = Eligibility.objects.filter(eligible=True).count()
        problems = []
        if count != args.tenants or rows != args.tenants:
            problems.append(
                f"expected {args.tenants} Eligibility rows, got {rows} (returned {count})"
            )
        if not 0 < eligible < rows:
            problems.append(f"expected some eligible and some not, got {eligible} of {rows}")
        sample = Eligibility.objects.order_by("?").select_related("customer").first()
        if sample is not None:
            from frpdesk.licensing import eligibility as engine

            lines = [
                engine.Line(*values)
                for values in SnapshotLine.objects.filter(
                    snapshot_id=sample.snapshot_id
                ).values_list("sku_part_number", "enabled", "suspended", "warning")
            ]
            expected = engine.evaluate(lines, load_rules())
            if (expected.eligible, expected.eligible_seats) != (
                sample.eligible,
                sample.eligible_seats,
            ):
                problems.append(f"{sample.customer}: stored result differs from the rules engine")

        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            recompute_eligibility()
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            print("\n[profile] one more run, top 25 by cumulative time:")
            print(out.getvalue())

        med = bench.median(timings)
        best = min(timings)
        goal = ""
        if database.vendor == "sqlite":
            met = args.tenants / med >= GOAL_TENANTS_PER_SECOND
            goal = (
                f" (goal >= {GOAL_TENANTS_PER_SECOND:,}/s on SQLite: {'met' if met else 'NOT met'})"
            )
        print()
        print(
            f"eligibility recompute: {database.label}, {args.tenants:,} tenants x "
            f"{bench.SKUS_PER_TENANT} SKUs: median {med:.2f} s -> "
            f"{args.tenants / med:,.0f} tenants/s; best {best:.2f} s -> "
            f"{args.tenants / best:,.0f} tenants/s{goal}"
        )
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(
            f"  {eligible:,} of {rows:,} tenants eligible; runs: "
            f"{', '.join(f'{t:.2f} s' for t in timings)} (run 1 fills an empty table, later runs "
            f"replace every row); load_rules() inside each run: {rules_seconds * 1000:.0f} ms"
        )
        if problems:
            print("SANITY CHECK FAILED: " + "; ".join(problems), file=sys.stderr)
            return 1
        print(
            "  sanity: one Eligibility row per tenant, eligible and not-eligible both present, "
            "a random row matches the rules engine"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
