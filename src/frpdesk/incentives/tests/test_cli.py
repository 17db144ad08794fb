import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from frpdesk.claims.models import Claim
from frpdesk.incentives.models import IncentiveRate, Statement


@pytest.mark.django_db
def test_import_statement_prints_counts_and_is_idempotent(
    claim: Claim, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "may.csv"
    file.write_text(
        f"Statement date;Tenant ID;Workload;Milestone;Amount\n2026-05-31;{claim.tenant_id};Teams;15 % AU;$1,520.00\n"
    )

    call_command("import_statement", str(file))
    call_command("import_statement", str(file))

    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "may.csv: 1 line: 1 matched to our claims, 0 without an approved claim of ours, 0 of "
        "unknown tenants."
    )
    assert out[1].startswith("may.csv: already imported on ")
    assert Statement.objects.count() == 1


@pytest.mark.django_db
def test_import_statement_bad_file_exits_2(tmp_path: Path) -> None:
    file = tmp_path / "bad.csv"
    file.write_text("Statement date,Tenant ID,Workload,Milestone,Amount\n2026-05-31,x,Teams,15,1\n")
    with pytest.raises(CommandError) as failure:
        call_command("import_statement", str(file))
    assert failure.value.returncode == 2
    assert str(failure.value).startswith("bad.csv, row 2, column Tenant ID: “x” is neither")
    with pytest.raises(CommandError) as missing:
        call_command("import_statement", str(tmp_path / "none.csv"))
    assert missing.value.returncode == 2


@pytest.mark.django_db
def test_incentives_json(
    rates: list[IncentiveRate], claim: Claim, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("incentives", "--json")
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["claim"], row["workload"], row["earned"], row["unpaid_flag"]) == (
        claim.pk,
        "teams",
        "1520.00",
        True,
    )
    call_command("incentives", "--unpaid")
    assert "UNPAID" in capsys.readouterr().out
