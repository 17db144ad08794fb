"""The proof-of-execution preflight: a signed copy passes; each missing element fails with its
message; dates in every accepted form; files that are not PDF/DOCX are refused clearly."""

import contextlib
import datetime
import io

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from frpdesk.catalog.models import Workload
from frpdesk.catalog.services import workload_aliases
from frpdesk.core.imports import ImportFailure
from frpdesk.engagements.models import Engagement, Routing
from frpdesk.engagements.services import add_workload
from frpdesk.sow import preflight, services
from frpdesk.sow.tests.conftest import SignedCopy

pytestmark = pytest.mark.django_db

OK = {
    "ok": True,
    "missing": [],
    "workloads_found": ["Exchange Online", "Microsoft Teams", "Viva Engage (Yammer)"],
}


def check(engagement: Engagement, content: bytes) -> dict[str, object]:
    return services.poe_check(engagement=engagement, file_name="signed", content=content).as_dict()


@pytest.mark.parametrize("file_format", ["pdf", "docx"])
def test_signed_copy_passes(
    engagement: Engagement, signed_copy: SignedCopy, file_format: str
) -> None:
    assert check(engagement, signed_copy(file_format)) == OK


@pytest.mark.parametrize("file_format", ["pdf", "docx"])
def test_blank_signature_fails(
    engagement: Engagement, signed_copy: SignedCopy, file_format: str
) -> None:
    assert check(engagement, signed_copy(file_format, signed=False)) == {
        **OK,
        "ok": False,
        "missing": ["No customer signature: the customer's Name and Date lines are blank"],
    }


def test_stale_dates_fail(engagement: Engagement, signed_copy: SignedCopy) -> None:
    old = timezone.localdate() - datetime.timedelta(days=120)
    Engagement.objects.filter(pk=engagement.pk).update(started_on=old)
    engagement.refresh_from_db()
    result = check(engagement, signed_copy("pdf", today=old))
    assert result["missing"] == [
        f"Dates not current: the newest date, {old.isoformat()}, is 120 days old "
        "(at most 90 allowed)"
    ]


def test_missing_workload_fails_and_routed_ones_are_not_needed(
    engagement: Engagement, signed_copy: SignedCopy
) -> None:
    content = signed_copy("docx")
    add_workload(
        acting_user=None,
        engagement=engagement,
        workload=Workload.objects.get(code="intune"),
        source="claimed",
    )
    result = check(engagement, content)
    assert result["missing"] == ["Microsoft Intune is not named"]
    assert result["workloads_found"] == OK["workloads_found"]
    engagement.workloads.filter(workload__code="intune").update(routing=Routing.RFA)
    assert check(engagement, content) == OK


def customer_paper(*paragraphs: str) -> bytes:
    """A SOW on the customer's own paper, as Word saves it."""
    from docx import Document

    word = Document()
    for text in paragraphs:
        word.add_paragraph(text)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def test_missing_partner_services_fail(engagement: Engagement) -> None:
    today = timezone.localdate()
    content = customer_paper(
        "Purchase agreement",
        "Exchange Online, Microsoft Teams and Viva Engage will be onboarded.",
        "Signed for the customer: Fabrikam Retail",
        "Name: Dana Fox",
        f"Date: {today:%B} {today.day}, {today.year}",
    )
    result = check(engagement, content)
    assert result["missing"] == [
        "No description of the partner's services: no services section (such as "
        '"Description of services") was found',
        "The partner (Contoso Consulting) is not named",
    ]
    fixed = customer_paper(
        "Scope of services: Contoso Consulting guides Exchange Online, Microsoft Teams and "
        "Viva Engage.",
        "Signed for the customer: Fabrikam Retail",
        "Name: Dana Fox",
        f"Date: {today.isoformat()}",
    )
    assert check(engagement, fixed) == OK


def test_pdf_digital_signature_counts(engagement: Engagement, signed_copy: SignedCopy) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(signed_copy("pdf", signed=False))))
    field = DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject("CustomerSignature"),
            NameObject("/V"): DictionaryObject({NameObject("/Type"): NameObject("/Sig")}),
        }
    )
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([writer._add_object(field)])}
    )
    out = io.BytesIO()
    writer.write(out)
    assert check(engagement, out.getvalue()) == OK


def test_docx_signature_image_counts(engagement: Engagement, signed_copy: SignedCopy) -> None:
    from docx import Document

    word = Document(io.BytesIO(signed_copy("docx", signed=False)))
    title = next(p for p in word.paragraphs if p.text.startswith("Signed for the customer"))
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (120, 40), "white").save(png, format="PNG")
    title.add_run().add_picture(io.BytesIO(png.getvalue()))
    out = io.BytesIO()
    word.save(out)
    assert check(engagement, out.getvalue()) == OK


