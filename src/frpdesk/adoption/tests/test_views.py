"""Adoption pages: the customer's Adoption tab and its forms, import jobs, the heat-map."""

import csv
import datetime
import io
import re
from pathlib import Path
from urllib.parse import urlencode

import openpyxl
import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tables2 import RequestConfig
from django_tasks_db.models import DBTaskResult

from frpdesk.adoption.ledger import INACTIVE_USER_SCHEMA
from frpdesk.adoption.models import (
    GraphConnection,
    ImportSource,
    ImportStatus,
    PartnerAssociation,
    UsageImport,
    UsagePoint,
    UsageSource,
)
from frpdesk.adoption.services import import_usage_file, run_import
from frpdesk.adoption.tables import FrameRows, InactiveUserTable
from frpdesk.adoption.tests.factories import (
    GraphConnectionFactory,
    PartnerAssociationFactory,
    UsageImportFactory,
    usage_history,
    workload,
)
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.licensing.services import import_license_file
from frpdesk.licensing.tests.factories import import_licences

D = datetime.date


@pytest.fixture
def fabrikam(db: None):
    """Teams with three refresh dates and licences; Intune entered by hand, without PAU."""
    customer = CustomerFactory(name="Fabrikam Industries", country="DE", tags=["priority"])
    usage_history(
        customer,
        "teams",
        [(D(2025, 8, 20), 3, 29), (D(2025, 9, 20), 6, 29), (D(2025, 11, 20), 10, 29)],
    )
    usage_history(customer, "intune", [(D(2025, 11, 1), 12, None)], source=UsageSource.MANUAL)
    return customer


def tab_url(customer) -> str:
    return reverse("customers:detail", args=[customer.pk]) + "?tab=adoption"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def card(body: str, code: str) -> str:
    match = re.search(
        rf'<div class="card mb-3" id="adoption-{code}".*?(?=<div class="card mb-3" id="adoption-|'
        r'<div class="col-xl-4">|$)',
        body,
    )
    assert match, f"no card for {code}"
    return match.group(0)


# --- the Adoption tab ------------------------------------------------------------------------


def test_the_tab_shows_each_workloads_figures(client: Client, consultant, fabrikam) -> None:
    client.force_login(consultant)
    response = client.get(tab_url(fabrikam))

    assert response.status_code == 200
    body = text(response)
    assert 'data-testid="tab-adoption"' in body
    assert 'id="tab-adoption" role="tabpanel"' in body
    teams = card(body, "teams")
    assert 'data-testid="mau">10<' in teams
    assert 'data-testid="pau">29<' in teams
    assert "licences of 2025-11-20" in teams
    assert 'data-testid="au-pct">34.48%<' in teams
    assert 'data-testid="peak-mau">10<' in teams
    # No association: the starting peak is the all-time peak, and the page says so.
    assert 'data-testid="starting-peak">10<' in teams
    assert "all-time peak, not associated" in teams
    assert 'data-testid="opportunity-units">19<' in teams
    assert 'data-milestone="15" data-state="reached"' in teams
    assert "15% reached on 2025-09-20" in teams  # 6 of 29: 20.7%
    assert 'data-milestone="40" data-state="forecast"' in teams
    assert "Usage report" in teams
    assert 'data-chart-data="chart-data-teams"' in teams
    chart = re.search(r'<script id="chart-data-teams" type="application/json">(.*?)</script>', body)
    assert chart
    assert '"milestones": [15, 40]' in chart.group(1)
    assert '"date": "2025-11-20", "au_pct": 34.48' in chart.group(1)

    intune = card(body, "intune")
    assert 'data-testid="au-pct">—<' in intune
    assert "no PAU, undefined" in intune
    assert "Manual entry" in intune
    assert 'data-testid="no-chart"' in intune
    assert "0%" not in re.sub(r"\d+0%", "", intune.split('data-testid="milestones"')[0])


def test_the_tab_loads_its_scripts_from_static_files_only(
    client: Client, consultant, fabrikam
) -> None:
    client.force_login(consultant)
    body = client.get(tab_url(fabrikam)).content.decode()
    tab = body[
        body.index('id="tab-adoption" role="tabpanel"') : body.index(
            'id="tab-contacts" role="tabpanel"'
        )
    ]
    assert '<script defer src="/static/vendor/chartjs/chart.umd.min.js"></script>' in tab
    assert '<script defer src="/static/adoption/adoption.js"></script>' in tab
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", tab)


