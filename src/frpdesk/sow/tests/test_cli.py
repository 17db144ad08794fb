"""``frpdesk sow`` and ``frpdesk poe_check``: in process for the results, once through the
console entry point for the refusal contract (exit code 2, one line on stderr)."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from frpdesk.customers.tests.test_cli import Cli, assert_refused, migrated_cli
from frpdesk.engagements.models import Engagement
from frpdesk.sow.models import SowVersion
from frpdesk.sow.services import sha256
from frpdesk.sow.tests.conftest import SignedCopy, docx_text

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exit_:
        return out.getvalue(), int(exit_.code or 0)
    return out.getvalue(), 0


def test_sow_generates_stores_and_writes(engagement: Engagement, tmp_path: Path) -> None:
    target = tmp_path / "sow.docx"
    out, code = run(
        "sow", "--engagement", str(engagement.pk), "--format", "docx", "--out", str(target)
    )
    version = SowVersion.objects.get()
    assert code == 0
    assert out == (
        f"SOW v1 of engagement {engagement.pk} (docx, {version.size} bytes) written to {target}\n"
        f"sha256 {version.sha256}\n"
    )
    assert sha256(target.read_bytes()) == version.sha256
    assert "Fabrikam Retail" in docx_text(target.read_bytes())
    assert version.generated_by is None


def test_sow_refusals(engagement: Engagement, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=re.escape("There is no engagement 999.")):
        call_command("sow", "--engagement", "999", "--format", "pdf", "--out", str(tmp_path / "x"))
    missing_dir = tmp_path / "nope" / "sow.pdf"
    with pytest.raises(CommandError, match="cannot be written"):
        call_command(
            "sow", "--engagement", str(engagement.pk), "--format", "pdf", "--out", str(missing_dir)
        )
    assert not SowVersion.objects.exists()  # rolled back with the failed write


@pytest.mark.parametrize("file_format", ["pdf", "docx"])
def test_poe_check_json(
    engagement: Engagement, signed_copy: SignedCopy, tmp_path: Path, file_format: str
) -> None:
    good = tmp_path / f"good.{file_format}"
    good.write_bytes(signed_copy(file_format))
    out, code = run("poe_check", "--engagement", str(engagement.pk), str(good), "--json")
    assert code == 0
    assert json.loads(out) == {
        "ok": True,
        "missing": [],
        "workloads_found": ["Exchange Online", "Microsoft Teams", "Viva Engage (Yammer)"],
    }
    assert list(json.loads(out)) == ["ok", "missing", "workloads_found"]

    blank = tmp_path / f"blank.{file_format}"
    blank.write_bytes(signed_copy(file_format, signed=False))
    out, code = run("poe_check", "--engagement", str(engagement.pk), str(blank), "--json")
    assert code == 1
    assert json.loads(out)["missing"] == [
        "No customer signature: the customer's Name and Date lines are blank"
    ]


def test_poe_check_summary_and_refusals(
    engagement: Engagement, signed_copy: SignedCopy, tmp_path: Path
) -> None:
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(signed_copy("pdf", signed=False))
    out, code = run("poe_check", "--engagement", str(engagement.pk), str(blank))
    assert code == 1
    assert out == (
        "blank.pdf: does not pass the proof-of-execution preflight:\n"
        "  - No customer signature: the customer's Name and Date lines are blank\n"
    )
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(CommandError, match=re.escape("notes.txt: is neither a PDF nor a Word")):
        call_command("poe_check", "--engagement", str(engagement.pk), str(text))
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("poe_check", "--engagement", str(engagement.pk), str(tmp_path / "none.pdf"))


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    return migrated_cli(tmp_path_factory.mktemp("frpdesk-sow-cli"))


def test_refusals_through_the_console_entry_point(cli: Cli, tmp_path: Path) -> None:
    assert_refused(
        cli("sow", "--engagement", "7", "--format", "pdf", "--out", str(tmp_path / "s.pdf")),
        "There is no engagement 7.",
    )
    assert_refused(
        cli("poe_check", "--engagement", "7", str(tmp_path / "s.pdf"), "--json"),
        "There is no engagement 7.",
    )
