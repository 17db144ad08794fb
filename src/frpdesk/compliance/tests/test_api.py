"""The compliance API: findings (open by default, the page's filters), check runs with their
per-rule results, running the checks and the summary (latest score, open findings by severity)."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from frpdesk.accounts.models import User
from frpdesk.compliance.models import CheckRun
from frpdesk.compliance.rules import RULES
from frpdesk.compliance.tests.factories import make_check_run, make_finding, make_rule_result
from frpdesk.customers.models import CustomerContact
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.models import Engagement

pytestmark = pytest.mark.django_db
FINDINGS, RUNS = "/api/findings/", "/api/check-runs/"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_findings(executive: User) -> None:
    customer = CustomerFactory(name="Fabrikam Retail")
    open_finding = make_finding(customer=customer)
    critical = make_finding(rule="spoc_set")
    resolved = make_finding(customer=customer, resolved=True)
    client = client_for(executive)
    data = client.get(FINDINGS).json()
    assert {item["id"] for item in data["results"]} == {open_finding.pk, critical.pk}
    item = next(item for item in data["results"] if item["id"] == open_finding.pk)
    assert item["rule_title"] == RULES["survey_contact"].title
    assert item["is_open"] is True
    assert item["customer"] == customer.pk
    assert item["fix_url"] == f"/customers/{customer.pk}/?tab=contacts"
    assert [i["id"] for i in client.get(FINDINGS, {"severity": "critical"}).json()["results"]] == [
        critical.pk
    ]
    assert client.get(FINDINGS, {"state": "all"}).json()["count"] == 3
    assert [i["id"] for i in client.get(FINDINGS, {"state": "resolved"}).json()["results"]] == [
        resolved.pk
    ]
    assert client.get(FINDINGS, {"customer": customer.pk}).json()["count"] == 1
    # A resolved finding is found by its id whatever the list's default.
    detail = client.get(f"{FINDINGS}{resolved.pk}/").json()
    assert (detail["is_open"], detail["resolved_by_run"]) == (False, resolved.resolved_by_run_id)
    assert client.post(FINDINGS, {}, format="json").status_code in (403, 405)


def test_runs_with_their_results_and_the_summary(auditor: User) -> None:
    run = make_check_run(score="88.00")
    make_rule_result(run=run, rule="nsat", checked=5, failing=1)
    make_finding(rule="spoc_set", run=run)
    client = client_for(auditor)
    listed = client.get(RUNS).json()
    assert listed["results"][0]["score"] == "88.00"
    assert "results" not in listed["results"][0]
    detail = client.get(f"{RUNS}{run.pk}/").json()
    assert detail["results"] == [
        {
            "rule": "nsat",
            "rule_title": RULES["nsat"].title,
            "severity": "major",
            "checked": 5,
            "failing": 1,
        }
    ]
    summary = client.get(f"{RUNS}summary/").json()
    assert summary["score"] == "88.00"
    assert summary["run"]["id"] == run.pk
    assert summary["open_findings"] == {"critical": 1, "major": 0, "minor": 0}
    assert client.post(f"{RUNS}run/").status_code == 403  # auditors read


def test_summary_before_any_run(executive: User) -> None:
    summary = client_for(executive).get(f"{RUNS}summary/").json()
    assert summary == {
        "score": None,
        "run": None,
        "open_findings": {"critical": 0, "major": 0, "minor": 0},
    }


def test_run_the_checks(program_admin: User, consultant: User, engagement: Engagement) -> None:
    CustomerContact.objects.update(survey_eligible=False)
    assert client_for(consultant).post(f"{RUNS}run/").status_code == 403
    response = client_for(program_admin).post(f"{RUNS}run/")
    assert response.status_code == 200
    data = response.json()
    run = CheckRun.objects.get()
    assert (data["id"], data["status"], data["trigger"], data["started_by"]) == (
        run.pk,
        "done",
        "on_demand",
        program_admin.username,
    )
    assert len(data["results"]) == len(RULES)
    survey = next(item for item in data["results"] if item["rule"] == "survey_contact")
    assert (survey["checked"], survey["failing"]) == (1, 1)
