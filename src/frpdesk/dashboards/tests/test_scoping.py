"""Dashboards and reports count only the customers of the user's teams: a consultant of another
team finds nothing of the test team's portfolio in any figure, page, report or API answer, while a
consultant of the team sees it (the same requests, so the checks can fail)."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from frpdesk.accounts import roles
from frpdesk.accounts.models import Team, User
from frpdesk.dashboards.tests.conftest import Compliance, Portfolio
from frpdesk.dashboards.tests.test_reports import pdf_text, sheets


@pytest.fixture
def other_team_consultant(make_user: Callable[..., User]) -> User:
    user = make_user(roles.DELIVERY_CONSULTANT, username="other-team-consultant")
    user.teams.set([Team.objects.create(name="Another team")])
    return user


def portfolio_api(client: Client, user: User) -> dict:
    client.force_login(user)
    response = client.get("/api/dashboards/portfolio/")
    assert response.status_code == 200
    return response.json()


def test_portfolio_figures_count_only_the_teams_customers(
    client: Client, consultant: User, other_team_consultant: User, portfolio: Portfolio
) -> None:
    own = portfolio_api(client, consultant)
    other = portfolio_api(client, other_team_consultant)

    assert own["customers"] == {"total": 4, "eligible": 2, "eligible_seats": 1300}
    assert own["engagements"]["open_total"] == 3
    assert other["customers"] == {"total": 0, "eligible": 0, "eligible_seats": 0}
    assert other["engagements"]["open_total"] == 0
    assert all(workload["au_pct"] is None for workload in other["adoption"]["workloads"])
    assert sum(state["count"] for state in other["claims"]["by_state"]) == 0
    assert sum(state["count"] for state in own["claims"]["by_state"]) > 0


def test_program_figures_leave_out_other_teams_and_the_program_score(
    client: Client, consultant: User, other_team_consultant: User, compliance: Compliance
) -> None:
    client.force_login(consultant)
    own = client.get("/api/dashboards/program/").json()
    client.force_login(other_team_consultant)
    other = client.get("/api/dashboards/program/").json()

    assert own["findings"]["open_total"] == 4
    assert other["findings"]["open_total"] == 0
    assert other["nsat"]["responses"] == 0
    # The score sums up every customer: only for those who see them all.
    assert own["score"] is None
    assert other["score"] is None


def test_portfolio_page_shows_the_other_team_nothing(
    client: Client, consultant: User, other_team_consultant: User, portfolio: Portfolio
) -> None:
    customer = next(iter(portfolio.customers.values()))
    client.force_login(other_team_consultant)
    other = client.get(reverse("dashboards:portfolio"), {"from": "2026-01-01"})
    client.force_login(consultant)
    own = client.get(reverse("dashboards:portfolio"), {"from": "2026-01-01"})

    assert other.status_code == own.status_code == 200
    assert 'data-testid="customers-total">0<' in other.content.decode()
    assert 'data-testid="customers-total">4<' in own.content.decode()
    assert customer.name not in other.content.decode()


@pytest.mark.parametrize("file_format", ["xlsx", "pdf"])
def test_compliance_report_lists_only_the_teams_findings(
    client: Client,
    consultant: User,
    other_team_consultant: User,
    compliance: Compliance,
    file_format: str,
) -> None:
    url = reverse(f"dashboards:compliance-{file_format}")
    client.force_login(consultant)
    own = client.get(url)
    client.force_login(other_team_consultant)
    other = client.get(url)

    assert own.status_code == other.status_code == 200
    if file_format == "xlsx":
        own_rows = sheets(own.content)["Findings open at the end of the"]
        other_rows = sheets(other.content)["Findings open at the end of the"]
        assert len(own_rows) == 1 + 4
        assert len(other_rows) == 1
    else:
        assert "Echo Corp" in pdf_text(own.content)
        assert "Echo Corp" not in pdf_text(other.content)
