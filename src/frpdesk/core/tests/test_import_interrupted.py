"""An import killed half way (the process gets SIGKILL in the middle of its writes) leaves
nothing behind: each file is imported in one transaction, which the database rolls back.

Every file import that has a command is in ``IMPORTS`` (the customer import has only its page
and API; ``restore`` replaces the whole database and is not an import). The command runs in a
subprocess on its own database, a copy of a migrated template seeded with the records the files
refer to: a SQLite file or, when the tests run with ``DATABASE_URL=postgres://…``, a PostgreSQL
database on that server (made with ``CREATE DATABASE … TEMPLATE``, dropped afterwards). A
database execute wrapper kills the process right after its N-th write statement, or just before
its first commit; it tells on stderr which writes were inside a transaction and when one was
committed, so the kill is known to land inside the import's transaction. Then every row of every
table must be as it was, and the same file must then import whole."""

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from frpdesk.adoption.tests.conftest import SAMPLES_DIR
from frpdesk.referrals.tests.conftest import DATA

TENANT = "b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c"  # Fabrikam Industries of shared/samples
CONTOSO = "3f2a4c1e-9b7d-4e2a-8c5f-1a2b3c4d5e6f"
LITWARE = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
UNKNOWN = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"

DIE_AFTER_WRITES = """
import os, signal, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "frpdesk.settings"
import django
django.setup()
from django.core.management import execute_from_command_line
from django.db import connection
writes = 0
kill_after = int(os.environ["KILL_AFTER_WRITES"])
def die_after_writes(execute, sql, params, many, context):
    global writes
    result = execute(sql, params, many, context)
    if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
        writes += 1
        where = "inside" if context["connection"].in_atomic_block else "outside"
        print(f"write {writes} {where} a transaction: {sql[:60]}", file=sys.stderr, flush=True)
        if writes == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
    return result
connection.execute_wrappers.append(die_after_writes)
commit = connection.commit
def commit_and_say_so():
    if kill_after == -1:  # BEFORE_COMMIT
        print("commit: killed before it", file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    commit()
    print("commit", file=sys.stderr, flush=True)
connection.commit = commit_and_say_so
execute_from_command_line(["frpdesk", *sys.argv[1:]])
"""
SEED = """
import os
os.environ["DJANGO_SETTINGS_MODULE"] = "frpdesk.settings"
import django
django.setup()
from frpdesk.core.tests.test_import_interrupted import seed
seed()
"""


# --- the imports -----------------------------------------------------------------------------

BEFORE_COMMIT = -1


@dataclass(frozen=True)
class Import:
    name: str
    command: tuple[str, ...]  # the file's path goes last
    file: Path | bytes  # a sample file, or the content of a file written for the test
    file_name: str
    # Kill the import right after these write statements (counted from the process's start;
    # BEFORE_COMMIT: after its transaction's last write, just before the commit).
    kill_after: tuple[int, ...]
    output: str  # what the whole import prints
    landed: dict[str, int]  # the rows the whole import adds, per table that gains any
    # Rows a killed import may leave, by design: per table, an SQL condition selecting them.
    journal: dict[str, str] = field(default_factory=dict)

    def write(self, directory: Path) -> Path:
        if isinstance(self.file, Path):
            return self.file
        path = directory / self.file_name
        path.write_bytes(self.file)
        return path


USAGE_REPORT = SAMPLES_DIR / "Office365ActiveUserDetail_D30.csv"
REFERRALS = DATA / "partner-center-referrals.csv"
SKU_CATALOG = (
    Path(__file__).resolve().parents[2]
    / "catalog"
    / "data"
    / "product-names-and-service-plan-identifiers.csv"
)
LICENCES = (
    b"sku_part_number,enabled,suspended,warning,consumed\nSPE_E3,600,0,0,540\nEMS,600,0,0,500\n"
)
CLAIM_STATUS = (
    b"Claim reference,Status,Date,Reason\r\n"
    b"PC-778812,Under review,2026-03-04,\r\n"
    b"PC-778812,Approved,3/20/2026,\r\n"
    b"PC-778813,Under review,2026-03-03,\r\n"
    b"PC-778813,Claimed by another partner,2026-03-05,\r\n"
)
STATEMENT = (
    "Statement date,Tenant ID,Workload,Milestone,Amount\r\n"
    f'2026-05-31,{LITWARE},Microsoft Teams,15 % AU,"$1,520.00"\r\n'
    f"2026-05-31,{{{LITWARE.upper()}}},teams,40%,10\r\n"
    f"2026-05-31,{LITWARE},Microsoft Intune,15,200\r\n"
    f"2026-05-31,{TENANT},Exchange Online,15,300.5\r\n"
    f"2026-05-31,{UNKNOWN},Exchange Online,15,400\r\n"
).encode()
SURVEY = (
    "Tenant;Response date;Satisfaction;Verbatim\r\n"
    "Contoso Pharmaceuticals;3/31/2026;Very satisfied;Quick answers\r\n"
    f"{CONTOSO};4/1/2026;Very dissatisfied;\r\n"
    "Fabrikam Industries;3/30/2026;3;Clear guidance\r\n"
).encode("utf-8-sig")

