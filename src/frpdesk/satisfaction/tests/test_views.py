"""Pages: the NSAT page (period, flags, chart, export), the responses list, the import page and
the customer panel."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.customers.models import Customer
from frpdesk.satisfaction.models import Rating, SurveyImport, SurveyResponse
from frpdesk.satisfaction.tests.factories import responses

VS, SS, SD, VD = (
    Rating.VERY_SATISFIED,
    Rating.SOMEWHAT_SATISFIED,
    Rating.SOMEWHAT_DISSATISFIED,
    Rating.VERY_DISSATISFIED,
)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def survey(contoso: Customer, fabrikam: Customer) -> None:
    """Last quarter: Contoso 3 VS + 1 SS (175.0), Fabrikam 1 VS + 1 SD + 1 VD (66.7, below);
    overall 4 VS, 1 SS, 2 dissatisfied of 7 (128.6). Long ago: Fabrikam very dissatisfied."""
    responses(contoso, [VS, VS, SS], on=days_ago(10))
    responses(contoso, [VS], on=days_ago(89))
    responses(fabrikam, [VS, SD, VD], on=days_ago(20))
    responses(fabrikam, [VD, VD], on=days_ago(200))


@pytest.mark.django_db
def test_nsat_page_last_90_days_flags_customers_below_target(
    client: Client, executive: User, survey: None
) -> None:
    client.force_login(executive)

    body = client.get(reverse("satisfaction:nsat")).content.decode()

    assert 'data-testid="overall-nsat">128.6<' in body
    assert 'data-testid="overall-responses">7<' in body
    assert 'data-testid="overall-very-satisfied">57.1 %<' in body
    assert 'data-testid="overall-dissatisfied">28.6 %<' in body
    assert 'data-testid="overall-below"' not in body
    fabrikam_at = body.index("Fabrikam Manufacturing")
    assert fabrikam_at < body.index("Contoso Pharmaceuticals"), "lowest NSAT first"
    assert body.count('data-below="true"') == 1
    assert 'data-testid="below-flag">Below 80</span>66.7' in body
    assert "1 below 80" in body
    assert 'data-testid="nsat-chart"' in body
    assert "nsat-chart-data" in body


@pytest.mark.django_db
def test_nsat_page_chosen_period_and_export(
    client: Client, auditor: User, survey: None, fabrikam: Customer
) -> None:
    client.force_login(auditor)
    period = {"date_from": days_ago(400).isoformat(), "date_to": days_ago(100).isoformat()}

    body = client.get(reverse("satisfaction:nsat"), period).content.decode()
    exported = client.get(reverse("satisfaction:nsat"), {**period, "export": "csv"})

    assert 'data-testid="overall-nsat">0.0<' in body
    assert 'data-testid="overall-below"' in body
    assert "Contoso" not in body
    text = exported.content.decode("utf-8-sig").splitlines()
    assert (
        text[0] == "Customer,Tenant ID,Responses,Very satisfied %,Dissatisfied %,NSAT,Below target"
    )
    assert text[1] == "All customers,,2,0.0,100.0,0.0,yes"
    assert text[2] == f"Fabrikam Manufacturing,{fabrikam.tenant_id},2,0.0,100.0,0.0,yes"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("period", "error"),
    [
        (
            {"date_from": "2026-03-31", "date_to": "2026-01-01"},
            "The end of the period is before its start.",
        ),
        ({"date_from": "2026-02-30"}, "Enter a valid date."),
        (
            {"date_from": "1990-01-01", "date_to": "2026-01-01"},
            "Choose a period of at most ten years.",
        ),
    ],
)
def test_a_bad_period_is_a_form_error(
    client: Client, sales: User, survey: None, period: dict[str, str], error: str
) -> None:
    client.force_login(sales)

    response = client.get(reverse("satisfaction:nsat"), period)

    assert response.status_code == 200
    body = response.content.decode()
    assert error in body
    assert 'data-testid="overall-nsat"' not in body


@pytest.mark.django_db
def test_response_list_filters_and_exports(
    client: Client, consultant: User, survey: None, fabrikam: Customer
) -> None:
    client.force_login(consultant)
    url = reverse("satisfaction:list")

    page = client.get(url, {"customer": fabrikam.pk, "rating": VD}).content.decode()
    recent = client.get(url, {"date_from": days_ago(30).isoformat()}).content.decode()
    exported = client.get(url, {"rating": SD, "export": "xlsx"})

    assert page.count('data-testid="survey-response"') == 3
    assert recent.count('data-testid="survey-response"') == 6
    assert 'data-testid="import"' not in page, "consultants do not import survey results"
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_import_page_errors_then_imports_once(
    client: Client, program_admin: User, contoso: Customer
) -> None:
    client.force_login(program_admin)
    url = reverse("satisfaction:import")
    bad = client.post(url, {"file": SimpleUploadedFile("q3.csv", b"Tenant ID\r\nx\r\n")})
    content = (
        f"Tenant ID;Response date;Satisfaction\r\n{contoso.tenant_id};2026-03-31;Very satisfied\r\n"
    )
    imported = client.post(
        url, {"file": SimpleUploadedFile("q3.csv", content.encode())}, follow=True
    )
    again = client.post(url, {"file": SimpleUploadedFile("q3.csv", content.encode())}, follow=True)

    assert 'data-testid="import-error"' in bad.content.decode()
    assert "q3.csv, row 1: is missing the column(s) Date, Response" in bad.content.decode()
    body = imported.content.decode()
    assert (
        "Imported q3.csv: 1 response of 1 customer, 2026-03-31 to 2026-03-31; NSAT of the file 200.0."
        in body
    )
    assert body.count('data-testid="survey-response"') == 1
    assert "nothing changed" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


@pytest.mark.django_db
def test_only_program_administrators_import_and_delete(
    client: Client, consultant: User, program_admin: User, contoso: Customer
) -> None:
    client.force_login(consultant)
    refused = client.get(reverse("satisfaction:import"))
    survey_import = SurveyImport.objects.create(file_name="old.csv", sha256="0" * 64, rows=1)
    SurveyResponse.objects.create(
        customer=contoso, responded_on=days_ago(1), rating=VS, survey_import=survey_import
    )
    refused_delete = client.post(reverse("satisfaction:import-delete", args=[survey_import.pk]))
    client.force_login(program_admin)
    listed = client.get(reverse("satisfaction:import-list")).content.decode()
    deleted = client.post(
        reverse("satisfaction:import-delete", args=[survey_import.pk]), follow=True
    )

    assert refused.status_code == 403
    assert refused_delete.status_code == 403
    assert "old.csv" in listed
    assert deleted.status_code == 200
    assert not SurveyResponse.objects.exists()


@pytest.mark.django_db
def test_customer_panel(client: Client, executive: User, survey: None, fabrikam: Customer) -> None:
    client.force_login(executive)

    body = client.get(reverse("satisfaction:customer-panel", args=[fabrikam.pk])).content.decode()

    assert 'data-testid="panel-recent-nsat">66.7' in body
    assert 'data-testid="below-flag"' in body
    assert 'data-testid="panel-all-nsat">40.0' in body
    assert body.count('data-testid="panel-response"') == 5


@pytest.mark.django_db
def test_no_role_no_survey(client: Client, outsider: User, survey: None) -> None:
    client.force_login(outsider)
    assert client.get(reverse("satisfaction:nsat")).status_code == 403
    assert client.get(reverse("satisfaction:list")).status_code == 403