def test_an_association_sets_the_starting_peak(client: Client, consultant, fabrikam) -> None:
    PartnerAssociationFactory(customer=fabrikam, associated_on=D(2025, 9, 21))
    client.force_login(consultant)
    teams = card(text(client.get(tab_url(fabrikam))), "teams")
    assert 'data-testid="starting-peak">6<' in teams
    assert "before 2025-09-21" in teams
    assert 'data-testid="opportunity-units">23<' in teams


def test_read_only_roles_see_the_figures_but_no_forms(client: Client, executive, fabrikam) -> None:
    GraphConnectionFactory(customer=fabrikam)
    UsageImportFactory(customer=fabrikam, file_name="EmailActivityUserDetail_D30.csv")
    client.force_login(executive)
    body = text(client.get(tab_url(fabrikam)))
    assert 'data-testid="workload-figures"' in body
    assert "EmailActivityUserDetail_D30.csv" in body
    assert 'data-testid="graph-status"' in body
    for form in ("usage-upload-form", "manual-mau-form", "association-form", "graph-form"):
        assert f'data-testid="{form}"' not in body
    assert 'data-testid="graph-pull"' not in body


def test_a_customer_without_usage_says_how_to_get_it(client: Client, consultant) -> None:
    customer = CustomerFactory()
    client.force_login(consultant)
    body = text(client.get(tab_url(customer)))
    assert 'data-testid="no-usage"' in body
    assert 'data-testid="no-imports"' in body
    assert 'data-testid="usage-upload-form"' in body


def test_the_tab_takes_a_constant_number_of_queries(client: Client, consultant, fabrikam) -> None:
    client.force_login(consultant)
    client.get(tab_url(fabrikam))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(tab_url(fabrikam))
    for code in ("exchange", "sharepoint", "onedrive", "viva_engage"):
        usage_history(fabrikam, code, [(D(2025, 10, 1), 4, 29), (D(2025, 11, 20), 8, 29)])
        PartnerAssociationFactory(customer=fabrikam, workload=workload(code))
    for _ in range(4):
        UsageImportFactory(customer=fabrikam, created_by=consultant)
    with CaptureQueriesContext(connection) as many:
        client.get(tab_url(fabrikam))
    assert len(many) == len(few)


def test_the_figures_fragment_is_the_figures_alone(client: Client, consultant, fabrikam) -> None:
    client.force_login(consultant)
    response = client.get(reverse("adoption:customer-figures", args=[fabrikam.pk]))
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<div id="adoption-figures"')
    assert 'hx-trigger="usage-import-finished from:body delay:300ms"' in body
    assert 'data-workload="teams"' in body
    assert "<main" not in body


# --- forms of the tab ------------------------------------------------------------------------


def test_a_manual_mau_is_recorded_as_manual(client: Client, consultant, fabrikam) -> None:
    import_licences(fabrikam, {"SPE_E3": 200}, as_of=D(2025, 10, 1))
    client.force_login(consultant)
    response = client.post(
        reverse("adoption:manual-mau", args=[fabrikam.pk]),
        {
            "manual-workload": "intune",
            "manual-refresh_date": "2025-11-15",
            "manual-mau": "45",
            "manual-note": "Partner dashboard, November",
        },
    )
    assert response.status_code == 302
    assert response.url == tab_url(fabrikam)
    point = UsagePoint.objects.get(
        customer=fabrikam, workload__code="intune", refresh_date=D(2025, 11, 15)
    )
    assert (point.source, point.mau, point.entered_by, point.pau) == (
        UsageSource.MANUAL,
        45,
        consultant,
        200,
    )
    body = text(client.get(response.url))
    assert "Intune: MAU 45 as of 2025-11-15 entered by hand; AU% 22.50%." in body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"manual-workload": "teams"}, "workload", "Select a valid choice"),
        ({"manual-refresh_date": "2099-01-01"}, "refresh_date", "cannot be in the future"),
        ({"manual-mau": "-3"}, "mau", "greater than or equal to 0"),
        ({"manual-mau": "many"}, "mau", "Enter a whole number"),
    ],
)
def test_a_bad_manual_mau_is_shown_again_with_its_error(
    client: Client, consultant, fabrikam, data, field, message
) -> None:
    valid = {"manual-workload": "intune", "manual-refresh_date": "2025-11-15", "manual-mau": "4"}
    client.force_login(consultant)
    response = client.post(reverse("adoption:manual-mau", args=[fabrikam.pk]), {**valid, **data})
    assert response.status_code == 200
    body = text(response)
    assert 'id="tab-adoption" role="tabpanel"' in body
    assert re.search(r'tab-pane fade show active" id="tab-adoption"', body)
    errors = re.search(
        rf'data-field="manual-{field}".*?<div class="invalid-feedback d-block"[^>]*>(.*?)</div>',
        body,
    )
    assert errors
    assert message in errors.group(1)
    assert not UsagePoint.objects.filter(customer=fabrikam, refresh_date=D(2025, 11, 15)).exists()


