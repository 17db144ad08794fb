"""``frpdesk compliance``: runs the checks and prints the score and the open findings."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frpdesk.compliance.models import CheckRun, Trigger
from frpdesk.customers.models import CustomerContact
from frpdesk.engagements.models import Engagement

pytestmark = pytest.mark.django_db


def test_json(engagement: Engagement, capsys: pytest.CaptureFixture[str]) -> None:
    CustomerContact.objects.update(survey_eligible=False)
    call_command("compliance", "--json")
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"score", "findings"}
    run = CheckRun.objects.get()
    assert run.trigger == Trigger.COMMAND
    assert document["score"] == float(run.score)
    assert isinstance(document["score"], float)
    assert document["findings"]
    for finding in document["findings"]:
        assert set(finding) == {"rule", "severity", "object", "message"}
    assert {
        "rule": "survey_contact",
        "severity": "major",
        "object": engagement.customer.name,
        "message": "None of its 1 contacts may receive Microsoft's satisfaction survey: mark one "
        "as survey-eligible.",
    } in document["findings"]
    severities = [finding["severity"] for finding in document["findings"]]
    order = {"critical": 0, "major": 1, "minor": 2}
    assert severities == sorted(severities, key=order.__getitem__)

    call_command("compliance", "--json", "--no-run")
    assert json.loads(capsys.readouterr().out) == document
    assert CheckRun.objects.count() == 1


def test_table(engagement: Engagement, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("compliance")
    out = capsys.readouterr().out
    assert out.startswith("Compliance score ")
    assert "open finding" in out or "No open findings." in out


def test_no_run_without_runs() -> None:
    with pytest.raises(CommandError, match="No check run has completed yet"):
        call_command("compliance", "--no-run")