def test_value_typed_below_the_label_counts() -> None:
    lines = [
        preflight.Line(text)
        for text in (
            "Signed for the customer: Fabrikam",
            "Name:",
            "Dana Fox",
            "Title: ____",
            "Date: ________",
            "20 November 2026",
            "Signed for the partner: Contoso",
            "Name: Avery Morgan",
        )
    ]
    assert (
        preflight.signature_problem(preflight.Extracted(preflight.DocumentFormat.PDF, lines))
        is None
    )
    lines[5] = preflight.Line("Signed for the partner: Contoso")
    assert (
        preflight.signature_problem(preflight.Extracted(preflight.DocumentFormat.PDF, lines))
        == "No customer signature: the customer's Date line is blank"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "signed.pdf: is empty"),
        (b"Name,Date\nDana,2026-01-01\n", "is neither a PDF nor a Word (DOCX) document"),
        (b"%PDF-1.7\n garbage", "is not a readable PDF"),
        (b"PK\x03\x04 truncated zip", "is not a readable Word (DOCX) document"),
    ],
)
def test_files_that_are_not_pdf_or_docx_are_refused(
    engagement: Engagement, content: bytes, message: str
) -> None:
    with pytest.raises(ImportFailure, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.poe_check(engagement=engagement, file_name="signed.pdf", content=content)


def test_xlsx_renamed_docx_is_refused(engagement: Engagement) -> None:
    import openpyxl

    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    with pytest.raises(ImportFailure, match="is not a readable Word"):
        services.poe_check(engagement=engagement, file_name="sow.docx", content=out.getvalue())


def test_damaged_copies_never_crash(engagement: Engagement, signed_copy: SignedCopy) -> None:
    """Truncated or bit-flipped files are refused or read, never an unexpected exception."""
    for content in (signed_copy("pdf"), signed_copy("docx")):
        for cut in (len(content) // 3, len(content) // 2, len(content) - 200):
            for damaged in (content[:cut], content[:cut] + bytes(200) + content[cut + 200 :]):
                with contextlib.suppress(ImportFailure):
                    preflight.extract("damaged", damaged)


def test_workload_aliases() -> None:
    aliases = {workload.code: workload_aliases(workload) for workload in Workload.objects.all()}
    assert aliases["viva_engage"] == {"Viva Engage (Yammer)", "Viva Engage", "Yammer"}
    assert aliases["teams"] == {"Microsoft Teams", "Teams"}
    assert aliases["exchange"] == {"Exchange Online"}


def test_workload_named_by_alias_is_found(engagement: Engagement) -> None:
    lines = [preflight.Line("We guide the Yammer network, Teams meetings and Exchange Online.")]
    result = preflight.check(
        preflight.Extracted(preflight.DocumentFormat.DOCX, lines),
        workloads=list(Workload.objects.filter(code__in=["teams", "viva_engage", "exchange"])),
        partner_name="Contoso Consulting",
        today=timezone.localdate(),
    )
    assert result.workloads_found == ["Exchange Online", "Microsoft Teams", "Viva Engage (Yammer)"]


# --- dates -----------------------------------------------------------------------------------

FORMATS = (
    lambda day: day.isoformat(),
    lambda day: f"{day.day} {day:%B %Y}",
    lambda day: f"{day:%B} {day.day}, {day.year}",
    lambda day: f"{day.day} {day:%b} {day.year}",
    lambda day: f"{day.month}/{day.day}/{day.year}",
)
dates = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2099, 12, 31))
filler = st.text(alphabet="abcdefghij ,.;:()", max_size=20)


@settings(max_examples=200, deadline=None)
@given(
    written=st.lists(st.tuples(dates, st.integers(0, len(FORMATS) - 1), filler), min_size=1),
)
def test_find_dates_reads_every_form(written: list[tuple[datetime.date, int, str]]) -> None:
    text = " ".join(f"{noise} {FORMATS[form](day)} {noise}" for day, form, noise in written)
    assert max(preflight.find_dates(text)) == max(day for day, _, _ in written)


def test_find_dates_day_first_and_invalid() -> None:
    assert preflight.find_dates("signed 20/11/2026") == [datetime.date(2026, 11, 20)]
    assert preflight.find_dates("11/20/2026") == [datetime.date(2026, 11, 20)]
    assert preflight.find_dates("31 February 2026, 2026-13-01, 99/99/2026") == []
    assert preflight.find_dates("Nov. 3rd, 2026") == [datetime.date(2026, 11, 3)]


def test_future_and_missing_dates() -> None:
    today = datetime.date(2026, 11, 20)
    assert preflight.date_problem("signed 2026-11-20", today, 90) is None
    assert preflight.date_problem("signed 2026-11-21", today, 90) == (
        "Dates not current: the newest date, 2026-11-21, is in the future"
    )
    assert preflight.date_problem("no dates", today, 90) == (
        "No date found: the signed SOW must carry current dates"
    )
    assert preflight.date_problem("22 August 2026", today, 90) is None  # 90 days: still current
    assert preflight.date_problem("21 August 2026", today, 90) is not None