def test_the_partner_association_is_saved(client: Client, consultant, fabrikam) -> None:
    client.force_login(consultant)
    response = client.post(
        reverse("adoption:association", args=[fabrikam.pk]),
        {
            "association-workload": "teams",
            "association-associated_on": "2025-09-21",
            "association-note": "CPOR 4711",
        },
    )
    assert response.status_code == 302
    association = PartnerAssociation.objects.get(customer=fabrikam)
    assert (association.workload.code, association.associated_on, association.note) == (
        "teams",
        D(2025, 9, 21),
        "CPOR 4711",
    )
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("adoption:association", args=[fabrikam.pk]),
        {"association-workload": "teams", "association-associated_on": future},
    )
    assert response.status_code == 200
    assert "The date cannot be in the future." in text(response)
    assert PartnerAssociation.objects.get(customer=fabrikam).associated_on == D(2025, 9, 21)


def test_the_graph_connection_keeps_its_secret_out_of_the_page(
    client: Client, consultant, fabrikam
) -> None:
    client.force_login(consultant)
    url = reverse("adoption:graph-connection", args=[fabrikam.pk])
    client_id = "11111111-2222-3333-4444-555555555555"
    fields = {
        "graph-tenant_id": str(fabrikam.tenant_id),
        "graph-client_id": client_id,
        "graph-enabled": "on",
    }

    response = client.post(url, fields)  # a new connection needs the secret
    assert response.status_code == 200
    assert "needs the client secret" in text(response)
    assert not GraphConnection.objects.exists()

    response = client.post(url, {**fields, "graph-client_secret": "first-secret-value"})
    assert response.status_code == 302
    connection_row = GraphConnection.objects.get(customer=fabrikam)
    assert connection_row.client_secret == "first-secret-value"

    body = text(client.get(tab_url(fabrikam)))
    assert "first-secret-value" not in body
    assert client_id in body
    assert "Leave blank to keep the stored secret." in body
    assert 'name="graph-client_secret"' in body
    secret_input = re.search(r'<input[^>]*name="graph-client_secret"[^>]*>', body)
    assert secret_input
    assert 'type="password"' in secret_input.group(0)
    assert "value=" not in secret_input.group(0)

    response = client.post(url, {**fields, "graph-client_secret": ""})  # blank keeps it
    assert response.status_code == 302
    assert GraphConnection.objects.get(customer=fabrikam).client_secret == "first-secret-value"

    response = client.post(
        url, {**fields, "graph-tenant_id": "not-a-guid", "graph-client_secret": "x"}
    )
    assert response.status_code == 200
    assert "Enter a valid UUID." in text(response)


def queued(task_name: str) -> list[DBTaskResult]:
    return [result for result in DBTaskResult.objects.all() if result.task_path.endswith(task_name)]


