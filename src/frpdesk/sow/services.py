"""State changes of SOWs: templates (load, add a version, activate), generation of a version,
upload of the customer-signed copy and its proof-of-execution preflight.

Generation and upload are synchronous: a 13-workload SOW renders in well under two seconds
(``benchmarks/sow_generation.py``).
"""

import datetime
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from django.apps import apps as current_apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.core.imports import check_upload_size
from frpdesk.engagements.models import Engagement, EventKind
from frpdesk.engagements.services import record_event
from frpdesk.partner.models import PartnerProfile
from frpdesk.partner.services import current_profile
from frpdesk.sow import preflight
from frpdesk.sow.document import (
    Signature,
    SowDocument,
    build_document,
    check_sections,
    claimed_workloads,
    load_data,
)
from frpdesk.sow.models import DocumentFormat, SignedSow, SowTemplate, SowVersion
from frpdesk.sow.renderers import render

TEMPLATE_FILE = Path(__file__).resolve().parent / "data" / "sow-template.json"


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- templates -------------------------------------------------------------------------------


def load_shipped_template(apps: Any = current_apps, path: Path = TEMPLATE_FILE) -> str:
    """Create the shipped template version unless it exists; it becomes active when none is.

    Takes an app registry so the data migration (historical models) uses it too.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    model = apps.get_model("sow", "SowTemplate")
    model.objects.get_or_create(
        version=data["version"],
        defaults={
            "name": data["name"],
            "sections": data["sections"],
            "note": data["note"],
            "active": not model.objects.filter(active=True).exists(),
        },
    )
    return str(data["version"])


def active_template() -> SowTemplate:
    template = SowTemplate.objects.filter(active=True).first()
    if template is None:
        raise ValidationError(
            "No SOW template is active: a program administrator activates one on the SOW "
            "templates page."
        )
    return template


@transaction.atomic
def create_template(
    *,
    acting_user: User | None,
    version: str,
    name: str,
    sections: Any,
    note: str = "",
    activate: bool = False,
) -> SowTemplate:
    """A new template version; the sections are checked (syntax, parts) before it is stored."""
    template = SowTemplate(
        version=version.strip(), name=name.strip(), sections=check_sections(sections), note=note
    )
    template.full_clean()
    template.save()
    if activate:
        activate_template(acting_user=acting_user, template=template)
    return template


@transaction.atomic
def activate_template(*, acting_user: User | None, template: SowTemplate) -> SowTemplate:
    """New SOWs are generated from ``template``; versions already generated keep theirs."""
    SowTemplate.objects.filter(active=True).exclude(pk=template.pk).update(active=False)
    template.active = True
    template.save(update_fields=["active"])
    return template


# --- generation ------------------------------------------------------------------------------


def _partner() -> PartnerProfile:
    partner = current_profile()
    if partner is None:
        raise ValidationError(
            "The partner profile is not set up: the SOW names the partner (organisation, "
            "PartnerID, location). Fill it in under Partner first."
        )
    return partner


def _file_stem(engagement: Engagement, number: int) -> str:
    customer = re.sub(r"[^A-Za-z0-9]+", "-", engagement.customer.name).strip("-") or "customer"
    return f"SOW-{customer[:60]}-E{engagement.pk}-v{number}"


def build_sow(
    *,
    engagement: Engagement,
    template: SowTemplate,
    number: int,
    today: datetime.date | None = None,
    customer_signature: Signature | None = None,
) -> SowDocument:
    """The document model of an engagement's SOW (``customer_signature`` fills the customer's
    block: signed copies for tests and the demo)."""
    data = load_data(engagement, _partner(), today or timezone.localdate(), customer_signature)
    return build_document(data, template.sections, reference=f"E{engagement.pk}-v{number}")


def render_sow(
    *,
    engagement: Engagement,
    file_format: str,
    template: SowTemplate | None = None,
    number: int = 1,
    today: datetime.date | None = None,
    customer_signature: Signature | None = None,
) -> bytes:
    """The SOW's bytes without storing anything (the benchmark, signed fixtures)."""
    document = build_sow(
        engagement=engagement,
        template=template or active_template(),
        number=number,
        today=today,
        customer_signature=customer_signature,
    )
    return render(document, file_format)


