from typing import Any

import pytest
from django.core.management import call_command

from frpdesk.notifications.models import Delivery, NotificationPreference
from frpdesk.notifications.tests.conftest import Portfolio


@pytest.mark.django_db
def test_send_digests_dry_run_prints_who_gets_what_and_sends_nothing(
    portfolio: Portfolio, capsys: pytest.CaptureFixture[str], mailoutbox: list[Any]
) -> None:
    call_command("send_digests", "--dry-run")

    lines = capsys.readouterr().out.splitlines()
    assert (
        "delivery-consultant: 6 items: 1 overdue claim, 1 overdue referral, 1 checklist item "
        "past due, 1 next action past due, 1 status note due, 1 new compliance finding → email"
    ) in lines
    assert "sales: skipped, nothing to report" in lines
    assert lines[-1] == "3 digests would be sent (dry run: nothing sent)."
    assert mailoutbox == []
    assert not Delivery.objects.exists()
    assert not NotificationPreference.objects.exists()


@pytest.mark.django_db
def test_send_digests_sends_once(
    portfolio: Portfolio, capsys: pytest.CaptureFixture[str], mailoutbox: list[Any]
) -> None:
    call_command("send_digests")
    call_command("send_digests")

    out = capsys.readouterr().out.splitlines()
    assert "3 digests sent." in out
    assert "delivery-consultant: skipped, already sent today" in out
    assert out[-1] == "0 digests sent."
    assert len(mailoutbox) == 3
