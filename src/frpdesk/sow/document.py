"""The SOW as a document model: a list of blocks built once from a template and an engagement.

Both renderers (``renderers.to_docx`` and ``renderers.to_pdf``) draw the same ``SowDocument``, so
the wording and the data are decided here only.

A template section's body is Django template text (no HTML: the renderers escape). After
rendering, a blank line separates paragraphs, lines starting with ``- `` are bullets, and a line
that is exactly ``[[name]]`` inserts a generated part (``PARTS``): the parties, the Benefit
services per workload and delivery phase, the workloads, the out-of-scope lists, the value-added
services with their prices, and the signature blocks.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.template import Context, Engine, Template, TemplateSyntaxError

from frpdesk.catalog.models import DeliveryPhase, MilestoneTemplate, OutOfScopeItem, Workload
from frpdesk.engagements.models import Engagement, Routing
from frpdesk.partner.models import PartnerProfile
from frpdesk.vas.models import VAS_DISCLOSURE, Quote, QuoteState
from frpdesk.vas.pricing import line_total, quote_totals

# The preflight finds the customer's block by this title: keep them one constant.
CUSTOMER_SIGNATURE_TITLE = "Signed for the customer"
PARTNER_SIGNATURE_TITLE = "Signed for the partner"
SIGNATURE_FIELDS = ("Name", "Title", "Signature", "Date")
BLANK = "_" * 32
# Quotes in these states are agreed with the customer, so the SOW lists them.
SOW_QUOTE_STATES = (QuoteState.ACCEPTED, QuoteState.SIGNED, QuoteState.ACTIVE)
MARKER = re.compile(r"^\[\[\s*([a-z_]+)\s*\]\]$")
DATA_MIGRATION_PHASE = "data_migration_guidance"  # a catalog DeliveryPhase code
REQUIRED_PARTS = ("workloads", "signatures")  # what a signed SOW must show for a CPOR claim

# Django's template language without HTML escaping: the renderers escape for their format.
ENGINE = Engine(autoescape=False)


def long_date(day: datetime.date) -> str:
    """20 November 2026: unambiguous, and one of the forms the preflight reads."""
    return f"{day.day} {day:%B %Y}"


# --- blocks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1
    kind: ClassVar[str] = "heading"


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    kind: ClassVar[str] = "bullets"


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Rows after the body (totals), drawn in bold; numeric columns are right-aligned.
    footer: tuple[tuple[str, ...], ...] = ()
    numeric: tuple[int, ...] = ()
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class SignatureBlock:
    title: str
    values: tuple[tuple[str, str], ...]  # (label, value); a blank value is drawn as a line
    kind: ClassVar[str] = "signature"

    @property
    def lines(self) -> list[tuple[str, str]]:
        return [(label, value or BLANK) for label, value in self.values]


Block = Heading | Paragraph | Bullets | Table | SignatureBlock


@dataclass(frozen=True)
class SowDocument:
    title: str
    subtitle: str
    partner_name: str
    reference: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Signature:
    """What the customer wrote in their signature block (test fixtures and the demo)."""

    name: str
    title: str
    signed_on: datetime.date
    signature: str = ""


# --- template text ---------------------------------------------------------------------------


def compile_section(body: str) -> Template:
    return ENGINE.from_string(body)


def check_sections(sections: Any) -> list[dict[str, str]]:
    """The sections of a new template version, cleaned; ValidationError says what to fix."""
    if not isinstance(sections, list) or not sections:
        raise ValidationError(
            {"sections": 'Give a list of sections: [{"heading": "…", "body": "…"}, …].'}
        )
    cleaned: list[dict[str, str]] = []
    used: set[str] = set()
    for number, section in enumerate(sections, start=1):
        if not isinstance(section, dict) or set(section) != {"heading", "body"}:
            raise ValidationError(
                {"sections": f"Section {number} must have exactly a heading and a body."}
            )
        heading, body = section["heading"], section["body"]
        if not isinstance(heading, str) or not heading.strip() or not isinstance(body, str):
            raise ValidationError({"sections": f"Section {number} needs a heading and a body."})
        try:
            compile_section(body)
        except TemplateSyntaxError as error:
            raise ValidationError(
                {"sections": f"Section {number} ({heading.strip()}): {error}"}
            ) from error
        for line in body.splitlines():
            match = MARKER.match(line.strip())
            if match:
                if match.group(1) not in PARTS:
                    raise ValidationError(
                        {
                            "sections": f"Section {number} ({heading.strip()}): unknown part "
                            f"[[{match.group(1)}]]; the parts are {', '.join(PARTS)}."
                        }
                    )
                used.add(match.group(1))
        cleaned.append({"heading": heading.strip(), "body": body.replace("\r\n", "\n")})
    missing = [name for name in REQUIRED_PARTS if name not in used]
    if missing:
        raise ValidationError(
            {
                "sections": "A SOW must show "
                + " and ".join(f"[[{name}]]" for name in missing)
                + ": a CPOR claim's proof of execution needs them."
            }
        )
    return cleaned


# --- the data --------------------------------------------------------------------------------


@dataclass
class SowData:
    """Everything the template and the generated parts read, loaded in a few queries."""

    engagement: Engagement
    partner: PartnerProfile
    workloads: list[Workload]
    phases: list[DeliveryPhase]
    milestones: dict[int, list[MilestoneTemplate]]
    out_of_scope: dict[int, list[OutOfScopeItem]]
    quotes: list[Quote]
    today: datetime.date
    customer_signature: Signature | None = None
    contacts: list[Any] = field(default_factory=list)


def claimed_workloads(engagement: Engagement) -> list[Workload]:
    """The engagement's workloads the partner delivers: not handed off, not sent to an RFA."""
    return [
        item.workload
        for item in engagement.workloads.select_related("workload").exclude(
            routing__in=[Routing.HAND_OFF, Routing.RFA]
        )
    ]


