"""The customer pages: the filtered list, its exports and chosen columns, the customer page with
its tabs, the edit pages of customers and contacts, and the licence upload."""

import csv
import datetime
import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from frpdesk.accounts.models import User
from frpdesk.accounts.tests.factories import DELIVERY_TEAM
from frpdesk.catalog.models import Workload
from frpdesk.customers.filters import CustomerFilter
from frpdesk.customers.models import Customer, CustomerContact, PartnerContact, Tag
from frpdesk.customers.tests.factories import (
    CustomerContactFactory,
    CustomerFactory,
    PartnerContactFactory,
)
from frpdesk.customers.views import HIDDEN_COLUMNS_KEY
from frpdesk.licensing.models import Eligibility, LicenseSnapshot
from frpdesk.licensing.tests.factories import import_licences

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples"
SUBSCRIBED_SKUS = SAMPLES / "subscribedSkus.json"
LIST = "/customers/"
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)

HEADER = [
    "Name",
    "Tenant ID",
    "Domain",
    "Country",
    "Owner",
    "Team",
    "Segment",
    "Tags",
    "Eligible",
    "Eligible seats",
    "Eligible workloads",
    "Licences as of",
]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def consultant_web(consultant: User) -> Client:
    return signed_in(consultant)


@pytest.fixture
def executive_web(executive: User) -> Client:
    return signed_in(executive)


@pytest.fixture
def portfolio(consultant: User) -> dict[str, Customer]:
    """Five tenants, chosen so that each filter keeps a different set.

    - Contoso: US, owned, tags priority+retail, 600 seats of M365 E3 → eligible, FastTrack migration
    - Fabrikam: DE, tag retail, 200 seats of M365 E3 → eligible, migration guidance only
    - Northwind: US, EDU, 100 seats → not eligible
    - Tailspin: GB, no licences imported → eligibility unknown
    - Woodgrove: US, 300 seats of EMS E5 → eligible, but not for Exchange
    """
    contoso = CustomerFactory(
        name="Contoso Pharma",
        tenant_id=uuid.UUID("72f988bf-86f1-41af-91ab-2d7cd011db47"),
        tpid="1234567",
        primary_domain="contoso.example",
        country="US",
        segment="enterprise",
        owner=consultant,
        tags=["priority", "retail"],
    )
    fabrikam = CustomerFactory(
        name="Fabrikam Retail", primary_domain="fabrikam.example", country="DE", tags=["retail"]
    )
    northwind = CustomerFactory(
        name="Northwind University", primary_domain="northwind.edu", country="US", is_edu=True
    )
    tailspin = CustomerFactory(
        name="Tailspin Toys", primary_domain="tailspin.example", country="GB"
    )
    woodgrove = CustomerFactory(
        name="Woodgrove Bank", primary_domain="woodgrove.example", country="US"
    )
    import_licences(contoso, {"SPE_E3": 600})
    import_licences(fabrikam, {"SPE_E3": 200})
    import_licences(northwind, {"SPE_E3": 100})
    import_licences(woodgrove, {"EMSPREMIUM": 300})
    return {
        customer.name.split()[0]: customer
        for customer in (contoso, fabrikam, northwind, tailspin, woodgrove)
    }


def listed(response: Any) -> list[str]:
    return [
        customer.name.split()[0] for customer in response.context["table"].page.object_list.data
    ]


def csv_rows(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response: Any) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["customers"]
    return [list(row) for row in workbook["customers"].iter_rows(values_only=True)]


ALL = ["Contoso", "Fabrikam", "Northwind", "Tailspin", "Woodgrove"]
FILTER_CASES: list[tuple[dict[str, str], list[str]]] = [
    ({}, ALL),
    ({"eligible": "true"}, ["Contoso", "Fabrikam", "Woodgrove"]),
    # Without licences a tenant is not known to be eligible: it counts as "No".
    ({"eligible": "false"}, ["Northwind", "Tailspin"]),
    ({"has_licences": "false"}, ["Tailspin"]),
    ({"has_licences": "true", "eligible": "false"}, ["Northwind"]),
    ({"workload": "exchange"}, ["Contoso", "Fabrikam"]),
    ({"workload": "intune"}, ["Contoso", "Fabrikam", "Woodgrove"]),
    ({"workload": "copilot"}, []),
    ({"workload": "exchange", "country": "US"}, ["Contoso"]),
    ({"country": "DE"}, ["Fabrikam"]),
    ({"country": "GB"}, ["Tailspin"]),
    ({"owner": "null"}, ["Fabrikam", "Northwind", "Tailspin", "Woodgrove"]),
    ({"tag": "retail"}, ["Contoso", "Fabrikam"]),
    ({"tag": "priority"}, ["Contoso"]),
    ({"is_edu": "true"}, ["Northwind"]),
    ({"is_edu": "false"}, ["Contoso", "Fabrikam", "Tailspin", "Woodgrove"]),
    ({"segment": "enterprise"}, ["Contoso"]),
    ({"search": "fabrikam"}, ["Fabrikam"]),
    ({"search": "NORTHWIND.EDU"}, ["Northwind"]),
    ({"search": "1234567"}, ["Contoso"]),
    ({"search": "72F988BF-86F1"}, ["Contoso"]),
    ({"search": "{72f988bf-86f1-41af-91ab-2d7cd011db47}"}, ["Contoso"]),
]


