"""The compliance pages: findings with their filters and exports, a finding, the runs, "Run checks
now" with the status it polls, and the rules."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from frpdesk.accounts.models import User
from frpdesk.compliance.models import CheckRun, Finding, RunStatus
from frpdesk.compliance.rules import RULES
from frpdesk.compliance.tests.factories import make_check_run, make_finding, make_rule_result
from frpdesk.compliance.tests.test_services import IMMEDIATE
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.models import Engagement

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def findings(consultant: User) -> dict[str, Finding]:
    fabrikam = CustomerFactory(name="Fabrikam Retail", owner=consultant)
    northwind = CustomerFactory(name="Northwind Traders")
    return {
        "open": make_finding(customer=fabrikam, message="None of its 2 contacts may receive it."),
        "critical": make_finding(
            customer=northwind,
            rule="referral_response",
            object_type="referrals.referral",
            object_id=7,
            object_label="Referral FT-1 (Northwind Traders)",
            message="First response was due on 2026-11-18; none recorded, 7 days late.",
            fix_url="/referrals/7/",
        ),
        "resolved": make_finding(
            customer=northwind, resolved=True, message="An old contact problem was solved."
        ),
    }


def test_the_list_shows_open_findings_and_filters(
    findings: dict[str, Finding], executive: User, consultant: User
) -> None:
    client = client_for(executive)
    url = reverse("compliance:list")
    page = text(client.get(url))
    assert "None of its 2 contacts may receive it." in page
    assert "7 days late" in page
    assert "An old contact problem was solved." not in page
    assert page.count('data-testid="fix"') == 2
    assert 'href="/referrals/7/"' in page
    assert 'data-testid="run-checks"' not in page  # executives may not run the checks
    assert 'data-testid="latest-score"' in page

    resolved = text(client.get(url, {"state": "resolved"}))
    assert "An old contact problem was solved." in resolved
    assert "7 days late" not in resolved
    assert text(client.get(url, {"state": "all"})).count("data-finding=") == 3

    critical = text(client.get(url, {"severity": "critical"}))
    assert "7 days late" in critical
    assert "None of its 2 contacts" not in critical
    by_rule = text(client.get(url, {"rule": "survey_contact"}))
    assert "None of its 2 contacts" in by_rule
    assert "7 days late" not in by_rule
    by_customer = text(client.get(url, {"customer": findings["open"].customer_id}))
    assert by_customer.count("data-finding=") == 1
    mine = text(client.get(url, {"owner": consultant.pk}))
    assert "None of its 2 contacts" in mine
    assert "7 days late" not in mine
    searched = text(client.get(url, {"search": "FT-1"}))
    assert searched.count("data-finding=") == 1
    assert client.get(url, {"customer": "x", "severity": "nope"}).status_code == 200


def test_exports(findings: dict[str, Finding], auditor: User) -> None:
    client = client_for(auditor)
    url = reverse("compliance:list")
    csv = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    header, *rows = csv.splitlines()
    assert header.startswith("Severity,Rule,Record,Customer,Message,Owner,Opened")
    assert len(rows) == 2
    assert any(row.startswith("Critical,Referral answered within 2 business days") for row in rows)
    assert "/referrals/7/" in csv
    response = client.get(url, {"export": "xlsx", "state": "all"})
    assert response["Content-Disposition"].startswith("attachment;")
    runs = client.get(reverse("compliance:run-list"), {"export": "csv"}).content.decode()
    assert "Started,Trigger,By,Status,Score" in runs


def test_a_finding_with_its_history(findings: dict[str, Finding], executive: User) -> None:
    open_finding = findings["open"]
    older = make_finding(customer=open_finding.customer, resolved=True, message="Earlier.")
    page = text(client_for(executive).get(reverse("compliance:detail", args=[open_finding.pk])))
    assert escape(RULES["survey_contact"].description) in page
    assert 'data-testid="fix"' in page
    assert open_finding.fix_url in page
    assert "Earlier." in page
    assert reverse("compliance:detail", args=[older.pk]) in page
    assert reverse("compliance:run-detail", args=[open_finding.opened_by_run_id]) in page
    resolved = text(client_for(executive).get(reverse("compliance:detail", args=[older.pk])))
    assert 'data-testid="finding-state">Resolved' in resolved
    assert 'data-testid="fix"' not in resolved


def test_runs_and_a_run(executive: User) -> None:
    run = make_check_run(score="91.25")
    make_rule_result(run=run, rule="survey_contact", checked=4, failing=1)
    make_rule_result(run=run, rule="spoc_set", checked=1, failing=0)
    failed = make_check_run(status=RunStatus.FAILED, error="Rule nsat could not be evaluated")
    client = client_for(executive)
    runs = text(client.get(reverse("compliance:run-list")))
    assert "91.25" in runs
    assert 'data-testid="score-trend"' in runs
    page = text(client.get(reverse("compliance:run-detail", args=[run.pk])))
    assert page.count('data-testid="rule-result"') == 2
    assert page.index('data-rule="spoc_set"') < page.index('data-rule="survey_contact"')
    assert "75.0%" in page  # 3 of 4 passed
    assert "Rule nsat could not be evaluated" in text(
        client.get(reverse("compliance:run-detail", args=[failed.pk]))
    )


def test_the_status_of_a_running_run_polls_until_done(executive: User) -> None:
    run = make_check_run(status=RunStatus.RUNNING)
    client = client_for(executive)
    url = reverse("compliance:run-status", args=[run.pk])
    page = text(client.get(reverse("compliance:run-detail", args=[run.pk])))
    assert f'hx-get="{url}" hx-trigger="every 1s"' in page
    assert 'data-testid="run-waiting"' in page
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert 'data-status="running"' in response.content.decode()
    assert "HX-Refresh" not in response
    CheckRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, score="90")
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert 'data-status="done"' in response.content.decode()
    assert "hx-get" not in response.content.decode()
    assert response["HX-Refresh"] == "true"


def test_run_checks_now(
    settings: Any,
    program_admin: User,
    consultant: User,
    engagement: Engagement,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = IMMEDIATE
    url = reverse("compliance:run-now")
    assert client_for(consultant).post(url).status_code == 403
    assert not CheckRun.objects.exists()
    client = client_for(program_admin)
    assert 'data-testid="run-checks"' in text(client.get(reverse("compliance:list")))
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    run = CheckRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("compliance:run-detail", args=[run.pk])
    assert (run.status, run.trigger, run.started_by) == ("done", "on_demand", program_admin)
    page = text(client.get(response.url))
    assert 'data-testid="run-figures"' in page
    assert page.count('data-testid="rule-result"') == len(RULES)


def test_a_second_click_shows_the_run_under_way(program_admin: User) -> None:
    running = make_check_run(status=RunStatus.RUNNING)
    response = client_for(program_admin).post(reverse("compliance:run-now"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("compliance:run-detail", args=[running.pk])
    assert "already under way" in response.content.decode()
    assert CheckRun.objects.count() == 1


def test_rules_page(findings: dict[str, Finding], executive: User) -> None:
    start = datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC)
    for hours, failing in ((0, 3), (1, 2)):
        make_rule_result(
            run=make_check_run(started_at=start + datetime.timedelta(hours=hours)),
            rule="survey_contact",
            failing=failing,
        )
    page = text(client_for(executive).get(reverse("compliance:rules")))
    assert page.count('data-testid="rule"') == len(RULES)
    for rule in RULES.values():
        assert rule.title in page
    assert "1 open finding</a> · 2 failing in the latest run" in page
    assert 'id="rule-trend-survey_contact"' in page
    assert "compliance/compliance.js" in page
