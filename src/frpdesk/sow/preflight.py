"""Proof-of-execution preflight: does a signed SOW show what a CPOR claim needs?

The rules (DESIGN.md §2 "SOW"), each failing with a sentence that says what is missing:

1. **Customer signature.** Present when any of these holds:
   - the PDF has a signature field (``/FT /Sig``) with a value (a digital signature);
   - in the customer's signature block (from the line starting "Signed for the customer" to the
     partner's block), the ``Name:`` and ``Date:`` lines carry real text: after removing
     underscores, dots, dashes and spaces, the name has at least two letters or digits and the
     date at least one digit (a value on the next line counts when the label line is empty);
   - the DOCX has an image (a drawn or scanned signature) inside the customer's block.
   A scanned PDF without a text layer cannot be read and fails this rule.
2. **Current dates.** The newest date in the text (``2026-11-20``, ``20 November 2026``,
   ``November 20, 2026``, ``20 Nov 2026``, ``11/20/2026``; a numeric date whose first number
   exceeds 12 is read day first) is not in the future and at most ``poe_max_age_days`` (90) days
   old.
3. **Partner's services.** A services section (one of ``SERVICES_PHRASES``) and the partner's
   organisation name both appear.
4. **Every claimed workload named.** Each workload the engagement delivers (not handed off, not
   sent to an RFA) appears by its name or an alias (``catalog.services.workload_aliases``:
   "Teams" for "Microsoft Teams", "Yammer" for "Viva Engage (Yammer)").

Text comes from every page of a PDF (pypdf) or every paragraph and table cell of a DOCX
(python-docx); matching ignores case and runs of white space.
"""

import datetime
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from frpdesk.catalog.models import Workload
from frpdesk.catalog.services import threshold_int, workload_aliases
from frpdesk.core.imports import ImportFailure
from frpdesk.sow.document import (
    CUSTOMER_SIGNATURE_TITLE,
    PARTNER_SIGNATURE_TITLE,
)
from frpdesk.sow.models import DocumentFormat

SERVICES_PHRASES = (
    "description of services",
    "scope of services",
    "services provided",
    "benefit services",
    "partner services",
)
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DATE_PATTERNS = (
    re.compile(r"\b(?P<year>\d{4})-(?P<mm>\d{1,2})-(?P<dd>\d{1,2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})\b", re.I),
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b", re.I),
    re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})\b"),
)
SIGNATURE_LABEL = re.compile(r"^(name|title|signature|date)\s*:\s*(.*)$", re.I)
FILLER = re.compile(r"[\s_.\-–—]+")
SIGNATURE_BLOCK_LINES = 12  # a block longer than this is not a signature block any more


@dataclass(frozen=True)
class Line:
    text: str
    has_image: bool = False


@dataclass
class Extracted:
    """The readable content of a signed copy."""

    format: DocumentFormat
    lines: list[Line]
    signed_digitally: bool = False

    @property
    def text(self) -> str:
        return " ".join(" ".join(line.text for line in self.lines).split()).lower()


@dataclass
class PoeResult:
    ok: bool
    missing: list[str] = field(default_factory=list)
    workloads_found: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "missing": self.missing, "workloads_found": self.workloads_found}


# --- reading the file ------------------------------------------------------------------------


def detect_format(file_name: str, content: bytes) -> DocumentFormat:
    """PDF or DOCX by the bytes, not the name: a renamed file is refused with a clear message."""
    if not content:
        raise ImportFailure(file_name, None, None, "is empty")
    if b"%PDF-" in content[:1024]:
        return DocumentFormat.PDF
    if content.startswith(b"PK\x03\x04"):
        return DocumentFormat.DOCX
    raise ImportFailure(
        file_name, None, None, "is neither a PDF nor a Word (DOCX) document; upload the signed SOW"
    )


def extract(file_name: str, content: bytes) -> Extracted:
    """The text (and signature evidence) of a PDF or DOCX; ImportFailure when it is neither or
    cannot be read."""
    file_format = detect_format(file_name, content)
    if file_format == DocumentFormat.PDF:
        return _extract_pdf(file_name, content)
    return _extract_docx(file_name, content)


def _extract_pdf(file_name: str, content: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportFailure(
                file_name, None, None, "is password-protected; upload a copy without a password"
            )
        lines = [
            Line(text) for page in reader.pages for text in (page.extract_text() or "").splitlines()
        ]
        fields = reader.get_fields() or {}
    except ImportFailure:
        raise
    # pypdf raises its own errors and, on damaged files, plain ones from its parser.
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        AssertionError,
        OSError,
        RecursionError,
        struct.error,
        zlib.error,
    ) as error:
        raise ImportFailure(file_name, None, None, f"is not a readable PDF ({error})") from error
    signed = any(
        str(value.get("/FT")) == "/Sig" and value.get("/V") is not None for value in fields.values()
    )
    return Extracted(DocumentFormat.PDF, lines, signed_digitally=signed)