@transaction.atomic
def generate_sow(
    *,
    acting_user: User | None,
    engagement: Engagement,
    file_format: str,
    template: SowTemplate | None = None,
) -> SowVersion:
    """Render the engagement's SOW from the active template and store it as its next version."""
    if file_format not in DocumentFormat.values:
        raise ValidationError(
            {"format": f"Choose one of {', '.join(DocumentFormat.values)}, not {file_format!r}."}
        )
    template = template or active_template()
    # The row lock numbers concurrent generations of one engagement one after the other.
    Engagement.objects.select_for_update().filter(pk=engagement.pk).first()
    latest = engagement.sow_versions.aggregate(latest=Max("number"))["latest"] or 0
    number = latest + 1
    content = render_sow(
        engagement=engagement, file_format=file_format, template=template, number=number
    )
    version = SowVersion.objects.create(
        engagement=engagement,
        number=number,
        format=file_format,
        template=template,
        file_name=f"{_file_stem(engagement, number)}.{file_format}",
        document=content,
        sha256=sha256(content),
        size=len(content),
        generated_by=acting_user,
    )
    record_event(
        engagement,
        EventKind.SOW_GENERATED,
        f"SOW v{number} generated ({DocumentFormat(file_format).label}, template "
        f"v{template.version}).",
        acting_user,
        sow_version=version.pk,
        number=number,
        format=file_format,
        sha256=version.sha256,
    )
    return version


# --- signed copies ---------------------------------------------------------------------------


def run_preflight(
    engagement: Engagement, extracted: preflight.Extracted, today: datetime.date | None = None
) -> preflight.PoeResult:
    partner = current_profile()
    return preflight.check(
        extracted,
        workloads=claimed_workloads(engagement),
        partner_name=partner.organisation_name if partner else None,
        today=today or timezone.localdate(),
    )


def poe_check(*, engagement: Engagement, file_name: str, content: bytes) -> preflight.PoeResult:
    """The preflight of a file that is not stored (``frpdesk poe_check``); ImportFailure when the
    file is no readable PDF or DOCX."""
    check_upload_size(file_name, len(content))
    return run_preflight(engagement, preflight.extract(file_name, content))


def _store_result(signed: SignedSow, result: preflight.PoeResult) -> None:
    signed.poe_ok = result.ok
    signed.poe_missing = result.missing
    signed.poe_workloads_found = result.workloads_found
    signed.poe_checked_at = timezone.now()


@transaction.atomic
def upload_signed_sow(
    *,
    acting_user: User | None,
    engagement: Engagement,
    file_name: str,
    content: bytes,
    signed_by_name: str,
    signed_by_title: str = "",
    signed_on: datetime.date,
    sow_version: SowVersion | None = None,
) -> SignedSow:
    """Store the customer-signed copy and its preflight. ImportFailure when the file is too big
    or no readable PDF/DOCX; ValidationError for the other fields."""
    check_upload_size(file_name, len(content))
    extracted = preflight.extract(file_name, content)
    if sow_version is not None and sow_version.engagement_id != engagement.pk:
        raise ValidationError(
            {"sow_version": f"SOW v{sow_version.number} belongs to another engagement."}
        )
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "The signing date cannot be in the future."})
    signed = SignedSow(
        engagement=engagement,
        sow_version=sow_version,
        file_name=Path(file_name).name[:200],
        document=content,
        sha256=sha256(content),
        size=len(content),
        signed_by_name=signed_by_name.strip(),
        signed_by_title=signed_by_title.strip(),
        signed_on=signed_on,
        uploaded_by=acting_user,
    )
    _store_result(signed, run_preflight(engagement, extracted))
    signed.full_clean()
    signed.save()
    verdict = (
        "passes the proof-of-execution preflight"
        if signed.poe_ok
        else f"fails the preflight ({len(signed.poe_missing)} missing)"
    )
    record_event(
        engagement,
        EventKind.SOW_SIGNED,
        f"Signed SOW uploaded: signed by {signed.signed_by_name} on "
        f"{signed_on.isoformat()}; it {verdict}.",
        acting_user,
        signed_sow=signed.pk,
        sha256=signed.sha256,
        poe_ok=signed.poe_ok,
    )
    return signed


@transaction.atomic
def recheck_signed_sow(*, acting_user: User | None, signed_sow: SignedSow) -> SignedSow:
    """Run the preflight again (workloads, the partner's name or today changed since)."""
    extracted = preflight.extract(signed_sow.file_name, bytes(signed_sow.document))
    _store_result(signed_sow, run_preflight(signed_sow.engagement, extracted))
    signed_sow.save(
        update_fields=["poe_ok", "poe_missing", "poe_workloads_found", "poe_checked_at"]
    )
    return signed_sow
