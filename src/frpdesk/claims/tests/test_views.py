"""The claim pages: the list with its clocks and exports, drafting from an engagement, the claim
page's actions, the status import and the customer's and engagement's tabs."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from frpdesk.accounts.models import User
from frpdesk.claims.models import Claim, ClaimState, ExternalClaim
from frpdesk.claims.tests.conftest import Sign
from frpdesk.claims.tests.factories import make_claim
from frpdesk.engagements.models import Engagement

LONG_AGO = datetime.date(2025, 1, 6)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_list_filters_and_exports(consultant: User) -> None:
    late = make_claim(state=ClaimState.SUBMITTED, on=LONG_AGO)
    make_claim()
    client = client_for(consultant)
    page = client.get(reverse("claims:list")).content.decode()
    assert f"CLM-{late.pk}" in page
    assert 'data-testid="overdue-count"' in page
    overdue = client.get(reverse("claims:list"), {"overdue": "true"}).content.decode()
    assert overdue.count('data-testid="claim-id"') == 1
    export = client.get(reverse("claims:list"), {"export": "csv"}).content.decode()
    assert "OVERDUE" in export
    assert f"CLM-{late.pk}" in export
    assert client.get(reverse("claims:list"), {"export": "xlsx"}).status_code == 200
    assert (
        client.get(reverse("claims:list"), {"customer": "abc", "workload": "nope"}).status_code
        == 200
    )


def test_new_claim_from_the_engagement_then_refused_then_submitted(
    engagement: Engagement, sign: Sign, consultant: User
) -> None:
    signed = sign()
    client = client_for(consultant)
    form = client.get(reverse("claims:create"), {"engagement": engagement.pk})
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["poe_signed_sow"] == signed
    assert initial["customer"] == engagement.customer
    data = {
        "name": "Fabrikam claim",
        "customer": engagement.customer.pk,
        "engagement": engagement.pk,
        "location_partner_id": "4871299",
        "partner_role": "use_or_consume",
        "workloads": [w.pk for w in initial["workloads"]],
        "customer_contact_name": "Dana Fox",
        "customer_contact_email": "dana.fox@fabrikam.example",
        "poe_signed_sow": signed.pk,
    }
    response = client.post(f"{reverse('claims:create')}?engagement={engagement.pk}", data)
    assert response.status_code == 302, response.context["form"].errors
    claim = Claim.objects.get()
    submit = client.post(reverse("claims:submit", args=[claim.pk]), follow=True)
    page = submit.content.decode()
    assert 'data-testid="failed-rule"' in page
    assert "not endorsed for Exchange Online" in page
    claim.refresh_from_db()
    assert claim.state == ClaimState.DRAFT

    assert (
        client.get(reverse("claims:export", args=[claim.pk]), {"format": "csv"}).status_code == 200
    )
    export = client.get(reverse("claims:export", args=[claim.pk])).json()
    assert export["poe_sha256"] == signed.sha256
    assert client.get(reverse("claims:poe", args=[claim.pk])).content == bytes(signed.document)


@pytest.mark.django_db
def test_transition_form_and_status_import_page(consultant: User) -> None:
    claim = make_claim(state=ClaimState.SUBMITTED)
    client = client_for(consultant)
    response = client.post(
        reverse("claims:transition", args=[claim.pk]),
        {"state": "under_review", "on": claim.state_since.isoformat()},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == ClaimState.UNDER_REVIEW
    bad = client.post(
        reverse("claims:transition", args=[claim.pk]), {"state": "bogus"}, follow=True
    )
    assert "Choose a state" in bad.content.decode()
    refused = client.post(
        reverse("claims:transition", args=[claim.pk]),
        {"state": "rejected", "on": claim.state_since.isoformat()},
        follow=True,
    )
    assert "reason" in refused.content.decode()

    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "status.csv",
        f"Claim reference,Status,Date\nCLM-{claim.pk},Approved,{claim.state_since}\n".encode(),
    )
    detail = reverse("claims:detail", args=[claim.pk])
    response = client.post(reverse("claims:import"), {"file": upload, "next": detail})
    assert response.status_code == 302
    assert response["Location"] == detail
    claim.refresh_from_db()
    assert claim.state == ClaimState.APPROVED
    bad_file = SimpleUploadedFile("bad.csv", b"Status\nApproved\n")
    page = client.post(reverse("claims:import"), {"file": bad_file})
    assert page.status_code == 400
    assert "bad.csv, row 1" in page.content.decode()
    assert client.get(reverse("claims:import")).status_code == 200


def test_tabs_show_claims_and_conflicts(engagement: Engagement, consultant: User) -> None:
    claim = make_claim(engagement=engagement)
    ExternalClaim.objects.create(
        customer=engagement.customer,
        workload=claim.workloads.get().workload,
        partner_name="Litware",
        seen_on=LONG_AGO,
    )
    client = client_for(consultant)
    for url in (
        reverse("claims:engagement-panel", args=[engagement.pk]),
        reverse("claims:customer-panel", args=[engagement.customer.pk]),
    ):
        panel = client.get(url).content.decode()
        assert f"CLM-{claim.pk}" in panel
        assert "Litware" in panel
        assert "new-claim" in panel
    engagement_page = client.get(reverse("engagements:detail", args=[engagement.pk])).content
    assert reverse("claims:engagement-panel", args=[engagement.pk]).encode() in engagement_page
    customer_page = client.get(
        reverse("customers:detail", args=[engagement.customer.pk]), {"tab": "claims"}
    ).content.decode()
    assert 'id="tab-claims"' in customer_page


@pytest.mark.django_db
def test_roles(consultant: User, sales: User, auditor: User, outsider: User) -> None:
    claim = make_claim()
    for reader in (sales, auditor):
        client = client_for(reader)
        assert client.get(reverse("claims:list")).status_code == 200
        assert client.get(reverse("claims:detail", args=[claim.pk])).status_code == 200
        assert client.post(reverse("claims:submit", args=[claim.pk])).status_code == 403
        assert client.get(reverse("claims:create")).status_code == 403
    assert client_for(outsider).get(reverse("claims:list")).status_code == 403
    manager = client_for(consultant)
    assert manager.get(reverse("claims:external-list")).status_code == 200
    assert manager.get(reverse("claims:external-create")).status_code == 200
    assert manager.post(reverse("claims:delete", args=[claim.pk])).status_code == 302
    assert not Claim.objects.exists()


def test_poe_missing_is_404(db: Any, consultant: User) -> None:
    claim = make_claim()
    assert client_for(consultant).get(reverse("claims:poe", args=[claim.pk])).status_code == 404
