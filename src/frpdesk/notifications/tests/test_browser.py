"""Notifications in the browser: a user turns off the digest, adds a Teams webhook, sends a test
and sees it in their delivery log (Teams is faked: the network is never used)."""

import pytest
from playwright.sync_api import expect

from frpdesk.notifications.models import Channel, Delivery, NotificationPreference
from frpdesk.notifications.tests.conftest import WEBHOOK


@pytest.mark.browser
def test_turn_off_the_digest_add_a_webhook_and_send_a_test(web, consultant, fake_teams) -> None:
    web.login(consultant)

    page = web.goto("/notifications/")
    expect(page.locator("#id_daily_digest")).to_be_checked()
    expect(page.locator("[data-testid=delivery]")).to_have_count(0)
    page.uncheck("#id_daily_digest")
    page.fill("#id_teams_webhook_url", WEBHOOK)
    with page.expect_navigation():
        page.click("[data-testid=save-preferences]")
    expect(page.locator(".alert-success")).to_contain_text("Your notification settings are saved.")
    expect(page.locator("#id_daily_digest")).not_to_be_checked()
    expect(page.locator("[data-testid=saved-webhook]")).to_contain_text(
        "https://contoso.webhook.office.com/…abcd"
    )
    expect(page.locator("#id_teams_webhook_url")).to_have_value("")
    assert "secret-token" not in page.content()
    web.screenshot("saved")

    with page.expect_navigation():
        page.click("[data-testid=send-test]")
    expect(page.locator(".alert-success")).to_contain_text(
        "Test message sent by Email and Microsoft Teams."
    )
    rows = page.locator("[data-testid=delivery]")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Test message")
    expect(page.locator("[data-testid=delivery-ok]")).to_have_count(2)
    rows.first.locator("[data-testid=delivery-subject]").click()
    expect(rows.first.locator("pre")).to_contain_text(
        "This is a test of your frpdesk notifications"
    )
    web.screenshot("log")

    assert len(fake_teams.requests) == 1
    assert fake_teams.payloads[0]["attachments"][0]["content"]["body"][0]["text"] == (
        "frpdesk test message"
    )
    preference = NotificationPreference.objects.get(user=consultant)
    assert (preference.daily_digest, preference.teams_webhook_url) == (False, WEBHOOK)
    assert set(Delivery.objects.values_list("channel", flat=True)) == {
        Channel.EMAIL,
        Channel.TEAMS,
    }
