"""The Notifications page: own preferences and log only; the webhook never goes back to the
browser."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from frpdesk.accounts.models import User
from frpdesk.notifications.models import Delivery, NotificationPreference
from frpdesk.notifications.tests.conftest import WEBHOOK, FakeTeams, Portfolio
from frpdesk.notifications.tests.factories import DeliveryFactory, NotificationPreferenceFactory

URL = "/notifications/"


@pytest.mark.django_db
def test_every_role_has_the_page_with_the_defaults(client: Client, auditor: User) -> None:
    client.force_login(auditor)

    body = client.get(reverse("notifications:preferences")).content.decode()

    assert reverse("notifications:preferences") == URL
    assert 'id="id_daily_digest" checked' in body
    assert "Nothing sent to you yet." in body
    assert not NotificationPreference.objects.exists(), "reading saves nothing"


@pytest.mark.django_db
def test_no_role_no_page(client: Client, outsider: User) -> None:
    client.force_login(outsider)
    assert client.get(URL).status_code == 403
    assert client.post(reverse("notifications:test")).status_code == 403


@pytest.mark.django_db
def test_saving_preferences_and_the_masked_webhook(client: Client, sales: User) -> None:
    client.force_login(sales)

    refused = client.post(URL, {"by_email": "on", "teams_webhook_url": "http://example.com/hook"})
    assert not NotificationPreference.objects.exists()
    saved = client.post(
        URL, {"daily_digest": "", "by_email": "on", "teams_webhook_url": WEBHOOK}, follow=True
    )
    kept = client.post(URL, {"by_email": "on", "critical_alerts": "on"}, follow=True)

    assert "Teams webhook URLs start with https://" in refused.content.decode()
    for response in (saved, kept):
        body = response.content.decode()
        assert "Your notification settings are saved." in body
        assert "secret-token" not in body, "the webhook URL is a secret"
        assert "https://contoso.webhook.office.com/…abcd" in body
    preference = NotificationPreference.objects.get(user=sales)
    assert (preference.daily_digest, preference.critical_alerts) == (False, True)
    assert preference.teams_webhook_url == WEBHOOK

    client.post(URL, {"by_email": "on", "remove_webhook": "on"})
    preference.refresh_from_db()
    assert preference.teams_webhook_url == ""


@pytest.mark.django_db
def test_the_log_shows_only_the_users_own_deliveries(
    client: Client, consultant: User, executive: User
) -> None:
    DeliveryFactory(user=consultant, subject="Mine")
    DeliveryFactory(user=executive, subject="Not mine", ok=False, error="Teams answered HTTP 404.")
    client.force_login(consultant)

    body = client.get(URL).content.decode()

    assert body.count('data-testid="delivery"') == 1
    assert "Mine" in body
    assert "Not mine" not in body


@pytest.mark.django_db
def test_send_me_a_test_by_email_and_teams(
    client: Client, consultant: User, fake_teams: FakeTeams, mailoutbox: list[Any]
) -> None:
    NotificationPreferenceFactory(user=consultant, teams_webhook_url=WEBHOOK)
    fake_teams.status = 404
    client.force_login(consultant)

    page = client.post(reverse("notifications:test"), follow=True).content.decode()

    assert "Test message sent by Email." in page
    assert "Test message by Microsoft Teams failed: Teams answered HTTP 404" in page
    assert page.count('data-testid="delivery"') == 2
    assert len(mailoutbox) == 1
    assert "secret-token" not in page


@pytest.mark.django_db
def test_nothing_to_send_without_a_channel(client: Client, consultant: User) -> None:
    NotificationPreferenceFactory(user=consultant, by_email=False)
    client.force_login(consultant)

    page = client.post(reverse("notifications:test"), follow=True).content.decode()

    assert "Nothing was sent: choose email or save a Teams webhook URL first." in page
    assert 'data-testid="no-channel"' in page
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_send_my_digest_now(client: Client, portfolio: Portfolio, mailoutbox: list[Any]) -> None:
    NotificationPreferenceFactory(user=portfolio.consultant, daily_digest=False)
    client.force_login(portfolio.consultant)
    sent = client.post(reverse("notifications:digest-now"), follow=True).content.decode()
    client.force_login(portfolio.sales)
    empty = client.post(reverse("notifications:digest-now"), follow=True).content.decode()
    refused = client.get(reverse("notifications:digest-now"))

    assert "Your digest sent by Email." in sent
    assert [message.to for message in mailoutbox] == [["delivery-consultant@example.com"]]
    assert "Nothing to report: no overdue item of yours and no new compliance finding." in empty
    assert refused.status_code == 405