def _extract_docx(file_name: str, content: bytes) -> Extracted:
    from docx import Document
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    try:
        word = Document(io.BytesIO(content))
        lines = list(_docx_lines(word.element.body))
    # A zip that is no Word package (KeyError, ValueError: "not a Word file"), or broken XML.
    except (OpcError, LxmlError, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFailure(
            file_name, None, None, "is not a readable Word (DOCX) document"
        ) from error
    return Extracted(DocumentFormat.DOCX, lines)


def _docx_lines(container: Any) -> Iterator[Line]:
    """Paragraphs and table cells in reading order (tables row by row, nested tables too)."""
    for element in container.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(node.text or "" for node in element.iter(_W + "t"))
            has_image = any(True for _ in element.iter(_W + "drawing", _W + "pict"))
            for part in text.splitlines() or [""]:
                yield Line(part, has_image)
        elif tag == "tbl":
            for row in element.iter(_W + "tr"):
                for cell in row.iterchildren(_W + "tc"):
                    yield from _docx_lines(cell)
        elif tag == "sdt":  # content controls (Word forms) wrap paragraphs
            for content in element.iterchildren(_W + "sdtContent"):
                yield from _docx_lines(content)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# --- dates -----------------------------------------------------------------------------------


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[datetime.date]:
    """Every date written in one of the accepted forms (invalid ones, like 31 February, skipped)."""
    found: list[datetime.date] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            year = int(parts["year"])
            if parts.get("month"):
                day = _date(year, MONTHS[parts["month"].lower()], int(parts["day"]))
            elif parts.get("mm"):
                day = _date(year, int(parts["mm"]), int(parts["dd"]))
            else:
                first, second = int(parts["a"]), int(parts["b"])
                # US month first, as Partner Center writes; day first when it cannot be a month.
                day = _date(year, second, first) if first > 12 else _date(year, first, second)
            if day is not None:
                found.append(day)
    return found


# --- the rules -------------------------------------------------------------------------------


def _filled(value: str, *, digits: bool) -> bool:
    meaningful = FILLER.sub("", value)
    if digits:
        return any(char.isdigit() for char in meaningful)
    return sum(char.isalnum() for char in meaningful) >= 2


def _customer_block(lines: list[Line]) -> list[Line] | None:
    start = next(
        (
            index
            for index, line in enumerate(lines)
            if line.text.strip().lower().startswith(CUSTOMER_SIGNATURE_TITLE.lower())
        ),
        None,
    )
    if start is None:
        return None
    block: list[Line] = [lines[start]]
    for line in lines[start + 1 : start + 1 + SIGNATURE_BLOCK_LINES]:
        if line.text.strip().lower().startswith(PARTNER_SIGNATURE_TITLE.lower()):
            break
        block.append(line)
    return block


def _field_values(block: list[Line]) -> dict[str, str]:
    """``Name``/``Title``/``Signature``/``Date`` of a block, lower-case keys; a value on the next
    line counts when the label line has none (Word users often type below the label)."""
    values: dict[str, str] = {}
    texts = [line.text.strip() for line in block]
    for index, text in enumerate(texts):
        match = SIGNATURE_LABEL.match(text)
        if not match:
            continue
        value = match.group(2)
        following = texts[index + 1] if index + 1 < len(texts) else ""
        if not FILLER.sub("", value) and following and not SIGNATURE_LABEL.match(following):
            value = following
        values.setdefault(match.group(1).lower(), value)
    return values


def signature_problem(extracted: Extracted) -> str | None:
    if extracted.signed_digitally:
        return None
    block = _customer_block(extracted.lines)
    if block is None:
        return (
            f'No customer signature: the customer\'s signature block ("{CUSTOMER_SIGNATURE_TITLE}")'
            " was not found and the file carries no digital signature"
        )
    if any(line.has_image for line in block):
        return None
    values = _field_values(block)
    blank = [
        label
        for label, digits in (("Name", False), ("Date", True))
        if not _filled(values.get(label.lower(), ""), digits=digits)
    ]
    if not blank:
        return None
    lines = " and ".join(blank)
    return f"No customer signature: the customer's {lines} line{'s are' if len(blank) > 1 else ' is'} blank"


def date_problem(text: str, today: datetime.date, max_age_days: int) -> str | None:
    dates = find_dates(text)
    if not dates:
        return "No date found: the signed SOW must carry current dates"
    newest = max(dates)
    if newest > today:
        return f"Dates not current: the newest date, {newest.isoformat()}, is in the future"
    if (today - newest).days > max_age_days:
        return (
            f"Dates not current: the newest date, {newest.isoformat()}, is "
            f"{(today - newest).days} days old (at most {max_age_days} allowed)"
        )
    return None


def _contains(text: str, phrase: str) -> bool:
    words = " ".join(phrase.lower().split())
    return re.search(r"(?<!\w)" + re.escape(words) + r"(?!\w)", text) is not None


def services_problems(text: str, partner_name: str | None) -> list[str]:
    problems = []
    if not any(_contains(text, phrase) for phrase in SERVICES_PHRASES):
        problems.append(
            "No description of the partner's services: no services section (such as "
            '"Description of services") was found'
        )
    if not partner_name:
        problems.append(
            "The partner's organisation name is unknown: fill in the partner profile first"
        )
    elif not _contains(text, partner_name):
        problems.append(f"The partner ({partner_name}) is not named")
    return problems


def check(
    extracted: Extracted,
    *,
    workloads: list[Workload],
    partner_name: str | None,
    today: datetime.date,
) -> PoeResult:
    """Every rule of the module docstring against one signed copy."""
    text = extracted.text
    missing: list[str] = []
    signature = signature_problem(extracted)
    if signature:
        missing.append(signature)
    dates = date_problem(text, today, threshold_int("poe_max_age_days"))
    if dates:
        missing.append(dates)
    missing.extend(services_problems(text, partner_name))
    found = []
    for workload in workloads:
        if any(_contains(text, alias) for alias in workload_aliases(workload)):
            found.append(workload.name)
        else:
            missing.append(f"{workload.name} is not named")
    return PoeResult(ok=not missing, missing=missing, workloads_found=found)
