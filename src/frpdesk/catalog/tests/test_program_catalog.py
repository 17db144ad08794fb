"""The program catalog: DESIGN.md §2 shipped as data, loaded by migration, editable and audited."""

import json
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.test import Client

from frpdesk.catalog.models import (
    CatalogRelease,
    DeliveryPhase,
    DeliveryStatus,
    EligiblePlan,
    MilestoneTemplate,
    OutOfScopeItem,
    ScopeQuestion,
    Threshold,
    VasItem,
    Workload,
)
from frpdesk.catalog.services import (
    PROGRAM_CATALOG_FILE,
    load_program_catalog,
    skus_carrying,
    threshold_int,
)

DESIGN_WORKLOADS = {
    "exchange": ["EXCHANGE_S_STANDARD", "EXCHANGE_S_ENTERPRISE", "EXCHANGE_S_DESKLESS"],
    "sharepoint": ["SHAREPOINTSTANDARD", "SHAREPOINTENTERPRISE", "SHAREPOINTDESKLESS"],
    "onedrive": [
        "SHAREPOINTSTANDARD",
        "SHAREPOINTENTERPRISE",
        "SHAREPOINTDESKLESS",
        "ONEDRIVESTANDARD",
        "ONEDRIVEENTERPRISE",
    ],
    "teams": ["TEAMS1"],
    "m365_apps": ["OFFICESUBSCRIPTION", "OFFICE_BUSINESS"],
    "viva_engage": ["YAMMER_ENTERPRISE"],
    "intune": ["INTUNE_A"],
    "entra_id": ["AAD_PREMIUM", "AAD_PREMIUM_P2"],
    "defender_endpoint": ["WINDEFATP", "MDE_LITE", "MDE_SMB"],
    "defender_office": ["ATP_ENTERPRISE", "THREAT_INTELLIGENCE"],
    "purview": ["MIP_S_CLP1", "MIP_S_CLP2", "RMS_S_PREMIUM", "RMS_S_PREMIUM2"],
    "windows": ["WIN10_PRO_ENT_SUB", "Virtualization Rights for Windows 10 (E3/E5+VDA)"],
    "copilot": ["M365_COPILOT_APPS", "M365_COPILOT_BUSINESS_CHAT", "M365_COPILOT_TEAMS"],
}


@pytest.mark.django_db
def test_workloads_match_the_design() -> None:
    loaded = {w.code: w.qualifying_service_plans for w in Workload.objects.all()}
    assert loaded == DESIGN_WORKLOADS
    assert set(
        Workload.objects.filter(data_migration_applies=True).values_list("code", flat=True)
    ) == {"exchange", "sharepoint", "onedrive"}
    assert OutOfScopeItem.objects.filter(workload__code="exchange").exists()


@pytest.mark.django_db
def test_thresholds_and_taxonomies_have_their_defaults() -> None:
    expected = {
        "tenant_min_seats": 150,
        "workload_min_seats": 150,
        "fasttrack_migration_seats": 500,
        "mau_window_days": 28,
        "milestone_first_pct": 15,
        "milestone_second_pct": 40,
        "referral_acceptance_days": 7,
        "referral_first_response_business_days": 2,
        "status_note_max_age_days": 14,
        "referral_pause_max_days": 30,
    }
    assert {code: threshold_int(code) for code in expected} == expected
    assert EligiblePlan.objects.count() == 37
    assert EligiblePlan.objects.filter(string_id="Microsoft_365_Copilot").exists()
    assert list(ScopeQuestion.objects.values_list("vas_if_no", flat=True)) == [
        "Onsite resources",
        "Technical resources / hands-on remediation",
        "Project management",
    ]
    assert list(DeliveryPhase.objects.values_list("code", flat=True)) == [
        "initiate",
        "assess",
        "remediate",
        "enable",
        "data_migration_guidance",
    ]
    assert set(DeliveryStatus.objects.values_list("level1", flat=True)) == {
        "Status Unknown",
        "In Progress",
        "No Intent",
        "Blocked",
        "Duplicate/Invalid",
    }
    assert DeliveryStatus.objects.filter(level1="Blocked").count() == 10
    assert {"kickoff", "security_discussion", "success_workshop", "enablement"} <= set(
        MilestoneTemplate.objects.values_list("code", flat=True)
    )
    assert VasItem.objects.filter(code="project_management").exists()
    assert (
        CatalogRelease.objects.get(name="program-catalog").version
        == json.loads(PROGRAM_CATALOG_FILE.read_text())["version"]
    )


@pytest.mark.django_db
def test_reloading_the_catalog_is_idempotent() -> None:
    counts = [
        model.objects.count()
        for model in (Workload, OutOfScopeItem, EligiblePlan, Threshold, DeliveryStatus)
    ]
    load_program_catalog()
    assert [
        model.objects.count()
        for model in (Workload, OutOfScopeItem, EligiblePlan, Threshold, DeliveryStatus)
    ] == counts


@pytest.mark.django_db
def test_skus_carrying_a_workload_use_service_plan_names() -> None:
    teams = {sku.string_id for sku in skus_carrying(Workload.objects.get(code="teams"))}
    assert {"SPE_E3", "SPE_E5", "ENTERPRISEPACK"} <= teams
    assert "Microsoft_365_E3_(no_Teams)" not in teams
    windows = {sku.string_id for sku in skus_carrying(Workload.objects.get(code="windows"))}
    assert "WIN10_VDA_E3" in windows  # matched through the name published with tabs inside


@pytest.mark.django_db
def test_program_admin_edits_a_threshold_and_the_edit_is_audited(
    client: Client, program_admin
) -> None:
    client.force_login(program_admin)
    threshold = Threshold.objects.get(code="referral_pause_max_days")
    response = client.post(
        f"/catalog/thresholds/{threshold.pk}/edit/",
        {
            "name": threshold.name,
            "value": "21",
            "unit": "days",
            "description": threshold.description,
        },
    )
    assert response.status_code == 302
    assert threshold_int("referral_pause_max_days") == 21
    entry = LogEntry.objects.get_for_object(threshold).get()
    assert entry.actor == program_admin
    assert entry.changes_dict["value"] == ["30.00", "21"]


@pytest.mark.django_db
def test_workload_qualifying_plans_are_edited_one_per_line(client: Client, program_admin) -> None:
    client.force_login(program_admin)
    teams = Workload.objects.get(code="teams")
    response = client.post(
        f"/catalog/workloads/{teams.pk}/edit/",
        {
            "name": "Microsoft Teams",
            "qualifying_service_plans": "TEAMS1\n  TEAMS_FREE \n\n",
            "has_usage_report": "on",
            "sort_order": 3,
        },
    )
    assert response.status_code == 302
    teams.refresh_from_db()
    assert teams.qualifying_service_plans == ["TEAMS1", "TEAMS_FREE"]


@pytest.mark.django_db
def test_catalog_pages_render_with_filters(client: Client, consultant) -> None:
    client.force_login(consultant)
    response = client.get("/catalog/skus/?search=SPE_E&eligible=true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "SPE_E3" in body
    assert "SPE_E5" in body
    assert "SPE_F5_SEC" not in body  # matches the search but is not an eligible plan
    detail = client.get(f"/catalog/workloads/{Workload.objects.get(code='exchange').pk}/")
    assert "Microsoft 365 E3" in detail.content.decode()
    assert Decimal(Threshold.objects.get(code="tenant_min_seats").value) == Decimal(150)