def load_data(
    engagement: Engagement,
    partner: PartnerProfile,
    today: datetime.date,
    customer_signature: Signature | None = None,
) -> SowData:
    workloads = claimed_workloads(engagement)
    milestones: dict[int, list[MilestoneTemplate]] = {}
    for milestone in MilestoneTemplate.objects.all():
        milestones.setdefault(milestone.phase_id, []).append(milestone)
    out_of_scope: dict[int, list[OutOfScopeItem]] = {}
    for item in OutOfScopeItem.objects.filter(workload__in=workloads):
        out_of_scope.setdefault(item.workload_id, []).append(item)
    quotes = list(
        engagement.quotes.filter(state__in=SOW_QUOTE_STATES)
        .select_related("contract")
        .prefetch_related("lines")
        .order_by("created_at", "pk")
    )
    return SowData(
        engagement=engagement,
        partner=partner,
        workloads=workloads,
        phases=list(DeliveryPhase.objects.all()),
        milestones=milestones,
        out_of_scope=out_of_scope,
        quotes=quotes,
        today=today,
        customer_signature=customer_signature,
        contacts=list(engagement.customer.contacts.all()),
    )


# --- generated parts -------------------------------------------------------------------------


def _user_line(user: Any) -> str:
    if user is None:
        return ""
    name = user.get_full_name() or user.get_username()
    return f"{name} <{user.email}>" if user.email else name


def parties_part(data: SowData) -> Iterator[Block]:
    partner, customer = data.partner, data.engagement.customer
    location = ", ".join(
        part for part in (partner.location_city, str(partner.location_country.name or "")) if part
    )
    partner_ids = f"PartnerID {partner.partner_id}"
    if partner.location_partner_id:
        partner_ids += f"; location PartnerID {partner.location_partner_id}"
    customer_contacts = "\n".join(
        ", ".join(part for part in (contact.name, contact.title, contact.email) if part)
        for contact in data.contacts
    )
    yield Table(
        header=("", "Partner", "Customer"),
        rows=(
            ("Organisation", partner.organisation_name, customer.name),
            ("Identifiers", partner_ids, f"Tenant ID {customer.tenant_id}"),
            ("Location / domain", location or "—", customer.primary_domain or "—"),
            (
                "Contacts",
                _user_line(data.engagement.owner) or "—",
                customer_contacts or "—",
            ),
        ),
    )


def _phase_guidance(phase: DeliveryPhase, milestones: list[MilestoneTemplate]) -> str:
    if milestones:
        return " ".join(
            f"{item.name}: {item.description}" if item.description else f"{item.name}."
            for item in milestones
        )
    if phase.code == DATA_MIGRATION_PHASE:
        return (
            "Guidance for the customer's own data migration: planning, tools and checks. "
            "Microsoft's FastTrack migration service is not part of this SOW."
        )
    return f"Remote guidance for the {phase.name.lower()} phase."


def benefit_services_part(data: SowData) -> Iterator[Block]:
    """What the guidance is in each delivery phase (once), then which phases each workload
    gets: a matrix rather than the same text repeated for every workload."""
    yield Table(
        header=("Phase", "Remote guidance"),
        rows=tuple(
            (phase.name, _phase_guidance(phase, data.milestones.get(phase.pk, [])))
            for phase in data.phases
        ),
    )
    yield Table(
        header=("Workload", *(phase.name for phase in data.phases)),
        rows=tuple(
            (
                workload.name,
                *(
                    # Data-migration guidance only exists for mail and file workloads.
                    "Yes"
                    if phase.code != DATA_MIGRATION_PHASE or workload.data_migration_applies
                    else "—"
                    for phase in data.phases
                ),
            )
            for workload in data.workloads
        ),
    )


def workloads_part(data: SowData) -> Iterator[Block]:
    if not data.workloads:
        yield Paragraph("No workload is delivered under this SOW yet.")
        return
    yield Bullets(tuple(workload.name for workload in data.workloads))


def out_of_scope_part(data: SowData) -> Iterator[Block]:
    for workload in data.workloads:
        items = data.out_of_scope.get(workload.pk, [])
        if items:
            yield Heading(workload.name, level=2)
            yield Bullets(tuple(item.description for item in items))