def test_pull_now_queues_a_pull(client: Client, consultant, fabrikam) -> None:
    client.force_login(consultant)
    url = reverse("adoption:graph-pull", args=[fabrikam.pk])

    response = client.post(url, follow=True)
    assert "Set up the Microsoft Graph connection first." in text(response)
    assert queued("pull_customer_usage") == []

    GraphConnectionFactory(customer=fabrikam)
    response = client.post(url, follow=True)
    assert "Pull from Microsoft Graph queued" in text(response)
    [job] = queued("pull_customer_usage")
    assert job.args_kwargs["args"] == [fabrikam.pk]


# --- import jobs -----------------------------------------------------------------------------


def test_a_running_import_polls_itself_and_a_finished_one_stops(
    client: Client, consultant, fabrikam
) -> None:
    usage_import = UsageImportFactory(
        customer=fabrikam, status=ImportStatus.RUNNING, progress=40, stage="Counting users"
    )
    client.force_login(consultant)
    progress_url = reverse("adoption:import-progress", args=[usage_import.pk])

    page = text(client.get(reverse("adoption:import-detail", args=[usage_import.pk])))
    assert f'hx-get="{progress_url}?full=1" hx-trigger="every 1s"' in page
    assert 'value="40"' in page
    assert "Counting users · 40%" in page

    fragment = client.get(progress_url, headers={"HX-Request": "true"})
    assert "HX-Trigger" not in fragment
    assert 'hx-trigger="every 1s"' in text(fragment)

    usage_import.status = ImportStatus.DONE
    usage_import.progress = 100
    usage_import.changed = True
    usage_import.message = "Imported 29 users: Teams MAU 21."
    usage_import.warnings = ["3 users have concealed names."]
    usage_import.summary = {"teams": {"licensed": 29, "active_in_period": 21, "mau": 21}}
    usage_import.save()
    fragment = client.get(progress_url + "?full=1", headers={"HX-Request": "true"})
    assert fragment["HX-Trigger"] == "usage-import-finished"
    body = text(fragment)
    assert "hx-trigger" not in body
    assert "Imported 29 users: Teams MAU 21." in body
    assert "3 users have concealed names." in body
    assert 'data-testid="import-summary"' in body


def test_a_failed_import_shows_what_is_wrong(client: Client, consultant, fabrikam) -> None:
    usage_import = UsageImportFactory(
        customer=fabrikam,
        status=ImportStatus.FAILED,
        message="Teams.csv, row 4, column Last Activity Date: 2025-13-01 is not a date",
    )
    client.force_login(consultant)
    body = text(client.get(tab_url(fabrikam)))
    assert "Failed" in body
    assert "row 4, column Last Activity Date: 2025-13-01 is not a date" in body
    assert f'hx-get="{reverse("adoption:import-progress", args=[usage_import.pk])}"' not in body


# --- heat-map --------------------------------------------------------------------------------


@pytest.fixture
def portfolio(fabrikam, consultant):
    """Three customers: Fabrikam (Teams 34%, first band), Contoso (Teams 50%), Northwind (no
    data); Contoso is the consultant's, in the US."""
    contoso = CustomerFactory(name="Contoso Pharma", owner=consultant, country="US")
    usage_history(contoso, "teams", [(D(2025, 11, 20), 50, 100)])
    usage_history(contoso, "exchange", [(D(2025, 11, 20), 10, 100)])
    northwind = CustomerFactory(name="Northwind Traders", country="US")
    return {"fabrikam": fabrikam, "contoso": contoso, "northwind": northwind}


def heat_rows(response) -> dict[str, str]:
    body = response.content.decode()
    rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", body.split("<tbody")[1], re.DOTALL)
    named = {}
    for row in rows:
        name = re.search(r'class="fw-semibold heat-customer"[^>]*>\s*<a [^>]*>(.*?)</a>', row)
        if name:
            named[name.group(1)] = row
    return named


def cell(row: str, code: str) -> str:
    match = re.search(rf'<td [^>]*data-workload="{code}"[^>]*>(.*?)</td>', row, re.DOTALL)
    assert match
    return match.group(1)


