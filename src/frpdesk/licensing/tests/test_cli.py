"""``frpdesk import_licenses --tenant-id GUID [--as-of YYYY-MM-DD] FILE`` and
``frpdesk eligibility --tenant-id GUID --json``: the contract other tools rely on.

Refusals (unknown tenant, unreadable file, wrong shape, bad GUID, bad date) are exit code 2 with
one clear line on stderr and nothing written; they are checked through the real console entry
point (``python -m frpdesk`` on a migrated temporary SQLite file). The rest runs in process.
"""

import datetime
import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.utils import timezone

from frpdesk.catalog.models import Workload
from frpdesk.catalog.services import PROGRAM_CATALOG_FILE
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.customers.tests.test_cli import Cli, assert_refused, migrated_cli
from frpdesk.licensing.models import Eligibility, LicenseSnapshot
from frpdesk.licensing.tests.factories import import_licences

SAMPLE = Path("/work/shared/samples/subscribedSkus.json")
TENANT = "b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c"
OTHER_TENANT = "0d1e2f3a-4b5c-4e8b-9a6c-b7e3c5a14f2d"
CSV_HEADER = "sku_part_number,enabled,suspended,warning,consumed"
WORKLOAD_KEYS = {"eligible": bool, "eligible_seats": int, "pau": int}
MIGRATION_WORKLOADS = {"exchange", "onedrive", "sharepoint"}


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def csv_text(*rows: str) -> str:
    return "\n".join([CSV_HEADER, *rows, ""])


def assert_contract(document: Any, workload_codes: list[str]) -> None:
    """The documented shape of ``frpdesk eligibility --json``, key by key and type by type."""
    assert isinstance(document, dict)
    assert list(document) == [
        "tenant_id",
        "as_of",
        "eligible",
        "eligible_seats",
        "workloads",
        "unknown_skus",
        "reasons",
    ]
    assert isinstance(document["tenant_id"], str)
    uuid.UUID(document["tenant_id"])
    assert isinstance(document["as_of"], str)
    assert datetime.date.fromisoformat(document["as_of"]).isoformat() == document["as_of"]
    assert isinstance(document["eligible"], bool)
    assert type(document["eligible_seats"]) is int
    assert list(document["workloads"]) == workload_codes
    for code, workload in document["workloads"].items():
        assert set(workload) == {"eligible", "eligible_seats", "pau", "migration"}
        for key, kind in WORKLOAD_KEYS.items():
            assert type(workload[key]) is kind, (code, key)
        assert workload["migration"] in (None, "guidance_only", "fasttrack_migration")
        if code not in MIGRATION_WORKLOADS or not workload["eligible"]:
            assert workload["migration"] is None, code
        else:
            assert workload["migration"] is not None, code
    assert isinstance(document["unknown_skus"], list)
    assert all(isinstance(sku, str) for sku in document["unknown_skus"])
    assert isinstance(document["reasons"], list)
    assert all(isinstance(reason, str) for reason in document["reasons"])


# --- through the console entry point ---------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """Migrated, with Fabrikam (tenant A of the samples) added through the command."""
    cli = migrated_cli(tmp_path_factory.mktemp("frpdesk-licensing-cli"))
    added = cli("add_customer", "--name", "Fabrikam Industries", "--tenant-id", TENANT)
    assert added.returncode == 0, added.stderr
    return cli


@pytest.fixture
def cli(template: Cli, tmp_path: Path) -> Cli:
    return template.copy_to(tmp_path / "cli")


