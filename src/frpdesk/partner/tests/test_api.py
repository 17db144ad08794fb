"""The partner profile's REST API: token auth, the services' rules, JSON errors, pagination."""

import datetime
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from rest_framework.test import APIClient

from frpdesk.accounts.tests.factories import token_header
from frpdesk.catalog.models import Workload
from frpdesk.partner.models import (
    Endorsement,
    PartnerProfile,
    ProgramContact,
    ProgramMembership,
    ReferralProfile,
)
from frpdesk.partner.tests.factories import (
    EndorsementFactory,
    ProgramContactFactory,
    ProgramMembershipFactory,
)

pytestmark = pytest.mark.django_db

PROFILE_URL = "/api/partner/profile/"
REFERRAL_URL = "/api/partner/referral-profile/"
CONTACTS_URL = "/api/partner/contacts/"
ENDORSEMENTS_URL = "/api/partner/endorsements/"
MEMBERSHIPS_URL = "/api/partner/memberships/"


def token_client(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(user))
    return client


@pytest.fixture
def api(program_admin) -> APIClient:
    """The program administrator, authenticated with an API token as scripts are."""
    return token_client(program_admin)


def field_errors(response: Any) -> dict[str, list[str]]:
    """The JSON error body: a summary and the messages by field."""
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    general = body["errors"].get("non_field_errors")
    # A refusal of the whole request is its own headline; field errors get a summary.
    expected = " ".join(general) if general and len(body["errors"]) == 1 else None
    assert body["detail"] == (expected or "Some fields are not valid.")
    return body["errors"]


