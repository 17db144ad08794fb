"""Critical alerts, and the Teams channel (httpx mocked: the network is never used)."""

import logging
from typing import Any

import httpx
import pytest

from frpdesk.compliance.models import CheckRun, Severity
from frpdesk.compliance.signals import findings_opened
from frpdesk.notifications import services
from frpdesk.notifications.models import Channel, Delivery, Kind
from frpdesk.notifications.tests.conftest import (
    BASE_URL,
    WEBHOOK,
    FakeTeams,
    Portfolio,
    make_finding,
)
from frpdesk.notifications.tests.factories import NotificationPreferenceFactory


def run_opened(*findings: Any) -> None:
    findings_opened.send(sender=CheckRun, run=None, findings=list(findings))


@pytest.mark.django_db
def test_critical_findings_alert_their_owner_or_the_program_administrators(
    portfolio: Portfolio, mailoutbox: list[Any]
) -> None:
    NotificationPreferenceFactory(user=portfolio.colleague, critical_alerts=False)
    own_critical = make_finding(portfolio.consultant, Severity.CRITICAL, "Referral FT-1 late")
    own_major = make_finding(portfolio.consultant, Severity.MAJOR, "Status note stale")
    colleague_critical = make_finding(portfolio.colleague, Severity.CRITICAL, "Claim late")
    nobody_critical = make_finding(None, Severity.CRITICAL, "No SPOC", rule="spoc_set")

    run_opened(own_critical, own_major, colleague_critical, nobody_critical)

    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {
        "delivery-consultant@example.com",
        "program-administrator@example.com",
    }, "the colleague chose no critical alerts"
    own = by_recipient["delivery-consultant@example.com"]
    assert own.subject == "Critical compliance finding: Referral FT-1 late"
    assert "Status note stale" not in own.body, "only critical findings alert"
    assert f"{BASE_URL}{own_critical.fix_url}" in own.body
    assert "No SPOC" in by_recipient["program-administrator@example.com"].body
    assert set(Delivery.objects.values_list("kind", flat=True)) == {Kind.ALERT}


@pytest.mark.django_db
def test_no_alert_without_a_critical_finding(portfolio: Portfolio, mailoutbox: list[Any]) -> None:
    run_opened(make_finding(portfolio.consultant, Severity.MINOR))
    assert mailoutbox == []
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_several_critical_findings_make_one_alert(
    portfolio: Portfolio, mailoutbox: list[Any]
) -> None:
    run_opened(
        make_finding(portfolio.consultant, Severity.CRITICAL, "First"),
        make_finding(portfolio.consultant, Severity.CRITICAL, "Second"),
    )
    (email,) = mailoutbox
    assert email.subject == "2 critical compliance findings"


@pytest.mark.django_db
def test_a_test_message_goes_to_teams_as_an_adaptive_card(
    portfolio: Portfolio, fake_teams: FakeTeams, mailoutbox: list[Any]
) -> None:
    NotificationPreferenceFactory(
        user=portfolio.consultant, by_email=False, teams_webhook_url=WEBHOOK
    )

    (delivery,) = services.send_test(portfolio.consultant)

    (request,) = fake_teams.requests
    assert str(request.url) == WEBHOOK
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    (payload,) = fake_teams.payloads
    assert payload["type"] == "message"
    (attachment,) = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["body"][0]["text"] == "frpdesk test message"
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Your notification settings",
            "url": f"{BASE_URL}/notifications/",
        }
    ]
    assert (delivery.channel, delivery.kind, delivery.ok) == (Channel.TEAMS, Kind.TEST, True)
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_digest_goes_to_teams_with_its_links(
    portfolio: Portfolio, fake_teams: FakeTeams, mailoutbox: list[Any]
) -> None:
    NotificationPreferenceFactory(user=portfolio.consultant, teams_webhook_url=WEBHOOK)

    outcome = services.send_digest(portfolio.consultant)

    assert sorted(delivery.channel for delivery in outcome.deliveries) == ["email", "teams"]
    texts = [block["text"] for block in fake_teams.payloads[0]["attachments"][0]["content"]["body"]]
    assert "Overdue claims (1)" in texts
    assert any(f"]({BASE_URL}/claims/{portfolio.own_claim.pk}/)" in text for text in texts)
    assert len(mailoutbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (400, None, "Teams answered HTTP 400: Bad payload"),
        (
            200,
            httpx.ConnectError("connection refused"),
            "Teams could not be reached (ConnectError).",
        ),
        (200, httpx.ReadTimeout("timed out"), "Teams did not answer within 10 seconds."),
    ],
)
def test_a_failing_webhook_is_recorded_and_never_raises_nor_shows_the_url(
    portfolio: Portfolio,
    fake_teams: FakeTeams,
    caplog: pytest.LogCaptureFixture,
    status: int,
    error: Exception | None,
    expected: str,
) -> None:
    fake_teams.status, fake_teams.error = status, error
    NotificationPreferenceFactory(user=portfolio.consultant, teams_webhook_url=WEBHOOK)

    with caplog.at_level(logging.DEBUG):
        deliveries = services.send_test(portfolio.consultant)

    by_channel = {delivery.channel: delivery for delivery in deliveries}
    assert by_channel[Channel.EMAIL].ok
    failed = by_channel[Channel.TEAMS]
    assert (failed.ok, failed.error) == (False, expected)
    assert "secret-token" not in caplog.text
    assert expected in caplog.text
    for row in Delivery.objects.all():
        assert "secret-token" not in row.error + row.body + row.subject


@pytest.mark.django_db
def test_an_alert_failure_never_breaks_the_check_run(
    portfolio: Portfolio, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(findings: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "alert_critical_findings", broken)

    run_opened(make_finding(portfolio.consultant, Severity.CRITICAL))

    assert "Critical alerts of check run None could not be sent" in caplog.text


def test_masked_webhook_shows_host_and_last_characters() -> None:
    from frpdesk.notifications.teams import masked

    assert masked(WEBHOOK) == "https://contoso.webhook.office.com/…abcd"
    assert masked("") == ""