def _number(value: Any) -> str:
    """12, 8.5: a decimal without the trailing zeros the database keeps."""
    return f"{value.normalize():f}"


def _amount(value: Any, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def vas_part(data: SowData) -> Iterator[Block]:
    if not data.quotes:
        yield Paragraph(
            "No value-added services are agreed for this engagement: only the free Benefit "
            "services above are delivered under this SOW."
        )
        return
    yield Paragraph(
        "These fee-based services are agreed between the parties, apart from the Benefit. "
        "Prices are in the quote's currency."
    )
    for quote in data.quotes:
        yield Heading(f"Quote {quote.number}: {quote.title}", level=2)
        contract = getattr(quote, "contract", None) if quote.state != QuoteState.ACCEPTED else None
        if contract is not None:
            yield Paragraph(
                f"Governed by services contract {contract.number}, signed on "
                f"{long_date(contract.signed_on)}."
            )
        else:
            yield Paragraph(f"Quote {quote.get_state_display().lower()} by the customer.")
        lines = list(quote.lines.all())
        totals = quote_totals(quote, lines)

        def money(value: Any, currency: str = quote.currency) -> str:
            return _amount(value, currency)

        footer = [("Subtotal", "", "", money(totals.subtotal))]
        if totals.discount:
            footer.append(
                (f"Discount {_number(quote.discount_pct)} %", "", "", f"-{money(totals.discount)}")
            )
        if totals.tax:
            footer.append((f"Tax {_number(quote.tax_pct)} %", "", "", money(totals.tax)))
        footer.append(("Total", "", "", money(totals.total)))
        yield Table(
            header=("Service", "Quantity", "Unit price", "Amount"),
            rows=tuple(
                (
                    line.description
                    + (" (FastTrack Benefit, free)" if line.kind == "benefit" else ""),
                    f"{_number(line.quantity)} {line.unit}",
                    money(line.unit_price),
                    money(line_total(line)),
                )
                for line in lines
            ),
            footer=tuple(footer),
            numeric=(1, 2, 3),
        )


def signatures_part(data: SowData) -> Iterator[Block]:
    signed = data.customer_signature
    customer_values = (
        (signed.name, signed.title, signed.signature or signed.name, long_date(signed.signed_on))
        if signed
        else ("", "", "", "")
    )
    yield SignatureBlock(
        title=f"{CUSTOMER_SIGNATURE_TITLE}: {data.engagement.customer.name}",
        values=tuple(zip(SIGNATURE_FIELDS, customer_values, strict=True)),
    )
    yield SignatureBlock(
        title=f"{PARTNER_SIGNATURE_TITLE}: {data.partner.organisation_name}",
        values=tuple((label, "") for label in SIGNATURE_FIELDS),
    )


PARTS: dict[str, Callable[[SowData], Iterable[Block]]] = {
    "parties": parties_part,
    "benefit_services": benefit_services_part,
    "workloads": workloads_part,
    "out_of_scope": out_of_scope_part,
    "vas": vas_part,
    "signatures": signatures_part,
}


# --- building --------------------------------------------------------------------------------


def template_context(data: SowData) -> dict[str, Any]:
    engagement, customer = data.engagement, data.engagement.customer
    return {
        "partner": data.partner,
        "customer": customer,
        "engagement": engagement,
        "generated_on": long_date(data.today),
        "started_on": long_date(engagement.started_on),
        "workloads": [workload.name for workload in data.workloads],
        "vas_disclosure": VAS_DISCLOSURE.format(
            partner=data.partner.organisation_name, customer=customer.name
        ),
    }


def body_blocks(text: str, data: SowData) -> Iterator[Block]:
    """A rendered section body as blocks: paragraphs, bullet lists and generated parts."""
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> Iterator[Block]:
        if paragraph:
            yield Paragraph(" ".join(paragraph))
            paragraph.clear()
        if bullets:
            yield Bullets(tuple(bullets))
            bullets.clear()

    for raw in text.splitlines():
        line = raw.strip()
        marker = MARKER.match(line)
        if not line or marker:
            yield from flush()
            if marker:
                yield from PARTS[marker.group(1)](data)
        elif line.startswith("- "):
            if paragraph:
                yield from flush()
            bullets.append(line[2:].strip())
        else:
            if bullets:
                yield from flush()
            paragraph.append(line)
    yield from flush()


def build_document(data: SowData, sections: list[dict[str, str]], reference: str) -> SowDocument:
    context = Context(template_context(data))
    blocks: list[Block] = [
        Paragraph(
            f"SOW reference {reference}. Generated on {long_date(data.today)}; the engagement "
            f"started on {long_date(data.engagement.started_on)}."
        )
    ]
    for section in sections:
        blocks.append(Heading(section["heading"]))
        blocks.extend(body_blocks(compile_section(section["body"]).render(context), data))
    customer = data.engagement.customer
    return SowDocument(
        title="Statement of Work",
        subtitle=f"Microsoft FastTrack Benefit services for {customer.name}",
        partner_name=data.partner.organisation_name,
        reference=reference,
        blocks=tuple(blocks),
    )