def case_id(case: tuple[dict[str, str], list[str]]) -> str:
    return "&".join(f"{key}={value}" for key, value in case[0].items()) or "no-filter"


class TestFilters:
    @pytest.mark.parametrize(("query", "expected"), FILTER_CASES, ids=map(case_id, FILTER_CASES))
    def test_the_list_keeps_the_matching_customers(
        self, consultant_web: Client, portfolio, query: dict[str, str], expected: list[str]
    ) -> None:
        response = consultant_web.get(LIST, query)
        assert response.status_code == 200
        assert listed(response) == expected

    def test_the_owner_filter(self, consultant_web: Client, consultant, portfolio) -> None:
        assert listed(consultant_web.get(LIST, {"owner": consultant.pk})) == ["Contoso"]

    def test_the_filterset_works_on_its_own(self, portfolio) -> None:
        """The API builds on the same FilterSet, without the page."""
        filterset = CustomerFilter({"workload": "exchange", "eligible": "true"})
        assert filterset.is_valid()
        assert sorted(c.name for c in filterset.qs) == ["Contoso Pharma", "Fabrikam Retail"]

    def test_an_invalid_filter_lists_nobody(self, consultant_web: Client, portfolio) -> None:
        response = consultant_web.get(LIST, {"workload": "no-such-workload"})
        assert response.status_code == 200
        assert listed(response) == []

    def test_a_customer_with_several_eligible_workloads_is_listed_once(
        self, consultant_web: Client, portfolio
    ) -> None:
        """Joining eligible workloads must not repeat rows."""
        response = consultant_web.get(LIST, {"eligible": "true"})
        assert response.context["table"].paginator.count == 3


class TestListPage:
    def test_shows_the_columns(self, consultant_web: Client, portfolio) -> None:
        html = consultant_web.get(LIST).content.decode()
        for text in (
            "Contoso Pharma",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "contoso.example",
            "United States of America",
            "Enterprise",
            "priority",
            "Exchange Online",
            "Not eligible",
            "Unknown",
            f'href="/customers/{portfolio["Contoso"].pk}/"',
        ):
            assert text in html
        assert 'data-testid="column-chooser"' in html
        assert "Customers" in html

    @pytest.mark.parametrize(
        ("sort", "first", "last"),
        [
            ("eligible_seats", "Northwind", "Contoso"),
            ("-eligible_seats", "Contoso", "Northwind"),
            ("eligible", "Northwind", None),
            ("country", "Fabrikam", None),
            ("-name", "Woodgrove", "Contoso"),
        ],
    )
    def test_sorting_by_eligibility_columns(
        self, consultant_web: Client, portfolio, sort: str, first: str, last: str | None
    ) -> None:
        """Tenants without licences have no seats: where they sort depends on the database."""
        names = [
            name for name in listed(consultant_web.get(LIST, {"sort": sort})) if name != "Tailspin"
        ]
        assert names[0] == first
        if last:
            assert names[-1] == last

    def test_managers_get_add_and_edit_links(self, consultant_web: Client, portfolio) -> None:
        html = consultant_web.get(LIST).content.decode()
        assert 'href="/customers/new/"' in html
        assert f'href="/customers/{portfolio["Contoso"].pk}/edit/"' in html

    def test_read_only_roles_get_no_edit_links(self, executive_web: Client, portfolio) -> None:
        response = executive_web.get(LIST)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Contoso Pharma" in html
        assert 'href="/customers/new/"' not in html
        assert 'data-testid="edit"' not in html
        assert 'title="Delete"' not in html

    def test_roles_without_the_view_permission_are_refused(self, outsider, portfolio) -> None:
        client = signed_in(outsider)
        assert client.get(LIST).status_code == 403
        assert client.get(LIST, {"export": "csv"}).status_code == 403
        assert client.get(f"/customers/{portfolio['Contoso'].pk}/").status_code == 403

    def test_anonymous_visitors_are_sent_to_sign_in(self, portfolio) -> None:
        response = Client().get(LIST)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_the_navigation_has_a_customers_entry(self, consultant_web: Client) -> None:
        html = consultant_web.get("/").content.decode()
        assert 'href="/customers/"' in html
        assert "bi-buildings" in html


class TestConstantQueries:
    @staticmethod
    def add_customers(count: int, owner: User) -> None:
        for _ in range(count):
            customer = CustomerFactory(owner=owner, tags=["retail", "priority"])
            import_licences(customer, {"SPE_E3": 600})

    @staticmethod
    def queries(client: Client, query: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST, query)
        assert response.status_code == 200
        return len(captured.captured_queries)

    @pytest.mark.parametrize(
        "query",
        [{}, {"workload": "exchange", "tag": "retail"}, {"export": "csv"}, {"export": "xlsx"}],
        ids=["page", "filtered", "csv", "xlsx"],
    )
    def test_the_list_costs_the_same_for_5_or_40_customers(
        self, consultant_web: Client, consultant, query: dict[str, str]
    ) -> None:
        self.add_customers(5, consultant)
        with_five = self.queries(consultant_web, query)
        self.add_customers(35, consultant)
        with_forty = self.queries(consultant_web, query)
        assert with_five == with_forty, f"{with_five} queries for 5 customers, {with_forty} for 40"

    def test_a_full_page_without_eligibility_costs_the_same(
        self, consultant_web: Client, consultant
    ) -> None:
        CustomerFactory.create_batch(5, owner=consultant, tags=["a"])
        with_five = self.queries(consultant_web, {})
        CustomerFactory.create_batch(35, owner=consultant, tags=["b"])
        assert self.queries(consultant_web, {}) == with_five


