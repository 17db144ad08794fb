"""Referral pages: who may open them, the list by urgency with its flags and exports, hand entry,
the import, and the decisions with their refusals."""

import datetime
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frpdesk.catalog.models import Workload
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.models import Engagement
from frpdesk.licensing.tests.factories import import_licences
from frpdesk.referrals.models import Acceptance, Referral
from frpdesk.referrals.tests.conftest import DATA
from frpdesk.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

LIST = reverse("referrals:list")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def referral() -> Referral:
    return ReferralFactory(referral_id="FT-VIEW-1", tenant_name="Woodgrove Bank")


def pages(referral: Referral) -> dict[str, str]:
    return {
        "list": LIST,
        "detail": reverse("referrals:detail", args=[referral.pk]),
    }


def forms(referral: Referral) -> dict[str, str]:
    return {
        "create": reverse("referrals:create"),
        "edit": reverse("referrals:edit", args=[referral.pk]),
        "import": reverse("referrals:import"),
        "accept": reverse("referrals:accept", args=[referral.pk]),
    }


def test_every_role_reads_referrals(client: Client, users_by_role: Any, referral: Any) -> None:
    for role, user in users_by_role.items():
        client.force_login(user)
        for url in pages(referral).values():
            response = client.get(url)
            if role == "no role":
                assert response.status_code == 403, url
                assert "Woodgrove Bank" not in response.content.decode()
            else:
                assert response.status_code == 200, (role, url)
                assert "Woodgrove Bank" in response.content.decode()


@pytest.mark.parametrize("fixture", ["sales", "executive", "auditor", "outsider"])
def test_only_managers_open_the_forms_and_actions(
    client: Client, request: pytest.FixtureRequest, fixture: str, referral: Referral
) -> None:
    client.force_login(request.getfixturevalue(fixture))
    for url in forms(referral).values():
        assert client.get(url).status_code == 403, url
    for name in ("decline", "respond", "note"):
        url = reverse(f"referrals:{name}", args=[referral.pk])
        assert client.post(url, {"reason": "x", "text": "x"}).status_code == 403
    referral.refresh_from_db()
    assert referral.acceptance == Acceptance.PENDING
    assert not referral.notes.exists()


def test_managers_open_the_forms(client: Client, consultant: Any, referral: Referral) -> None:
    client.force_login(consultant)
    for url in forms(referral).values():
        assert client.get(url).status_code == 200, url


def test_the_list_is_sorted_by_urgency_and_flags_overdue(client: Client, consultant: Any) -> None:
    ReferralFactory(referral_id="FT-FRESH", assigned_on=timezone.localdate())
    ReferralFactory(referral_id="FT-LATE", assigned_on=days_ago(6))
    decided = ReferralFactory(referral_id="FT-DONE", assigned_on=days_ago(6))
    decided.acceptance = Acceptance.DECLINED
    decided.decline_reason = "Out of region"
    decided.save()
    client.force_login(consultant)
    body = client.get(LIST).content.decode()
    assert body.index("FT-LATE") < body.index("FT-FRESH") < body.index("FT-DONE")
    assert body.count('data-testid="overdue-flag"') == 1
    assert 'data-overdue="true"' in body
    assert "1 overdue" in body

    only_overdue = client.get(LIST, {"overdue": "true"}).content.decode()
    assert "FT-LATE" in only_overdue
    assert "FT-FRESH" not in only_overdue


def test_the_export_has_the_time_left_in_words(client: Client, consultant: Any) -> None:
    ReferralFactory(referral_id="FT-LATE", assigned_on=days_ago(6))
    client.force_login(consultant)
    response = client.get(LIST, {"export": "csv"})
    text = response.content.decode("utf-8-sig")
    assert "FT-LATE" in text
    assert "OVERDUE: acceptance due in" not in text
    assert "OVERDUE: first response overdue by" in text


def test_paused_referrals_are_flagged_on_the_list(
    client: Client, consultant: Any, partner_profile: Any
) -> None:
    referral_profile = partner_profile.referral_profile
    referral_profile.referrals_paused_until = timezone.localdate() + datetime.timedelta(days=3)
    referral_profile.save()
    ReferralFactory(referral_id="FT-PAUSED", assigned_on=timezone.localdate())
    client.force_login(consultant)
    assert 'data-testid="paused-flag"' in client.get(LIST).content.decode()


def test_a_referral_is_entered_by_hand(client: Client, consultant: Any) -> None:
    client.force_login(consultant)
    exchange = Workload.objects.get(code="exchange")
    response = client.post(
        reverse("referrals:create"),
        {
            "referral_id": "FT-HAND-1",
            "kind": "standard",
            "tenant_name": "Litware",
            "tenant_id": "{72F988BF-86F1-41AF-91AB-2D7CD011DB47}",
            "assigned_on": "2026-03-05",
            "workloads": [exchange.pk],
            "currency": "USD",
        },
    )
    referral = Referral.objects.get(referral_id="FT-HAND-1")
    assert response.status_code == 302
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    assert str(referral.tenant_id) == "72f988bf-86f1-41af-91ab-2d7cd011db47"
    assert referral.first_response_due == datetime.date(2026, 3, 9)
    assert referral.created_by == consultant


