"""Every change is recorded (who, when, before/after); the audit log is filterable and exportable."""

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.test import Client
from rest_framework.test import APIClient

from frpdesk.directory.models import DirectoryPartner
from frpdesk.directory.tests.factories import DirectoryPartnerFactory


@pytest.fixture
def edited_partner(client: Client, program_admin) -> DirectoryPartner:
    """A directory partner created, then renamed, through the pages by the program admin."""
    client.force_login(program_admin)
    partner = DirectoryPartnerFactory(name="Northwind Cloud")
    response = client.post(
        f"/directory/{partner.pk}/edit/",
        {
            "name": "Northwind Cloud Services",
            "partner_id": partner.partner_id,
            "contact_name": "Ingrid",
            "contact_email": "ingrid@northwind.example",
            "countries": ["SE"],
            "languages": ["sv"],
            "endorsed_workloads": [],
        },
    )
    assert response.status_code == 302
    return partner


@pytest.mark.django_db
def test_an_edit_records_actor_and_before_after(
    edited_partner: DirectoryPartner, program_admin
) -> None:
    update = (
        LogEntry.objects.get_for_object(edited_partner).filter(action=LogEntry.Action.UPDATE).get()
    )
    assert update.actor == program_admin
    assert update.changes_dict["name"] == ["Northwind Cloud", "Northwind Cloud Services"]


@pytest.mark.django_db
def test_deletion_is_recorded_with_the_removed_values(client: Client, program_admin) -> None:
    client.force_login(program_admin)
    partner = DirectoryPartnerFactory(name="Gone Partner")
    client.post(f"/directory/{partner.pk}/delete/")
    assert not DirectoryPartner.objects.filter(pk=partner.pk).exists()
    deletion = LogEntry.objects.get(object_repr="Gone Partner", action=LogEntry.Action.DELETE)
    assert deletion.actor == program_admin


@pytest.mark.django_db
def test_object_history_tab_lists_the_changes(
    client: Client, edited_partner: DirectoryPartner, auditor
) -> None:
    client.force_login(auditor)
    body = client.get(f"/history/directory.directorypartner/{edited_partner.pk}/").content.decode()
    assert "Northwind Cloud Services" in body
    assert "Avery Morgan" in body  # the actor


@pytest.mark.django_db
def test_object_history_refuses_unknown_models_and_objects(client: Client, auditor) -> None:
    client.force_login(auditor)
    assert client.get("/history/nope.nothing/1/").status_code == 404
    assert client.get("/history/directory.directorypartner/999999/").status_code == 404


@pytest.mark.django_db
def test_audit_page_filters_and_exports(
    client: Client, edited_partner: DirectoryPartner, auditor
) -> None:
    client.force_login(auditor)
    response = client.get("/history/", {"search": "Northwind", "action": LogEntry.Action.UPDATE})
    assert response.status_code == 200
    assert "Northwind Cloud Services" in response.content.decode()
    export = client.get("/history/", {"search": "Northwind", "export": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["When", "Who", "Action"]
    assert {row[2] for row in rows[1:]} == {"create", "update"}
    assert any("Northwind Cloud -> Northwind Cloud Services" in row[-1] for row in rows[1:])


@pytest.mark.django_db
def test_audit_api_is_paginated_and_filtered(edited_partner: DirectoryPartner, auditor) -> None:
    api = APIClient()
    api.force_authenticate(auditor)
    data = api.get("/api/audit-log/", {"search": "Northwind Cloud Services"}).json()
    assert data["count"] >= 1
    assert data["results"][0]["changes"][0]["after"]
    assert {"timestamp", "actor", "action", "record_type", "object_repr"} <= data["results"][
        0
    ].keys()
