"""SOW pages: the engagement's tab for every role, generate, download, upload with the preflight,
re-check, and the template versions; refusals never change anything."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from frpdesk.accounts.models import User
from frpdesk.engagements.models import Engagement, EventKind
from frpdesk.sow.models import SignedSow, SowTemplate, SowVersion
from frpdesk.sow.services import generate_sow
from frpdesk.sow.tests.conftest import SignedCopy

pytestmark = pytest.mark.django_db

MANAGERS = {"Program administrator", "Delivery consultant"}


def tab(engagement: Engagement) -> str:
    return reverse("engagements:detail", args=[engagement.pk]) + "?tab=sow"


def upload(
    client: Client, engagement: Engagement, content: bytes, name: str = "signed.pdf", **extra: Any
) -> Any:
    data = {
        "file": SimpleUploadedFile(name, content),
        "signed_by_name": "Dana Fox",
        "signed_by_title": "CIO",
        "signed_on": "2026-01-01",
        **extra,
    }
    return client.post(reverse("sow:upload", args=[engagement.pk]), data, follow=True)


def test_every_role_reads_the_tab_managers_act(
    client: Client, users_by_role: dict[str, User], engagement: Engagement
) -> None:
    version = generate_sow(acting_user=None, engagement=engagement, file_format="docx")
    for role, user in users_by_role.items():
        client.force_login(user)
        panel = client.get(reverse("sow:engagement-panel", args=[engagement.pk]))
        download = client.get(reverse("sow:download", args=[version.pk]))
        if role == "no role":
            assert panel.status_code == download.status_code == 403
            assert version.sha256[:12] not in panel.content.decode()
            continue
        assert panel.status_code == 200
        html = panel.content.decode()
        assert version.sha256[:12] in html
        assert ('data-testid="generate-pdf"' in html) == (role in MANAGERS)
        assert ('data-testid="upload-form"' in html) == (role in MANAGERS)
        assert download.status_code == 200
        assert download.content.startswith(b"PK")
        generate = client.post(reverse("sow:generate", args=[engagement.pk]), {"format": "pdf"})
        assert generate.status_code == (302 if role in MANAGERS else 403), role
    assert SowVersion.objects.count() == 1 + len(MANAGERS)


def test_generate_download_and_upload(
    client: Client, consultant: User, engagement: Engagement, signed_copy: SignedCopy
) -> None:
    client.force_login(consultant)
    response = client.post(
        reverse("sow:generate", args=[engagement.pk]), {"format": "pdf"}, follow=True
    )
    assert response.redirect_chain[-1][0] == tab(engagement)
    assert "SOW v1 generated (PDF" in response.content.decode()
    version = SowVersion.objects.get()
    download = client.get(reverse("sow:download", args=[version.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{version.file_name}"'
    assert download.content == bytes(version.document)

    response = upload(client, engagement, signed_copy("pdf"), sow_version=version.pk)
    assert "it passes the PoE preflight" in response.content.decode()
    signed = SignedSow.objects.get()
    assert (signed.poe_ok, signed.poe_missing, signed.sow_version) == (True, [], version)
    assert signed.poe_workloads_found == [
        "Exchange Online",
        "Microsoft Teams",
        "Viva Engage (Yammer)",
    ]
    assert engagement.timeline.filter(kind=EventKind.SOW_SIGNED).count() == 1
    panel = client.get(reverse("sow:engagement-panel", args=[engagement.pk])).content.decode()
    assert "Passes the proof-of-execution preflight" in panel
    signed_download = client.get(reverse("sow:signed-download", args=[signed.pk]))
    assert signed_download.content == bytes(signed.document)
    assert signed_download["Content-Type"] == "application/pdf"

    response = upload(client, engagement, signed_copy("docx", signed=False), name="blank.docx")
    assert "does not pass the PoE preflight" in response.content.decode()
    panel = client.get(reverse("sow:engagement-panel", args=[engagement.pk])).content.decode()
    assert "the customer&#x27;s Name and Date lines are blank" in panel


@pytest.mark.parametrize(
    ("content", "name", "extra", "message"),
    [
        (b"just text", "notes.pdf", {}, "notes.pdf: is neither a PDF nor a Word (DOCX) document"),
        (b"%PDF-1.4 broken", "broken.pdf", {}, "broken.pdf: is not a readable PDF"),
        (None, "signed.pdf", {"signed_by_name": ""}, "Signed by: This field is required."),
        (None, "signed.pdf", {"signed_on": "2999-01-01"}, "cannot be in the future"),
        (None, "signed.pdf", {"sow_version": "99999"}, "Version signed: Select a valid choice"),
    ],
)
def test_bad_uploads_are_refused_clearly(
    client: Client,
    consultant: User,
    engagement: Engagement,
    signed_copy: SignedCopy,
    content: bytes | None,
    name: str,
    extra: dict[str, str],
    message: str,
) -> None:
    client.force_login(consultant)
    response = upload(client, engagement, content or signed_copy("pdf"), name=name, **extra)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SignedSow.objects.exists()


def test_upload_size_limit(
    client: Client, consultant: User, engagement: Engagement, settings: Any
) -> None:
    settings.FRPDESK_MAX_UPLOAD_MB = 1
    client.force_login(consultant)
    response = upload(client, engagement, b"%PDF-" + bytes(1024 * 1024 + 1))
    assert "is larger than the upload limit of 1 MB" in response.content.decode()
    assert not SignedSow.objects.exists()


def test_recheck_follows_the_engagement(
    client: Client, consultant: User, sales: User, engagement: Engagement, signed_copy: SignedCopy
) -> None:
    client.force_login(consultant)
    upload(client, engagement, signed_copy("pdf"))
    signed = SignedSow.objects.get()
    engagement.workloads.filter(workload__code="teams").delete()
    client.force_login(sales)
    assert client.post(reverse("sow:recheck", args=[signed.pk])).status_code == 403
    client.force_login(consultant)
    response = client.post(reverse("sow:recheck", args=[signed.pk]), follow=True)
    assert "Preflight run again: the signed copy passes." in response.content.decode()
    signed.refresh_from_db()
    assert signed.poe_workloads_found == ["Exchange Online", "Viva Engage (Yammer)"]


def test_template_pages(client: Client, program_admin: User, auditor: User) -> None:
    shipped = SowTemplate.objects.get()
    client.force_login(auditor)
    listing = client.get(reverse("sow:template-list")).content.decode()
    assert "2026.1" in listing
    detail = client.get(reverse("sow:template-detail", args=[shipped.pk])).content.decode()
    assert "Description of services" in detail
    assert 'data-testid="new-version"' not in detail
    assert client.get(reverse("sow:template-create")).status_code == 403

    client.force_login(program_admin)
    form = client.get(reverse("sow:template-create")).content.decode()
    assert "[[signatures]]" in form  # prefilled with the active version's sections
    bad = client.post(
        reverse("sow:template-create"),
        {"version": "2", "name": "Broken", "sections": '[{"heading": "A", "body": "x"}]'},
    )
    assert "A SOW must show [[workloads]] and [[signatures]]" in bad.content.decode()
    assert (
        "Enter a valid JSON"
        in client.post(
            reverse("sow:template-create"), {"version": "2", "name": "B", "sections": "[{"}
        ).content.decode()
    )
    sections = '[{"heading": "Scope", "body": "[[workloads]]\\n\\n[[signatures]]"}]'
    response = client.post(
        reverse("sow:template-create"),
        {"version": "2", "name": "Short", "sections": sections},
        follow=True,
    )
    created = SowTemplate.objects.get(version="2")
    assert response.redirect_chain[-1][0] == reverse("sow:template-detail", args=[created.pk])
    assert not created.active
    client.post(reverse("sow:template-activate", args=[created.pk]))
    assert list(SowTemplate.objects.filter(active=True)) == [created]
