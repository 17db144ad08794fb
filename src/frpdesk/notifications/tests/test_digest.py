"""The daily digest: each user's own overdue items and new findings, once a day, by email."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from frpdesk.claims.services import reference
from frpdesk.compliance.models import Severity
from frpdesk.notifications import services
from frpdesk.notifications.models import Channel, Delivery, Kind, NotificationPreference
from frpdesk.notifications.tests.conftest import BASE_URL, Portfolio, make_finding, today
from frpdesk.notifications.tests.factories import NotificationPreferenceFactory


def titles(digest: services.Digest) -> dict[str, list[str]]:
    return {section.key: [item.title for item in section.items] for section in digest.sections}


@pytest.mark.django_db
def test_each_user_gets_only_their_own_items(portfolio: Portfolio) -> None:
    own = titles(services.build_digest(portfolio.consultant))
    colleague = titles(services.build_digest(portfolio.colleague))
    admin = titles(services.build_digest(portfolio.program_admin))

    assert own == {
        "claims": [f"{reference(portfolio.own_claim)} Woodgrove Bank claim"],
        "referrals": [str(portfolio.own_referral)],
        "checklist": [own["checklist"][0]],
        "next_actions": ["Woodgrove Bank: Run the network assessment"],
        "status_notes": [str(portfolio.stale)],
        "findings": ["[Major] Woodgrove Bank FastTrack onboarding"],
    }
    assert own["checklist"][0].startswith("Woodgrove Bank: ")
    assert colleague == {
        "claims": [f"{reference(portfolio.others_claim)} Litware University claim"],
        "findings": ["[Major] Litware University FastTrack onboarding"],
    }
    # Program administrators get what nobody owns: the referral of no customer, the finding.
    assert admin == {
        "referrals": [str(portfolio.unowned_referral)],
        "findings": ["[Critical] Contoso Consulting"],
    }


@pytest.mark.django_db
def test_a_team_member_gets_the_engagements_overdue_claims(portfolio: Portfolio) -> None:
    from frpdesk.engagements.services import set_team

    set_team(
        acting_user=portfolio.consultant,
        engagement=portfolio.active,
        owner=portfolio.consultant,
        team=[portfolio.colleague],
    )

    colleague = titles(services.build_digest(portfolio.colleague))

    assert f"{reference(portfolio.own_claim)} Woodgrove Bank claim" in colleague["claims"]
    assert "referrals" not in colleague


@pytest.mark.django_db
def test_digests_are_sent_once_a_day_by_email_with_absolute_links(
    portfolio: Portfolio, mailoutbox: list[Any]
) -> None:
    outcomes = {outcome.user.username: outcome for outcome in services.send_due_digests()}

    assert {name for name, outcome in outcomes.items() if outcome.sent} == {
        "delivery-consultant",
        "colleague",
        "program-administrator",
    }
    assert outcomes["sales"].skipped == "nothing to report"
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {
        "delivery-consultant@example.com",
        "colleague@example.com",
        "program-administrator@example.com",
    }
    email = by_recipient["delivery-consultant@example.com"]
    assert email.subject == "frpdesk daily digest: 6 items for you"
    assert f"{BASE_URL}/claims/{portfolio.own_claim.pk}/" in email.body
    assert f"{BASE_URL}/engagements/{portfolio.stale.pk}/" in email.body
    assert "Litware" not in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{BASE_URL}/referrals/{portfolio.own_referral.pk}/"' in html
    assert f'href="{BASE_URL}/notifications/"' in html
    delivery = Delivery.objects.get(user=portfolio.consultant)
    assert (delivery.kind, delivery.channel, delivery.ok) == (Kind.DIGEST, Channel.EMAIL, True)
    assert delivery.body == email.body
    assert NotificationPreference.objects.get(user=portfolio.consultant).last_digest_on == today()

    again = services.send_due_digests()

    assert len(mailoutbox) == 3, "once per day"
    assert {outcome.skipped for outcome in again if outcome.user == portfolio.consultant} == {
        "already sent today"
    }
    tomorrow = services.send_due_digests(today=today() + datetime.timedelta(days=1))
    assert any(outcome.sent for outcome in tomorrow if outcome.user == portfolio.consultant)
    assert len(mailoutbox) == 6


@pytest.mark.django_db
def test_turned_off_and_no_channel_are_skipped(portfolio: Portfolio, mailoutbox: list[Any]) -> None:
    NotificationPreferenceFactory(user=portfolio.consultant, daily_digest=False)
    NotificationPreferenceFactory(user=portfolio.colleague, by_email=False)

    outcomes = {outcome.user.username: outcome for outcome in services.send_due_digests()}

    assert outcomes["delivery-consultant"].skipped == "digest turned off"
    assert outcomes["colleague"].skipped == "no channel chosen"
    assert [message.to for message in mailoutbox] == [["program-administrator@example.com"]]
    assert not Delivery.objects.filter(user__in=[portfolio.consultant, portfolio.colleague])


@pytest.mark.django_db
def test_findings_are_new_since_the_last_digest(
    portfolio: Portfolio, mailoutbox: list[Any]
) -> None:
    services.send_digest(portfolio.consultant)
    later = make_finding(portfolio.consultant, Severity.MINOR, "Woodgrove Bank AU% falling")
    make_finding(
        portfolio.consultant,
        label="Resolved already",
        resolved_at=timezone.now(),
    )
    old = make_finding(
        portfolio.consultant,
        label="Seen in an earlier digest",
        opened_at=timezone.now() - datetime.timedelta(days=2),
    )

    findings = titles(services.build_digest(portfolio.consultant))["findings"]

    assert findings == [f"[Minor] {later.object_label}"]
    assert old.object_label not in findings


@pytest.mark.django_db
def test_a_failing_email_is_recorded_not_raised(
    portfolio: Portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    import smtplib

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"no such user")})

    monkeypatch.setattr(services, "send_mail", refuse)
    portfolio.colleague.email = ""
    portfolio.colleague.save()

    services.send_digest(portfolio.consultant)
    services.send_digest(portfolio.colleague)

    failed = {item.user.username: item.error for item in Delivery.objects.filter(ok=False)}
    assert failed["delivery-consultant"].startswith(
        "The email could not be sent (SMTPRecipientsRefused"
    )
    assert failed["colleague"] == "Your account has no email address."


@pytest.mark.django_db
def test_the_digest_job_is_scheduled_hourly() -> None:
    from frpdesk.core.jobs import SCHEDULE
    from frpdesk.notifications.tasks import send_daily_digests

    assert SCHEDULE[send_daily_digests.name].interval == datetime.timedelta(hours=1)


@pytest.mark.django_db
def test_the_job_sends_the_digests_due(portfolio: Portfolio, mailoutbox: list[Any]) -> None:
    from frpdesk.notifications.tasks import send_daily_digests

    send_daily_digests.call()
    send_daily_digests.call()

    assert len(mailoutbox) == 3