def days_ahead(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


class TestAuthentication:
    def test_without_credentials_the_answer_is_401_json(self, partner_profile) -> None:
        response = APIClient().get(PROFILE_URL)
        assert response.status_code == 401
        assert "detail" in response.json()

    def test_an_unknown_token_is_refused(self, partner_profile) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
        assert client.get(PROFILE_URL).status_code == 401

    def test_session_authentication_also_works(self, program_admin, partner_profile) -> None:
        client = APIClient()
        client.force_login(program_admin)
        assert client.get(PROFILE_URL).json()["organisation_name"] == "Contoso Consulting"

    def test_read_only_roles_may_read_but_not_write(self, consultant, partner_profile) -> None:
        client = token_client(consultant)
        assert client.get(PROFILE_URL).status_code == 200
        response = client.patch(PROFILE_URL, {"organisation_name": "Hijacked"}, format="json")
        assert response.status_code == 403
        assert response.json()["detail"]
        assert PartnerProfile.objects.get().organisation_name == "Contoso Consulting"


class TestProfile:
    def test_get(self, api: APIClient, partner_profile) -> None:
        data = api.get(PROFILE_URL).json()
        assert {
            key: data[key] for key in ("organisation_name", "partner_id", "location_country")
        } == {
            "organisation_name": "Contoso Consulting",
            "partner_id": "4871234",
            "location_country": "US",
        }

    def test_patch(self, api: APIClient, partner_profile) -> None:
        response = api.patch(
            PROFILE_URL,
            {"organisation_name": "Contoso Cloud", "location_city": "Redmond"},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["organisation_name"] == "Contoso Cloud"
        profile = PartnerProfile.objects.get()
        assert (profile.organisation_name, profile.location_city, profile.partner_id) == (
            "Contoso Cloud",
            "Redmond",
            "4871234",
        )

    def test_a_blank_country_reads_as_blank(self, api: APIClient, partner_profile) -> None:
        """Found by the API fuzz test: a blank country was a Country object, not JSON (500)."""
        response = api.patch(PROFILE_URL, {"location_country": ""}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["location_country"] == ""
        assert api.get(PROFILE_URL).json()["location_country"] == ""

    def test_an_invalid_partner_id_is_a_field_error(self, api: APIClient, partner_profile) -> None:
        response = api.patch(PROFILE_URL, {"partner_id": "MPN-48"}, format="json")
        assert field_errors(response)["partner_id"] == [
            "A PartnerID is 4 to 12 digits, as Partner Center shows it."
        ]
        assert PartnerProfile.objects.get().partner_id == "4871234"

    def test_without_a_profile_the_answer_is_404_json(self, api: APIClient) -> None:
        response = api.get(PROFILE_URL)
        assert response.status_code == 404
        assert response.json() == {"detail": "The partner profile has not been set up yet."}

    @pytest.mark.parametrize("auth", ["token", "session"])
    def test_a_change_is_audited_with_its_actor(
        self, auth: str, partner_profile, program_admin
    ) -> None:
        if auth == "token":
            client = token_client(program_admin)
        else:
            client = APIClient()
            client.force_login(program_admin)
        client.patch(PROFILE_URL, {"organisation_name": "Contoso Cloud"}, format="json")
        entry = LogEntry.objects.get_for_object(partner_profile).get(action=LogEntry.Action.UPDATE)
        assert entry.changes_dict["organisation_name"] == ["Contoso Consulting", "Contoso Cloud"]
        assert entry.actor == program_admin


class TestReferralProfile:
    def test_get_returns_the_empty_referral_profile(self, api: APIClient, partner_profile) -> None:
        assert api.get(REFERRAL_URL).json() == {
            "languages": [],
            "industries": [],
            "target_customer_sizes": [],
            "countries_served": [],
            "referral_contact": None,
            "referrals_paused_until": None,
        }

    def test_a_missing_referral_profile_is_a_json_404_and_reading_creates_nothing(
        self, api: APIClient, partner_profile
    ) -> None:
        ReferralProfile.objects.all().delete()
        response = api.get(REFERRAL_URL)
        assert response.status_code == 404
        assert response.json() == {"detail": "The referral profile has not been set up yet."}
        assert not ReferralProfile.objects.exists()

    def test_patch(self, api: APIClient, partner_profile, spoc: ProgramContact) -> None:
        response = api.patch(
            REFERRAL_URL,
            {
                "languages": ["en", "de"],
                "countries_served": ["US", "DE"],
                "target_customer_sizes": ["10000+"],
                "referral_contact": spoc.pk,
                "referrals_paused_until": days_ahead(30),
            },
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["countries_served"] == ["DE", "US"]
        referral_profile = ReferralProfile.objects.get()
        assert referral_profile.languages == ["en", "de"]
        assert referral_profile.referral_contact == spoc
        assert referral_profile.referrals_paused_until.isoformat() == days_ahead(30)

    def test_a_pause_too_long_is_a_field_error(self, api: APIClient, partner_profile) -> None:
        response = api.patch(
            REFERRAL_URL, {"referrals_paused_until": days_ahead(31)}, format="json"
        )
        assert field_errors(response) == {
            "referrals_paused_until": [
                f"Referrals can be paused for at most 30 days: choose {days_ahead(30)} or earlier."
            ]
        }
        assert ReferralProfile.objects.get().referrals_paused_until is None

    def test_a_pause_in_the_past_is_a_field_error(self, api: APIClient, partner_profile) -> None:
        response = api.patch(
            REFERRAL_URL, {"referrals_paused_until": days_ahead(-1)}, format="json"
        )
        assert "today or later" in field_errors(response)["referrals_paused_until"][0]

    def test_an_unknown_language_is_a_field_error(self, api: APIClient, partner_profile) -> None:
        response = api.patch(REFERRAL_URL, {"languages": ["en", "klingon"]}, format="json")
        assert "languages" in field_errors(response)

    def test_an_unknown_country_is_a_field_error(self, api: APIClient, partner_profile) -> None:
        response = api.patch(REFERRAL_URL, {"countries_served": ["XX"]}, format="json")
        assert "countries_served" in field_errors(response)
        assert list(ReferralProfile.objects.get().countries_served) == []


class TestContacts:
    def test_list_puts_the_spoc_first(self, api: APIClient, spoc, colleague) -> None:
        results = api.get(CONTACTS_URL).json()["results"]
        assert [(item["name"], item["is_spoc"]) for item in results] == [
            ("Avery Morgan", True),
            ("Blake Chen", False),
        ]

    def test_create_a_contact(self, api: APIClient, partner_profile, spoc) -> None:
        response = api.post(
            CONTACTS_URL, {"name": "Casey Diaz", "email": "casey@contoso.example"}, format="json"
        )
        assert response.status_code == 201
        assert response.json()["is_spoc"] is False
        assert ProgramContact.objects.get(name="Casey Diaz").profile == partner_profile

    def test_a_second_spoc_is_refused_with_the_reason(self, api: APIClient, spoc) -> None:
        response = api.post(
            CONTACTS_URL,
            {"name": "Casey Diaz", "email": "casey@contoso.example", "is_spoc": True},
            format="json",
        )
        [message] = field_errors(response)["non_field_errors"]
        assert "2 are marked (Avery Morgan, Casey Diaz)" in message
        assert not ProgramContact.objects.filter(name="Casey Diaz").exists()

    def test_unmarking_the_only_spoc_is_refused(self, api: APIClient, spoc) -> None:
        response = api.patch(f"{CONTACTS_URL}{spoc.pk}/", {"is_spoc": False}, format="json")
        assert "none is marked" in field_errors(response)["non_field_errors"][0]
        spoc.refresh_from_db()
        assert spoc.is_spoc

    def test_a_duplicate_email_is_refused(self, api: APIClient, spoc) -> None:
        response = api.post(CONTACTS_URL, {"name": "Avery Two", "email": spoc.email}, format="json")
        assert field_errors(response)
        assert ProgramContact.objects.count() == 1

    def test_make_spoc_moves_the_flag(
        self, api: APIClient, spoc: ProgramContact, colleague: ProgramContact
    ) -> None:
        response = api.post(f"{CONTACTS_URL}{colleague.pk}/make-spoc/")
        assert response.status_code == 200
        assert response.json()["is_spoc"] is True
        assert list(ProgramContact.objects.filter(is_spoc=True)) == [colleague]
        spoc.refresh_from_db()
        assert spoc.is_spoc is False

    def test_make_spoc_needs_the_change_permission(self, consultant, colleague) -> None:
        response = token_client(consultant).post(f"{CONTACTS_URL}{colleague.pk}/make-spoc/")
        assert response.status_code == 403
        colleague.refresh_from_db()
        assert colleague.is_spoc is False

    def test_deleting_the_spoc_is_refused(self, api: APIClient, spoc, colleague) -> None:
        response = api.delete(f"{CONTACTS_URL}{spoc.pk}/")
        [message] = field_errors(response)["non_field_errors"]
        assert message.startswith("Avery Morgan is the single point of contact")
        assert ProgramContact.objects.filter(pk=spoc.pk).exists()

    def test_deleting_another_contact(self, api: APIClient, spoc, colleague) -> None:
        assert api.delete(f"{CONTACTS_URL}{colleague.pk}/").status_code == 204
        assert not ProgramContact.objects.filter(pk=colleague.pk).exists()


class TestEndorsements:
    @pytest.fixture
    def endorsements(self, partner_profile) -> dict[str, Endorsement]:
        def make(code: str, start: str, end: str | None) -> Endorsement:
            return EndorsementFactory(
                profile=partner_profile,
                workload=Workload.objects.get(code=code),
                valid_from=datetime.date.fromisoformat(start),
                valid_to=datetime.date.fromisoformat(end) if end else None,
            )

        return {
            "teams-2023": make("teams", "2023-01-01", "2023-12-31"),
            "teams-2024": make("teams", "2024-01-01", None),
            "intune-2024": make("intune", "2024-01-01", "2024-12-31"),
            "exchange-2025": make("exchange", "2025-01-01", None),
        }

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("", {"teams-2023", "teams-2024", "intune-2024", "exchange-2025"}),
            ("workload=teams", {"teams-2023", "teams-2024"}),
            ("active_on=2023-12-31", {"teams-2023"}),
            ("active_on=2024-06-01", {"teams-2024", "intune-2024"}),
            ("workload=teams&active_on=2024-06-01", {"teams-2024"}),
            ("workload=teams&active_on=2022-06-01", set()),
            ("workload=intune&active_on=2025-01-01", set()),
        ],
    )
    def test_filters(
        self,
        api: APIClient,
        endorsements: dict[str, Endorsement],
        query: str,
        expected: set[str],
    ) -> None:
        response = api.get(f"{ENDORSEMENTS_URL}?{query}")
        assert response.status_code == 200
        ids = {item["id"] for item in response.json()["results"]}
        assert ids == {endorsements[name].pk for name in expected}

    def test_an_unknown_workload_filter_is_a_400(self, api: APIClient, endorsements) -> None:
        response = api.get(f"{ENDORSEMENTS_URL}?workload=fax")
        assert response.status_code == 400
        assert "workload" in response.json()["errors"]

    def test_representation(self, api: APIClient, endorsements) -> None:
        item = api.get(f"{ENDORSEMENTS_URL}{endorsements['teams-2023'].pk}/").json()
        assert item == {
            "id": endorsements["teams-2023"].pk,
            "workload": "teams",
            "valid_from": "2023-01-01",
            "valid_to": "2023-12-31",
            "active": False,
        }

    def test_create_by_workload_code(self, api: APIClient, partner_profile) -> None:
        response = api.post(
            ENDORSEMENTS_URL, {"workload": "copilot", "valid_from": "2024-05-01"}, format="json"
        )
        assert response.status_code == 201
        assert response.json()["active"] is True
        assert Endorsement.objects.get().workload.code == "copilot"

    def test_an_overlap_is_a_field_error(self, api: APIClient, endorsements) -> None:
        response = api.post(
            ENDORSEMENTS_URL,
            {"workload": "teams", "valid_from": "2023-06-01", "valid_to": "2023-06-30"},
            format="json",
        )
        assert field_errors(response) == {
            "valid_from": [
                "Overlaps the existing Microsoft Teams endorsement (2023-01-01 to 2023-12-31)."
            ]
        }

    def test_an_unknown_workload_is_a_field_error(self, api: APIClient, partner_profile) -> None:
        response = api.post(
            ENDORSEMENTS_URL, {"workload": "fax", "valid_from": "2024-05-01"}, format="json"
        )
        assert "workload" in field_errors(response)
        assert not Endorsement.objects.exists()


class TestMemberships:
    def test_create(self, api: APIClient, partner_profile) -> None:
        response = api.post(MEMBERSHIPS_URL, {"name": "Contoso US – FRP"}, format="json")
        assert response.status_code == 201
        assert response.json()["program"] == "FastTrack Ready Partner"
        assert ProgramMembership.objects.get().profile == partner_profile

    def test_a_duplicate_name_is_refused(self, api: APIClient, partner_profile) -> None:
        ProgramMembershipFactory(profile=partner_profile, name="Contoso US – FRP")
        response = api.post(MEMBERSHIPS_URL, {"name": "Contoso US – FRP"}, format="json")
        assert field_errors(response)
        assert ProgramMembership.objects.count() == 1


class TestPagination:
    @pytest.fixture(autouse=True)
    def contacts(self, partner_profile) -> None:
        ProgramContactFactory.create_batch(4, profile=partner_profile)  # five with the SPOC

    def test_default_page_holds_everything_with_count(self, api: APIClient) -> None:
        body = api.get(CONTACTS_URL).json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert body["count"] == 5
        assert body["next"] is None
        assert len(body["results"]) == 5

    def test_page_size_splits_the_list(self, api: APIClient) -> None:
        first = api.get(CONTACTS_URL, {"page_size": 2}).json()
        assert first["count"] == 5
        assert len(first["results"]) == 2
        assert first["previous"] is None
        assert "page=2" in first["next"]
        assert "page_size=2" in first["next"]
        last = api.get(CONTACTS_URL, {"page_size": 2, "page": 3}).json()
        assert len(last["results"]) == 1
        assert last["next"] is None
        names = [item["name"] for item in first["results"] + last["results"]]
        assert len(set(names)) == 3

    def test_a_page_past_the_end_is_404_json(self, api: APIClient) -> None:
        response = api.get(CONTACTS_URL, {"page": 9})
        assert response.status_code == 404
        assert "detail" in response.json()
