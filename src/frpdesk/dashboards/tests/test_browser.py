"""The dashboards in the browser: a figure and a chart bar (or slice) each land on the list behind
them, filtered to exactly the rows they count."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from frpdesk.dashboards.tests.conftest import make_compliance, make_portfolio


def charts_drawn(page: Any) -> None:
    page.wait_for_function(
        "[...document.querySelectorAll('canvas[data-dashboard-chart]')]"
        ".every(canvas => canvas.dataset.rendered === 'true')"
    )


def click_chart(page: Any, key: str, index: int, dataset: int = 0) -> None:
    """Click the bar (or slice) ``index`` of a dashboard chart where Chart.js drew it."""
    canvas = page.locator(f"[data-testid=chart-{key}]")
    point = canvas.evaluate(
        """(canvas, [dataset, index]) => {
            const element = window.Chart.getChart(canvas).getDatasetMeta(dataset).data[index];
            // A slice's middle; a bar's centre.
            const point = element.outerRadius !== undefined
                ? element.tooltipPosition(true) : element.getCenterPoint();
            return {x: point.x, y: point.y};
        }""",
        [dataset, index],
    )
    canvas.click(position={"x": point["x"], "y": point["y"]})


@pytest.mark.browser
def test_portfolio_figures_and_bars_lead_to_their_lists(web: Any, executive: Any) -> None:
    portfolio = make_portfolio()
    web.login(executive)

    page = web.goto("/dashboards/portfolio/")
    charts_drawn(page)
    expect(page.locator("[data-testid=customers-total]")).to_have_text("4")
    expect(page.locator("[data-testid=claim-approved]")).to_contain_text("Approved · 1")

    with page.expect_navigation():
        page.click("[data-testid=claim-approved]")
    assert re.search(r"/claims/\?state=approved$", page.url)
    expect(page.locator("[data-testid=row-count]")).to_have_text(re.compile(r"^1 "))
    expect(page.locator("table tbody")).to_contain_text(portfolio.claims["approved"].name)
    web.screenshot("approved-claims")

    page = web.goto("/dashboards/portfolio/")
    charts_drawn(page)
    with page.expect_navigation():
        click_chart(page, "phase", 1)  # Assess: two open engagements
    assert "/engagements/?" in page.url
    assert "phase=assess" in page.url
    assert "open=true" in page.url
    expect(page.locator("[data-testid=row-count]")).to_have_text(re.compile(r"^2 "))
    body = page.locator("table tbody")
    expect(body).to_contain_text("bravo-assess")
    expect(body).to_contain_text("charlie-assess")
    expect(body).not_to_contain_text("alpha-initiate")


@pytest.mark.browser
def test_program_figures_and_slices_lead_to_the_findings(web: Any, program_admin: Any) -> None:
    compliance = make_compliance()
    web.login(program_admin)

    page = web.goto("/dashboards/program/")
    charts_drawn(page)
    expect(page.locator("[data-testid=open-findings]")).to_have_text("4")

    with page.expect_navigation():
        page.click("[data-testid=figure-severity-major]")
    assert "severity=major" in page.url
    expect(page.locator("[data-testid=row-count]")).to_have_text(re.compile(r"^2 "))
    expect(page.locator("table tbody")).to_contain_text("No status note for 40 days.")
    web.screenshot("major-findings")

    page = web.goto("/dashboards/program/")
    charts_drawn(page)
    with page.expect_navigation():
        click_chart(page, "severity", 0)  # the critical slice
    assert "severity=critical" in page.url
    expect(page.locator("[data-testid=row-count]")).to_have_text(re.compile(r"^1 "))
    expect(page.locator("table tbody")).to_contain_text(compliance.findings["critical"].message)
