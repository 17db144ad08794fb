"""API: a user's own preferences and delivery log only; another user's id is a 404."""

import pytest
from django.test import Client

from frpdesk.accounts.models import User
from frpdesk.notifications.models import NotificationPreference
from frpdesk.notifications.tests.conftest import WEBHOOK
from frpdesk.notifications.tests.factories import DeliveryFactory, NotificationPreferenceFactory

ME = "/api/notification-preferences/me/"


@pytest.mark.django_db
def test_me_reads_the_defaults_then_saves(client: Client, executive: User) -> None:
    client.force_login(executive)

    defaults = client.get(ME).json()
    saved = client.patch(
        ME, {"daily_digest": False, "teams_webhook_url": WEBHOOK}, content_type="application/json"
    )
    replaced = client.put(
        ME,
        {"daily_digest": True, "critical_alerts": False, "by_email": False},
        content_type="application/json",
    )
    removed = client.patch(ME, {"teams_webhook_url": ""}, content_type="application/json")

    assert defaults == {
        "id": None,
        "daily_digest": True,
        "critical_alerts": True,
        "by_email": True,
        "teams_webhook": "",
        "last_digest_on": None,
    }
    assert saved.status_code == 200
    assert saved.json()["daily_digest"] is False
    assert saved.json()["teams_webhook"] == "https://contoso.webhook.office.com/…abcd"
    assert "teams_webhook_url" not in saved.json(), "write-only"
    assert replaced.json()["teams_webhook"] == "https://contoso.webhook.office.com/…abcd"
    assert (replaced.json()["critical_alerts"], replaced.json()["by_email"]) == (False, False)
    assert removed.json()["teams_webhook"] == ""
    assert NotificationPreference.objects.get().user == executive


@pytest.mark.django_db
def test_an_http_webhook_is_refused(client: Client, consultant: User) -> None:
    client.force_login(consultant)

    refused = client.patch(
        ME, {"teams_webhook_url": "http://contoso.example/hook"}, content_type="application/json"
    )

    assert refused.status_code == 400
    assert (
        "Teams webhook URLs start with https://" in refused.json()["errors"]["teams_webhook_url"][0]
    )
    assert not NotificationPreference.objects.exists()


@pytest.mark.django_db
def test_only_the_users_own_preferences(client: Client, consultant: User, sales: User) -> None:
    mine = NotificationPreferenceFactory(user=consultant)
    theirs = NotificationPreferenceFactory(user=sales, teams_webhook_url=WEBHOOK)
    client.force_login(consultant)

    listed = client.get("/api/notification-preferences/").json()
    own = client.get(f"/api/notification-preferences/{mine.pk}/")
    other = client.get(f"/api/notification-preferences/{theirs.pk}/")
    changed = client.patch(
        f"/api/notification-preferences/{theirs.pk}/",
        {"daily_digest": False},
        content_type="application/json",
    )
    created = client.post("/api/notification-preferences/", {}, content_type="application/json")

    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert own.status_code == 200
    assert other.status_code == 404
    assert changed.status_code == 404
    assert created.status_code == 405
    theirs.refresh_from_db()
    assert theirs.daily_digest is True


@pytest.mark.django_db
def test_the_delivery_log_is_own_and_read_only(
    client: Client, consultant: User, sales: User
) -> None:
    mine = DeliveryFactory(user=consultant, ok=False, error="Teams answered HTTP 404.")
    theirs = DeliveryFactory(user=sales)
    client.force_login(consultant)

    listed = client.get("/api/notifications/").json()
    failed = client.get("/api/notifications/", {"ok": "false"}).json()
    other = client.get(f"/api/notifications/{theirs.pk}/")
    written = client.post("/api/notifications/", {}, content_type="application/json")

    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert listed["results"][0]["error"] == "Teams answered HTTP 404."
    assert failed["count"] == 1
    assert other.status_code == 404
    assert written.status_code == 405


@pytest.mark.django_db
def test_no_role_no_notifications(client: Client, outsider: User) -> None:
    client.force_login(outsider)
    assert client.get(ME).status_code == 403
    assert client.get("/api/notifications/").status_code == 403


def test_options_on_me_describes_it(client, consultant) -> None:
    """Found by the API fuzzing: DRF's OPTIONS looked for an id in the URL of ``me``."""
    client.force_login(consultant)
    response = client.options("/api/notification-preferences/me/")
    assert response.status_code == 200
    assert response.json()["name"]
