"""``frpdesk import_usage --tenant-id GUID FILE...`` and ``frpdesk adoption --tenant-id GUID
--json``: the contract other tools rely on (stable keys, exit code 2 with one clear line)."""

import datetime
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from frpdesk.adoption.models import ImportStatus, UsageImport, UsagePoint
from frpdesk.adoption.tests.conftest import TENANT_A_ID
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.test_cli import Cli, assert_refused, migrated_cli
from frpdesk.licensing.services import import_license_file

REFRESH_DATE = "2025-11-20"
# Paid available units per workload in samples/subscribedSkus.json (enabled units of the paid
# SKUs carrying it): SPE_E3 20, SPE_E5 5, SPE_F1 10, STANDARDPACK 5, Copilot 5; ENTERPRISEPACK 0.
EXCHANGE_PAU = 20 + 5 + 10 + 5
# Users of Office365ActiveUserDetail_D30.csv active in Exchange from 2025-10-24 to 2025-11-20,
# the deleted user left out (counted by hand from the file).
EXCHANGE_MAU = 22


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def licensed_tenant_a(tenant_a: Customer, sample: Callable[[str], Path]) -> Customer:
    import_license_file(
        acting_user=None,
        customer=tenant_a,
        file_name="subscribedSkus.json",
        content=sample("subscribedSkus.json").read_bytes(),
        as_of=datetime.date(2025, 11, 20),
    )
    return tenant_a


def test_import_usage_imports_every_file_and_reports_each(
    licensed_tenant_a: Customer, sample: Callable[[str], Path]
) -> None:
    output = run(
        "import_usage",
        "--tenant-id",
        TENANT_A_ID,
        str(sample("Office365ActiveUserDetail_D30.csv")),
        str(sample("TeamsUserActivityUserDetail_D30.csv")),
    )

    lines = output.splitlines()
    assert lines[0].startswith("Office365ActiveUserDetail_D30.csv: ")
    assert any(line.startswith("TeamsUserActivityUserDetail_D30.csv: ") for line in lines)
    assert UsageImport.objects.filter(status=ImportStatus.DONE).count() == 2
    exchange = UsagePoint.objects.get(workload__code="exchange")
    assert (exchange.mau, exchange.pau) == (EXCHANGE_MAU, EXCHANGE_PAU)


def test_adoption_json_is_the_documented_document(
    licensed_tenant_a: Customer, sample: Callable[[str], Path]
) -> None:
    run(
        "import_usage", "--tenant-id", TENANT_A_ID, str(sample("Office365ActiveUserDetail_D30.csv"))
    )

    document = json.loads(run("adoption", "--tenant-id", TENANT_A_ID, "--json"))

    assert list(document) == ["tenant_id", "workloads"]
    assert document["tenant_id"] == TENANT_A_ID
    assert set(document["workloads"]) == {
        "exchange",
        "onedrive",
        "sharepoint",
        "teams",
        "viva_engage",
    }
    for figures in document["workloads"].values():
        assert list(figures) == ["refresh_date", "mau", "pau", "au_pct", "peak_mau", "milestones"]
        assert figures["refresh_date"] == REFRESH_DATE
        assert list(figures["milestones"]) == ["15", "40"]
    exchange = document["workloads"]["exchange"]
    assert exchange["mau"] == EXCHANGE_MAU
    assert exchange["pau"] == EXCHANGE_PAU
    assert exchange["au_pct"] == round(100 * EXCHANGE_MAU / EXCHANGE_PAU, 1)  # 55.0
    assert exchange["peak_mau"] == EXCHANGE_MAU
    assert exchange["milestones"] == {"15": True, "40": True}


def test_adoption_without_licences_leaves_au_undefined(
    tenant_a: Customer, sample: Callable[[str], Path]
) -> None:
    run("import_usage", "--tenant-id", TENANT_A_ID, str(sample("EmailActivityUserDetail_D30.csv")))

    document = json.loads(run("adoption", "--tenant-id", TENANT_A_ID, "--json"))

    exchange = document["workloads"]["exchange"]
    assert exchange["au_pct"] is None
    assert exchange["milestones"] == {"15": False, "40": False}


def test_a_bad_file_is_refused_and_the_good_one_still_imported(
    tenant_a: Customer, sample: Callable[[str], Path], tmp_path: Path, capsys: Any
) -> None:
    bad = tmp_path / "broken.csv"
    bad.write_text("Report Refresh Date,Whatever\n2025-11-20,x\n")

    with pytest.raises(CommandError) as refused:
        call_command(
            "import_usage",
            "--tenant-id",
            TENANT_A_ID,
            str(bad),
            str(sample("EmailActivityUserDetail_D30.csv")),
        )

    assert refused.value.returncode == 2
    assert "1 of 2 file(s) not imported" in str(refused.value)
    assert "broken.csv" in capsys.readouterr().err
    assert UsageImport.objects.get(file_name="broken.csv").status == ImportStatus.FAILED
    assert UsagePoint.objects.filter(workload__code="exchange").exists()


def test_commands_refuse_unknown_tenants_and_missing_files_in_a_subprocess(
    tmp_path: Path, sample: Callable[[str], Path]
) -> None:
    cli: Cli = migrated_cli(tmp_path)
    unknown = "0d1e2f3a-4b5c-4e8b-9a6c-b7e3c5a14f2d"

    assert_refused(
        cli("adoption", "--tenant-id", unknown, "--json"),
        f"No customer has tenant ID {unknown}.",
    )
    assert_refused(
        cli("import_usage", "--tenant-id", "not-a-guid", str(sample("M365AppUserDetail_D30.csv"))),
        "“not-a-guid” is not a tenant ID (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47).",
    )
    assert cli("add_customer", "--name", "Fabrikam", "--tenant-id", TENANT_A_ID).returncode == 0
    missing = cli("import_usage", "--tenant-id", TENANT_A_ID, str(tmp_path / "nope.csv"))
    assert missing.returncode == 2
    assert "nope.csv: cannot be read: No such file or directory" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert cli.count("adoption_usageimport") == 0

    done = cli("import_usage", "--tenant-id", TENANT_A_ID, str(sample("M365AppUserDetail_D30.csv")))
    assert done.returncode == 0, done.stderr
    document = json.loads(cli("adoption", "--tenant-id", TENANT_A_ID, "--json").stdout)
    assert document["workloads"]["m365_apps"]["refresh_date"] == REFRESH_DATE
