"""Fixtures of the adoption tests: the shared sample reports, the tenants they belong to, and a
way to see everything the adoption area has written.

The samples are ``../shared/samples`` next to the repository (``FRPDESK_SAMPLES_DIR`` points
elsewhere). Their README lists the figures the tests expect.
"""

import csv
import datetime
import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory

SAMPLES_DIR = Path(
    os.environ.get(
        "FRPDESK_SAMPLES_DIR", Path(__file__).resolve().parents[5] / "shared" / "samples"
    )
)
TENANT_A_ID = "b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c"  # Fabrikam Industries (samples README)
TENANT_B_ID = "3c1f6a2e-9d4b-4e7a-8b5c-2f0e1d9c8a7b"  # Contoso Pharma: the README gives no id

# Every usage report sample of tenant A, in the order the README lists them.
TENANT_A_REPORTS = (
    "Office365ActiveUserDetail_D30.csv",
    "EmailActivityUserDetail_D30.csv",
    "OneDriveActivityUserDetail_D30.csv",
    "SharePointActivityUserDetail_D30.csv",
    "TeamsUserActivityUserDetail_D30.csv",
    "TeamsUserActivityUserDetail_D30_observed-column-order.csv",
    "M365AppUserDetail_D30.csv",
    "Microsoft365CopilotUsageUserDetail_D30.json",
)
CONCEALED_REPORT = "Office365ActiveUserDetail_D7_concealed.csv"
REFRESH_DATE = datetime.date(2025, 11, 20)  # every tenant A sample's Report Refresh Date
O365 = "Office365ActiveUserDetail_D30.csv"
EMAIL = "EmailActivityUserDetail_D30.csv"
TEAMS = "TeamsUserActivityUserDetail_D30.csv"
TEAMS_OBSERVED = "TeamsUserActivityUserDetail_D30_observed-column-order.csv"
M365_APPS = "M365AppUserDetail_D30.csv"
COPILOT = "Microsoft365CopilotUsageUserDetail_D30.json"


# --- sample files, changed ------------------------------------------------------------------


def sample_rows(name: str) -> list[list[str]]:
    """A sample CSV as rows of cells (header first)."""
    text = (SAMPLES_DIR / name).read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def as_csv(rows: list[list[str]], *, bom: bool = True, newline: str = "\r\n") -> bytes:
    """Rows written the way Graph writes them: BOM, CRLF, quotes only where needed."""
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode()


def with_cell(name: str, line: int, column: str, value: str) -> bytes:
    """The sample with one cell changed; ``line`` counts the header as line 1."""
    rows = sample_rows(name)
    rows[line - 1][rows[0].index(column)] = value
    return as_csv(rows)


def shifted(name: str, days: int) -> bytes:
    """The sample as if taken ``days`` later (earlier when negative): every date moved."""

    def move(match: re.Match[str]) -> str:
        day = datetime.date.fromisoformat(match.group(0)) + datetime.timedelta(days=days)
        return day.isoformat()

    text = (SAMPLES_DIR / name).read_bytes().decode("utf-8-sig")
    return b"\xef\xbb\xbf" + re.sub(r"\b\d{4}-\d{2}-\d{2}\b", move, text).encode()


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not (SAMPLES_DIR / "README.md").exists():
        pytest.fail(
            f"The sample usage reports are the test oracle and are not at {SAMPLES_DIR} "
            "(set FRPDESK_SAMPLES_DIR)"
        )
    return SAMPLES_DIR


@pytest.fixture(scope="session")
def sample(samples_dir: Path) -> Callable[[str], Path]:
    """``sample("EmailActivityUserDetail_D30.csv")`` → its path."""

    def path(name: str) -> Path:
        return samples_dir / name

    return path


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Stored report files go to the test's own directory, never to ``data/``."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def tenant_a(db: None) -> Customer:
    return CustomerFactory(name="Fabrikam Industries", tenant_id=TENANT_A_ID)


@pytest.fixture
def tenant_b(db: None) -> Customer:
    return CustomerFactory(name="Contoso Pharma", tenant_id=TENANT_B_ID)


@pytest.fixture
def adoption_rows(db: None) -> Callable[[], dict[str, list[tuple[Any, ...]]]]:
    """Every row of every adoption table, all fields, for "nothing was written" checks."""

    def rows() -> dict[str, list[tuple[Any, ...]]]:
        return {
            model._meta.label: [
                tuple(bytes(value) if isinstance(value, memoryview) else value for value in row)
                for row in model.objects.order_by("pk").values_list()
            ]
            for model in apps.get_app_config("adoption").get_models()
        }

    return rows