class TestExport:
    def test_csv_holds_exactly_the_filtered_customers(
        self, consultant_web: Client, consultant, portfolio
    ) -> None:
        response = consultant_web.get(LIST, {"tag": "retail", "export": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="customers-{TODAY.isoformat()}.csv"'
        )
        header, *rows = csv_rows(response)
        assert header == HEADER
        contoso = rows[0]
        assert contoso[:8] == [
            "Contoso Pharma",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "contoso.example",
            "United States of America",
            consultant.display_name,
            DELIVERY_TEAM,
            "Enterprise",
            "priority, retail",
        ]
        assert contoso[8:10] == ["Yes", "600"]
        assert contoso[10].startswith("Exchange Online, SharePoint Online, OneDrive")
        assert contoso[11] == TODAY.isoformat()
        assert [row[0] for row in rows] == ["Contoso Pharma", "Fabrikam Retail"]

    def test_a_tenant_without_licences_exports_empty_eligibility(
        self, consultant_web: Client, portfolio
    ) -> None:
        _, row = csv_rows(consultant_web.get(LIST, {"has_licences": "false", "export": "csv"}))
        assert row[0] == "Tailspin Toys"
        assert row[5] == DELIVERY_TEAM
        assert row[4:5] + row[6:] == ["", "", "", "", "", "", ""]

    def test_xlsx_holds_exactly_the_filtered_customers(
        self, consultant_web: Client, portfolio
    ) -> None:
        response = consultant_web.get(LIST, {"workload": "exchange", "export": "xlsx"})
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('.xlsx"')
        header, *rows = xlsx_rows(response)
        assert header == HEADER
        assert [(row[0], row[8], row[9]) for row in rows] == [
            ("Contoso Pharma", "Yes", 600),
            ("Fabrikam Retail", "Yes", 200),
        ]

    def test_the_export_follows_the_sort_and_ignores_pagination(
        self, consultant_web: Client, portfolio
    ) -> None:
        _, *rows = csv_rows(
            consultant_web.get(LIST, {"sort": "-name", "page": "2", "export": "csv"})
        )
        assert [row[0].split()[0] for row in rows] == list(reversed(ALL))

    def test_the_export_uses_the_chosen_columns(self, consultant_web: Client, portfolio) -> None:
        shown = ["country", "eligible", "eligible_seats"]
        consultant_web.post("/customers/columns/", {"columns": shown, "next": LIST})
        header, *rows = csv_rows(consultant_web.get(LIST, {"country": "DE", "export": "csv"}))
        assert header == ["Name", "Country", "Eligible", "Eligible seats"]
        assert rows == [["Fabrikam Retail", "Germany", "Yes", "200"]]
        header, *_ = xlsx_rows(consultant_web.get(LIST, {"export": "xlsx"}))
        assert header == ["Name", "Country", "Eligible", "Eligible seats"]

    @pytest.mark.parametrize("export", ["csv", "xlsx"])
    def test_an_invalid_filter_exports_only_the_header(
        self, consultant_web: Client, portfolio, export: str
    ) -> None:
        response = consultant_web.get(LIST, {"country": "XX", "export": export})
        rows = csv_rows(response) if export == "csv" else xlsx_rows(response)
        assert rows == [HEADER]


class TestColumnChooser:
    def test_hidden_columns_are_left_out_and_remembered(
        self, consultant_web: Client, portfolio
    ) -> None:
        response = consultant_web.post(
            "/customers/columns/",
            {
                "columns": ["country", "owner", "eligible"],
                "next": "/customers/?tag=retail",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/customers/?tag=retail"
        assert set(consultant_web.session[HIDDEN_COLUMNS_KEY]) == {
            "tenant_id",
            "primary_domain",
            "team",
            "segment",
            "tags",
            "eligible_seats",
            "eligible_workloads",
            "as_of",
        }
        table = consultant_web.get(LIST).context["table"]
        assert [column.name for column in table.columns] == [
            "name",
            "country",
            "owner",
            "eligible",
            "actions",
        ]
        html = consultant_web.get(LIST).content.decode()
        assert "72f988bf-86f1-41af-91ab-2d7cd011db47" not in html
        assert 'value="tenant_id" id="column-tenant_id">' in html  # offered, unticked
        assert "8 hidden" in html

    def test_show_all_resets_the_choice(self, consultant_web: Client, portfolio) -> None:
        consultant_web.post("/customers/columns/", {"columns": ["country"]})
        consultant_web.post("/customers/columns/", {"reset": "1"})
        table = consultant_web.get(LIST).context["table"]
        assert len(table.columns) == len(HEADER) + 1

    def test_the_choice_is_per_user(self, consultant_web: Client, executive_web, portfolio) -> None:
        consultant_web.post("/customers/columns/", {"columns": ["country"]})
        assert len(executive_web.get(LIST).context["table"].columns) == len(HEADER) + 1

    def test_unknown_names_and_foreign_redirects_are_ignored(
        self, consultant_web: Client, portfolio
    ) -> None:
        response = consultant_web.post(
            "/customers/columns/",
            {"columns": ["country", "password"], "next": "https://evil.example/"},
        )
        assert response["Location"] == LIST
        consultant_web.session[HIDDEN_COLUMNS_KEY] = ["nonsense"]
        assert consultant_web.get(LIST).status_code == 200

    def test_users_who_cannot_see_customers_cannot_choose(self, outsider) -> None:
        assert signed_in(outsider).post("/customers/columns/", {}).status_code == 403


# --- customer edit pages ---------------------------------------------------------------------


def customer_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Adventure Works",
        "tenant_id": "{0B1C2D3E-4F50-4a6b-8c7d-9e0f1a2b3c4d}",
        "tpid": "7654321",
        "primary_domain": "adventure-works.example",
        "country": "NL",
        "industry": "retail",
        "segment": "corporate",
        "is_edu": "",
        "is_government_cloud": "",
        "owner": "",
        "tags": "Retail, pilot ,, retail, renewal 2026",
        "notes": "Met at Ignite.",
    }
    data.update(overrides)
    return data


class TestCustomerEditPages:
    def test_create_a_customer_with_tags_and_an_owner(
        self, consultant_web: Client, consultant
    ) -> None:
        Tag.objects.create(name="retail")
        response = consultant_web.post("/customers/new/", customer_form(owner=consultant.pk))
        customer = Customer.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/customers/{customer.pk}/"
        assert customer.tenant_id == uuid.UUID("0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")
        assert customer.owner == consultant
        assert customer.country.code == "NL"
        # Existing tags keep their spelling; repeats and blanks are dropped.
        assert sorted(customer.tags.values_list("name", flat=True)) == [
            "pilot",
            "renewal 2026",
            "retail",
        ]
        assert Tag.objects.count() == 3
        page = consultant_web.get(response["Location"]).content.decode()
        assert "Customer added." in page

    def test_the_tenant_id_must_be_a_guid(self, consultant_web: Client) -> None:
        response = consultant_web.post("/customers/new/", customer_form(tenant_id="contoso"))
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "is not a tenant ID (a GUID" in errors["tenant_id"][0]
        assert Customer.objects.count() == 0

    def test_a_tenant_is_recorded_once(self, consultant_web: Client, portfolio) -> None:
        response = consultant_web.post(
            "/customers/new/",
            customer_form(tenant_id="72F988BF-86F1-41AF-91AB-2D7CD011DB47"),
        )
        assert response.status_code == 200
        message = response.context["form"].errors["tenant_id"][0]
        assert "72f988bf-86f1-41af-91ab-2d7cd011db47 is already a customer" in message
        assert "Contoso Pharma" not in message  # maybe another team's customer
        assert escape(message) in response.content.decode()
        assert Customer.objects.count() == len(ALL)

    def test_edit_shows_and_changes_the_tags(self, consultant_web: Client, portfolio) -> None:
        contoso = portfolio["Contoso"]
        form = consultant_web.get(f"/customers/{contoso.pk}/edit/").context["form"]
        assert form.initial["tags"] == "priority, retail"
        assert form.initial["tenant_id"] == str(contoso.tenant_id)
        response = consultant_web.post(
            f"/customers/{contoso.pk}/edit/",
            customer_form(
                name="Contoso Pharma AG", tenant_id=str(contoso.tenant_id), tags="priority"
            ),
        )
        assert response.status_code == 302
        contoso.refresh_from_db()
        assert contoso.name == "Contoso Pharma AG"
        assert list(contoso.tags.values_list("name", flat=True)) == ["priority"]

    def test_saving_a_customer_keeps_its_own_tenant_id(
        self, consultant_web: Client, portfolio
    ) -> None:
        fabrikam = portfolio["Fabrikam"]
        response = consultant_web.post(
            f"/customers/{fabrikam.pk}/edit/",
            customer_form(name="Fabrikam", tenant_id=str(fabrikam.tenant_id).upper()),
        )
        assert response.status_code == 302

    def test_delete_a_customer_with_everything_it_holds(
        self, consultant_web: Client, consultant, portfolio
    ) -> None:
        contoso = portfolio["Contoso"]
        CustomerContactFactory(customer=contoso)
        PartnerContactFactory(customer=contoso, user=consultant)
        page = consultant_web.get(f"/customers/{contoso.pk}/delete/").content.decode()
        assert "1 customer contact" in page
        assert "1 licence snapshot" in page
        response = consultant_web.post(f"/customers/{contoso.pk}/delete/")
        assert response.status_code == 302
        assert response["Location"] == LIST
        assert not Customer.objects.filter(pk=contoso.pk).exists()
        assert not LicenseSnapshot.objects.filter(customer_id=contoso.pk).exists()
        assert not Eligibility.objects.filter(customer_id=contoso.pk).exists()


class TestRefusals:
    """Executives read customers but change nothing; users without a role see nothing."""

    @pytest.fixture
    def targets(self, consultant, portfolio) -> dict[str, Any]:
        contoso = portfolio["Contoso"]
        return {
            "customer": contoso,
            "contact": CustomerContactFactory(customer=contoso),
            "person": PartnerContactFactory(customer=contoso, user=consultant),
        }

    def paths(self, targets: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        customer = targets["customer"].pk
        contact = targets["contact"].pk
        person = targets["person"].pk
        return [
            ("/customers/new/", customer_form()),
            (f"/customers/{customer}/edit/", customer_form(tenant_id=str(uuid.uuid4()))),
            (f"/customers/{customer}/delete/", {}),
            (f"/customers/{customer}/contacts/new/", {"name": "X", "email": "x@x.example"}),
            (f"/customers/contacts/{contact}/edit/", {"name": "X", "email": "x@x.example"}),
            (f"/customers/contacts/{contact}/delete/", {}),
            (f"/customers/{customer}/people/new/", {"user": "1", "role": "sales"}),
            (f"/customers/people/{person}/edit/", {"user": "1", "role": "sales"}),
            (f"/customers/people/{person}/delete/", {}),
            (f"/customers/{customer}/licences/upload/", {"as_of": TODAY.isoformat()}),
        ]

    @pytest.mark.parametrize("role", ["executive", "outsider"])
    def test_changes_are_refused(self, request, targets, role: str) -> None:
        client = signed_in(request.getfixturevalue(role))
        before = (
            Customer.objects.count(),
            CustomerContact.objects.count(),
            PartnerContact.objects.count(),
            LicenseSnapshot.objects.count(),
        )
        for path, data in self.paths(targets):
            if not path.endswith("/upload/"):
                assert client.get(path).status_code == 403, path
            if path.endswith("/upload/"):
                file = io.BytesIO(CSV_ELIGIBLE)
                file.name = "licences.csv"
                data = {**data, "file": file}
            assert client.post(path, data).status_code == 403, path
        after = (
            Customer.objects.count(),
            CustomerContact.objects.count(),
            PartnerContact.objects.count(),
            LicenseSnapshot.objects.count(),
        )
        assert after == before
        targets["customer"].refresh_from_db()
        assert targets["customer"].name == "Contoso Pharma"
        assert targets["customer"].eligibility.eligible_seats == 600

    def test_the_executive_reads_the_customer_page_without_edit_buttons(
        self, executive_web: Client, targets
    ) -> None:
        response = executive_web.get(f"/customers/{targets['customer'].pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Contoso Pharma" in html
        for marker in (
            'data-testid="edit-customer"',
            'data-testid="delete-customer"',
            'data-testid="upload-form"',
            'data-testid="add-contact"',
            'data-testid="add-partner-contact"',
            'data-testid="add-survey-contact"',
            'data-testid="edit"',
        ):
            assert marker not in html


# --- the customer page -----------------------------------------------------------------------


def upload(client: Client, customer: Customer, name: str, content: bytes, as_of: Any = TODAY):
    file = io.BytesIO(content)
    file.name = name
    return client.post(
        f"/customers/{customer.pk}/licences/upload/",
        {"file": file, "as_of": str(as_of)},
    )


CSV_ELIGIBLE = b"sku_part_number,enabled,suspended,warning,consumed\nSPE_E3,600,0,0,550\nFLOW_FREE,10000,0,0,2\n"


class TestCustomerPage:
    def test_overview(self, consultant_web: Client, consultant, portfolio) -> None:
        contoso = portfolio["Contoso"]
        response = consultant_web.get(f"/customers/{contoso.pk}/")
        assert response.status_code == 200
        assert response.context["active_tab"] == "overview"
        html = response.content.decode()
        for text in (
            "Contoso Pharma",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "1234567",
            consultant.display_name,
            "priority",
            "retail",
            'data-testid="no-survey-contact"',
            "No survey-eligible contact",
            "Eligible · 600 seats",
        ):
            assert text in html, text

    def test_the_survey_warning_goes_once_a_contact_is_survey_eligible(
        self, consultant_web: Client, portfolio
    ) -> None:
        contoso = portfolio["Contoso"]
        CustomerContactFactory(customer=contoso, survey_eligible=False)
        assert response_has(consultant_web, contoso, 'data-testid="no-survey-contact"')
        CustomerContactFactory(customer=contoso, survey_eligible=True)
        assert not response_has(consultant_web, contoso, 'data-testid="no-survey-contact"')

    def test_the_eligibility_tab(self, consultant_web: Client, portfolio) -> None:
        contoso = portfolio["Contoso"]
        import_licences(contoso, {"SPE_E3": 600, "NOT_IN_CATALOG": 5, "FLOW_FREE": 10})
        response = consultant_web.get(f"/customers/{contoso.pk}/", {"tab": "eligibility"})
        assert response.context["active_tab"] == "eligibility"
        detail = response.context["eligibility_detail"]
        rows = {row["code"]: row for row in detail["rows"]}
        assert list(rows) == list(
            Workload.objects.order_by("sort_order", "code").values_list("code", flat=True)
        )
        assert rows["exchange"]["eligible"] is True
        assert rows["exchange"]["migration"] == "fasttrack_migration"
        assert rows["exchange"]["migration_words"] == "FastTrack migration service"
        assert rows["teams"]["migration_words"] == "Not applicable"
        assert rows["copilot"]["eligible"] is False
        assert detail["unknown_skus"] == ["NOT_IN_CATALOG"]
        kinds = {reason.subject.split()[0]: reason.kind for reason in detail["reasons"]}
        assert kinds == {"FLOW_FREE": "excluded", "NOT_IN_CATALOG": "unknown", "SPE_E3": "counts"}
        html = response.content.decode().replace("&#x27;", "'")
        assert "Tenant eligible: 600 seats on eligible plans ≥ 150." in html
        assert 'data-testid="unknown-skus"' in html
        assert "FastTrack migration service" in html
        assert "excluded, not a paid SKU" in html

    def test_migration_guidance_only_between_150_and_499_seats(
        self, consultant_web: Client, portfolio
    ) -> None:
        response = consultant_web.get(f"/customers/{portfolio['Fabrikam'].pk}/")
        rows = {row["code"]: row for row in response.context["eligibility_detail"]["rows"]}
        assert rows["exchange"]["migration_words"] == "Migration guidance only"
        assert rows["copilot"]["migration_words"] == "Not applicable"
        assert rows["exchange"]["eligible_seats"] == 200

    def test_a_tenant_without_licences(self, consultant_web: Client, portfolio) -> None:
        response = consultant_web.get(f"/customers/{portfolio['Tailspin'].pk}/")
        html = response.content.decode()
        assert response.context["eligibility_detail"] is None
        assert 'data-testid="no-eligibility"' in html
        assert 'data-testid="no-snapshots"' in html
        assert "Eligibility unknown" in html

    def test_the_licences_tab_shows_the_newest_lines_and_the_changes(
        self, consultant_web: Client, portfolio
    ) -> None:
        contoso = portfolio["Contoso"]
        import_licences(
            contoso,
            {"SPE_E3": (650, 0, 40, 600), "EMSPREMIUM": 100, "NOT_IN_CATALOG": 1},
            as_of=TODAY + datetime.timedelta(days=1),
        )
        response = consultant_web.get(f"/customers/{contoso.pk}/", {"tab": "licences"})
        html = response.content.decode()
        lines = {line.sku_part_number: line for line in response.context["line_table"].data}
        assert set(lines) == {"SPE_E3", "EMSPREMIUM", "NOT_IN_CATALOG"}
        assert "Microsoft 365 E3" in html
        assert 'data-testid="unknown-sku"' in html
        history = response.context["snapshot_history"]
        assert len(history) == 2
        changes = {change.part_number: change.kind for change in history[0]["changes"]}
        assert changes == {"EMSPREMIUM": "added", "NOT_IN_CATALOG": "added", "SPE_E3": "increased"}
        assert history[1]["changes"] is None
        assert "SPE_E3 600 → 650" in html
        assert "First snapshot of this tenant." in html

    def test_the_contacts_tab(self, consultant_web: Client, consultant, portfolio) -> None:
        contoso = portfolio["Contoso"]
        CustomerContactFactory(
            customer=contoso,
            name="Dana Iverson",
            email="dana@contoso.example",
            survey_eligible=True,
            services_assisted=["teams", "exchange"],
        )
        PartnerContactFactory(customer=contoso, user=consultant, role="engagement_lead")
        html = consultant_web.get(f"/customers/{contoso.pk}/", {"tab": "contacts"}).content.decode()
        for text in (
            "Dana Iverson",
            "dana@contoso.example",
            "Survey-eligible",
            "Microsoft Teams",
            consultant.display_name,
            "Engagement lead",
            f'href="/customers/{contoso.pk}/contacts/new/"',
            f'href="/customers/{contoso.pk}/people/new/"',
        ):
            assert text in html, text

    def test_an_unknown_tab_opens_the_overview(self, consultant_web: Client, portfolio) -> None:
        response = consultant_web.get(f"/customers/{portfolio['Contoso'].pk}/", {"tab": "nope"})
        assert response.context["active_tab"] == "overview"

    def test_the_history_tab_is_offered_to_history_readers(
        self, program_admin, consultant_web: Client, portfolio
    ) -> None:
        path = f"/customers/{portfolio['Contoso'].pk}/"
        assert 'data-testid="history-tab"' in signed_in(program_admin).get(path).content.decode()
        assert 'data-testid="history-tab"' not in consultant_web.get(path).content.decode()

    def test_the_history_tab_lists_the_changes_made_through_the_pages(
        self, program_admin, portfolio
    ) -> None:
        client = signed_in(program_admin)
        contoso = portfolio["Contoso"]
        client.post(
            f"/customers/{contoso.pk}/edit/",
            customer_form(name="Contoso Pharma AG", tenant_id=str(contoso.tenant_id)),
        )
        response = client.get(f"/history/customers.customer/{contoso.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Contoso Pharma AG" in html
        assert program_admin.display_name in html

    def test_an_unknown_customer_is_not_found(self, consultant_web: Client) -> None:
        assert consultant_web.get("/customers/999999/").status_code == 404


def response_has(client: Client, customer: Customer, text: str) -> bool:
    return text in client.get(f"/customers/{customer.pk}/").content.decode()


class TestUpload:
    def test_the_graph_sample_makes_a_tenant_that_is_not_eligible(
        self, consultant_web: Client, consultant
    ) -> None:
        customer = CustomerFactory(name="Fabrikam Industries")
        response = upload(
            consultant_web, customer, "subscribedSkus.json", SUBSCRIBED_SKUS.read_bytes()
        )
        assert response.status_code == 302
        assert response["Location"] == f"/customers/{customer.pk}/?tab=licences"
        snapshot = LicenseSnapshot.objects.get(customer=customer)
        assert snapshot.source == "graph_json"
        assert snapshot.imported_by == consultant
        assert snapshot.lines.count() == 8
        eligibility = Eligibility.objects.get(customer=customer)
        assert (eligibility.eligible, eligibility.eligible_seats) == (False, 50)
        page = consultant_web.get(response["Location"])
        html = page.content.decode()
        assert page.context["active_tab"] == "licences"
        assert (
            f"subscribedSkus.json: snapshot of {TODAY.isoformat()} created with 8 SKUs. "
            "Tenant not eligible with 50 eligible seats" in html
        )
        reasons = [f"{r.subject}: {r.text}" for r in page.context["eligibility_detail"]["reasons"]]
        assert any(r.startswith("FLOW_FREE") and "excluded, not a paid SKU" in r for r in reasons)
        assert any(
            r.startswith("ENTERPRISEPACK") and "0 paid available units" in r for r in reasons
        )

    def test_created_replaced_unchanged(self, consultant_web: Client, portfolio) -> None:
        tailspin = portfolio["Tailspin"]
        first = upload(consultant_web, tailspin, "a.csv", CSV_ELIGIBLE, as_of=YESTERDAY)
        assert "created with 2 SKUs" in message_of(consultant_web, first)
        again = upload(consultant_web, tailspin, "a.csv", CSV_ELIGIBLE, as_of=YESTERDAY)
        assert "unchanged" in message_of(consultant_web, again)
        other = CSV_ELIGIBLE.replace(b"600", b"700")
        replaced = upload(consultant_web, tailspin, "b.csv", other, as_of=YESTERDAY)
        text = message_of(consultant_web, replaced)
        assert "replaced" in text
        assert "Tenant eligible with 700 eligible seats" in text
        assert LicenseSnapshot.objects.filter(customer=tailspin).count() == 1

    def test_unknown_skus_are_listed(self, consultant_web: Client, portfolio) -> None:
        content = CSV_ELIGIBLE + b"CONTOSO_CUSTOM_SKU,5,0,0,0\n"
        response = upload(consultant_web, portfolio["Tailspin"], "c.csv", content)
        assert message_of(consultant_web, response).endswith(
            "Unknown SKUs, not in the SKU catalog and counted for nothing: CONTOSO_CUSTOM_SKU."
        )

    @pytest.mark.parametrize(
        ("content", "expected"),
        [
            (
                b"sku_part_number,enabled,suspended,warning,consumed\nSPE_E3,600,0,0,0\nSPE_E5,lots,0,0,0\n",
                "bad.csv, row 3, column enabled: must be a whole number",
            ),
            (b"sku,units\nSPE_E3,600\n", "bad.csv, row 1: is missing the column(s)"),
            (b'{"value": [{"skuPartNumber": "SPE_E3"}]}', "bad.csv, item 1, field prepaidUnits"),
            (b"", "bad.csv: is empty"),
        ],
        ids=["bad-number", "bad-header", "bad-json", "empty"],
    )
    def test_a_bad_file_changes_nothing_and_says_where(
        self, consultant_web: Client, portfolio, content: bytes, expected: str
    ) -> None:
        contoso = portfolio["Contoso"]
        response = upload(consultant_web, contoso, "bad.csv", content)
        assert response.status_code == 200
        assert response.context["active_tab"] == "licences"
        errors = response.context["upload_form"].non_field_errors()
        assert len(errors) == 1
        assert expected in errors[0]
        html = response.content.decode().replace("&#x27;", "'")
        assert 'data-testid="upload-error"' in html
        assert expected in html
        assert "nothing was changed" in html
        assert LicenseSnapshot.objects.filter(customer=contoso).count() == 1
        assert Eligibility.objects.get(customer=contoso).eligible_seats == 600

    def test_the_form_needs_a_file_and_a_date_not_in_the_future(
        self, consultant_web: Client, portfolio
    ) -> None:
        contoso = portfolio["Contoso"]
        response = consultant_web.post(f"/customers/{contoso.pk}/licences/upload/", {})
        assert response.status_code == 200
        assert set(response.context["upload_form"].errors) == {"file", "as_of"}
        future = TODAY + datetime.timedelta(days=2)
        response = upload(consultant_web, contoso, "a.csv", CSV_ELIGIBLE, as_of=future)
        assert response.context["upload_form"].errors["as_of"] == [
            "The date cannot be in the future."
        ]
        assert LicenseSnapshot.objects.filter(customer=contoso).count() == 1

    def test_the_upload_form_defaults_to_today(self, consultant_web: Client, portfolio) -> None:
        response = consultant_web.get(f"/customers/{portfolio['Contoso'].pk}/")
        assert f'value="{TODAY.isoformat()}"' in response.content.decode()

    def test_get_goes_back_to_the_licences_tab(self, consultant_web: Client, portfolio) -> None:
        pk = portfolio["Contoso"].pk
        response = consultant_web.get(f"/customers/{pk}/licences/upload/")
        assert response["Location"] == f"/customers/{pk}/?tab=licences"


def message_of(client: Client, response: Any) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    return " ".join(str(message) for message in page.context["messages"])


# --- contacts --------------------------------------------------------------------------------


def contact_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Dana Iverson",
        "email": "dana@contoso.example",
        "title": "IT director",
        "role": "it_lead",
        "country": "US",
        "survey_language": "en",
        "services_assisted": [
            str(pk)
            for pk in Workload.objects.filter(code__in=["teams", "intune"]).values_list(
                "pk", flat=True
            )
        ],
        "survey_eligible": "on",
    }
    data.update(overrides)
    return data


class TestContactPages:
    def test_add_edit_and_delete_a_customer_contact(
        self, consultant_web: Client, portfolio
    ) -> None:
        contoso = portfolio["Contoso"]
        page = consultant_web.get(f"/customers/{contoso.pk}/contacts/new/")
        assert page.context["title"] == "New customer contact at Contoso Pharma"
        assert 'type="checkbox" name="services_assisted"' in page.content.decode()
        response = consultant_web.post(f"/customers/{contoso.pk}/contacts/new/", contact_form())
        assert response.status_code == 302
        assert response["Location"] == f"/customers/{contoso.pk}/?tab=contacts"
        contact = CustomerContact.objects.get()
        assert contact.customer == contoso
        assert contact.survey_eligible
        assert sorted(contact.services_assisted.values_list("code", flat=True)) == [
            "intune",
            "teams",
        ]

        response = consultant_web.post(
            f"/customers/contacts/{contact.pk}/edit/",
            contact_form(title="CIO", survey_eligible="", services_assisted=[]),
        )
        assert response.status_code == 302
        contact.refresh_from_db()
        assert (contact.title, contact.survey_eligible) == ("CIO", False)
        assert contact.services_assisted.count() == 0

        response = consultant_web.post(f"/customers/contacts/{contact.pk}/delete/")
        assert response.status_code == 302
        assert response["Location"] == f"/customers/{contoso.pk}/?tab=contacts"
        assert not CustomerContact.objects.exists()

    def test_an_email_is_used_once_per_customer(self, consultant_web: Client, portfolio) -> None:
        contoso, fabrikam = portfolio["Contoso"], portfolio["Fabrikam"]
        CustomerContactFactory(customer=contoso, name="Dana I.", email="dana@contoso.example")
        response = consultant_web.post(
            f"/customers/{contoso.pk}/contacts/new/",
            contact_form(email="DANA@contoso.example"),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["email"] == [
            "Dana I. already has this email address at this customer."
        ]
        # Another customer may have a contact with the same address.
        response = consultant_web.post(f"/customers/{fabrikam.pk}/contacts/new/", contact_form())
        assert response.status_code == 302

    def test_assign_and_unassign_one_of_our_people(
        self, consultant_web: Client, consultant, portfolio
    ) -> None:
        contoso = portfolio["Contoso"]
        response = consultant_web.post(
            f"/customers/{contoso.pk}/people/new/",
            {"user": consultant.pk, "role": "engagement_lead"},
        )
        assert response.status_code == 302
        person = PartnerContact.objects.get()
        assert (person.customer, person.user, person.role) == (
            contoso,
            consultant,
            "engagement_lead",
        )
        again = consultant_web.post(
            f"/customers/{contoso.pk}/people/new/",
            {"user": consultant.pk, "role": "engagement_lead"},
        )
        assert again.status_code == 200
        assert "already assigned to this customer in this role" in str(
            again.context["form"].non_field_errors()
        )
        response = consultant_web.post(
            f"/customers/people/{person.pk}/edit/", {"user": consultant.pk, "role": "sales"}
        )
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.role == "sales"
        response = consultant_web.post(f"/customers/people/{person.pk}/delete/")
        assert response["Location"] == f"/customers/{contoso.pk}/?tab=contacts"
        assert not PartnerContact.objects.exists()

    def test_contacts_of_an_unknown_customer_are_not_found(self, consultant_web: Client) -> None:
        assert consultant_web.get("/customers/999999/contacts/new/").status_code == 404


# --- regressions: harness bugs found while building this area (roles.py, conftest.py) ---------


@pytest.fixture
def app_modules() -> Iterator[dict[str, Any]]:
    """The real app registry's ``models_module`` of every app, restored after the test."""
    from django.apps import apps

    saved = {config.label: config.models_module for config in apps.get_app_configs()}
    yield saved
    for config in apps.get_app_configs():
        config.models_module = saved[config.label]


def test_sync_role_presets_leaves_the_real_app_registry_alone(app_modules) -> None:
    from django.apps import apps

    from frpdesk.accounts.roles import sync_role_presets

    sync_role_presets(apps)
    assert {config.label: config.models_module for config in apps.get_app_configs()} == (
        app_modules
    )


@pytest.mark.django_db(transaction=True)
def test_reference_data_reloads_the_sku_catalog_after_a_flush(request, app_modules) -> None:
    from django.core.management import call_command

    from frpdesk.catalog.models import Sku

    call_command("flush", interactive=False, verbosity=0)
    request.getfixturevalue("reference_data")
    assert Sku.objects.exists()
