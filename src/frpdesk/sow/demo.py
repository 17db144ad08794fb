"""Demo data of the SOW area: on Woodgrove Bank's engagement, a generated DOCX version and a
customer-signed PDF copy that passes the proof-of-execution preflight."""

import uuid

from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.engagements.models import Engagement
from frpdesk.sow.document import Signature
from frpdesk.sow.models import DocumentFormat
from frpdesk.sow.services import generate_sow, render_sow, upload_signed_sow

DEMO_DOMAIN = "woodgrovebank.example"  # an engagement of core.demo.DEMO_ENGAGEMENTS


def load_demo_sow() -> None:
    """Idempotent: does nothing once the engagement has a SOW."""
    engagement = Engagement.objects.filter(
        customer__tenant_id=uuid.uuid5(uuid.NAMESPACE_DNS, DEMO_DOMAIN)
    ).first()
    if engagement is None or engagement.sow_versions.exists():
        return
    consultant = User.objects.filter(username="consultant").first()
    version = generate_sow(
        acting_user=consultant, engagement=engagement, file_format=DocumentFormat.DOCX
    )
    contact = engagement.customer.contacts.first()
    today = timezone.localdate()
    signature = Signature(
        name=contact.name if contact else "Customer sponsor",
        title=(contact.title if contact else "") or "IT Director",
        signed_on=today,
    )
    # The customer's copy: the same SOW with their block filled in, returned as a PDF.
    signed = render_sow(
        engagement=engagement,
        file_format=DocumentFormat.PDF,
        template=version.template,
        number=version.number,
        customer_signature=signature,
    )
    upload_signed_sow(
        acting_user=consultant,
        engagement=engagement,
        file_name=f"{version.file_name.rsplit('.', 1)[0]}-signed.pdf",
        content=signed,
        signed_by_name=signature.name,
        signed_by_title=signature.title,
        signed_on=today,
        sow_version=version,
    )
