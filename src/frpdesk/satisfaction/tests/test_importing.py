"""Survey results files: the formats accepted, idempotency, one clear error per bad file."""

import datetime

import pytest
from django.utils import timezone

from frpdesk.core.imports import ImportFailure
from frpdesk.customers.models import Customer
from frpdesk.satisfaction.importing import SurveyImportOutcome, import_survey
from frpdesk.satisfaction.models import Rating, SurveyImport, SurveyResponse

HEADER = "Tenant ID,Date,Response,Comment"
UNKNOWN = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"


def survey(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def run(content: bytes, name: str = "survey.csv") -> SurveyImportOutcome:
    return import_survey(acting_user=None, file_name=name, content=content)


@pytest.mark.django_db
def test_a_realistic_export_is_imported(contoso: Customer, fabrikam: Customer) -> None:
    # As a survey tool exports it: a BOM, a tenant ID column and a tenant name column, US dates
    # with a time, the scale in words, verbatims with commas and quotes.
    content = "\ufeff" + "\r\n".join(
        [
            "Survey ID,Tenant ID,Tenant Name,Response Date,Overall Satisfaction,Verbatim,Language",
            f'S-1001,{contoso.tenant_id},Contoso Pharmaceuticals,3/31/2026 14:05,Very satisfied,"Clear, quick answers",en',
            f"S-1002,{{{str(contoso.tenant_id).upper()}}},Contoso Pharmaceuticals,4/2/2026,  somewhat   SATISFIED ,,en",
            'S-1003,fabrikam.example,Fabrikam,2026-04-03,Somewhat dissatisfied,"Migration advice came ""late""",de',
            "S-1004,Fabrikam Manufacturing,Fabrikam,2026-04-04,very dissatisfied,No plan for weeks,de",
            "",
            "S-1005,FABRIKAM MANUFACTURING,Fabrikam,2026-04-05,4,,de",
        ]
    )

    outcome = run(content.encode(), name="fy26-q3.csv")

    assert outcome.created
    assert outcome.summary() == (
        "5 responses of 2 customers, 2026-03-31 to 2026-04-05; NSAT of the file 100.0"
    )
    rows = list(SurveyResponse.objects.order_by("pk"))
    assert [(row.customer, row.responded_on.isoformat(), row.rating) for row in rows] == [
        (contoso, "2026-03-31", Rating.VERY_SATISFIED),
        (contoso, "2026-04-02", Rating.SOMEWHAT_SATISFIED),
        (fabrikam, "2026-04-03", Rating.SOMEWHAT_DISSATISFIED),
        (fabrikam, "2026-04-04", Rating.VERY_DISSATISFIED),
        (fabrikam, "2026-04-05", Rating.VERY_SATISFIED),
    ]
    assert [row.comment for row in rows[:3]] == [
        "Clear, quick answers",
        "",
        'Migration advice came "late"',
    ]
    survey_import = SurveyImport.objects.get()
    assert (survey_import.file_name, survey_import.rows) == ("fy26-q3.csv", 5)
    assert {row.survey_import for row in rows} == {survey_import}


@pytest.mark.django_db
@pytest.mark.parametrize("separator", [";", "\t"])
@pytest.mark.parametrize(
    "titles",
    [
        ("Tenant", "Response date", "Satisfaction", "Verbatim"),
        ("TENANT ID", "survey date", "rating", "Comments"),
        ("Customer", "Submitted", "Score", "Feedback"),
    ],
)
def test_other_separators_and_titles(
    contoso: Customer, separator: str, titles: tuple[str, ...]
) -> None:
    row = separator.join(["Contoso Pharmaceuticals", "2026-03-31", "1", "Too slow"])

    run(survey(row, header=separator.join(titles)))

    response = SurveyResponse.objects.get()
    assert (response.customer, response.rating, response.comment) == (
        contoso,
        Rating.VERY_DISSATISFIED,
        "Too slow",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("Very satisfied", Rating.VERY_SATISFIED),
        ("VERY_SATISFIED", Rating.VERY_SATISFIED),
        ("3", Rating.SOMEWHAT_SATISFIED),
        ("somewhat-dissatisfied", Rating.SOMEWHAT_DISSATISFIED),
        ("2", Rating.SOMEWHAT_DISSATISFIED),
        (" Very  Dissatisfied ", Rating.VERY_DISSATISFIED),
    ],
)
def test_the_scale_in_words_or_numbers(contoso: Customer, text: str, rating: Rating) -> None:
    run(survey(f"{contoso.tenant_id},2026-03-31,{text},"))
    assert SurveyResponse.objects.get().rating == rating


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing(contoso: Customer) -> None:
    content = survey(f"{contoso.tenant_id},2026-03-31,Very satisfied,Great")
    first = run(content)

    again = run(content, name="renamed.csv")

    assert not again.created
    assert again.survey_import == first.survey_import
    assert again.summary().startswith("already imported on ")
    assert again.summary().endswith("as “survey.csv”; nothing changed")
    assert (SurveyImport.objects.count(), SurveyResponse.objects.count()) == (1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            ("{tenant},2026-03-31,Very satisfied,", "{tenant},2026-02-30,Very satisfied,"),
            "survey.csv, row 3, column Date: “2026-02-30” is not a real date",
        ),
        (
            ("{tenant},31.03.2026,Very satisfied,",),
            "survey.csv, row 2, column Date: “31.03.2026” is not a date; use YYYY-MM-DD or "
            "Partner Center's M/D/YYYY",
        ),
        (
            ("{tenant},{tomorrow},Very satisfied,",),
            "survey.csv, row 2, column Date: “{tomorrow}” is in the future",
        ),
        (
            ("{tenant},2026-03-31,Satisfied,",),
            "survey.csv, row 2, column Response: “Satisfied” is not a response of the 4-point "
            "scale (use Very satisfied (4), Somewhat satisfied (3), Somewhat dissatisfied (2), "
            "Very dissatisfied (1))",
        ),
        (
            ("{tenant},2026-03-31,5,",),
            "survey.csv, row 2, column Response: “5” is not a response of the 4-point scale",
        ),
        (
            ("{tenant},2026-03-31,,",),
            "survey.csv, row 2, column Response: is empty; every response needs it",
        ),
        (
            (",2026-03-31,Very satisfied,",),
            "survey.csv, row 2, column Tenant ID: is empty; every response needs it",
        ),
        (
            (f"{UNKNOWN},2026-03-31,Very satisfied,",),
            f"survey.csv, row 2, column Tenant ID: “{UNKNOWN}” is the tenant ID of none of our "
            "customers; add the customer first",
        ),
        (
            ("Litware Retail,2026-03-31,Very satisfied,",),
            "survey.csv, row 2, column Tenant ID: “Litware Retail” is neither a tenant ID (GUID) "
            "nor the name or domain of one of our customers",
        ),
    ],
)
def test_a_bad_cell_names_file_row_and_column_and_writes_nothing(
    contoso: Customer, rows: tuple[str, ...], message: str
) -> None:
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    content = survey(*(row.format(tenant=contoso.tenant_id, tomorrow=tomorrow) for row in rows))
    with pytest.raises(ImportFailure) as failure:
        run(content)
    assert str(failure.value).startswith(message.format(tomorrow=tomorrow))
    assert not SurveyImport.objects.exists()
    assert not SurveyResponse.objects.exists()


@pytest.mark.django_db
def test_the_column_is_named_as_the_file_writes_it(contoso: Customer) -> None:
    content = survey(
        "Contoso Pharmaceuticals;2026-03-31;Happy", header="Tenant name;Response Date;Satisfaction"
    )
    with pytest.raises(ImportFailure) as failure:
        run(content)
    assert str(failure.value).startswith(
        "survey.csv, row 2, column Satisfaction: “Happy” is not a response"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "survey.csv: is empty"),
        (
            b"Tenant ID,Comment\r\nx,y\r\n",
            "survey.csv, row 1: is missing the column(s) Date, Response; survey results have "
            "Tenant ID, Date and Response",
        ),
        (survey(), "survey.csv: has a header but no responses"),
        ("Tenant ID,Date,Response".encode("utf-16"), "survey.csv: is not a UTF-8 CSV file"),
        (b'Tenant ID,Date,Response\r\n"x,2026-03-31\r\n', "survey.csv"),
    ],
)
def test_a_bad_file_is_refused(content: bytes, message: str) -> None:
    with pytest.raises(ImportFailure) as failure:
        run(content)
    assert str(failure.value).startswith(message)
    assert not SurveyImport.objects.exists()