def test_a_bad_tenant_id_is_shown_beside_its_field(client: Client, consultant: Any) -> None:
    client.force_login(consultant)
    response = client.post(
        reverse("referrals:create"),
        {
            "referral_id": "FT-HAND-1",
            "kind": "benefit",
            "tenant_name": "Litware",
            "tenant_id": "nope",
            "assigned_on": "2026-03-05",
            "currency": "USD",
        },
    )
    assert response.status_code == 200
    assert "is not a tenant ID" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_import_page_imports_and_reports_counts(client: Client, consultant: Any) -> None:
    client.force_login(consultant)
    sample = DATA / "partner-center-referrals.csv"
    upload = SimpleUploadedFile(sample.name, sample.read_bytes(), "text/csv")
    response = client.post(reverse("referrals:import"), {"file": upload}, follow=True)
    assert Referral.objects.count() == 3
    assert (
        "Imported partner-center-referrals.csv: 3 created, 0 updated, 0 unchanged."
        in response.content.decode()
    )


def test_a_bad_import_writes_nothing_and_shows_one_message(client: Client, consultant: Any) -> None:
    client.force_login(consultant)
    content = b"Referral ID,Tenant name,Date of assignment,RFA workloads\nFT-1,X,2026-03-04,Skype\n"
    response = client.post(
        reverse("referrals:import"), {"file": SimpleUploadedFile("bad.csv", content)}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "bad.csv, row 2, column RFA workloads: “Skype” is not a workload" in body
    assert 'data-testid="import-error"' in body
    assert not Referral.objects.exists()


def test_accept_page_shows_eligibility_beside_each_workload(
    client: Client, consultant: Any
) -> None:
    customer = CustomerFactory()
    import_licences(customer, {"SPE_E3": 400})
    referral = ReferralFactory(tenant_id=customer.tenant_id, workloads=["exchange"])
    other = ReferralFactory(workloads=["exchange"])
    client.force_login(consultant)
    body = client.get(reverse("referrals:accept", args=[referral.pk])).content.decode()
    assert "Eligible</span>" in body
    assert "No licence snapshot yet" not in body
    body = client.get(reverse("referrals:accept", args=[other.pk])).content.decode()
    assert "No licence snapshot yet" in body


def test_accepting_on_the_page_lands_on_the_engagement(client: Client, consultant: Any) -> None:
    referral = ReferralFactory(tenant_id=uuid.uuid4(), workloads=["exchange", "teams"])
    client.force_login(consultant)
    teams = Workload.objects.get(code="teams")
    response = client.post(
        reverse("referrals:accept", args=[referral.pk]), {"workloads": [teams.pk]}
    )
    engagement = Engagement.objects.get(referral=referral)
    assert response.status_code == 302
    assert response.url == reverse("engagements:detail", args=[engagement.pk])
    assert list(engagement.workloads.values_list("workload__code", flat=True)) == ["teams"]

    again = client.post(reverse("referrals:accept", args=[referral.pk]), {"workloads": [teams.pk]})
    assert again.status_code == 200
    assert "it was already accepted" in again.content.decode()
    assert Engagement.objects.count() == 1
    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'data-testid="engagement-link"' in detail


def test_decline_without_reason_is_refused_with_the_message(
    client: Client, consultant: Any, referral: Referral
) -> None:
    client.force_login(consultant)
    url = reverse("referrals:decline", args=[referral.pk])
    response = client.post(url, {"reason": "  "}, follow=True)
    assert "Give a reason to decline the referral" in response.content.decode()
    referral.refresh_from_db()
    assert referral.acceptance == Acceptance.PENDING

    client.post(url, {"reason": "Outside the countries we serve"})
    referral.refresh_from_db()
    assert referral.acceptance == Acceptance.DECLINED


def test_first_response_and_notes_on_the_page(
    client: Client, consultant: Any, referral: Referral
) -> None:
    client.force_login(consultant)
    client.post(reverse("referrals:respond", args=[referral.pk]), {"on": "2026-03-06"})
    client.post(reverse("referrals:note", args=[referral.pk]), {"text": "First call done"})
    client.post(reverse("referrals:note", args=[referral.pk]), {"text": "Kickoff booked"})
    referral.refresh_from_db()
    assert referral.first_responded_on == datetime.date(2026, 3, 6)
    body = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert body.index("Kickoff booked") < body.index("First call done")
    assert 'data-testid="respond-form"' not in body  # already answered


def test_the_program_administrator_keeps_the_holidays_and_the_clocks_follow(
    client: Client, program_admin: Any
) -> None:
    referral = ReferralFactory(assigned_on=datetime.date(2026, 3, 6))  # a Friday
    assert referral.first_response_due == datetime.date(2026, 3, 10)
    client.force_login(program_admin)
    response = client.post(
        reverse("catalog:holiday-create"), {"date": "2026-03-09", "name": "Bank holiday"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.first_response_due == datetime.date(2026, 3, 11)
    listed = client.get(reverse("catalog:holiday-list")).content.decode()
    assert "Bank holiday" in listed


def test_consultants_read_the_holidays_but_do_not_edit_them(
    client: Client, consultant: Any
) -> None:
    client.force_login(consultant)
    assert client.get(reverse("catalog:holiday-list")).status_code == 200
    assert client.get(reverse("catalog:holiday-create")).status_code == 403
