"""The partner profile pages, driven through Django's test client."""

import datetime
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone

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
    ProgramMembershipFactory,
)

pytestmark = pytest.mark.django_db

PROFILE_FORM = {
    "organisation_name": "Contoso Consulting",
    "partner_id": "4871234",
    "location_partner_id": "4871299",
    "location_city": "Seattle",
    "location_country": "US",
    "website": "",
}


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


def page(response: Any) -> str:
    return response.content.decode()


def form_errors(response: Any) -> dict[str, list[str]]:
    return dict(response.context["form"].errors)


def spoc_names(profile: PartnerProfile) -> list[str]:
    return list(profile.contacts.filter(is_spoc=True).values_list("name", flat=True))


# --- the profile page and its set-up ---------------------------------------------------------


class TestProfilePage:
    def test_shows_organisation_spoc_memberships_and_endorsements(
        self, admin_web: Client, partner_profile: PartnerProfile, colleague
    ) -> None:
        ProgramMembershipFactory(profile=partner_profile, name="Contoso US – FRP")
        EndorsementFactory(profile=partner_profile)
        response = admin_web.get("/partner/")
        assert response.status_code == 200
        html = page(response)
        assert 'data-testid="organisation-name">Contoso Consulting<' in html
        assert 'data-testid="partner-id">4871234<' in html
        assert "Seattle, United States of America" in html
        assert 'data-testid="spoc-name">Avery Morgan<' in html
        assert "Blake Chen" in html
        assert "Contoso US – FRP" in html
        assert "Microsoft Teams" in html
        assert "1 active" in html
        assert 'data-testid="edit-profile"' in html

    def test_warns_when_referrals_are_paused(
        self, admin_web: Client, partner_profile: PartnerProfile
    ) -> None:
        until = timezone.localdate() + datetime.timedelta(days=5)
        ReferralProfile.objects.filter(profile=partner_profile).update(referrals_paused_until=until)
        html = page(admin_web.get("/partner/"))
        assert f"Referrals paused until {until.isoformat()}" in html

    def test_read_only_roles_see_the_profile_without_edit_links(
        self, consultant_web: Client, partner_profile: PartnerProfile
    ) -> None:
        response = consultant_web.get("/partner/")
        assert response.status_code == 200
        html = page(response)
        assert "Contoso Consulting" in html
        assert 'data-testid="edit-profile"' not in html
        assert 'data-testid="edit-contacts"' not in html

    def test_read_only_roles_cannot_edit(
        self, consultant_web: Client, partner_profile: PartnerProfile
    ) -> None:
        response = consultant_web.post("/partner/edit/", {**PROFILE_FORM, "partner_id": "999999"})
        assert response.status_code == 403
        assert PartnerProfile.objects.get().partner_id == "4871234"

    def test_anonymous_visitors_are_sent_to_sign_in(self, client: Client) -> None:
        response = client.get("/partner/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


class TestProfileSetUp:
    def test_without_a_profile_the_page_offers_to_set_it_up(self, admin_web: Client) -> None:
        html = page(admin_web.get("/partner/"))
        assert "Set up your partner profile" in html
        assert 'data-testid="setup-profile"' in html

    def test_the_edit_page_creates_the_profile(self, admin_web: Client) -> None:
        assert admin_web.get("/partner/edit/").status_code == 200
        response = admin_web.post(
            "/partner/edit/", {**PROFILE_FORM, "organisation_name": "Fabrikam"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/partner/"
        profile = PartnerProfile.objects.get()
        assert (profile.pk, profile.organisation_name, profile.location_country.code) == (
            1,
            "Fabrikam",
            "US",
        )
        assert ReferralProfile.objects.filter(profile=profile).exists()

    def test_set_up_needs_the_add_permission(self, consultant_web: Client) -> None:
        assert consultant_web.post("/partner/edit/", PROFILE_FORM).status_code == 403
        assert not PartnerProfile.objects.exists()

    def test_contacts_need_the_profile_first(self, admin_web: Client) -> None:
        response = admin_web.get("/partner/contacts/")
        assert response.status_code == 302
        assert response["Location"] == "/partner/edit/"

    def test_the_referral_profile_needs_the_profile_first(self, admin_web: Client) -> None:
        assert admin_web.get("/partner/referral-profile/").status_code == 404

    def test_an_invalid_partner_id_is_a_field_error(
        self, admin_web: Client, partner_profile: PartnerProfile
    ) -> None:
        response = admin_web.post("/partner/edit/", {**PROFILE_FORM, "partner_id": "MPN-48"})
        assert response.status_code == 200
        assert form_errors(response)["partner_id"] == [
            "A PartnerID is 4 to 12 digits, as Partner Center shows it."
        ]


# --- program contacts ------------------------------------------------------------------------


def contacts_form(*rows: dict[str, Any], initial: int) -> dict[str, Any]:
    """POST data of the contacts formset; ``initial`` rows are existing contacts."""
    data: dict[str, Any] = {
        "contacts-TOTAL_FORMS": str(len(rows)),
        "contacts-INITIAL_FORMS": str(initial),
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        prefix = f"contacts-{index}-"
        data[prefix + "id"] = str(row["contact"].pk) if "contact" in row else ""
        data[prefix + "profile"] = "1"
        for name in ("name", "email", "phone", "title"):
            value = row.get(name, getattr(row.get("contact"), name, ""))
            data[prefix + name] = value
        if row.get("is_spoc", getattr(row.get("contact"), "is_spoc", False)):
            data[prefix + "is_spoc"] = "on"
        if row.get("delete"):
            data[prefix + "DELETE"] = "on"
    return data


class TestContactsPage:
    def test_lists_the_contacts_with_an_empty_row(
        self, admin_web: Client, spoc: ProgramContact, colleague: ProgramContact
    ) -> None:
        response = admin_web.get("/partner/contacts/")
        assert response.status_code == 200
        assert len(response.context["formset"].forms) == 3
        assert page(response).count('data-testid="contact-row"') == 3

    def test_two_spocs_are_refused_with_the_reason_and_nothing_is_saved(
        self,
        admin_web: Client,
        partner_profile: PartnerProfile,
        spoc: ProgramContact,
        colleague: ProgramContact,
    ) -> None:
        response = admin_web.post(
            "/partner/contacts/",
            contacts_form(
                {"contact": spoc, "title": "Director"},
                {"contact": colleague, "is_spoc": True},
                {"name": "Casey Diaz", "email": "casey@contoso.example"},
                initial=2,
            ),
        )
        assert response.status_code == 200
        errors = response.context["formset"].non_form_errors()
        assert len(errors) == 1
        assert "2 are marked (Avery Morgan, Blake Chen)" in errors[0]
        assert 'data-testid="formset-errors"' in page(response)
        assert spoc_names(partner_profile) == ["Avery Morgan"]
        assert partner_profile.contacts.count() == 2
        spoc.refresh_from_db()
        assert spoc.title == "Consultant"

    def test_no_spoc_is_refused(
        self, admin_web: Client, partner_profile: PartnerProfile, spoc: ProgramContact
    ) -> None:
        response = admin_web.post(
            "/partner/contacts/", contacts_form({"contact": spoc, "is_spoc": False}, initial=1)
        )
        assert response.status_code == 200
        assert "none is marked" in response.context["formset"].non_form_errors()[0]
        assert spoc_names(partner_profile) == ["Avery Morgan"]

    def test_the_spoc_cannot_be_deleted_without_a_successor(
        self,
        admin_web: Client,
        partner_profile: PartnerProfile,
        spoc: ProgramContact,
        colleague: ProgramContact,
    ) -> None:
        response = admin_web.post(
            "/partner/contacts/",
            contacts_form({"contact": spoc, "delete": True}, {"contact": colleague}, initial=2),
        )
        assert response.status_code == 200
        assert "none is marked" in response.context["formset"].non_form_errors()[0]
        assert ProgramContact.objects.filter(pk=spoc.pk).exists()

    def test_moves_the_spoc_in_one_save(
        self,
        admin_web: Client,
        partner_profile: PartnerProfile,
        spoc: ProgramContact,
        colleague: ProgramContact,
    ) -> None:
        # Listed SPOC-first, as the page orders them: the old SPOC is demoted in the same save.
        response = admin_web.post(
            "/partner/contacts/",
            contacts_form(
                {"contact": spoc, "is_spoc": False},
                {"contact": colleague, "is_spoc": True},
                {"name": "", "email": ""},
                initial=2,
            ),
        )
        assert response.status_code == 302
        assert spoc_names(partner_profile) == ["Blake Chen"]
        assert partner_profile.contacts.count() == 2

    def test_adds_a_new_spoc_and_removes_the_old_one(
        self, admin_web: Client, partner_profile: PartnerProfile, spoc: ProgramContact
    ) -> None:
        response = admin_web.post(
            "/partner/contacts/",
            contacts_form(
                {"contact": spoc, "delete": True},
                {"name": "Drew Evans", "email": "drew@contoso.example", "is_spoc": True},
                initial=1,
            ),
        )
        assert response.status_code == 302
        assert list(partner_profile.contacts.values_list("name", "is_spoc")) == [
            ("Drew Evans", True)
        ]

    def test_read_only_roles_cannot_post(
        self, consultant_web: Client, partner_profile: PartnerProfile, spoc: ProgramContact
    ) -> None:
        response = consultant_web.post(
            "/partner/contacts/", contacts_form({"contact": spoc, "title": "CEO"}, initial=1)
        )
        assert response.status_code == 403
        spoc.refresh_from_db()
        assert spoc.title == "Consultant"


# --- referral profile ------------------------------------------------------------------------


class TestReferralProfilePage:
    def post(self, web: Client, **fields: Any) -> Any:
        data = {
            "languages": ["en", "de"],
            "industries": ["retail"],
            "target_customer_sizes": ["500-2499"],
            "countries_served": ["US", "DE"],
            "referral_contact": "",
            "referrals_paused_until": "",
        }
        data.update(fields)
        return web.post("/partner/referral-profile/", data)

    def test_saves_the_referral_profile(
        self, admin_web: Client, partner_profile: PartnerProfile, spoc: ProgramContact
    ) -> None:
        until = timezone.localdate() + datetime.timedelta(days=30)
        response = self.post(
            admin_web, referral_contact=str(spoc.pk), referrals_paused_until=until.isoformat()
        )
        assert response.status_code == 302
        referral_profile = ReferralProfile.objects.get(profile=partner_profile)
        assert referral_profile.languages == ["en", "de"]
        assert [country.code for country in referral_profile.countries_served] == ["DE", "US"]
        assert referral_profile.referral_contact == spoc
        assert referral_profile.referrals_paused_until == until
        html = page(admin_web.get("/partner/"))
        assert "English, German" in html
        assert "Retail and consumer goods" in html

    def test_a_pause_31_days_ahead_is_a_field_error(
        self, admin_web: Client, partner_profile: PartnerProfile
    ) -> None:
        today = timezone.localdate()
        response = self.post(
            admin_web,
            referrals_paused_until=(today + datetime.timedelta(days=31)).isoformat(),
        )
        assert response.status_code == 200
        latest = (today + datetime.timedelta(days=30)).isoformat()
        assert form_errors(response) == {
            "referrals_paused_until": [
                f"Referrals can be paused for at most 30 days: choose {latest} or earlier."
            ]
        }
        referral_profile = ReferralProfile.objects.get(profile=partner_profile)
        assert (referral_profile.languages, referral_profile.referrals_paused_until) == ([], None)

    def test_a_pause_in_the_past_is_a_field_error(
        self, admin_web: Client, partner_profile: PartnerProfile
    ) -> None:
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        response = self.post(admin_web, referrals_paused_until=yesterday.isoformat())
        assert response.status_code == 200
        assert "today or later" in form_errors(response)["referrals_paused_until"][0]

    def test_the_referral_contact_must_be_one_of_our_contacts(
        self, admin_web: Client, partner_profile: PartnerProfile
    ) -> None:
        response = self.post(admin_web, referral_contact="999999")
        assert response.status_code == 200
        assert "referral_contact" in form_errors(response)


# --- memberships and endorsements ------------------------------------------------------------


class TestMembershipPages:
    FORM = {
        "name": "Contoso US – FRP",
        "program": "FastTrack Ready Partner",
        "location_partner_id": "4871299",
        "joined_on": "2023-07-01",
        "renews_on": "2025-06-30",
    }

    def test_create(self, admin_web: Client, partner_profile: PartnerProfile) -> None:
        response = admin_web.post("/partner/memberships/new/", self.FORM)
        assert response.status_code == 302
        membership = ProgramMembership.objects.get()
        assert membership.profile == partner_profile
        assert membership.name == "Contoso US – FRP"
        assert membership.renews_on == datetime.date(2025, 6, 30)

    def test_edit(self, admin_web: Client, partner_profile: PartnerProfile) -> None:
        membership = ProgramMembershipFactory(profile=partner_profile)
        assert admin_web.get(f"/partner/memberships/{membership.pk}/").status_code == 200
        response = admin_web.post(
            f"/partner/memberships/{membership.pk}/", {**self.FORM, "name": "Contoso EU – FRP"}
        )
        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.name == "Contoso EU – FRP"

    def test_delete(self, admin_web: Client, partner_profile: PartnerProfile) -> None:
        membership = ProgramMembershipFactory(profile=partner_profile)
        response = admin_web.post(f"/partner/memberships/{membership.pk}/delete/")
        assert response.status_code == 302
        assert not ProgramMembership.objects.exists()

    def test_an_invalid_location_partner_id_is_a_field_error(
        self, admin_web: Client, partner_profile: PartnerProfile
    ) -> None:
        response = admin_web.post(
            "/partner/memberships/new/", {**self.FORM, "location_partner_id": "x1"}
        )
        assert response.status_code == 200
        assert "location_partner_id" in form_errors(response)
        assert not ProgramMembership.objects.exists()

    def test_a_duplicate_name_is_a_form_error(
        self, admin_web: Client, partner_profile: PartnerProfile
    ) -> None:
        ProgramMembershipFactory(profile=partner_profile, name="Contoso US – FRP")
        response = admin_web.post("/partner/memberships/new/", self.FORM)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert ProgramMembership.objects.count() == 1


class TestEndorsementPages:
    @pytest.fixture
    def form(self) -> dict[str, str]:
        return {
            "workload": str(Workload.objects.get(code="teams").pk),
            "valid_from": "2024-01-01",
            "valid_to": "2024-12-31",
        }

    def test_create(
        self, admin_web: Client, partner_profile: PartnerProfile, form: dict[str, str]
    ) -> None:
        response = admin_web.post("/partner/endorsements/new/", form)
        assert response.status_code == 302
        endorsement = Endorsement.objects.get()
        assert endorsement.profile == partner_profile
        assert endorsement.workload.code == "teams"
        assert endorsement.valid_to == datetime.date(2024, 12, 31)

    def test_an_open_ended_endorsement(
        self, admin_web: Client, partner_profile: PartnerProfile, form: dict[str, str]
    ) -> None:
        response = admin_web.post("/partner/endorsements/new/", {**form, "valid_to": ""})
        assert response.status_code == 302
        assert Endorsement.objects.get().valid_to is None
        assert "open-ended" in page(admin_web.get("/partner/"))

    def test_an_overlap_is_a_field_error(
        self, admin_web: Client, partner_profile: PartnerProfile, form: dict[str, str]
    ) -> None:
        EndorsementFactory(profile=partner_profile, valid_to=datetime.date(2024, 3, 31))
        response = admin_web.post("/partner/endorsements/new/", form)
        assert response.status_code == 200
        assert form_errors(response) == {
            "valid_from": [
                "Overlaps the existing Microsoft Teams endorsement (2024-01-01 to 2024-03-31)."
            ]
        }
        assert Endorsement.objects.count() == 1

    def test_an_end_before_the_start_is_refused(
        self, admin_web: Client, partner_profile: PartnerProfile, form: dict[str, str]
    ) -> None:
        response = admin_web.post("/partner/endorsements/new/", {**form, "valid_to": "2023-12-31"})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not Endorsement.objects.exists()

    def test_edit_does_not_overlap_itself(
        self, admin_web: Client, partner_profile: PartnerProfile, form: dict[str, str]
    ) -> None:
        endorsement = EndorsementFactory(profile=partner_profile)
        response = admin_web.post(f"/partner/endorsements/{endorsement.pk}/", form)
        assert response.status_code == 302
        endorsement.refresh_from_db()
        assert endorsement.valid_to == datetime.date(2024, 12, 31)

    def test_delete(self, admin_web: Client, partner_profile: PartnerProfile) -> None:
        endorsement = EndorsementFactory(profile=partner_profile)
        assert admin_web.get(f"/partner/endorsements/{endorsement.pk}/delete/").status_code == 200
        response = admin_web.post(f"/partner/endorsements/{endorsement.pk}/delete/")
        assert response.status_code == 302
        assert not Endorsement.objects.exists()

    def test_read_only_roles_cannot_delete(
        self, consultant_web: Client, partner_profile: PartnerProfile
    ) -> None:
        endorsement = EndorsementFactory(profile=partner_profile)
        assert (
            consultant_web.post(f"/partner/endorsements/{endorsement.pk}/delete/").status_code
            == 403
        )
        assert Endorsement.objects.filter(pk=endorsement.pk).exists()


# --- the audit trail -------------------------------------------------------------------------


class TestAuditTrail:
    @pytest.fixture
    def renamed(self, admin_web: Client, partner_profile: PartnerProfile) -> PartnerProfile:
        response = admin_web.post(
            "/partner/edit/",
            {**PROFILE_FORM, "organisation_name": "Contoso Cloud", "location_city": "Redmond"},
        )
        assert response.status_code == 302
        return partner_profile

    def test_an_edit_records_who_and_before_after(
        self, renamed: PartnerProfile, program_admin
    ) -> None:
        entry = LogEntry.objects.get_for_object(renamed).get(action=LogEntry.Action.UPDATE)
        assert entry.actor == program_admin
        assert entry.changes_dict == {
            "organisation_name": ["Contoso Consulting", "Contoso Cloud"],
            "location_city": ["Seattle", "Redmond"],
        }

    def test_the_history_tab_lists_the_change(
        self, admin_web: Client, renamed: PartnerProfile
    ) -> None:
        html = page(admin_web.get("/partner/"))
        assert 'hx-get="/history/partner.partnerprofile/1/"' in html
        response = admin_web.get("/history/partner.partnerprofile/1/")
        assert response.status_code == 200
        html = page(response)
        assert "Avery Morgan" in html  # the actor
        assert (
            '<span class="diff-old">Contoso Consulting</span> → <span class="diff-new">Contoso Cloud</span>'
            in html
        )
        assert (
            '<span class="diff-old">Seattle</span> → <span class="diff-new">Redmond</span>' in html
        )

    def test_roles_without_history_see_no_tab(
        self, consultant_web: Client, renamed: PartnerProfile
    ) -> None:
        assert "history-tab" not in page(consultant_web.get("/partner/"))
        assert consultant_web.get("/history/partner.partnerprofile/1/").status_code == 403

    def test_the_contacts_page_records_the_spoc_move(
        self,
        admin_web: Client,
        program_admin,
        spoc: ProgramContact,
        colleague: ProgramContact,
    ) -> None:
        admin_web.post(
            "/partner/contacts/",
            contacts_form(
                {"contact": spoc, "is_spoc": False},
                {"contact": colleague, "is_spoc": True},
                initial=2,
            ),
        )
        demotion = LogEntry.objects.get_for_object(spoc).get(action=LogEntry.Action.UPDATE)
        assert demotion.actor == program_admin
        assert demotion.changes_dict == {"is_spoc": ["True", "False"]}