def test_import_and_eligibility_in_a_subprocess(cli: Cli, tmp_path: Path) -> None:
    imported = cli("import_licenses", "--tenant-id", TENANT, "--as-of", "2025-11-20", str(SAMPLE))
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr == ""
    assert imported.stdout == (
        "Snapshot of Fabrikam Industries as of 2025-11-20 created: 8 SKUs.\n"
    )
    again = cli("import_licenses", "--tenant-id", TENANT, "--as-of", "2025-11-20", str(SAMPLE))
    assert again.returncode == 0
    assert "unchanged (the same licences were already imported)" in again.stdout

    result = cli("eligibility", "--tenant-id", TENANT.upper(), "--json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1  # one JSON object on one line
    document = json.loads(result.stdout)
    shipped = json.loads(PROGRAM_CATALOG_FILE.read_text(encoding="utf-8"))["workloads"]
    assert_contract(document, [workload["code"] for workload in shipped])
    assert (document["tenant_id"], document["as_of"]) == (TENANT, "2025-11-20")
    assert (document["eligible"], document["eligible_seats"], document["unknown_skus"]) == (
        False,
        50,
        [],
    )


def _refusals(tmp: Path) -> list[Any]:
    graph_array = write(tmp / "array.json", "[]")
    bad_cell = write(tmp / "bad.csv", csv_text("SPE_E3,200,0,0,0", "EMSPREMIUM,-5,0,0,0"))
    bad_header = write(tmp / "wrong.csv", "sku,units\nSPE_E3,200\n")
    good = write(tmp / "good.csv", csv_text("SPE_E3,200,0,0,0"))
    return [
        (
            ["import_licenses", "--tenant-id", OTHER_TENANT, str(good)],
            f"No customer has tenant ID {OTHER_TENANT}.",
        ),
        (
            ["import_licenses", "--tenant-id", TENANT, str(tmp / "missing.json")],
            f"{tmp / 'missing.json'}: cannot be read: No such file or directory",
        ),
        (
            ["import_licenses", "--tenant-id", TENANT, str(tmp)],
            f"{tmp}: cannot be read: Is a directory",
        ),
        (
            ["import_licenses", "--tenant-id", TENANT, str(graph_array)],
            'array.json: is not a Microsoft Graph subscribedSkus response: expected an object with a "value" list',
        ),
        (
            ["import_licenses", "--tenant-id", TENANT, str(bad_header)],
            "wrong.csv, row 1: is missing the column(s) sku_part_number, enabled, suspended, "
            "warning, consumed; expected sku_part_number,enabled,suspended,warning,consumed",
        ),
        (
            ["import_licenses", "--tenant-id", TENANT, str(bad_cell)],
            "bad.csv, row 3, column enabled: must be a whole number from 0 to 2,147,483,647, got '-5'",
        ),
        (
            ["import_licenses", "--tenant-id", "not-a-guid", str(good)],
            "“not-a-guid” is not a tenant ID (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47).",
        ),
        (
            ["import_licenses", "--tenant-id", TENANT, "--as-of", "2025-13-01", str(good)],
            "--as-of must be a date as YYYY-MM-DD, got '2025-13-01'.",
        ),
        (
            ["import_licenses", "--tenant-id", TENANT, "--as-of", "20/11/2025", str(good)],
            "--as-of must be a date as YYYY-MM-DD, got '20/11/2025'.",
        ),
        (
            ["eligibility", "--tenant-id", "12345", "--json"],
            "“12345” is not a tenant ID (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47).",
        ),
        (
            ["eligibility", "--tenant-id", OTHER_TENANT, "--json"],
            f"No customer has tenant ID {OTHER_TENANT}.",
        ),
        (
            ["eligibility", "--tenant-id", TENANT, "--json"],
            f"Fabrikam Industries (tenant {TENANT}) has no licence snapshot yet; import one with "
            "frpdesk import_licenses.",
        ),
    ]


REFUSAL_IDS = [
    "unknown-tenant",
    "missing-file",
    "directory",
    "json-shape",
    "csv-header",
    "csv-cell",
    "bad-guid",
    "bad-as-of",
    "as-of-format",
    "eligibility-bad-guid",
    "eligibility-unknown-tenant",
    "eligibility-no-snapshot",
]


@pytest.mark.parametrize("case", range(len(REFUSAL_IDS)), ids=REFUSAL_IDS)
def test_refusals_are_exit_code_2_with_one_line_and_write_nothing(
    cli: Cli, tmp_path: Path, case: int
) -> None:
    files = tmp_path / "files"
    files.mkdir()
    args, message = _refusals(files)[case]
    before = (cli.count("licensing_licensesnapshot"), cli.count("auditlog_logentry"))

    assert_refused(cli(*args), message)

    assert (cli.count("licensing_licensesnapshot"), cli.count("auditlog_logentry")) == before
    assert cli.count("licensing_snapshotline") == 0
    assert cli.count("licensing_eligibility") == 0


def test_an_odd_digit_is_refused_like_any_bad_cell(cli: Cli, tmp_path: Path) -> None:
    file = write(tmp_path / "odd.csv", csv_text("SPE_E3,²,0,0,0"))
    assert_refused(
        cli("import_licenses", "--tenant-id", TENANT, str(file)),
        "odd.csv, row 2, column enabled: must be a whole number from 0 to 2,147,483,647, got '²'",
    )


# --- in process: import_licenses -------------------------------------------------------------


@pytest.fixture
def fabrikam(db: None) -> Customer:
    return CustomerFactory(name="Fabrikam Industries", tenant_id=uuid.UUID(TENANT))


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_messages_created_unchanged_replaced(fabrikam: Customer, tmp_path: Path) -> None:
    first = write(tmp_path / "first.csv", csv_text("SPE_E3,100,0,0,0", "CONTOSO_E9,5,0,0,0"))
    second = write(tmp_path / "second.csv", csv_text("SPE_E3,180,0,0,0"))
    as_of = ["--as-of", "2025-11-20"]

    assert run("import_licenses", "--tenant-id", TENANT, *as_of, str(first)) == (
        "Snapshot of Fabrikam Industries as of 2025-11-20 created: 2 SKUs; unknown SKUs kept "
        "and flagged: CONTOSO_E9.\n"
    )
    assert run("import_licenses", "--tenant-id", TENANT, *as_of, str(first)) == (
        "Snapshot of Fabrikam Industries as of 2025-11-20 unchanged (the same licences were "
        "already imported): 2 SKUs; unknown SKUs kept and flagged: CONTOSO_E9.\n"
    )
    assert run("import_licenses", "--tenant-id", TENANT, *as_of, str(second)) == (
        "Snapshot of Fabrikam Industries as of 2025-11-20 replaced: 1 SKU.\n"
    )
    assert LicenseSnapshot.objects.get().file_name == "second.csv"
    assert Eligibility.objects.get().eligible


def test_the_format_comes_from_the_content_not_the_name(fabrikam: Customer, tmp_path: Path) -> None:
    json_as_txt = write(tmp_path / "export.txt", SAMPLE.read_bytes())
    csv_as_json = write(tmp_path / "licences.json", "\ufeff" + csv_text("SPE_E3,5,0,0,0"))
    run("import_licenses", "--tenant-id", TENANT, "--as-of", "2025-11-20", str(json_as_txt))
    run("import_licenses", "--tenant-id", TENANT, "--as-of", "2025-11-21", str(csv_as_json))
    assert dict(LicenseSnapshot.objects.values_list("file_name", "source")) == {
        "export.txt": "graph_json",
        "licences.json": "csv",
    }


def test_as_of_defaults_to_today(fabrikam: Customer, tmp_path: Path) -> None:
    file = write(tmp_path / "l.csv", csv_text("SPE_E3,5,0,0,0"))
    output = run("import_licenses", "--tenant-id", TENANT, str(file))
    today = timezone.localdate()
    assert f"as of {today.isoformat()} created" in output
    assert LicenseSnapshot.objects.get().as_of == today


def test_the_tenant_id_may_come_in_braces_and_capitals(fabrikam: Customer, tmp_path: Path) -> None:
    file = write(tmp_path / "l.csv", csv_text("SPE_E3,5,0,0,0"))
    run("import_licenses", "--tenant-id", "{" + TENANT.upper() + "}", str(file))
    assert LicenseSnapshot.objects.get().customer == fabrikam


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant-id", OTHER_TENANT], f"No customer has tenant ID {OTHER_TENANT}."),
        (["--tenant-id", TENANT, "--as-of", "tomorrow"], "--as-of must be a date as YYYY-MM-DD"),
    ],
    ids=["unknown-tenant", "bad-as-of"],
)
def test_import_refusals_in_process(
    fabrikam: Customer, tmp_path: Path, args: list[str], message: str
) -> None:
    file = write(tmp_path / "l.csv", csv_text("SPE_E3,5,0,0,0"))
    before = LogEntry.objects.count()
    with pytest.raises(CommandError) as caught:
        run("import_licenses", *args, str(file))
    assert caught.value.returncode == 2
    assert str(caught.value).startswith(message)
    assert not LicenseSnapshot.objects.exists()
    assert LogEntry.objects.count() == before


