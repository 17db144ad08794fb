"""The `frpdesk` console script and its operator commands."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from frpdesk.accounts.models import User
from frpdesk.directory.models import DirectoryPartner
from frpdesk.engagements.models import Engagement
from frpdesk.partner.models import ProgramContact
from frpdesk.sow.models import SignedSow
from frpdesk.vas.models import Quote, QuoteState, RateCardEntry, ServicesContract


def test_console_script_runs_django_commands_with_the_preset(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "frpdesk", "help", "import_sku_catalog"],
        capture_output=True,
        text=True,
        env={"FRPDESK_DATA_DIR": str(tmp_path), "PATH": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: frpdesk import_sku_catalog" in result.stdout
    assert "Refresh the SKU catalog" in result.stdout


@pytest.mark.django_db
def test_schema_command_writes_a_valid_openapi_document(tmp_path: Path) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target), "--validate", "--fail-on-warn")
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/partner/profile/",
        "/api/directory/",
        "/api/catalog/workloads/",
        "/api/catalog/skus/",
        "/api/audit-log/",
        "/api/quotes/",
        "/api/sow-versions/",
        "/api/customer-requests/",
    ):
        assert path in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_demo_loads_twice_without_duplicates(
    settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    first = capsys.readouterr().out
    counts = (
        User.objects.count(),
        DirectoryPartner.objects.count(),
        ProgramContact.objects.count(),
    )
    call_command("load_demo")
    assert (
        User.objects.count(),
        DirectoryPartner.objects.count(),
        ProgramContact.objects.count(),
    ) == counts
    assert capsys.readouterr().out == first  # the same logins, the same password
    password = (tmp_path / "demo-password").read_text().strip()
    assert f"admin       {password}" in first
    admin = User.objects.get(username="admin")
    assert admin.check_password(password)
    assert admin.is_superuser
    assert ProgramContact.objects.filter(is_spoc=True).count() == 1
    # Value-added services: a USD rate card, a draft, a sent quote and a contract in delivery.
    assert RateCardEntry.objects.filter(currency="USD").count() == 8
    assert sorted(Quote.objects.values_list("state", flat=True)) == sorted(
        [QuoteState.DRAFT, QuoteState.SENT, QuoteState.ACTIVE]
    )
    contract = ServicesContract.objects.get()
    assert "Contoso Consulting" in contract.disclosure
    for quote in Quote.objects.all():
        assert quote.lines.filter(kind="benefit", unit_price=0).exists()
        assert quote.engagement.timeline.filter(kind="quote_changed").exists()
    # Scope on every open engagement; the SOW of Woodgrove Bank, signed and passing the preflight.
    open_engagements = Engagement.objects.filter(closed_on=None)
    assert all(engagement.scope_assessments.count() == 1 for engagement in open_engagements)
    assert contract.covered_requests.exists()
    signed = SignedSow.objects.get()
    assert (signed.poe_ok, signed.engagement.customer.name) == (True, "Woodgrove Bank")
