"""The dashboard pages: who may open them, what they show, and that every figure's link lands on
a list showing exactly the rows the figure counts."""

import datetime
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frpdesk.accounts import roles
from frpdesk.accounts.models import User
from frpdesk.compliance.models import Finding
from frpdesk.dashboards.figures import Period
from frpdesk.dashboards.tests.conftest import Compliance, Portfolio, pks
from frpdesk.satisfaction.models import SurveyResponse

ROLES_THAT_MAY = [
    roles.PROGRAM_ADMINISTRATOR,
    roles.DELIVERY_CONSULTANT,
    roles.SALES,
    roles.EXECUTIVE,
    roles.AUDITOR,
]
PAGES = ["dashboards:program", "dashboards:portfolio", "dashboards:reports"]


def listed(client: Client, url: str) -> set[int]:
    """The records a list page shows (all on one page: the test data is small)."""
    response = client.get(url)
    assert response.status_code == 200, url
    table = response.context["table"]
    assert table.paginator.num_pages == 1
    return {row.record.pk for row in table.page.object_list}


def hrefs(body: str, testid: str) -> str:
    match = re.search(rf'href="([^"]+)"[^>]*data-testid="{re.escape(testid)}"', body)
    assert match, f"no link {testid}"
    return match.group(1).replace("&amp;", "&")


@pytest.mark.parametrize("role", ROLES_THAT_MAY)
@pytest.mark.parametrize("page", PAGES)
def test_every_role_may_open_the_dashboards(
    client: Client,
    users_by_role: dict[str, User],
    portfolio: Portfolio,
    compliance: Compliance,
    role: str,
    page: str,
) -> None:
    client.force_login(users_by_role[role])
    response = client.get(reverse(page))
    assert response.status_code == 200
    body = response.content.decode()
    if page == "dashboards:portfolio":
        assert 'data-testid="chart-phase"' in body
        assert 'data-testid="chart-adoption"' in body
    if page == "dashboards:program":
        # The score sums up every customer: for the roles that see them all.
        sees_all = role in (roles.PROGRAM_ADMINISTRATOR, roles.EXECUTIVE, roles.AUDITOR)
        assert ('data-testid="chart-score"' in body) is sees_all
        assert 'data-testid="chart-severity"' in body


@pytest.mark.parametrize("page", PAGES)
def test_a_user_without_a_role_is_refused(
    client: Client, outsider: User, portfolio: Portfolio, page: str
) -> None:
    client.force_login(outsider)
    response = client.get(reverse(page))
    assert response.status_code == 403
    assert 'data-testid="forbidden"' in response.content.decode()
    assert "Alpha Corp" not in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_go_to_the_login_page(client: Client, db: None, page: str) -> None:
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_each_dashboard_needs_its_own_permission(
    client: Client, user_with: Callable[..., User], portfolio: Portfolio
) -> None:
    client.force_login(user_with("customers.view_customer"))
    assert client.get(reverse("dashboards:portfolio")).status_code == 200
    assert client.get(reverse("dashboards:program")).status_code == 403
    reports = client.get(reverse("dashboards:reports")).content.decode()
    assert 'data-testid="download-portfolio-pdf"' in reports
    assert 'data-testid="download-compliance-pdf"' not in reports
    assert client.get(reverse("dashboards:compliance-pdf")).status_code == 403


def test_a_figure_of_a_model_the_user_may_not_view_is_not_shown(
    client: Client, user_with: Callable[..., User], portfolio: Portfolio
) -> None:
    client.force_login(user_with("customers.view_customer"))
    body = client.get(reverse("dashboards:portfolio")).content.decode()
    assert 'data-testid="customers-total"' in body
    for absent in ("figure-eligible", "chart-phase", "chart-claims", "figure-pipeline"):
        assert f'data-testid="{absent}"' not in body


def test_portfolio_shows_the_figures(client: Client, executive: User, portfolio: Portfolio) -> None:
    client.force_login(executive)
    response = client.get(reverse("dashboards:portfolio"))
    body = response.content.decode()
    assert re.search(r'data-testid="customers-total">4<', body)
    assert re.search(r'data-testid="customers-eligible">2<', body)
    assert re.search(r'data-testid="eligible-seats">1,300<', body)
    assert re.search(r'data-testid="engagements-open">3<', body)
    assert "2,160.00 USD" in body
    assert re.search(r'data-testid="pipeline-total">6,159.99 USD<', body)
    assert re.search(r'data-testid="signed-total">1,000.00 USD<', body)
    assert 'data-movement="up"' in body  # Teams: 23.3 % → 26.7 %
    charts = response.context["charts"]
    assert charts["phase"]["datasets"][0]["data"][:2] == [1, 2]
    assert charts["claims"]["links"][4] == reverse("claims:list") + "?state=approved"
    teams = charts["adoption"]["labels"].index("Microsoft Teams")
    assert charts["adoption"]["datasets"][1]["data"][teams] == 26.67
    assert charts["adoption"]["datasets"][0]["data"][teams] == 23.33
    # The chart data is in the page for dashboards.js, with a link per bar.
    data = json.loads(
        re.search(r'<script id="chart-claims" type="application/json">(.*?)</script>', body).group(
            1
        )  # type: ignore[union-attr]
    )
    assert len(data["links"]) == len(data["labels"])


