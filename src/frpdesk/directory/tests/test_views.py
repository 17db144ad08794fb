"""The directory pages: the filtered list, its CSV/XLSX exports, and the edit pages."""

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from frpdesk.catalog.models import Workload
from frpdesk.directory.models import DirectoryPartner
from frpdesk.directory.tests.factories import DirectoryPartnerFactory
from frpdesk.directory.tests.test_filters import FILTER_CASES, build_directory, case_id

pytestmark = pytest.mark.django_db

HEADER = [
    "Name",
    "PartnerID (MPN ID)",
    "Contact name",
    "Contact email",
    "Countries",
    "Endorsed workloads",
]


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_web(program_admin) -> Client:
    return signed_in(program_admin)


@pytest.fixture
def consultant_web(consultant) -> Client:
    return signed_in(consultant)


@pytest.fixture
def directory() -> dict[str, DirectoryPartner]:
    return build_directory()


def listed_names(response: Any) -> list[str]:
    return [partner.name for partner in response.context["table"].page.object_list.data]


def csv_rows(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response: Any) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["partner-directory"]
    return [list(row) for row in workbook["partner-directory"].iter_rows(values_only=True)]


class TestListPage:
    @pytest.mark.parametrize(("query", "expected"), FILTER_CASES, ids=map(case_id, FILTER_CASES))
    def test_filters(
        self, consultant_web: Client, directory, query: dict[str, str], expected: set[str]
    ) -> None:
        response = consultant_web.get("/directory/", query)
        assert response.status_code == 200
        assert listed_names(response) == sorted(expected)

    def test_shows_the_partners_with_countries_and_workloads(
        self, consultant_web: Client, directory
    ) -> None:
        html = consultant_web.get("/directory/", {"workload": "teams", "country": "DE"}).content
        html = html.decode()
        assert "Alpine Cloud" in html
        assert "Euro Teams" in html
        assert "Bondi Digital" not in html
        assert "Switzerland" in html
        assert "Exchange Online" in html
        assert "Partner directory" in html

    def test_invalid_filters_show_no_partners(self, consultant_web: Client, directory) -> None:
        response = consultant_web.get("/directory/", {"country": "XX"})
        assert response.status_code == 200
        assert listed_names(response) == []

    def test_read_only_roles_get_no_edit_links(self, consultant_web: Client, directory) -> None:
        html = consultant_web.get("/directory/").content.decode()
        assert 'data-testid="edit"' not in html
        assert "/directory/new/" not in html

    def test_managers_get_edit_links(self, admin_web: Client, directory) -> None:
        html = admin_web.get("/directory/").content.decode()
        assert f'href="/directory/{directory["Alpine Cloud"].pk}/edit/"' in html
        assert "/directory/new/" in html

    def test_roles_without_the_view_permission_are_refused(self, outsider, directory) -> None:
        assert signed_in(outsider).get("/directory/").status_code == 403