IMPORTS = [
    Import(
        "referrals",
        ("import_referrals",),
        REFERRALS,
        REFERRALS.name,
        kill_after=(1, 3, 8, BEFORE_COMMIT),
        output="partner-center-referrals.csv: 3 created, 0 updated, 0 unchanged.\n",
        landed={"referrals_referral": 3, "referrals_referral_workloads": 5, "auditlog_logentry": 6},
    ),
    Import(
        "licences",
        ("import_licenses", "--tenant-id", TENANT, "--as-of", "2026-03-31"),
        LICENCES,
        "licences.csv",
        kill_after=(1, 4, BEFORE_COMMIT),
        output="Snapshot of Fabrikam Industries as of 2026-03-31 created: 2 SKUs.\n",
        landed={
            "licensing_licensesnapshot": 1,
            "licensing_snapshotline": 2,
            "licensing_eligibility": 1,
            "licensing_eligibility_eligible_workloads": 11,
            "auditlog_logentry": 1,
        },
    ),
    Import(
        "usage-report",
        ("import_usage", "--tenant-id", TENANT),
        USAGE_REPORT,
        USAGE_REPORT.name,
        kill_after=(12, 16, BEFORE_COMMIT),
        output=(
            "Office365ActiveUserDetail_D30.csv: 30 users, refresh date 2025-11-20: Exchange "
            "Online MAU 22, OneDrive MAU 16, SharePoint Online MAU 19, Microsoft Teams MAU 20, "
            "Viva Engage (Yammer) MAU 11.\n"
        ),
        landed={
            "adoption_usageimport": 1,
            "adoption_activityledger": 1,
            "adoption_usagepoint": 5,
            "auditlog_logentry": 5,
        },
        # The import record and its progress are committed as the file is read (for the page
        # polling it); the rest is written in one transaction, which marks the record done.
        journal={"adoption_usageimport": "status <> 'done'"},
    ),
    Import(
        "claim-status",
        ("import_claim_status",),
        CLAIM_STATUS,
        "status.csv",
        kill_after=(1, 9, BEFORE_COMMIT),
        output="status.csv: 4 changed, 0 unchanged, 2 new conflicts.\n",
        landed={
            "claims_claimtransition": 4,
            "adoption_partnerassociation": 2,
            "claims_externalclaim": 2,
            "auditlog_logentry": 12,
        },
    ),
    Import(
        "incentive-statement",
        ("import_statement",),
        STATEMENT,
        "statement.csv",
        kill_after=(1, 5, BEFORE_COMMIT),
        output=(
            "statement.csv: 5 lines: 2 matched to our claims, 2 without an approved claim of ours, "
            "1 of unknown tenants.\n"
        ),
        landed={"incentives_statement": 1, "incentives_statementline": 5, "auditlog_logentry": 6},
    ),
    Import(
        "satisfaction-survey",
        ("import_survey",),
        SURVEY,
        "survey.csv",
        kill_after=(1, 5, BEFORE_COMMIT),
        output=(
            "survey.csv: 3 responses of 2 customers, 2026-03-30 to 2026-04-01; NSAT of the file "
            "100.0.\n"
        ),
        landed={
            "satisfaction_surveyimport": 1,
            "satisfaction_surveyresponse": 3,
            "auditlog_logentry": 4,
        },
    ),
    Import(
        "sku-catalog",
        ("import_sku_catalog",),
        SKU_CATALOG,
        SKU_CATALOG.name,
        kill_after=(1, 3, BEFORE_COMMIT),
        output=(
            "Loaded 568 SKUs and 723 service plans from 5457 rows of "
            "product-names-and-service-plan-identifiers.csv: 11 SKUs new, 1 changed, 11 service "
            "plans new, 11 links added, 0 removed.\n"
        ),
        landed={"catalog_sku": 11, "catalog_serviceplan": 11, "catalog_sku_service_plans": 11},
    ),
]

# SKUs of the catalog that no file here names: the template lacks some and has others out of
# date, so that the catalog import has something to write.
MISSING_SKUS = "Windows_365_S_"
OUTDATED_SKU = "Workload_Identities_Premium_CN"