def test_a_bad_file_after_a_good_one_changes_nothing(fabrikam: Customer, tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", csv_text("SPE_E3,200,0,0,0"))
    bad = write(tmp_path / "bad.json", '{"value": [{"skuPartNumber": "SPE_E3"}]}')
    run("import_licenses", "--tenant-id", TENANT, "--as-of", "2025-11-20", str(good))
    snapshot = LicenseSnapshot.objects.get()
    before = LogEntry.objects.count()
    with pytest.raises(CommandError) as caught:
        run("import_licenses", "--tenant-id", TENANT, "--as-of", "2025-11-20", str(bad))
    assert caught.value.returncode == 2
    assert str(caught.value) == "bad.json, item 1, field prepaidUnits: is missing or not an object"
    assert list(LicenseSnapshot.objects.values_list("pk", "content_hash")) == [
        (snapshot.pk, snapshot.content_hash)
    ]
    assert Eligibility.objects.get().eligible_seats == 200
    assert LogEntry.objects.count() == before


# --- in process: eligibility -----------------------------------------------------------------


def workload_codes() -> list[str]:
    return list(Workload.objects.order_by("sort_order", "code").values_list("code", flat=True))


@pytest.mark.parametrize(
    ("units", "eligible", "seats"),
    [
        ({"SPE_E3": 149}, False, 149),
        ({"SPE_E3": 150}, True, 150),
        ({"SPE_E3": 480, "EXCHANGESTANDARD": 40, "FLOW_FREE": 10_000}, True, 520),
        ({"TEAMS_ESSENTIALS_AAD": 900, "CONTOSO_E9": 500}, False, 0),
        ({}, False, 0),
    ],
    ids=["149", "150", "migration-tiers", "nothing-eligible", "no-licences"],
)
def test_eligibility_json_follows_the_contract(
    fabrikam: Customer, units: dict[str, int], eligible: bool, seats: int
) -> None:
    import_licences(fabrikam, units, as_of=datetime.date(2025, 11, 20))
    document = json.loads(run("eligibility", "--tenant-id", TENANT, "--json"))
    assert_contract(document, workload_codes())
    assert (document["tenant_id"], document["as_of"]) == (TENANT, "2025-11-20")
    assert (document["eligible"], document["eligible_seats"]) == (eligible, seats)


def test_eligibility_json_keys_come_in_the_documented_order(fabrikam: Customer) -> None:
    import_licences(fabrikam, {"SPE_E3": 200})
    output = run("eligibility", "--tenant-id", TENANT, "--json")
    document = json.loads(output)
    assert list(document["workloads"]["exchange"]) == [
        "eligible",
        "eligible_seats",
        "pau",
        "migration",
    ]
    assert output.startswith(f'{{"tenant_id": "{TENANT}", "as_of": ')


def test_eligibility_json_migration_values(fabrikam: Customer) -> None:
    import_licences(fabrikam, {"SPE_E3": 480, "EXCHANGESTANDARD": 40})
    document = json.loads(run("eligibility", "--tenant-id", TENANT, "--json"))
    workloads = document["workloads"]
    assert workloads["exchange"]["migration"] == "fasttrack_migration"  # 520 seats
    assert workloads["sharepoint"]["migration"] == "guidance_only"  # 480 seats
    assert workloads["onedrive"]["migration"] == "guidance_only"
    assert workloads["teams"] == {
        "eligible": True,
        "eligible_seats": 480,
        "pau": 480,
        "migration": None,
    }
    assert workloads["copilot"]["migration"] is None


def test_eligibility_json_with_unknown_skus(fabrikam: Customer) -> None:
    import_licences(fabrikam, {"SPE_E3": 100, "CONTOSO_E9": 500})
    document = json.loads(run("eligibility", "--tenant-id", TENANT, "--json"))
    assert document["unknown_skus"] == ["CONTOSO_E9"]
    assert document["eligible_seats"] == 100
    assert any(reason.startswith("CONTOSO_E9: unknown SKU") for reason in document["reasons"])


def test_eligibility_text_output(fabrikam: Customer) -> None:
    import_licences(fabrikam, {"SPE_E3": 520}, as_of=datetime.date(2025, 11, 20))
    lines = run("eligibility", "--tenant-id", TENANT).splitlines()
    assert lines[0] == "Fabrikam Industries: ELIGIBLE, 520 eligible seats as of 2025-11-20"
    exchange = next(line for line in lines if " exchange " in line)
    assert exchange.split() == [
        "yes",
        "exchange",
        "eligible",
        "seats",
        "520",
        "PAU",
        "520,",
        "fasttrack",
        "migration",
    ]
    assert sum(1 for line in lines if line.startswith("  yes") or line.startswith("  no ")) == 13
    assert "  - Tenant eligible: 520 seats on eligible plans ≥ 150." in lines


def test_eligibility_without_a_snapshot_is_exit_code_2(fabrikam: Customer) -> None:
    with pytest.raises(CommandError) as caught:
        run("eligibility", "--tenant-id", TENANT, "--json")
    assert caught.value.returncode == 2
    assert "has no licence snapshot yet" in str(caught.value)
