"""SOW generation: the document model, both renderers (read back with python-docx and pypdf),
stored versions and the template versions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import OutOfScopeItem, Workload
from frpdesk.engagements.models import Engagement, EventKind, Routing
from frpdesk.sow import services
from frpdesk.sow.document import (
    CUSTOMER_SIGNATURE_TITLE,
    Bullets,
    Heading,
    SignatureBlock,
    Table,
    check_sections,
    long_date,
)
from frpdesk.sow.models import SowTemplate, SowVersion
from frpdesk.sow.tests.conftest import docx_text, one_line, pdf_text
from frpdesk.vas.models import VAS_DISCLOSURE, Quote, QuoteLine, QuoteState, ServicesContract

pytestmark = pytest.mark.django_db


def add_quote(engagement: Engagement, state: str, number: str, *, contract: str = "") -> Quote:
    quote = Quote.objects.create(
        engagement=engagement,
        number=number,
        title="Adoption workshops",
        currency="EUR",
        discount_pct=Decimal("10"),
        tax_pct=Decimal("20"),
        state=state,
        disclosure="…",
    )
    QuoteLine.objects.create(
        quote=quote,
        description="Champions workshop",
        quantity=Decimal("2"),
        unit="day",
        unit_price=Decimal("1250.00"),
    )
    QuoteLine.objects.create(
        quote=quote, kind="benefit", description="Teams remote guidance", quantity=Decimal("1")
    )
    if contract:
        ServicesContract.objects.create(
            quote=quote,
            number=contract,
            customer_signatory="Dana Fox",
            signed_on=timezone.localdate() - datetime.timedelta(days=3),
            starts_on=timezone.localdate(),
            disclosure="…",
        )
    return quote


def expected_phrases(engagement: Engagement) -> list[str]:
    """What every rendering must say: parties, dates, workloads, out-of-scope items, disclosure,
    VAS prices and both signature blocks."""
    today = timezone.localdate()
    workloads = Workload.objects.filter(code__in=["exchange", "viva_engage"])
    return [
        "Contoso Consulting",
        "PartnerID 4871234; location PartnerID 4871299",
        "Seattle, United States of America",
        "Fabrikam Retail",
        f"Tenant ID {engagement.customer.tenant_id}",
        "fabrikam.example",
        "Dana Fox, CIO",
        f"Generated on {long_date(today)}",
        f"started on {long_date(engagement.started_on)}",
        "Description of services",
        *[workload.name for workload in workloads],
        *OutOfScopeItem.objects.filter(workload__in=workloads).values_list(
            "description", flat=True
        ),
        VAS_DISCLOSURE.format(partner="Contoso Consulting", customer="Fabrikam Retail"),
        "Benefit services are free remote guidance",
        "is Microsoft's service, delivered by Microsoft",
        "Quote Q-ACC-1: Adoption workshops",
        "2,500.00 EUR",  # 2 days at 1,250
        "-250.00 EUR",  # 10 % discount
        "2,700.00 EUR",  # total with 20 % tax
        "Governed by services contract C-77",
        f"{CUSTOMER_SIGNATURE_TITLE}: Fabrikam Retail",
        "Signed for the partner: Contoso Consulting",
        "Name: ____",
        "Date: ____",
    ]


@pytest.fixture
def scoped(engagement: Engagement) -> Engagement:
    """Teams handed off to another FRP: not part of the SOW. Two agreed quotes, one draft."""
    engagement.workloads.filter(workload__code="teams").update(routing=Routing.HAND_OFF)
    add_quote(engagement, QuoteState.ACCEPTED, "Q-ACC-1")
    add_quote(engagement, QuoteState.SIGNED, "Q-SIG-1", contract="C-77")
    add_quote(engagement, QuoteState.DRAFT, "Q-DRAFT-1")
    return engagement


def test_document_model_has_real_structure(scoped: Engagement) -> None:
    document = services.build_sow(engagement=scoped, template=services.active_template(), number=1)
    headings = [block.text for block in document.blocks if isinstance(block, Heading)]
    assert headings[:3] == ["Parties", "Description of services", "Workloads in scope"]
    assert "Microsoft Teams" not in headings  # handed off
    workloads = next(
        block
        for block in document.blocks
        if isinstance(block, Bullets) and "Exchange Online" in block.items
    )
    assert workloads.items == ("Exchange Online", "Viva Engage (Yammer)")
    phases, matrix = [block for block in document.blocks if isinstance(block, Table)][1:3]
    assert [row[0] for row in phases.rows] == [
        "Initiate",
        "Assess",
        "Remediate",
        "Enable",
        "Data migration guidance",
    ]
    assert (
        phases.rows[0][1]
        == "Kickoff: Kickoff call with the sponsor and IT lead: scope, roles, plan."
    )
    assert matrix.rows == (
        ("Exchange Online", "Yes", "Yes", "Yes", "Yes", "Yes"),  # mail: data migration applies
        ("Viva Engage (Yammer)", "Yes", "Yes", "Yes", "Yes", "—"),
    )
    signatures = [block for block in document.blocks if isinstance(block, SignatureBlock)]
    assert [block.title.split(":")[0] for block in signatures] == [
        "Signed for the customer",
        "Signed for the partner",
    ]
    assert [label for label, _ in signatures[0].values] == ["Name", "Title", "Signature", "Date"]
    assert not any(value for _, value in signatures[0].values)


@pytest.mark.parametrize("file_format", ["docx", "pdf"])
def test_rendered_sow_says_everything(scoped: Engagement, file_format: str) -> None:
    content = services.render_sow(engagement=scoped, file_format=file_format)
    text = one_line(docx_text(content) if file_format == "docx" else pdf_text(content))
    for phrase in expected_phrases(scoped):
        assert one_line(phrase) in text, phrase
    assert "Microsoft Teams" not in text
    assert "Q-DRAFT-1" not in text
    if file_format == "pdf":
        assert "Page 1 of" in text


def test_docx_uses_word_structures(scoped: Engagement) -> None:
    import io

    from docx import Document

    word = Document(io.BytesIO(services.render_sow(engagement=scoped, file_format="docx")))
    styles = {paragraph.style.name for paragraph in word.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "List Bullet"} <= styles
    assert len(word.tables) >= 4  # parties, phases per workload, quotes
    assert "Contoso Consulting" in word.sections[0].header.paragraphs[0].text


def test_generation_stores_numbered_versions_and_records_events(
    engagement: Engagement, consultant: User
) -> None:
    first = services.generate_sow(acting_user=consultant, engagement=engagement, file_format="docx")
    second = services.generate_sow(acting_user=consultant, engagement=engagement, file_format="pdf")
    assert (first.number, second.number) == (1, 2)
    stored = SowVersion.objects.get(pk=second.pk)
    content = bytes(stored.document)
    assert content.startswith(b"%PDF-")
    assert stored.size == len(content)
    assert stored.sha256 == services.sha256(content)
    assert stored.file_name == f"SOW-Fabrikam-Retail-E{engagement.pk}-v2.pdf"
    assert stored.template.active
    assert "SOW reference E" in pdf_text(content)
    events = engagement.timeline.filter(kind=EventKind.SOW_GENERATED)
    assert [event.data["number"] for event in events.order_by("pk")] == [1, 2]
    assert events.first().actor == consultant  # type: ignore[union-attr]


def test_generation_refuses_without_partner_profile_or_active_template(
    engagement: Engagement,
) -> None:
    SowTemplate.objects.update(active=False)
    with pytest.raises(ValidationError, match="No SOW template is active"):
        services.generate_sow(acting_user=None, engagement=engagement, file_format="pdf")
    SowTemplate.objects.filter(version="2026.1").update(active=True)
    from frpdesk.partner.models import PartnerProfile

    PartnerProfile.objects.all().delete()
    with pytest.raises(ValidationError, match="partner profile is not set up"):
        services.generate_sow(acting_user=None, engagement=engagement, file_format="pdf")
    with pytest.raises(ValidationError, match="Choose one of docx, pdf"):
        services.generate_sow(acting_user=None, engagement=engagement, file_format="odt")
    assert not SowVersion.objects.exists()


def test_shipped_template_is_loaded_and_active() -> None:
    template = SowTemplate.objects.get(active=True)
    assert template.version == "2026.1"
    assert check_sections(template.sections) == template.sections
    assert services.load_shipped_template() == "2026.1"  # idempotent
    assert SowTemplate.objects.count() == 1


def test_new_template_version_is_checked_and_activated(engagement: Engagement) -> None:
    sections = [
        {"heading": "Description of services", "body": "{{ partner.organisation_name }} helps."},
        {"heading": "Scope", "body": "[[workloads]]"},
        {"heading": "Sign", "body": "[[signatures]]"},
    ]
    template = services.create_template(
        acting_user=None, version="2026.2", name="Short", sections=sections, activate=True
    )
    assert list(SowTemplate.objects.filter(active=True)) == [template]
    text = one_line(docx_text(services.render_sow(engagement=engagement, file_format="docx")))
    assert "Contoso Consulting helps." in text
    assert "Out of scope" not in text


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ([], "Give a list of sections"),
        ([{"heading": "A"}], "exactly a heading and a body"),
        ([{"heading": " ", "body": "x"}], "needs a heading and a body"),
        ([{"heading": "A", "body": "{% if %}"}], "Section 1 (A):"),
        ([{"heading": "A", "body": "[[prices]]"}], "unknown part [[prices]]"),
        ([{"heading": "A", "body": "[[workloads]]"}], "must show [[signatures]]"),
    ],
)
def test_bad_template_sections_are_refused(sections: object, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_template(acting_user=None, version="9", name="Bad", sections=sections)
    assert message in " ".join(refused.value.messages)
    assert not SowTemplate.objects.filter(version="9").exists()