def seed() -> None:
    """The records the files refer to (run in the template's process, Django set up)."""
    import datetime

    from frpdesk.catalog.models import ServicePlan, Sku
    from frpdesk.claims.models import ClaimState
    from frpdesk.claims.tests.factories import make_claim
    from frpdesk.customers.models import Customer
    from frpdesk.customers.tests.factories import CustomerFactory
    from frpdesk.incentives.tests.factories import approved_teams_claim, standard_rates

    def customer(name: str, **fields: str) -> Customer:
        return cast(Customer, CustomerFactory(name=name, **fields))

    customer("Fabrikam Industries", tenant_id=TENANT, primary_domain="fabrikam.example.com")
    customer("Contoso Pharmaceuticals", tenant_id=CONTOSO, primary_domain="contosopharma.example")
    for reference, name in (("PC-778812", "Northwind Traders"), ("PC-778813", "Tailspin Toys")):
        claim = make_claim(
            customer=customer(name),
            workloads=("teams", "exchange"),
            state=ClaimState.SUBMITTED,
            on=datetime.date(2026, 3, 2),
        )
        claim.partner_center_reference = reference
        claim.save()
    standard_rates()
    approved_teams_claim(customer("Litware Retail", tenant_id=LITWARE))
    Sku.objects.filter(string_id__startswith=MISSING_SKUS).delete()
    ServicePlan.objects.filter(skus__isnull=True).delete()
    Sku.objects.filter(string_id=OUTDATED_SKU).update(product_name="Workload Identities (old)")


# --- the databases ---------------------------------------------------------------------------


class Database:
    """A database the command runs on: its URL, a way to read every row, a copy of it."""

    url: str

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    tables_sql = ""  # the query listing the names of the database's tables

    def tables(self) -> list[str]:
        return [name for (name,) in self.query(self.tables_sql)]

    def copy(self, directory: Path) -> "Database":
        raise NotImplementedError

    def drop(self) -> None:
        pass

    def rows(self, journal: dict[str, str]) -> dict[str, list[str]]:
        """Every row of every table (those a journal condition selects left out), sorted."""
        return {
            table: sorted(
                repr(row)
                for row in self.query(
                    f'SELECT * FROM "{table}"'
                    + (f" WHERE NOT ({journal[table]})" if table in journal else "")
                )
            )
            for table in self.tables()
        }

    def counts(self) -> dict[str, int]:
        return {
            table: int(self.query(f'SELECT COUNT(*) FROM "{table}"')[0][0])
            for table in self.tables()
        }


class SqliteDatabase(Database):
    tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        connection = sqlite3.connect(self.path)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def copy(self, directory: Path) -> "SqliteDatabase":
        copy = SqliteDatabase(directory / self.path.name)
        source, target = sqlite3.connect(self.path), sqlite3.connect(copy.path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return copy


class PostgresDatabase(Database):
    """A database of its own on the server of ``DATABASE_URL``."""

    numbers = count()
    tables_sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"

    def __init__(self, name: str, template: str | None = None) -> None:
        parts = urlsplit(os.environ["DATABASE_URL"])
        self.name = name
        self.url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
        self.server = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
        clone = f" TEMPLATE {template}" if template else ""
        self._admin(
            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}{clone}"
        )

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url) as connection:
            return connection.execute(sql).fetchall()

    def copy(self, directory: Path) -> "PostgresDatabase":
        return PostgresDatabase(f"{self.name}_{next(self.numbers)}", template=self.name)

    def drop(self) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def new_database(directory: Path) -> Database:
    """On the database server the tests run on: SQLite, or PostgreSQL (``DATABASE_URL``)."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        prefix = str(settings.DATABASES["default"]["NAME"])[:30]
        return PostgresDatabase(f"{prefix}_interrupted_{os.getpid()}")
    return SqliteDatabase(directory / "frpdesk.sqlite3")


class Frpdesk:
    """The ``frpdesk`` command in a subprocess, on its own database."""

    def __init__(self, directory: Path, database: Database) -> None:
        self.directory = directory
        self.database = database

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={
                "PATH": "",
                "FRPDESK_DATA_DIR": str(self.directory),
                "DATABASE_URL": self.database.url,
                **env,
            },
            cwd=self.directory,
            check=False,
            timeout=300,
        )

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run("-m", "frpdesk", *args)

    def killed(self, after_writes: int, *args: str) -> subprocess.CompletedProcess[str]:
        """The command, killed right after its ``after_writes``-th write statement (0: never)."""
        return self.run("-c", DIE_AFTER_WRITES, *args, KILL_AFTER_WRITES=str(after_writes))

    def copy_to(self, directory: Path) -> "Frpdesk":
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "secret_key").write_bytes((self.directory / "secret_key").read_bytes())
        return Frpdesk(directory, self.database.copy(directory))


def uncommitted_writes(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The writes the wrapper saw before the process's first commit, each as "write N inside|
    outside a transaction: SQL" (outside: committed at once, in autocommit)."""
    log = result.stderr.splitlines()
    log = log[: log.index("commit")] if "commit" in log else log
    return [line for line in log if line.startswith("write ")]


