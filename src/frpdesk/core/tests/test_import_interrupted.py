"""An import killed half way (the process gets SIGKILL in the middle of its writes) leaves
nothing behind: each file is imported in one transaction, which the database rolls back.

The command runs in a subprocess on its own SQLite file; a database execute wrapper kills the
process right after its N-th write statement, so the kill lands inside the import for sure."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from frpdesk.customers.tests.test_cli import Cli, migrated_cli
from frpdesk.referrals.tests.conftest import DATA

REFERRALS = DATA / "partner-center-referrals.csv"
TENANT = "0f6c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
LICENCES = (
    b"sku_part_number,enabled,suspended,warning,consumed\nSPE_E3,600,0,0,540\nEMS,600,0,0,500\n"
)

DIE_AFTER_WRITES = """
import os, signal, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "frpdesk.settings"
django.setup()
from django.core.management import call_command
from django.db import connection
writes = 0
def die_after_writes(execute, sql, params, many, context):
    global writes
    result = execute(sql, params, many, context)
    if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
        writes += 1
        if writes == int(os.environ["KILL_AFTER_WRITES"]):
            os.kill(os.getpid(), signal.SIGKILL)
    return result
connection.execute_wrappers.append(die_after_writes)
call_command(*sys.argv[1:])
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    cli = migrated_cli(tmp_path_factory.mktemp("frpdesk-interrupted"))
    added = cli("add_customer", "--name", "Fabrikam", "--tenant-id", TENANT)
    assert added.returncode == 0, added.stderr
    return cli


@pytest.fixture
def cli(template: Cli, tmp_path: Path) -> Cli:
    return template.copy_to(tmp_path / "cli")


def killed(cli: Cli, after_writes: int, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", DIE_AFTER_WRITES, *command],
        capture_output=True,
        text=True,
        env={
            "PATH": "",
            "FRPDESK_DATA_DIR": str(cli.directory),
            "DATABASE_URL": f"sqlite:///{cli.database}",
            "KILL_AFTER_WRITES": str(after_writes),
        },
        cwd=cli.directory,
        check=False,
        timeout=180,
    )


TABLES = (
    "referrals_referral",
    "referrals_referral_workloads",
    "licensing_licensesnapshot",
    "licensing_snapshotline",
    "auditlog_logentry",
)


@pytest.mark.parametrize("after_writes", [1, 3, 8])
def test_a_referrals_import_killed_half_way_leaves_nothing(cli: Cli, after_writes: int) -> None:
    before = {table: cli.count(table) for table in TABLES}

    result = killed(cli, after_writes, "import_referrals", str(REFERRALS))

    assert result.returncode == -signal.SIGKILL, result.stderr
    assert {table: cli.count(table) for table in TABLES} == before
    # Nothing half-written stands in the way: the same file then imports whole.
    again = cli("import_referrals", str(REFERRALS))
    assert again.stdout == "partner-center-referrals.csv: 3 created, 0 updated, 0 unchanged.\n"
    assert cli.count("referrals_referral") == 3


@pytest.mark.parametrize("after_writes", [1, 4])
def test_a_licence_import_killed_half_way_leaves_nothing(
    cli: Cli, tmp_path: Path, after_writes: int
) -> None:
    licences = tmp_path / "licences.csv"
    licences.write_bytes(LICENCES)
    before = {table: cli.count(table) for table in TABLES}

    result = killed(cli, after_writes, "import_licenses", "--tenant-id", TENANT, str(licences))

    assert result.returncode == -signal.SIGKILL, result.stderr
    assert {table: cli.count(table) for table in TABLES} == before
    again = cli("import_licenses", "--tenant-id", TENANT, str(licences))
    assert again.returncode == 0, again.stderr
    assert cli.count("licensing_licensesnapshot") == 1
    assert cli.count("licensing_snapshotline") == 2


def test_the_killer_really_kills_inside_the_import(cli: Cli) -> None:
    """Without a kill the same wrapper lets the import finish: the kills above hit its writes."""
    result = killed(cli, 10**9, "import_referrals", str(REFERRALS))
    assert result.returncode == 0, result.stderr
    assert cli.count("referrals_referral") == 3