def test_the_heatmap_colours_the_newest_au_pct(client: Client, executive, portfolio) -> None:
    client.force_login(executive)
    response = client.get(reverse("adoption:heatmap"))
    assert response.status_code == 200
    rows = heat_rows(response)
    assert list(rows) == ["Contoso Pharma", "Fabrikam Industries", "Northwind Traders"]
    teams = cell(rows["Fabrikam Industries"], "teams")
    assert 'data-band="first"' in teams
    assert ">34.5%<" in teams
    assert f'href="{tab_url(portfolio["fabrikam"])}#adoption-teams"' in teams
    assert 'data-band="second"' in cell(rows["Contoso Pharma"], "teams")
    assert 'data-band="below"' in cell(rows["Contoso Pharma"], "exchange")
    intune = cell(rows["Fabrikam Industries"], "intune")
    assert 'data-band="none"' in intune
    assert "no PAU" in intune
    assert 'data-band="none"' in cell(rows["Northwind Traders"], "teams")
    assert 'data-testid="heat-legend"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"band": "second"}, ["Contoso Pharma"]),
        ({"band": "first", "workload": "teams"}, ["Fabrikam Industries"]),
        ({"band": "below", "workload": "teams"}, []),
        ({"band": "below"}, ["Contoso Pharma"]),
        ({"band": "none", "workload": "teams"}, ["Northwind Traders"]),
        ({"milestone": "first", "workload": "teams"}, ["Contoso Pharma", "Fabrikam Industries"]),
        ({"milestone": "second"}, ["Contoso Pharma"]),
        ({"milestone": "neither"}, ["Northwind Traders"]),
        ({"workload": "exchange"}, ["Contoso Pharma"]),
        ({"search": "fabri"}, ["Fabrikam Industries"]),
        ({"country": "US"}, ["Contoso Pharma", "Northwind Traders"]),
        ({"tag": "priority"}, ["Fabrikam Industries"]),
    ],
)
def test_the_heatmap_filters(client: Client, executive, portfolio, query, names) -> None:
    client.force_login(executive)
    response = client.get(reverse("adoption:heatmap"), query)
    assert response.status_code == 200
    assert list(heat_rows(response)) == names


def test_the_heatmap_filters_by_owner(client: Client, executive, consultant, portfolio) -> None:
    client.force_login(executive)
    response = client.get(reverse("adoption:heatmap"), {"owner": consultant.pk})
    assert list(heat_rows(response)) == ["Contoso Pharma"]