class TestExport:
    def test_csv_holds_exactly_the_filtered_partners(
        self, consultant_web: Client, directory
    ) -> None:
        response = consultant_web.get("/directory/", {"workload": "teams", "export": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        stamp = timezone.localdate().isoformat()
        assert (
            response["Content-Disposition"]
            == f'attachment; filename="partner-directory-{stamp}.csv"'
        )
        header, *rows = csv_rows(response)
        assert header == HEADER
        assert rows == [
            [
                "Alpine Cloud",
                "6100001",
                "Lena Huber",
                "lena@alpine.example",
                "Austria, Switzerland, Germany",
                "Exchange Online, Microsoft Teams",
            ],
            [
                "Bondi Digital",
                "6100002",
                "Mia Clarke",
                "mia@bondi.example",
                "Australia",
                "Microsoft Teams",
            ],
            [
                "Euro Teams",
                "6300005",
                "Pierre Martin",
                "pierre@euro.example",
                "Germany, France",
                "Microsoft Teams",
            ],
        ]

    def test_xlsx_holds_exactly_the_filtered_partners(
        self, consultant_web: Client, directory
    ) -> None:
        response = consultant_web.get(
            "/directory/", {"workload": "teams", "country": "DE", "export": "xlsx"}
        )
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('.xlsx"')
        header, *rows = xlsx_rows(response)
        assert header == HEADER
        assert [row[:2] for row in rows] == [["Alpine Cloud", "6100001"], ["Euro Teams", "6300005"]]

    @pytest.mark.parametrize("export", ["csv", "xlsx"])
    def test_the_export_ignores_pagination(self, consultant_web: Client, export: str) -> None:
        DirectoryPartnerFactory.create_batch(30, countries=["NZ"])
        DirectoryPartnerFactory(countries=["FJ"])
        response = consultant_web.get(
            "/directory/", {"country": "NZ", "page": "2", "export": export}
        )
        rows = csv_rows(response) if export == "csv" else xlsx_rows(response)
        assert len(rows) == 1 + 30

    @pytest.mark.parametrize("export", ["csv", "xlsx"])
    def test_an_invalid_filter_exports_only_the_header(
        self, consultant_web: Client, directory, export: str
    ) -> None:
        response = consultant_web.get("/directory/", {"country": "XX", "export": export})
        rows = csv_rows(response) if export == "csv" else xlsx_rows(response)
        assert rows == [HEADER]

    def test_an_unknown_export_format_shows_the_page(
        self, consultant_web: Client, directory
    ) -> None:
        response = consultant_web.get("/directory/", {"export": "pdf"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")


class TestEditPages:
    @pytest.fixture
    def form(self) -> dict[str, Any]:
        return {
            "name": "Fjord Consulting",
            "partner_id": "7100001",
            "contact_name": "Sigrid Berg",
            "contact_email": "sigrid@fjord.example",
            "contact_phone": "",
            "website": "fjord.example",
            "countries": ["NO", "SE"],
            "languages": ["nb"],
            "endorsed_workloads": [
                str(pk)
                for pk in Workload.objects.filter(code__in=["teams", "intune"]).values_list(
                    "pk", flat=True
                )
            ],
            "notes": "",
        }

    def test_create(self, admin_web: Client, form: dict[str, Any]) -> None:
        response = admin_web.post("/directory/new/", form)
        assert response.status_code == 302
        assert response["Location"] == "/directory/"
        partner = DirectoryPartner.objects.get()
        assert partner.website == "https://fjord.example"
        assert [country.code for country in partner.countries] == ["NO", "SE"]
        assert set(partner.endorsed_workloads.values_list("code", flat=True)) == {"teams", "intune"}

    def test_a_duplicate_partner_id_is_a_field_error(
        self, admin_web: Client, form: dict[str, Any]
    ) -> None:
        DirectoryPartnerFactory(partner_id="7100001")
        response = admin_web.post("/directory/new/", form)
        assert response.status_code == 200
        assert "partner_id" in response.context["form"].errors
        assert DirectoryPartner.objects.count() == 1

    def test_edit_replaces_the_workloads(self, admin_web: Client, form: dict[str, Any]) -> None:
        partner = DirectoryPartnerFactory(endorsed_workloads=["exchange"])
        response = admin_web.post(f"/directory/{partner.pk}/edit/", form)
        assert response.status_code == 302
        partner.refresh_from_db()
        assert partner.name == "Fjord Consulting"
        assert set(partner.endorsed_workloads.values_list("code", flat=True)) == {"teams", "intune"}

    def test_detail_and_delete(self, admin_web: Client, directory) -> None:
        partner = directory["Columbus Partners"]
        html = admin_web.get(f"/directory/{partner.pk}/").content.decode()
        assert "Columbus Partners" in html
        assert "noah@columbus.example" in html
        assert admin_web.post(f"/directory/{partner.pk}/delete/").status_code == 302
        assert not DirectoryPartner.objects.filter(pk=partner.pk).exists()

    def test_read_only_roles_cannot_create(
        self, consultant_web: Client, form: dict[str, Any]
    ) -> None:
        assert consultant_web.post("/directory/new/", form).status_code == 403
        assert not DirectoryPartner.objects.exists()
