"""The two renderers of a ``SowDocument``: DOCX (python-docx) and PDF (WeasyPrint from HTML).

They only draw; what the SOW says is decided in ``document``.
"""

import io
from typing import Any

from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import _Cell

from frpdesk.sow.document import (
    Bullets,
    Heading,
    Paragraph,
    SignatureBlock,
    SowDocument,
    Table,
)
from frpdesk.sow.models import DocumentFormat

MUTED = RGBColor(0x6C, 0x75, 0x7D)


# --- DOCX ------------------------------------------------------------------------------------


def _page_field(paragraph: Any) -> None:
    """A PAGE field, so Word numbers the pages itself."""
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    for number, line in enumerate(text.split("\n")):
        run = paragraph.add_run()
        if number:
            run.add_break()  # a list in one cell (the customer's contacts)
        run.add_text(line)
        run.bold = bold
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def to_docx(document: SowDocument) -> bytes:
    word = Document()
    word.core_properties.title = f"{document.title}: {document.subtitle}"
    word.core_properties.author = document.partner_name
    normal = word.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)

    section = word.sections[0]
    header = section.header.paragraphs[0]
    header.text = f"{document.partner_name} · {document.title} {document.reference}"
    header.runs[0].font.color.rgb = MUTED
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Page ")
    _page_field(footer)

    # python-docx looks a style name up by scanning every style of the document on each call
    # (a third of the rendering time); resolve the few we use once and set their ids directly.
    style_ids = {
        name: word.styles[name].style_id
        for name in ("Title", "Heading 1", "Heading 2", "List Bullet", "Table Grid")
    }

    def paragraph(text: str, style: str = "") -> Any:
        added = word.add_paragraph(text)
        if style:
            added._p.style = style_ids[style]
        return added

    paragraph(document.title, "Title")
    subtitle = paragraph(document.subtitle)
    subtitle.runs[0].font.size = Pt(13)
    for block in document.blocks:
        if isinstance(block, Heading):
            paragraph(block.text, f"Heading {block.level}")
        elif isinstance(block, Paragraph):
            paragraph(block.text)
        elif isinstance(block, Bullets):
            for item in block.items:
                paragraph(item, "List Bullet")
        elif isinstance(block, Table):
            _docx_table(word, block, style_ids["Table Grid"])
        elif isinstance(block, SignatureBlock):
            title = paragraph("")
            title.paragraph_format.space_before = Pt(18)
            title.paragraph_format.keep_with_next = True
            title.add_run(block.title).bold = True
            for label, value in block.lines:
                line = paragraph(f"{label}: {value}")
                line.paragraph_format.keep_with_next = True
                line.paragraph_format.space_after = Pt(6)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _docx_table(word: Any, block: Table, style_id: str) -> None:
    rows = [block.header, *block.rows, *block.footer]
    table = word.add_table(rows=len(rows), cols=len(block.header))
    table._tbl.tblStyle_val = style_id
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    first_footer = 1 + len(block.rows)
    for row_number, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            _cell_text(
                cell,
                value,
                bold=row_number == 0 or row_number >= first_footer,
                right=column in block.numeric and row_number > 0,
            )
    word.add_paragraph()


# --- PDF -------------------------------------------------------------------------------------


def to_html(document: SowDocument) -> str:
    return render_to_string("sow/document.html", {"document": document})


def _refuse_fetch(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    """WeasyPrint must not reach the network: the document has no external resources."""
    raise ValueError(f"SOW documents load no external resources ({url[:60]})")


def to_pdf(document: SowDocument) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=to_html(document), url_fetcher=_refuse_fetch).write_pdf()
    return pdf


RENDERERS = {DocumentFormat.DOCX: to_docx, DocumentFormat.PDF: to_pdf}
CONTENT_TYPES = {
    DocumentFormat.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    DocumentFormat.PDF: "application/pdf",
}


def render(document: SowDocument, file_format: str) -> bytes:
    return RENDERERS[DocumentFormat(file_format)](document)
