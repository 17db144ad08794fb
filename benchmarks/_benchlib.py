"""Shared plumbing of the benchmark scripts: a throwaway database, Django set-up, fake tenants.

Import this module *before* anything from Django or frpdesk: ``throwaway_database`` sets the
environment (DATABASE_URL, FRPDESK_DATA_DIR, DJANGO_SETTINGS_MODULE) that frpdesk's settings read
and only then calls ``django.setup()``.

Nothing here touches the project's own ``data/`` directory or any existing database: SQLite runs
use a file in a new temporary directory, PostgreSQL runs create a new database (and refuse to
reuse an existing one) and drop it at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/"


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default="",
        metavar="URL",
        help=(
            "empty (default): a SQLite file in a new temporary directory; "
            "'postgres' is short for "
            f"{DEFAULT_POSTGRES_URL}; a postgres:// URL without a database name gets "
            "frpdesk_bench_<pid>. The database must not exist yet: it is created and dropped."
        ),
    )


# --- the throwaway database --------------------------------------------------------------------


@dataclass
class Database:
    vendor: str  # "sqlite" or "postgresql"
    label: str  # printed in results: "sqlite (file)", "postgresql 16.3"
    url: str


def _postgres_admin_kwargs(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    kwargs: dict[str, Any] = {"dbname": "postgres", "autocommit": True}
    if parts.hostname:
        kwargs["host"] = parts.hostname
    if parts.port:
        kwargs["port"] = parts.port
    if parts.username:
        kwargs["user"] = parts.username
    if parts.password:
        kwargs["password"] = parts.password
    return kwargs


@contextlib.contextmanager
def throwaway_database(url: str, *, quiet: bool = False) -> Iterator[Database]:
    """Create a fresh database, point frpdesk at it, ``django.setup()``, migrate; drop it after."""
    temp_dir = Path(tempfile.mkdtemp(prefix="frpdesk-bench-"))
    os.environ["FRPDESK_DATA_DIR"] = str(temp_dir)  # generated secret key lands here, not in data/
    os.environ["DJANGO_SETTINGS_MODULE"] = "frpdesk.settings"
    os.environ.setdefault("FRPDESK_LOG_LEVEL", "WARNING")
    os.environ.pop("FRPDESK_DEBUG", None)  # DEBUG off, as in production
    created_pg_db: tuple[dict[str, Any], str] | None = None
    created_sqlite_file: Path | None = None
    try:
        url = url.strip()
        if url == "postgres":
            url = DEFAULT_POSTGRES_URL
        if not url:
            path = temp_dir / "bench.sqlite3"
            url = f"sqlite:///{path}"  # sqlite:////tmp/... (absolute path)
            vendor = "sqlite"
        elif url.startswith("sqlite:"):
            path = Path(urlsplit(url).path[1:])
            if path.exists():
                raise SystemExit(f"refusing to benchmark on an existing SQLite file: {path}")
            created_sqlite_file = path
            vendor = "sqlite"
        elif urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}:
            import psycopg
            from psycopg import sql

            parts = urlsplit(url)
            name = parts.path.lstrip("/") or f"frpdesk_bench_{os.getpid()}"
            url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
            admin = _postgres_admin_kwargs(url)
            with psycopg.connect(**admin) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if exists:
                    raise SystemExit(
                        f"refusing to benchmark on the existing PostgreSQL database {name!r}"
                    )
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            created_pg_db = (admin, name)
            vendor = "postgresql"
        else:
            raise SystemExit(f"--database-url must be empty, sqlite:// or postgres://; got {url!r}")
        os.environ["DATABASE_URL"] = url

        import django
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                label = f"postgresql {cursor.fetchone()[0].split()[0]}"
        else:
            import sqlite3

            label = f"sqlite {sqlite3.sqlite_version}"
        if not quiet:
            print(
                f"[setup] {label}: migrate (with the reference catalog) took "
                f"{time.perf_counter() - started:.1f} s"
            )
        yield Database(vendor=vendor, label=label, url=url)
    finally:
        if "django" in sys.modules:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
        if created_pg_db is not None:
            import psycopg
            from psycopg import sql

            admin, name = created_pg_db
            with psycopg.connect(**admin) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        if created_sqlite_file is not None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{created_sqlite_file}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(temp_dir, ignore_errors=True)


# --- fake tenants ------------------------------------------------------------------------------

# Plans that count towards eligibility (all in the program catalog's eligible_plans).
ELIGIBLE_PLANS = (
    "SPE_E3",
    "SPE_E5",
    "ENTERPRISEPACK",
    "ENTERPRISEPREMIUM",
    "STANDARDPACK",
    "EMSPREMIUM",
    "SPE_F1",
    "M365_F1",
    "SPB",
    "O365_BUSINESS_PREMIUM",
    "EXCHANGESTANDARD",
)
# Paid, but only for PAU (add-ons).
ADD_ONS = ("Microsoft_365_Copilot", "POWER_BI_PRO", "VISIOCLIENT", "PROJECTPROFESSIONAL")
# Not paid: free, exploratory, developer.
FREE = ("FLOW_FREE", "TEAMS_EXPLORATORY", "POWER_BI_STANDARD", "DEVELOPERPACK_E5")
UNKNOWN_SKU = "CONTOSO_LEGACY_BUNDLE"  # not in the SKU catalog: counted for nothing, reported
SKUS_PER_TENANT = 8
AS_OF = datetime.date(2026, 11, 2)


@dataclass
class Generated:
    customer_ids: list[int]
    seconds: float
    lines: int


def _tenant_lines(rng: random.Random) -> list[tuple[str, int, int, int, int]]:
    """8 distinct SKUs of one tenant: (part_number, enabled, suspended, warning, consumed)."""
    # Log-uniform tenant size, 10 … 5,000 users: roughly half the tenants reach 150 seats.
    size = int(10 ** rng.uniform(1.0, 3.7))
    add_ons = 2 if rng.random() < 0.5 else 1
    parts = [rng.choice(FREE)]
    parts += rng.sample(ADD_ONS, add_ons)
    if rng.random() < 0.02:
        parts[-1] = UNKNOWN_SKU
    parts += rng.sample(ELIGIBLE_PLANS, SKUS_PER_TENANT - len(parts))
    rng.shuffle(parts)
    lines = []
    main_plan_seen = False
    for part in parts:
        if part in FREE:
            enabled = rng.choice((10000, 1000000, rng.randint(1, 500)))
        elif part in ADD_ONS or part == UNKNOWN_SKU:
            enabled = int(size * rng.uniform(0.0, 0.3))
        elif not main_plan_seen:
            main_plan_seen = True
            enabled = int(size * rng.uniform(0.4, 0.9))
        else:
            enabled = 0 if rng.random() < 0.25 else int(size * rng.uniform(0.0, 0.15))
        suspended = rng.randint(1, 20) if rng.random() < 0.08 else 0
        warning = rng.randint(1, 20) if rng.random() < 0.05 else 0
        consumed = int(enabled * rng.uniform(0.5, 1.0)) if part not in FREE else rng.randint(0, 300)
        lines.append((part, enabled, suspended, warning, consumed))
    return lines


def generate_tenants(
    count: int,
    *,
    seed: int = 1,
    start: int = 0,
    owners: Sequence[Any] = (),
    tags: Sequence[Any] = (),
    licensed_fraction: float = 1.0,
) -> Generated:
    """``count`` customers, each with one snapshot of 8 SKUs, in a few bulk inserts.

    With ``licensed_fraction`` < 1 that share of customers gets a snapshot; the others have no
    licences imported yet (hence no eligibility), as in real life.
    """
    from django.db import transaction

    from frpdesk.catalog.models import Sku
    from frpdesk.customers.models import Customer, Segment
    from frpdesk.licensing.models import LicenseSnapshot, SnapshotLine, SnapshotSource

    started = time.perf_counter()
    rng = random.Random(seed * 1_000_003 + start)
    catalog = {
        string_id.upper(): (pk, guid)
        for pk, string_id, guid in Sku.objects.values_list("pk", "string_id", "guid")
    }
    missing = [p for p in (*ELIGIBLE_PLANS, *ADD_ONS, *FREE) if p.upper() not in catalog]
    if missing:
        raise SystemExit(f"the SKU catalog lacks {', '.join(missing)}: did migrate load it?")
    countries = ("GB", "US", "DE", "FR", "NL", "SE", "ES", "IT", "CA", "AU", "JP", "BR")
    from frpdesk.core.choices import industries as industry_choices

    industries = [code for code, _ in industry_choices()] + [""]
    segments = [value for value, _ in Segment.choices]
    words = (
        "Contoso",
        "Fabrikam",
        "Northwind",
        "Tailspin",
        "Woodgrove",
        "Litware",
        "Adatum",
        "Proseware",
        "Relecloud",
        "Wingtip",
        "Alpine",
        "Coho",
        "Lamna",
        "Trey",
        "Fourth",
    )
    kinds = (
        "Bank",
        "Insurance",
        "Retail",
        "Health",
        "Logistics",
        "Energy",
        "Foods",
        "Motors",
        "Labs",
        "Group",
        "Holdings",
        "Partners",
        "Systems",
        "Media",
        "Travel",
    )
    with transaction.atomic():
        customers = []
        for index in range(start, start + count):
            name = f"{rng.choice(words)} {rng.choice(kinds)} {index:05d}"
            customers.append(
                Customer(
                    name=name,
                    tenant_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    tpid=str(rng.randint(10_000_000, 99_999_999)),
                    primary_domain=f"{name.split()[0].lower()}{index}.onmicrosoft.com",
                    country=rng.choice(countries),
                    industry=rng.choice(industries),
                    segment=rng.choice(segments),
                    is_edu=rng.random() < 0.03,
                    owner=rng.choice(owners) if owners and rng.random() < 0.9 else None,
                )
            )
        Customer.objects.bulk_create(customers, batch_size=2000)
        if any(customer.pk is None for customer in customers):  # backends without RETURNING
            ids = dict(
                Customer.objects.filter(tenant_id__in=[c.tenant_id for c in customers]).values_list(
                    "tenant_id", "pk"
                )
            )
            for customer in customers:
                customer.pk = ids[customer.tenant_id]
        if tags:
            through = Customer.tags.through
            links = []
            for customer in customers:
                for tag in rng.sample(list(tags), rng.choice((0, 1, 1, 2, 3))):
                    links.append(through(customer_id=customer.pk, tag_id=tag.pk))
            through.objects.bulk_create(links, batch_size=5000)
        snapshots = [
            LicenseSnapshot(
                customer_id=customer.pk,
                as_of=AS_OF,
                source=SnapshotSource.CSV,
                file_name="licences.csv",
                content_hash=f"{customer.pk:064x}",
            )
            for customer in customers
            if licensed_fraction >= 1.0 or rng.random() < licensed_fraction
        ]
        LicenseSnapshot.objects.bulk_create(snapshots, batch_size=2000)
        if any(snapshot.pk is None for snapshot in snapshots):
            ids = dict(
                LicenseSnapshot.objects.filter(
                    customer_id__in=[s.customer_id for s in snapshots]
                ).values_list("customer_id", "pk")
            )
            for snapshot in snapshots:
                snapshot.pk = ids[snapshot.customer_id]
        lines = []
        for snapshot in snapshots:
            for part, enabled, suspended, warning, consumed in _tenant_lines(rng):
                sku_pk, guid = catalog.get(part.upper(), (None, None))
                lines.append(
                    SnapshotLine(
                        snapshot_id=snapshot.pk,
                        sku_part_number=part,
                        sku_guid=guid,
                        sku_id=sku_pk,
                        enabled=enabled,
                        suspended=suspended,
                        warning=warning,
                        consumed=consumed,
                        capability_status="Enabled",
                    )
                )
        SnapshotLine.objects.bulk_create(lines, batch_size=5000)
    return Generated(
        customer_ids=[c.pk for c in customers],
        seconds=time.perf_counter() - started,
        lines=len(lines),
    )


# --- statistics --------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 50 samples is the 48th smallest)."""
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered) - 1e-9)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
