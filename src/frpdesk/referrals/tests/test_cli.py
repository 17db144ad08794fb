"""``frpdesk import_referrals FILE`` and ``frpdesk referrals --json [--overdue]``: the same error
contract as the other imports (exit 2, one line naming file, row and column, nothing written) and
a stable JSON document. Checked once through the console entry point, in detail in process."""

import datetime
import json
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from frpdesk.customers.tests.test_cli import Cli, assert_refused, migrated_cli
from frpdesk.referrals.models import Referral
from frpdesk.referrals.services import decline_referral, record_first_response
from frpdesk.referrals.tests.conftest import DATA
from frpdesk.referrals.tests.factories import ReferralFactory

SAMPLE = DATA / "partner-center-referrals.csv"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    return migrated_cli(tmp_path_factory.mktemp("frpdesk-referrals-cli"))


@pytest.fixture
def cli(template: Cli, tmp_path: Path) -> Cli:
    return template.copy_to(tmp_path / "cli")


def test_import_and_list_in_a_subprocess(cli: Cli, tmp_path: Path) -> None:
    first = cli("import_referrals", str(SAMPLE))
    assert first.returncode == 0, first.stderr
    assert first.stdout == "partner-center-referrals.csv: 3 created, 0 updated, 0 unchanged.\n"
    again = cli("import_referrals", str(SAMPLE))
    assert again.stdout == "partner-center-referrals.csv: 0 created, 0 updated, 3 unchanged.\n"
    assert cli.count("referrals_referral") == 3

    listed = cli("referrals", "--json")
    assert listed.returncode == 0, listed.stderr
    documents = json.loads(listed.stdout)
    assert next(document["referral_id"] for document in documents) == "FT-2026-000101"
    assert documents[0] == {
        "referral_id": "FT-2026-000101",
        "tenant_id": "3f2a4c1e-9b7d-4e2a-8c5f-1a2b3c4d5e6f",
        "acceptance": "pending",
        "first_response_due": "2026-03-06",
        "acceptance_due": "2026-03-11",
        "overdue": timezone.localdate() > datetime.date(2026, 3, 6),
    }

    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Referral ID,Tenant name,Date of assignment\nFT-X,,2026-03-04\n")
    assert_refused(
        cli("import_referrals", str(bad)),
        "bad.csv, row 2, column Tenant name: is empty; every referral needs it",
    )
    assert cli.count("referrals_referral") == 3


# --- in process ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_prints_the_counts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    call_command("import_referrals", str(SAMPLE))
    assert capsys.readouterr().out == (
        "partner-center-referrals.csv: 3 created, 0 updated, 0 unchanged.\n"
    )
    changed = tmp_path / "changed.csv"
    changed.write_bytes(SAMPLE.read_bytes().replace(b'"Contoso Pharma"', b'"Contoso Pharma GmbH"'))
    call_command("import_referrals", str(changed))
    assert capsys.readouterr().out == "changed.csv: 0 created, 1 updated, 2 unchanged.\n"
    assert Referral.objects.get(referral_id="FT-2026-000101").tenant_name == "Contoso Pharma GmbH"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"Referral ID,Tenant name,Date of assignment,RFA workloads\nFT-1,A,2026-03-04,Lync\n",
            "referrals.csv, row 2, column RFA workloads: “Lync” is not a workload of the catalog",
        ),
        (
            b"Referral ID,Tenant name,Date of assignment\nFT-1,A,2026-13-04\n",
            "referrals.csv, row 2, column Date of assignment: “2026-13-04” is not a real date",
        ),
        (b"Name\nx\n", "referrals.csv, row 1: is missing the column(s) Referral ID"),
    ],
    ids=["unknown-workload", "bad-date", "not-an-export"],
)
def test_a_bad_file_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "referrals.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        call_command("import_referrals", str(path))
    assert caught.value.returncode == 2
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("import_referrals", str(tmp_path / "nope.csv"))
    assert caught.value.returncode == 2
    assert (
        str(caught.value) == f"{tmp_path / 'nope.csv'}: cannot be read: No such file or directory"
    )


@pytest.mark.django_db
def test_referrals_json_and_overdue(capsys: pytest.CaptureFixture[str]) -> None:
    today = timezone.localdate()
    late = ReferralFactory(referral_id="FT-LATE", assigned_on=today - datetime.timedelta(days=6))
    fresh = ReferralFactory(referral_id="FT-FRESH", assigned_on=today, tenant_id=None)
    answered = ReferralFactory(referral_id="FT-ANSWERED", assigned_on=today)
    record_first_response(acting_user=None, referral=answered, on=today)
    declined = ReferralFactory(
        referral_id="FT-DECLINED", assigned_on=today - datetime.timedelta(days=6)
    )
    decline_referral(acting_user=None, referral=declined, reason="Out of region")

    call_command("referrals", "--json")
    documents = json.loads(capsys.readouterr().out)
    assert [document["referral_id"] for document in documents] == [
        "FT-LATE",
        "FT-FRESH",
        "FT-ANSWERED",
        "FT-DECLINED",
    ]
    by_id = {document["referral_id"]: document for document in documents}
    assert by_id["FT-LATE"] == {
        "referral_id": "FT-LATE",
        "tenant_id": str(late.tenant_id),
        "acceptance": "pending",
        "first_response_due": late.first_response_due.isoformat(),
        "acceptance_due": late.acceptance_due.isoformat(),
        "overdue": True,
    }
    assert by_id["FT-FRESH"]["tenant_id"] is None
    assert by_id["FT-FRESH"]["overdue"] is False
    assert by_id["FT-DECLINED"]["acceptance"] == "declined"
    assert by_id["FT-DECLINED"]["overdue"] is False
    assert fresh.pk

    call_command("referrals", "--json", "--overdue")
    assert [d["referral_id"] for d in json.loads(capsys.readouterr().out)] == ["FT-LATE"]


@pytest.mark.django_db
def test_referrals_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("referrals", "--overdue")
    assert capsys.readouterr().out == "No overdue referrals.\n"
    ReferralFactory(
        referral_id="FT-LATE",
        assigned_on=timezone.localdate() - datetime.timedelta(days=6),
        tenant_id=uuid.uuid4(),
    )
    call_command("referrals")
    out = capsys.readouterr().out
    assert out.startswith("FT-LATE")
    assert out.rstrip().endswith("OVERDUE")
