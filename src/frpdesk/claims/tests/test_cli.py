import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frpdesk.claims.models import ClaimState
from frpdesk.claims.tests.factories import make_claim


@pytest.mark.django_db
def test_claims_json_and_overdue(capsys: pytest.CaptureFixture[str]) -> None:
    long_ago = datetime.date(2025, 1, 6)
    late = make_claim(workloads=("teams", "exchange"), state=ClaimState.SUBMITTED, on=long_ago)
    draft = make_claim()
    call_command("claims", "--json")
    documents = json.loads(capsys.readouterr().out)
    by_id = {document["claim_id"]: document for document in documents}
    document = by_id[f"CLM-{late.pk}"]
    assert sorted(document.pop("workloads")) == ["exchange", "teams"]
    assert document == {
        "claim_id": f"CLM-{late.pk}",
        "tenant_id": str(late.tenant_id),
        "state": "submitted",
        "next_deadline": "2025-01-13",
        "overdue": True,
    }
    assert by_id[f"CLM-{draft.pk}"]["next_deadline"] is None
    assert by_id[f"CLM-{draft.pk}"]["overdue"] is False
    call_command("claims", "--json", "--overdue")
    assert [d["claim_id"] for d in json.loads(capsys.readouterr().out)] == [f"CLM-{late.pk}"]
    call_command("claims")
    assert "OVERDUE" in capsys.readouterr().out


@pytest.mark.django_db
def test_import_claim_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claim = make_claim(state=ClaimState.SUBMITTED)
    good = tmp_path / "status.csv"
    good.write_text(
        f"Claim reference,Status,Date\nCLM-{claim.pk},Under review,{claim.state_since}\n"
    )
    call_command("import_claim_status", str(good))
    assert "1 changed" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("Claim reference,Status,Date\nCLM-0,Approved,2026-01-01\n")
    with pytest.raises(CommandError) as error:
        call_command("import_claim_status", str(bad))
    assert error.value.returncode == 2
    assert str(error.value).startswith("bad.csv, row 2, column Claim reference")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_claim_status", str(tmp_path / "missing.csv"))