def test_portfolio_click_throughs_list_exactly_the_rows_counted(
    client: Client, executive: User, portfolio: Portfolio
) -> None:
    client.force_login(executive)
    body = client.get(reverse("dashboards:portfolio")).content.decode()
    customers, engagements = portfolio.customers, portfolio.engagements
    assert listed(client, hrefs(body, "figure-customers")) == pks(customers.values())
    assert listed(client, hrefs(body, "figure-eligible")) == pks(
        [customers["Alpha"], customers["Bravo"]]
    )
    assert listed(client, hrefs(body, "figure-seats")) == pks(
        [customers["Alpha"], customers["Bravo"]]
    )
    assert listed(client, hrefs(body, "figure-engagements")) == pks(
        [engagements["alpha-initiate"], engagements["bravo-assess"], engagements["charlie-assess"]]
    )
    assert listed(client, hrefs(body, "phase-assess")) == pks(
        [engagements["bravo-assess"], engagements["charlie-assess"]]
    )
    assert listed(client, hrefs(body, "phase-enable")) == set()  # closed: not counted
    assert listed(client, hrefs(body, "claim-approved")) == {portfolio.claims["approved"].pk}
    assert listed(client, hrefs(body, "claim-draft")) == {portfolio.claims["draft"].pk}
    assert listed(client, hrefs(body, "workload-teams")) == pks(
        [customers["Alpha"], customers["Bravo"], customers["Charlie"]]
    )
    assert re.search(r'data-testid="milestone-15-customers">3<', body)
    assert listed(client, hrefs(body, "milestone-15")) == pks(
        [customers["Alpha"], customers["Bravo"], customers["Delta"]]
    )
    assert listed(client, hrefs(body, "milestone-40")) == {customers["Delta"].pk}
    charts = client.get(reverse("dashboards:portfolio")).context["charts"]
    teams = charts["milestones"]["labels"].index("Microsoft Teams")
    first = charts["milestones"]["datasets"][0]
    assert first["data"][teams] == 2
    assert listed(client, first["links"][teams]) == pks([customers["Alpha"], customers["Bravo"]])
    quotes = portfolio.quotes
    assert listed(client, hrefs(body, "figure-pipeline")) == pks([quotes["draft"], quotes["sent"]])
    assert listed(client, hrefs(body, "quote-sent")) == {quotes["sent"].pk}
    signed = listed(client, hrefs(body, "figure-signed"))
    assert signed == {quotes["signed"].contract.pk}
    assert listed(client, hrefs(body, "contract-signed")) == signed
    response = client.get(hrefs(body, "figure-incentives"))
    assert response.status_code == 200
    assert {row.record.pk for row in response.context["table"].page.object_list} == pks(
        portfolio.claims["approved"].workloads.all()
    )


def test_program_shows_the_figures(
    client: Client, program_admin: User, compliance: Compliance
) -> None:
    client.force_login(program_admin)
    response = client.get(reverse("dashboards:program"))
    body = response.content.decode()
    assert re.search(r'data-testid="score-value">91.3 %<', body)  # 91.25 to one decimal
    assert re.search(r'data-testid="open-findings">4<', body)
    assert re.search(r'data-testid="severity-critical">1<', body)
    assert re.search(r'data-testid="severity-major">2<', body)
    assert re.search(r'data-testid="nsat-value">100.0<', body)
    charts = response.context["charts"]
    assert charts["score"]["datasets"][0]["data"] == [80.0, 85.5, 91.25]
    assert charts["failing"]["datasets"][0]["data"] == [3, 2, 1]  # critical per run
    assert charts["score"]["links"][-1] == reverse(
        "compliance:run-detail", args=[compliance.runs[-1].pk]
    )


def test_program_click_throughs_list_exactly_the_rows_counted(
    client: Client, program_admin: User, compliance: Compliance
) -> None:
    client.force_login(program_admin)
    body = client.get(reverse("dashboards:program")).content.decode()
    found = compliance.findings
    open_ones = pks([found["critical"], found["major-1"], found["major-2"], found["minor"]])
    assert listed(client, hrefs(body, "figure-open-findings")) == open_ones
    assert listed(client, hrefs(body, "figure-severity-major")) == pks(
        [found["major-1"], found["major-2"]]
    )
    assert listed(client, hrefs(body, "figure-severity-critical")) == {found["critical"].pk}
    assert listed(client, hrefs(body, "rule-status_note_fresh")) == {found["major-2"].pk}
    assert listed(client, hrefs(body, "rule-claim_deadline")) == set()  # resolved
    period = Period.last_quarter(timezone.localdate())
    assert listed(client, hrefs(body, "figure-nsat")) == set(
        SurveyResponse.objects.filter(
            responded_on__gte=period.start, responded_on__lte=period.end
        ).values_list("pk", flat=True)
    )
    assert len(listed(client, hrefs(body, "figure-nsat"))) == 2
    score = client.get(hrefs(body, "figure-score"))
    assert score.status_code == 200
    assert Finding.objects.count() == 5


def test_the_nsat_period_can_be_chosen(
    client: Client, program_admin: User, compliance: Compliance
) -> None:
    client.force_login(program_admin)
    today = timezone.localdate()
    start = (today - datetime.timedelta(days=364)).isoformat()
    response = client.get(reverse("dashboards:program"), {"from": start, "to": today.isoformat()})
    body = response.content.decode()
    assert re.search(r'data-testid="nsat-value">66.7<', body)
    assert listed(client, hrefs(body, "figure-nsat")) == set(
        SurveyResponse.objects.values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-13-01", "to": "2026-02-01"}, "Enter the first day of the period"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "The period ends before it starts"),
        ({"from": "yesterday"}, "Enter the first day of the period"),
        ({"to": "2999-01-01"}, "cannot end after today"),
    ],
)
def test_a_bad_period_is_a_clear_error_on_the_dashboard(
    client: Client, program_admin: User, compliance: Compliance, query: Any, message: str
) -> None:
    client.force_login(program_admin)
    response = client.get(reverse("dashboards:program"), query)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'data-testid="period-invalid"' in body  # and the default period's figures below
    assert 'data-testid="nsat-value"' in body