def test_a_bad_heatmap_filter_is_a_message_not_an_error(
    client: Client, executive, portfolio
) -> None:
    client.force_login(executive)
    response = client.get(reverse("adoption:heatmap"), {"band": "purple", "workload": "nope"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_heatmap_sorts_by_a_workloads_au_pct(client: Client, executive, portfolio) -> None:
    client.force_login(executive)
    response = client.get(reverse("adoption:heatmap"), {"sort": "-au_teams"})
    assert list(heat_rows(response)) == [
        "Contoso Pharma",
        "Fabrikam Industries",
        "Northwind Traders",
    ]
    response = client.get(reverse("adoption:heatmap"), {"sort": "au_teams"})
    assert list(heat_rows(response))[:2] == ["Fabrikam Industries", "Contoso Pharma"]


def test_the_heatmap_exports_what_it_shows(client: Client, executive, portfolio) -> None:
    client.force_login(executive)
    response = client.get(reverse("adoption:heatmap"), {"export": "csv", "country": "US"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:3] == ["Customer", "Tenant ID", "Owner"]
    assert header[3:] == [
        "Exchange Online",
        "SharePoint Online",
        "OneDrive",
        "Microsoft Teams",
        "Microsoft 365 Apps",
        "Viva Engage (Yammer)",
        "Microsoft Intune",
        "Microsoft Entra ID P1/P2",
        "Defender for Endpoint",
        "Defender for Office 365",
        "Purview Information Protection",
        "Windows Enterprise",
        "Microsoft 365 Copilot",
    ]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"Contoso Pharma", "Northwind Traders"}
    assert by_name["Contoso Pharma"]["Microsoft Teams"] == "50.0"
    assert by_name["Contoso Pharma"]["Tenant ID"] == str(portfolio["contoso"].tenant_id)
    assert by_name["Northwind Traders"]["Microsoft Teams"] == ""

    response = client.get(reverse("adoption:heatmap"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    teams_column = values[0].index("Microsoft Teams")
    fabrikam_row = next(row for row in values if row[0] == "Fabrikam Industries")
    assert fabrikam_row[teams_column] == 34.5


def test_the_heatmap_takes_a_constant_number_of_queries(
    client: Client, executive, portfolio
) -> None:
    client.force_login(executive)
    client.get(reverse("adoption:heatmap"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("adoption:heatmap"))
    for index in range(6):
        customer = CustomerFactory(name=f"Extra {index}")
        usage_history(customer, "teams", [(D(2025, 11, 20), index, 100)])
        usage_history(customer, "onedrive", [(D(2025, 11, 20), index, 100)])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("adoption:heatmap"))
    assert len(many) == len(few)


def test_the_navigation_links_to_the_heatmap(client: Client, executive, outsider) -> None:
    client.force_login(executive)
    assert f'href="{reverse("adoption:heatmap")}"' in client.get("/").content.decode()
    client.force_login(outsider)
    assert f'href="{reverse("adoption:heatmap")}"' not in client.get("/").content.decode()


# --- who may ---------------------------------------------------------------------------------


def adoption_urls(customer, usage_import) -> list[tuple[str, str]]:
    pk = customer.pk
    return [
        ("get", reverse("adoption:heatmap")),
        ("get", reverse("adoption:heatmap") + "?export=csv"),
        ("get", reverse("adoption:import-detail", args=[usage_import.pk])),
        ("get", reverse("adoption:import-progress", args=[usage_import.pk])),
        ("get", reverse("adoption:customer-figures", args=[pk])),
        ("get", reverse("adoption:inactive-users", args=[pk])),
        ("get", reverse("adoption:inactive-users", args=[pk]) + "?export=csv"),
        ("post", reverse("adoption:upload", args=[pk])),
        ("post", reverse("adoption:manual-mau", args=[pk])),
        ("post", reverse("adoption:association", args=[pk])),
        ("post", reverse("adoption:graph-connection", args=[pk])),
        ("post", reverse("adoption:graph-pull", args=[pk])),
    ]


def test_a_user_without_a_role_is_refused_everywhere(client: Client, outsider, fabrikam) -> None:
    usage_import = UsageImportFactory(customer=fabrikam)
    GraphConnectionFactory(customer=fabrikam)
    client.force_login(outsider)
    for method, url in adoption_urls(fabrikam, usage_import):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert "Fabrikam" not in response.content.decode(), url
    assert client.get(tab_url(fabrikam)).status_code == 403
    assert not queued("pull_customer_usage")


def test_read_only_roles_cannot_post(client: Client, executive, fabrikam) -> None:
    GraphConnectionFactory(customer=fabrikam)
    client.force_login(executive)
    usage_import = UsageImportFactory(customer=fabrikam)
    for method, url in adoption_urls(fabrikam, usage_import):
        response = getattr(client, method)(url)
        assert response.status_code == (403 if method == "post" else 200), url
    assert not queued("pull_customer_usage")


def test_unknown_records_are_not_found(client: Client, consultant) -> None:
    client.force_login(consultant)
    assert client.get(reverse("adoption:import-detail", args=[999])).status_code == 404
    assert client.get(reverse("adoption:inactive-users", args=[999])).status_code == 404
    assert client.post(reverse("adoption:manual-mau", args=[999])).status_code == 404


# --- usage report uploads --------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples"
FABRIKAM_REPORTS = (
    "Office365ActiveUserDetail_D30.csv",
    "TeamsUserActivityUserDetail_D30.csv",
    "EmailActivityUserDetail_D30.csv",
)


def sample(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes(), content_type="text/csv")


def test_each_uploaded_report_becomes_a_queued_job(
    client: Client, consultant, fabrikam, django_capture_on_commit_callbacks
) -> None:
    client.force_login(consultant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("adoption:upload", args=[fabrikam.pk]),
            {"usage-reports": [sample(name) for name in FABRIKAM_REPORTS]},
        )
    assert response.status_code == 302
    assert response.url == tab_url(fabrikam)
    imports = UsageImport.objects.filter(customer=fabrikam).order_by("pk")
    assert [item.file_name for item in imports] == list(FABRIKAM_REPORTS)
    assert {item.source for item in imports} == {ImportSource.UPLOAD}
    assert {item.created_by for item in imports} == {consultant}
    assert {item.status for item in imports} == {ImportStatus.QUEUED}
    assert len(queued("run_usage_import")) == 3

    body = text(client.get(response.url))
    assert "Queued 3 usage reports for import: Office365ActiveUserDetail_D30.csv" in body
    for item in imports:
        progress = reverse("adoption:import-progress", args=[item.pk])
        assert f'hx-get="{progress}" hx-trigger="every 1s" hx-swap="outerHTML"' in body
    assert "Waiting for the job worker" in body


def test_an_upload_without_files_says_so(client: Client, consultant, fabrikam) -> None:
    client.force_login(consultant)
    response = client.post(reverse("adoption:upload", args=[fabrikam.pk]), {})
    assert response.status_code == 200
    assert "Choose one or more usage report files." in text(response)
    assert not UsageImport.objects.exists()


def test_an_upload_above_the_limit_queues_nothing(
    client: Client, consultant, fabrikam, settings
) -> None:
    settings.FRPDESK_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("Big.csv", b"x" * (1024 * 1024 + 1), content_type="text/csv")
    client.force_login(consultant)
    response = client.post(
        reverse("adoption:upload", args=[fabrikam.pk]),
        {"usage-reports": [sample(FABRIKAM_REPORTS[0]), big]},
    )
    assert response.status_code == 200
    body = text(response)
    assert "Big.csv: is larger than the upload limit of 1 MB" in body
    assert "Nothing was queued." in body
    assert not UsageImport.objects.exists()


def test_the_import_job_shows_its_outcome(client: Client, consultant, fabrikam) -> None:
    client.force_login(consultant)
    client.post(
        reverse("adoption:upload", args=[fabrikam.pk]),
        {"usage-reports": [sample("TeamsUserActivityUserDetail_D30.csv")]},
    )
    usage_import = UsageImport.objects.get()
    run_import(usage_import.pk)

    response = client.get(reverse("adoption:import-detail", args=[usage_import.pk]))
    body = text(response)
    assert response.status_code == 200
    assert 'data-status="done"' in body
    assert "hx-trigger" not in body.split('data-testid="usage-import"')[1].split(">")[0]
    assert "Teams user activity user detail" in body
    assert "refreshed 2025-11-20" in body
    assert 'data-testid="import-summary"' in body
    assert 'value="100"' in body


# --- inactive users --------------------------------------------------------------------------


@pytest.fixture
def imported(consultant):
    """Fabrikam (tenant A of the samples) with its licences and usage reports imported."""
    customer = CustomerFactory(
        name="Fabrikam Industries", tenant_id="b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c"
    )
    import_license_file(
        acting_user=consultant,
        customer=customer,
        file_name="subscribedSkus.json",
        content=(SAMPLES / "subscribedSkus.json").read_bytes(),
        as_of=D(2025, 11, 20),
    )
    for name in FABRIKAM_REPORTS:
        record = import_usage_file(
            acting_user=consultant,
            customer=customer,
            file_name=name,
            content=(SAMPLES / name).read_bytes(),
            source=ImportSource.UPLOAD,
        )
        assert record.status == ImportStatus.DONE, record.message
    return customer


def inactive_url(customer, **query: str) -> str:
    url = reverse("adoption:inactive-users", args=[customer.pk])
    return f"{url}?{urlencode(query)}" if query else url


def listed_users(response) -> list[str]:
    body = response.content.decode()
    table = body.split('data-testid="inactive-users"')[1].split("</table>")[0]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'<td class="fw-semibold">(.*?)</td>', table, re.DOTALL)
    ]


def test_inactive_users_of_a_workload(client: Client, executive, imported) -> None:
    client.force_login(executive)
    response = client.get(inactive_url(imported, workload="teams"))
    assert response.status_code == 200
    body = text(response)
    assert "Inactive users of Microsoft Teams" in body
    assert "in the 28 days from 2025-10-24 to 2025-11-20" in body
    assert 'data-testid="row-count">8 inactive users<' in body
    users = listed_users(response)
    assert users[:2] == ["Henrietta Mueller", "Nestor Wilke"]  # never active first
    assert len(users) == 8
    assert body.count(">never<") == 2
    assert "2025-09-07" in body  # Lee Gu, active before the window
    assert 'data-testid="concealed-banner"' not in body


def test_inactive_users_default_to_the_first_reported_workload(
    client: Client, executive, imported
) -> None:
    client.force_login(executive)
    response = client.get(inactive_url(imported))
    assert "Inactive users of Exchange Online" in text(response)


def test_inactive_users_can_be_searched(client: Client, executive, imported) -> None:
    client.force_login(executive)
    response = client.get(inactive_url(imported, workload="teams", search="GUPTA"))
    assert listed_users(response) == ["Pradeep Gupta"]


def test_inactive_users_export_the_same_rows(client: Client, executive, imported) -> None:
    client.force_login(executive)
    response = client.get(inactive_url(imported, workload="teams", export="csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "inactive-teams-fabrikam-industries-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "User",
        "User principal name",
        "Concealed",
        "Last activity",
        "Assigned products",
    ]
    assert len(rows) == 9
    assert rows[1] == [
        "Henrietta Mueller",
        "henrietta.mueller@fabrikam.example.com",
        "no",
        "never",
        "MICROSOFT 365 F3",
    ]
    assert rows[-1][0] == "Lee Gu"
    assert rows[-1][3] == "2025-09-07"

    searched = client.get(inactive_url(imported, workload="teams", search="lee", export="csv"))
    assert len(list(csv.reader(io.StringIO(searched.content.decode("utf-8-sig"))))) == 2


def test_concealed_names_are_shown_as_concealed(client: Client, executive, consultant) -> None:
    customer = CustomerFactory(name="Contoso Pharma")
    record = import_usage_file(
        acting_user=consultant,
        customer=customer,
        file_name="Office365ActiveUserDetail_D7_concealed.csv",
        content=(SAMPLES / "Office365ActiveUserDetail_D7_concealed.csv").read_bytes(),
        source=ImportSource.UPLOAD,
    )
    assert record.status == ImportStatus.DONE, record.message
    client.force_login(executive)
    response = client.get(inactive_url(customer, workload="exchange"))
    body = text(response)
    assert 'data-testid="concealed-banner"' in body
    assert "displayConcealedNames" in body
    users = listed_users(response)
    assert users
    for user in users:
        assert re.fullmatch(r"concealed[0-9A-F]{32}", user.replace(" ", "")), user


def test_without_reports_the_inactive_list_says_what_to_do(
    client: Client, executive, fabrikam
) -> None:
    client.force_login(executive)
    response = client.get(inactive_url(fabrikam, workload="teams"))
    assert response.status_code == 200
    assert 'data-testid="no-ledger"' in text(response)
    export = client.get(inactive_url(fabrikam, workload="teams", export="csv"))
    assert export.status_code == 200
    assert export.content.decode("utf-8-sig").splitlines() == [
        "User,User principal name,Concealed,Last activity,Assigned products"
    ]


@pytest.mark.parametrize("code", ["intune", "nonsense"])
def test_a_workload_without_a_report_is_refused_politely(
    client: Client, executive, imported, code
) -> None:
    client.force_login(executive)
    response = client.get(inactive_url(imported, workload=code))
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)


def test_only_the_shown_page_of_inactive_users_becomes_rows(rf) -> None:
    frame = pl.DataFrame(
        {
            "user_key": [f"user{n:03d}@contoso.example" for n in range(120)],
            "display_name": [f"User {n:03d}" for n in range(120)],
            "concealed": [False] * 120,
            "last_activity": [None] * 60 + [D(2025, 1, 1)] * 60,
            "assigned_products": [["OFFICE 365 E3"]] * 120,
        },
        schema=INACTIVE_USER_SCHEMA,
    )
    table = InactiveUserTable(FrameRows(frame), request=rf.get("/", {"page": "3"}))
    RequestConfig(table.request, paginate={"per_page": 50}).configure(table)
    assert table.paginator.count == 120
    assert [row.get_cell("display_name") for row in table.page.object_list] == [
        f"User {n:03d}" for n in range(100, 120)
    ]
    assert len(list(table.as_values())) == 121