def differences(
    before: dict[str, list[str]], after: dict[str, list[str]]
) -> dict[str, dict[str, list[str]]]:
    return {
        table: {
            "gone": sorted(set(before.get(table, [])) - set(after.get(table, []))),
            "new": sorted(set(after.get(table, [])) - set(before.get(table, []))),
        }
        for table in before.keys() | after.keys()
        if before.get(table) != after.get(table)
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Frpdesk]:
    directory = tmp_path_factory.mktemp("frpdesk-interrupted")
    frpdesk = Frpdesk(directory, new_database(directory))
    try:
        migrated = frpdesk("migrate", "--no-input", "-v", "0")
        assert migrated.returncode == 0, migrated.stderr
        assert "catalog_sku" in frpdesk.database.tables()  # the command's database is this one
        seeded = frpdesk.run("-c", SEED)
        assert seeded.returncode == 0, seeded.stderr
        yield frpdesk
    finally:
        frpdesk.database.drop()


@pytest.fixture
def frpdesk(template: Frpdesk, tmp_path: Path) -> Iterator[Frpdesk]:
    copy = template.copy_to(tmp_path / "frpdesk")
    yield copy
    copy.database.drop()


def kill_id(spec: Import, after_writes: int) -> str:
    return f"{spec.name}-" + (
        "before-commit" if after_writes == BEFORE_COMMIT else f"write-{after_writes}"
    )


KILLS = [
    pytest.param(spec, after_writes, id=kill_id(spec, after_writes))
    for spec in IMPORTS
    for after_writes in spec.kill_after
]


@pytest.mark.parametrize(("spec", "after_writes"), KILLS)
def test_an_import_killed_half_way_leaves_nothing(
    frpdesk: Frpdesk, tmp_path: Path, spec: Import, after_writes: int
) -> None:
    file = spec.write(tmp_path)
    before = frpdesk.database.rows(spec.journal)

    result = frpdesk.killed(after_writes, *spec.command, str(file))

    assert result.returncode == -signal.SIGKILL, result.stderr
    # It died in the middle of the import's transaction, nothing committed but in autocommit.
    log = result.stderr.splitlines()
    assert "commit" not in log, result.stderr
    assert log[-1].startswith(
        "commit: killed before it"
        if after_writes == BEFORE_COMMIT
        else f"write {after_writes} inside a transaction:"
    ), result.stderr
    assert " inside a transaction: " in uncommitted_writes(result)[-1], result.stderr
    assert differences(before, frpdesk.database.rows(spec.journal)) == {}
    # Nothing half-written stands in the way: the same file then imports whole.
    counts = frpdesk.database.counts()
    again = frpdesk(*spec.command, str(file))
    assert again.returncode == 0, again.stderr
    assert again.stdout == spec.output
    after = frpdesk.database.counts()
    landed = {table: after[table] - counts[table] for table in after}
    assert {table: rows for table, rows in landed.items() if rows} == spec.landed


@pytest.mark.parametrize("spec", IMPORTS, ids=[spec.name for spec in IMPORTS])
def test_the_kills_land_inside_the_imports_transaction(
    frpdesk: Frpdesk, tmp_path: Path, spec: Import
) -> None:
    """Without a kill the same wrapper lets the import finish; every write the kills above come
    right after is in the import's transaction, before it commits. ``-s`` shows the writes."""
    result = frpdesk.killed(0, *spec.command, str(spec.write(tmp_path)))

    assert result.returncode == 0, result.stderr
    assert result.stdout == spec.output
    print(f"\n{spec.name}:\n{result.stderr}")
    assert "commit" in result.stderr.splitlines()
    uncommitted = uncommitted_writes(result)
    assert " inside a transaction: " in uncommitted[-1], result.stderr
    for after_writes in spec.kill_after:
        if after_writes != BEFORE_COMMIT:
            assert uncommitted[after_writes - 1].startswith(
                f"write {after_writes} inside a transaction:"
            ), result.stderr
