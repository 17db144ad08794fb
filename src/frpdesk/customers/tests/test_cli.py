"""``frpdesk add_customer --name NAME --tenant-id GUID [--domain D] [--country CC] [--edu]``.

The contract other tools rely on: exit code 0 and one line on stdout when added; exit code 2 and
one clear line on stderr (no traceback) when refused, with nothing written. Checked once through
the real console entry point (``python -m frpdesk`` on a migrated temporary SQLite file) and in
detail through ``call_command``.
"""

import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory

TENANT = "b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c"


class Cli:
    """The ``frpdesk`` command in a subprocess, on its own SQLite file (``DATABASE_URL``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.database = directory / "frpdesk.sqlite3"

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "frpdesk", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={
                "PATH": "",
                "FRPDESK_DATA_DIR": str(self.directory),
                "DATABASE_URL": f"sqlite:///{self.database}",
            },
            cwd=self.directory,
            check=False,
            timeout=180,
        )

    def count(self, table: str) -> int:
        with sqlite3.connect(self.database) as connection:
            return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def copy_to(self, directory: Path) -> "Cli":
        directory.mkdir(parents=True, exist_ok=True)
        for name in ("frpdesk.sqlite3", "secret_key"):
            if (self.directory / name).exists():
                shutil.copy(self.directory / name, directory / name)
        return Cli(directory)


def migrated_cli(directory: Path) -> Cli:
    """A fresh database, migrated by the command itself (catalog and roles included)."""
    cli = Cli(directory)
    result = cli("migrate", "--no-input", "-v", "0")
    assert result.returncode == 0, result.stderr
    return cli


def assert_refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    """Exit code 2, nothing on stdout, exactly one line on stderr naming the problem."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.endswith("\n")
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr == f"CommandError: {message}\n"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    return migrated_cli(tmp_path_factory.mktemp("frpdesk-cli-template"))


@pytest.fixture
def cli(template: Cli, tmp_path: Path) -> Cli:
    return template.copy_to(tmp_path / "cli")


# --- through the console entry point ---------------------------------------------------------


def test_add_customer_in_a_subprocess(cli: Cli) -> None:
    result = cli(
        "add_customer",
        "--name",
        "Fabrikam Industries",
        "--tenant-id",
        "{B7E3C5A1-4F2D-4E8B-9A6C-0D1E2F3A4B5C}",
        "--domain",
        "Fabrikam.Example.com",
        "--country",
        "de",
        "--edu",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Added customer Fabrikam Industries (tenant {TENANT}).\n"
    assert result.stderr == ""
    with sqlite3.connect(cli.database) as connection:
        row = connection.execute(
            "SELECT name, tenant_id, primary_domain, country, is_edu FROM customers_customer"
        ).fetchone()
    assert row[0] == "Fabrikam Industries"
    assert uuid.UUID(row[1]) == uuid.UUID(TENANT)
    assert row[2:] == ("fabrikam.example.com", "DE", 1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--name", "X", "--tenant-id", "not-a-guid"],
            "tenant_id: “not-a-guid” is not a tenant ID (a GUID such as "
            "72f988bf-86f1-41af-91ab-2d7cd011db47).",
        ),
        (
            ["--name", "X", "--tenant-id", TENANT, "--country", "XX"],
            "country: Value 'XX' is not a valid choice.",
        ),
        (["--name", "  ", "--tenant-id", TENANT], "name: This field cannot be blank."),
    ],
    ids=["bad-guid", "bad-country", "blank-name"],
)
def test_refusals_in_a_subprocess(cli: Cli, args: list[str], message: str) -> None:
    assert_refused(cli("add_customer", *args), message)
    assert cli.count("customers_customer") == 0
    assert cli.count("auditlog_logentry") == 0


def test_a_duplicate_tenant_in_a_subprocess(cli: Cli) -> None:
    assert cli("add_customer", "--name", "First", "--tenant-id", TENANT).returncode == 0
    logged = cli.count("auditlog_logentry")
    result = cli("add_customer", "--name", "Second", "--tenant-id", TENANT.upper())
    assert_refused(result, f"A customer with tenant ID {TENANT} already exists.")
    assert cli.count("customers_customer") == 1
    assert cli.count("auditlog_logentry") == logged


def test_missing_arguments_are_usage_errors(cli: Cli) -> None:
    result = cli("add_customer", "--tenant-id", TENANT)
    assert result.returncode == 2
    assert "the following arguments are required: --name" in result.stderr
    assert "Traceback" not in result.stderr


# --- in process ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_add_customer_stores_normalised_values(capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        "add_customer",
        "--name",
        " Contoso Pharma ",
        "--tenant-id",
        f" {TENANT.upper()} ",
        "--domain",
        " Contoso.Example.COM ",
        "--country",
        "us",
    )
    assert capsys.readouterr().out == f"Added customer Contoso Pharma (tenant {TENANT}).\n"
    customer = Customer.objects.get()
    assert (customer.name, str(customer.tenant_id), customer.primary_domain) == (
        "Contoso Pharma",
        TENANT,
        "contoso.example.com",
    )
    assert (customer.country.code, customer.is_edu, customer.owner) == ("US", False, None)
    assert list(customer.tags.all()) == []
    assert LogEntry.objects.get_for_object(customer).count() == 1


@pytest.mark.django_db
def test_optional_arguments_default_to_blank() -> None:
    call_command("add_customer", "--name", "Tailspin", "--tenant-id", TENANT)
    customer = Customer.objects.get()
    assert (customer.primary_domain, customer.country, customer.is_edu) == ("", "", False)


@pytest.mark.django_db
def test_edu_flag() -> None:
    call_command("add_customer", "--name", "School", "--tenant-id", TENANT, "--edu")
    assert Customer.objects.get().is_edu


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant-id", "123"], "tenant_id: “123” is not a tenant ID"),
        (["--tenant-id", TENANT, "--country", "Germany"], "country: "),
        (
            ["--tenant-id", TENANT, "--name", "x" * 201],
            "name: Ensure this value has at most 200 characters",
        ),
    ],
    ids=["bad-guid", "bad-country", "long-name"],
)
def test_refusals_are_exit_code_2_and_write_nothing(args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("add_customer", "--name", "X", *args)
    assert caught.value.returncode == 2
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_duplicate_tenant_is_refused() -> None:
    CustomerFactory(tenant_id=uuid.UUID(TENANT), name="Existing")
    with pytest.raises(CommandError) as caught:
        call_command("add_customer", "--name", "New", "--tenant-id", "{" + TENANT + "}")
    assert caught.value.returncode == 2
    assert str(caught.value) == f"A customer with tenant ID {TENANT} already exists."
    assert list(Customer.objects.values_list("name", flat=True)) == ["Existing"]
