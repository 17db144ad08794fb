"""Fixtures of the SOW tests: an engagement with a few workloads, and signed copies made by
generating the SOW with the customer's block filled in."""

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.sow.document import Signature
from frpdesk.sow.services import render_sow

WORKLOADS = ("exchange", "teams", "viva_engage")


def customer_signature(signed_on: datetime.date | None = None) -> Signature:
    return Signature(
        name="Dana Fox",
        title="Chief Information Officer",
        signed_on=signed_on or timezone.localdate(),
    )


@pytest.fixture
def engagement(partner_profile: Any, consultant: User) -> Engagement:
    customer = CustomerFactory(name="Fabrikam Retail", primary_domain="fabrikam.example")
    CustomerContactFactory(customer=customer, name="Dana Fox", title="CIO")
    return make_engagement(owner=consultant, customer=customer, workloads=WORKLOADS)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    """Paragraphs, then every table cell: what a reader of the Word file sees."""
    from docx import Document

    word = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in word.paragraphs]
    for table in word.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def one_line(text: str) -> str:
    """White space collapsed; a word broken after a hyphen (a tenant ID in a narrow PDF table
    cell) joined again."""
    return " ".join(text.split()).replace("- ", "-")


SignedCopy = Callable[..., bytes]


@pytest.fixture
def signed_copy(engagement: Engagement) -> SignedCopy:
    """``signed_copy("pdf")``: the engagement's SOW as the customer returns it, signed today."""

    def make(
        file_format: str = "pdf",
        *,
        signed: bool = True,
        today: datetime.date | None = None,
        of: Engagement | None = None,
    ) -> bytes:
        return render_sow(
            engagement=of or engagement,
            file_format=file_format,
            today=today,
            customer_signature=customer_signature(today) if signed else None,
        )

    return make
