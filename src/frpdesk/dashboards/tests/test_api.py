"""The dashboards API: the same figures as the pages, the period, permissions and the schema."""

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.accounts.tests.factories import token_header
from frpdesk.dashboards.figures import Period
from frpdesk.dashboards.tests.conftest import Compliance, Portfolio

PROGRAM, PORTFOLIO = "/api/dashboards/program/", "/api/dashboards/portfolio/"


def test_program_figures(client: Client, auditor: User, compliance: Compliance) -> None:
    client.force_login(auditor)
    response = client.get(PROGRAM)
    assert response.status_code == 200
    data = response.json()
    period = Period.last_quarter(timezone.localdate())
    assert data["period"] == {"start": period.start.isoformat(), "end": period.end.isoformat()}
    assert data["score"]["latest"]["score"] == "91.25"
    assert [run["score"] for run in data["score"]["trend"]] == ["80.00", "85.50", "91.25"]
    assert data["failing_trend"][0]["by_severity"] == {"critical": 3, "major": 5, "minor": 1}
    assert data["findings"]["open_total"] == 4
    assert {t["key"]: t["count"] for t in data["findings"]["by_severity"]} == {
        "critical": 1,
        "major": 2,
        "minor": 1,
    }
    assert data["findings"]["opened_in_period"] == 1
    assert data["nsat"]["value"] == "100.0"
    assert data["nsat"]["responses"] == 2


def test_program_figures_of_a_period(client: Client, auditor: User, compliance: Compliance) -> None:
    client.force_login(auditor)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=364)
    data = client.get(PROGRAM, {"from": start.isoformat(), "to": today.isoformat()}).json()
    assert data["period"]["start"] == start.isoformat()
    assert data["nsat"]["responses"] == 3
    assert data["nsat"]["value"] == "66.7"
    assert data["nsat"]["below_target"] is True


def test_portfolio_figures(client: Client, executive: User, portfolio: Portfolio) -> None:
    response = client.get(PORTFOLIO, HTTP_AUTHORIZATION=token_header(executive))
    assert response.status_code == 200
    data = response.json()
    assert data["customers"] == {"total": 4, "eligible": 2, "eligible_seats": 1300}
    assert data["engagements"]["open_total"] == 3
    teams = next(w for w in data["adoption"]["workloads"] if w["code"] == "teams")
    assert teams["au_pct"] == "26.67"
    assert teams["previous_au_pct"] == "23.33"
    assert teams["movement"] == "3.34"
    assert teams["reached"] == [{"pct": 15, "customers": 2}, {"pct": 40, "customers": 0}]
    assert {t["key"]: t["count"] for t in data["claims"]["by_state"]}["approved"] == 1
    assert data["vas"]["pipeline"] == [
        {"state": "draft", "label": "Draft", "currency": "USD", "count": 1, "total": "2160.00"},
        {"state": "sent", "label": "Sent", "currency": "USD", "count": 1, "total": "3999.99"},
    ]
    assert data["vas"]["signed"][0]["total"] == "1000.00"
    assert data["incentives"]["currency"] == "USD"


def test_a_figure_the_role_may_not_view_is_null(
    client: Client, user_with: Callable[..., User], portfolio: Portfolio
) -> None:
    client.force_login(user_with("customers.view_customer"))
    data = client.get(PORTFOLIO).json()
    assert data["customers"]["total"] == 4
    assert data["customers"]["eligible"] is None
    assert data["engagements"] is None
    assert data["claims"] is None
    assert data["vas"] is None


@pytest.mark.parametrize("path", [PROGRAM, PORTFOLIO])
def test_refusals(client: Client, outsider: User, path: str) -> None:
    anonymous = client.get(path)
    assert anonymous.status_code in (401, 403)
    assert set(anonymous.json()) == {"detail"}
    client.force_login(outsider)
    refused = client.get(path)
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail"}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2026-13-01"}, "from", "Enter the first day of the period"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "to", "ends before it starts"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_parameter(
    client: Client, executive: User, db: None, query: dict[str, str], field: str, message: str
) -> None:
    client.force_login(executive)
    response = client.get(PROGRAM, query)
    assert response.status_code == 400
    body = response.json()
    assert message in body["errors"][field][0]


@pytest.mark.django_db
def test_the_schema_describes_both_endpoints_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target), "--validate", "--fail-on-warn")
    schema = yaml.safe_load(target.read_text())
    for path in (PROGRAM, PORTFOLIO):
        operation = schema["paths"][path]["get"]
        assert {parameter["name"] for parameter in operation["parameters"]} == {"from", "to"}
        assert "200" in operation["responses"]
