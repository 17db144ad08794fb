"""The partner profile's rules that span several records: SPOC, endorsements, referral pause."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from frpdesk.catalog.models import Threshold, Workload
from frpdesk.partner import services
from frpdesk.partner.models import (
    Endorsement,
    PartnerProfile,
    ProgramContact,
    ReferralProfile,
)
from frpdesk.partner.services import ContactState
from frpdesk.partner.tests.factories import EndorsementFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 10)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def spoc_names(profile: PartnerProfile) -> list[str]:
    return list(profile.contacts.filter(is_spoc=True).values_list("name", flat=True))


# --- the single point of contact -------------------------------------------------------------


class TestCheckSingleSpoc:
    def test_exactly_one_spoc_is_accepted(self) -> None:
        services.check_single_spoc(
            [ContactState("Avery Morgan", True), ContactState("Blake Chen", False)]
        )

    @pytest.mark.parametrize(
        "contacts",
        [[], [ContactState("Avery Morgan", False), ContactState("Blake Chen", False)]],
        ids=["no-contacts", "nobody-marked"],
    )
    def test_no_spoc_is_refused(self, contacts: list[ContactState]) -> None:
        with pytest.raises(ValidationError) as error:
            services.check_single_spoc(contacts)
        assert error.value.code == "no_spoc"
        assert "none is marked" in error.value.messages[0]

    def test_two_spocs_are_refused_naming_both(self) -> None:
        with pytest.raises(ValidationError) as error:
            services.check_single_spoc(
                [
                    ContactState("Avery Morgan", True),
                    ContactState("Blake Chen", True),
                    ContactState("Casey Diaz", False),
                ]
            )
        assert error.value.code == "several_spocs"
        message = error.value.messages[0]
        assert "2 are marked (Avery Morgan, Blake Chen)" in message
        assert "Casey Diaz" not in message


class TestSaveContact:
    def test_adds_a_contact_who_is_not_the_spoc(
        self, program_admin, partner_profile: PartnerProfile, spoc: ProgramContact
    ) -> None:
        contact = ProgramContact(
            profile=partner_profile, name="Blake Chen", email="blake@contoso.example"
        )
        services.save_contact(acting_user=program_admin, contact=contact)
        assert contact.pk is not None
        assert spoc_names(partner_profile) == ["Avery Morgan"]

    def test_refuses_a_second_spoc_and_saves_nothing(
        self, program_admin, partner_profile: PartnerProfile, spoc: ProgramContact
    ) -> None:
        contact = ProgramContact(
            profile=partner_profile, name="Blake Chen", email="blake@contoso.example", is_spoc=True
        )
        with pytest.raises(ValidationError, match=r"\(Avery Morgan, Blake Chen\)"):
            services.save_contact(acting_user=program_admin, contact=contact)
        assert not partner_profile.contacts.filter(name="Blake Chen").exists()
        assert spoc_names(partner_profile) == ["Avery Morgan"]

    def test_refuses_to_unmark_the_only_spoc(
        self, program_admin, partner_profile: PartnerProfile, spoc: ProgramContact, colleague
    ) -> None:
        spoc.is_spoc = False
        with pytest.raises(ValidationError, match="none is marked"):
            services.save_contact(acting_user=program_admin, contact=spoc)
        assert spoc_names(partner_profile) == ["Avery Morgan"]

    def test_updates_the_spoc_itself(
        self, program_admin, partner_profile: PartnerProfile, spoc: ProgramContact
    ) -> None:
        spoc.phone = "+1 206 555 0100"
        services.save_contact(acting_user=program_admin, contact=spoc)
        spoc.refresh_from_db()
        assert spoc.phone == "+1 206 555 0100"
        assert spoc.is_spoc

    def test_refuses_a_duplicate_email_with_a_field_error(
        self, program_admin, partner_profile: PartnerProfile, spoc: ProgramContact
    ) -> None:
        contact = ProgramContact(profile=partner_profile, name="Avery Two", email=spoc.email)
        with pytest.raises(ValidationError) as error:
            services.save_contact(acting_user=program_admin, contact=contact)
        assert "__all__" in error.value.message_dict
        assert partner_profile.contacts.count() == 1


class TestDeleteContact:
    def test_refuses_to_delete_the_spoc(
        self, program_admin, spoc: ProgramContact, colleague: ProgramContact
    ) -> None:
        with pytest.raises(ValidationError) as error:
            services.delete_contact(acting_user=program_admin, contact=spoc)
        assert error.value.code == "spoc_delete"
        assert "Avery Morgan is the single point of contact" in error.value.messages[0]
        assert ProgramContact.objects.filter(pk=spoc.pk).exists()

    def test_deletes_another_contact(self, program_admin, colleague: ProgramContact) -> None:
        services.delete_contact(acting_user=program_admin, contact=colleague)
        assert not ProgramContact.objects.filter(pk=colleague.pk).exists()


class TestMakeSpoc:
    def test_moves_the_flag_and_demotes_the_previous_spoc(
        self,
        program_admin,
        partner_profile: PartnerProfile,
        spoc: ProgramContact,
        colleague: ProgramContact,
    ) -> None:
        services.make_spoc(acting_user=program_admin, contact=colleague)
        assert spoc_names(partner_profile) == ["Blake Chen"]
        spoc.refresh_from_db()
        assert spoc.is_spoc is False

    def test_the_demotion_and_promotion_are_audited(
        self, program_admin, spoc: ProgramContact, colleague: ProgramContact
    ) -> None:
        services.make_spoc(acting_user=program_admin, contact=colleague)
        demoted = LogEntry.objects.get_for_object(spoc).get(action=LogEntry.Action.UPDATE)
        promoted = LogEntry.objects.get_for_object(colleague).get(action=LogEntry.Action.UPDATE)
        assert demoted.changes_dict["is_spoc"] == ["True", "False"]
        assert promoted.changes_dict["is_spoc"] == ["False", "True"]

    def test_making_the_spoc_spoc_again_changes_nothing(
        self, program_admin, partner_profile: PartnerProfile, spoc: ProgramContact, colleague
    ) -> None:
        services.make_spoc(acting_user=program_admin, contact=spoc)
        assert spoc_names(partner_profile) == ["Avery Morgan"]


class TestSaveContacts:
    """The contacts page applies a whole edited list in one call."""

    def test_moves_the_spoc_between_two_contacts(
        self,
        program_admin,
        partner_profile: PartnerProfile,
        spoc: ProgramContact,
        colleague: ProgramContact,
    ) -> None:
        # The new SPOC comes first: saving in list order would trip one_spoc_per_partner.
        colleague.is_spoc, spoc.is_spoc = True, False
        services.save_contacts(
            acting_user=program_admin, profile=partner_profile, keep=[colleague, spoc], remove=[]
        )
        assert spoc_names(partner_profile) == ["Blake Chen"]

    def test_replaces_the_spoc_by_a_new_contact_and_removes_the_old_one(
        self, program_admin, partner_profile: PartnerProfile, spoc: ProgramContact
    ) -> None:
        newcomer = ProgramContact(name="Drew Evans", email="drew@contoso.example", is_spoc=True)
        services.save_contacts(
            acting_user=program_admin, profile=partner_profile, keep=[newcomer], remove=[spoc]
        )
        assert list(partner_profile.contacts.values_list("name", "is_spoc")) == [
            ("Drew Evans", True)
        ]

    @pytest.mark.parametrize(
        ("spoc_flag", "colleague_flag", "code"),
        [(True, True, "several_spocs"), (False, False, "no_spoc")],
        ids=["two-spocs", "no-spoc"],
    )
    def test_refuses_a_list_without_exactly_one_spoc_and_changes_nothing(
        self,
        program_admin,
        partner_profile: PartnerProfile,
        spoc: ProgramContact,
        colleague: ProgramContact,
        spoc_flag: bool,
        colleague_flag: bool,
        code: str,
    ) -> None:
        spoc.is_spoc, colleague.is_spoc = spoc_flag, colleague_flag
        with pytest.raises(ValidationError) as error:
            services.save_contacts(
                acting_user=program_admin,
                profile=partner_profile,
                keep=[spoc, colleague],
                remove=[],
            )
        assert error.value.code == code
        assert spoc_names(partner_profile) == ["Avery Morgan"]


def test_spoc_returns_the_marked_contact(partner_profile: PartnerProfile, colleague) -> None:
    assert services.spoc(partner_profile).name == "Avery Morgan"


# --- endorsements ----------------------------------------------------------------------------


@pytest.fixture
def teams() -> Workload:
    return Workload.objects.get(code="teams")


class TestEndorsementOverlap:
    """An existing Teams endorsement runs 2024-01-01 to 2024-06-30."""

    @pytest.fixture(autouse=True)
    def existing(self, partner_profile: PartnerProfile) -> Endorsement:
        return EndorsementFactory(
            profile=partner_profile,
            valid_from=datetime.date(2024, 1, 1),
            valid_to=datetime.date(2024, 6, 30),
        )

    def candidate(
        self, profile: PartnerProfile, start: str, end: str | None, code: str = "teams"
    ) -> Endorsement:
        return Endorsement(
            profile=profile,
            workload=Workload.objects.get(code=code),
            valid_from=datetime.date.fromisoformat(start),
            valid_to=datetime.date.fromisoformat(end) if end else None,
        )

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            ("2024-06-30", "2024-12-31"),  # starts on the last day
            ("2023-06-01", "2024-01-01"),  # ends on the first day
            ("2024-02-01", "2024-03-01"),  # inside
            ("2023-01-01", "2025-01-01"),  # around
            ("2023-01-01", None),  # open-ended, started before
            ("2024-05-01", None),  # open-ended, started inside
        ],
    )
    def test_overlapping_periods_are_refused(
        self, partner_profile: PartnerProfile, start: str, end: str | None
    ) -> None:
        with pytest.raises(ValidationError) as error:
            services.check_endorsement_overlap(self.candidate(partner_profile, start, end))
        assert error.value.message_dict["valid_from"] == [
            "Overlaps the existing Microsoft Teams endorsement (2024-01-01 to 2024-06-30)."
        ]

    @pytest.mark.parametrize(
        ("start", "end", "code"),
        [
            ("2024-07-01", "2024-12-31", "teams"),  # adjacent after
            ("2024-07-01", None, "teams"),  # adjacent after, open-ended
            ("2023-01-01", "2023-12-31", "teams"),  # adjacent before
            ("2024-02-01", None, "exchange"),  # another workload
        ],
    )
    def test_separate_periods_are_accepted(
        self, partner_profile: PartnerProfile, start: str, end: str | None, code: str
    ) -> None:
        services.check_endorsement_overlap(self.candidate(partner_profile, start, end, code))

    def test_an_endorsement_does_not_overlap_itself(self, existing: Endorsement) -> None:
        existing.valid_to = datetime.date(2024, 9, 30)
        services.check_endorsement_overlap(existing)

    def test_an_open_ended_endorsement_blocks_every_later_start(
        self, partner_profile: PartnerProfile, existing: Endorsement
    ) -> None:
        existing.valid_to = None
        existing.save()
        with pytest.raises(ValidationError, match=r"\(2024-01-01 to open-ended\)"):
            services.check_endorsement_overlap(
                self.candidate(partner_profile, "2030-01-01", "2030-12-31")
            )

    def test_save_endorsement_refuses_an_overlap(
        self, program_admin, partner_profile: PartnerProfile
    ) -> None:
        with pytest.raises(ValidationError):
            services.save_endorsement(
                acting_user=program_admin,
                endorsement=self.candidate(partner_profile, "2024-03-01", None),
            )
        assert Endorsement.objects.count() == 1

    def test_save_endorsement_refuses_an_end_before_the_start(
        self, program_admin, partner_profile: PartnerProfile
    ) -> None:
        with pytest.raises(ValidationError):
            services.save_endorsement(
                acting_user=program_admin,
                endorsement=self.candidate(partner_profile, "2025-06-01", "2025-05-31"),
            )
        assert Endorsement.objects.count() == 1


@pytest.mark.parametrize(
    ("valid_to", "on", "active"),
    [
        (datetime.date(2024, 6, 30), datetime.date(2023, 12, 31), False),
        (datetime.date(2024, 6, 30), datetime.date(2024, 1, 1), True),
        (datetime.date(2024, 6, 30), datetime.date(2024, 6, 30), True),
        (datetime.date(2024, 6, 30), datetime.date(2024, 7, 1), False),
        (None, datetime.date(2023, 12, 31), False),
        (None, datetime.date(2099, 1, 1), True),
    ],
)
def test_endorsement_is_active(
    teams: Workload, valid_to: datetime.date | None, on: datetime.date, active: bool
) -> None:
    endorsement = Endorsement(
        workload=teams, valid_from=datetime.date(2024, 1, 1), valid_to=valid_to
    )
    assert endorsement.is_active(on) is active


def test_active_endorsements_lists_only_those_active_on_the_day(
    partner_profile: PartnerProfile,
) -> None:
    EndorsementFactory(profile=partner_profile, valid_to=datetime.date(2024, 6, 30))
    current = EndorsementFactory(
        profile=partner_profile,
        workload=Workload.objects.get(code="intune"),
        valid_from=datetime.date(2024, 3, 1),
    )
    assert services.active_endorsements(partner_profile, datetime.date(2024, 8, 1)) == [current]


# --- referral pause --------------------------------------------------------------------------


class TestCheckReferralPause:
    @pytest.mark.parametrize("offset", [0, 1, 30], ids=["today", "tomorrow", "today+30"])
    def test_pauses_up_to_30_days_ahead_are_accepted(self, offset: int) -> None:
        services.check_referral_pause(day(offset), today=TODAY)

    def test_no_pause_is_accepted(self) -> None:
        services.check_referral_pause(None, today=TODAY)

    def test_a_pause_31_days_ahead_is_refused_naming_the_latest_date(self) -> None:
        with pytest.raises(ValidationError) as error:
            services.check_referral_pause(day(31), today=TODAY)
        assert error.value.message_dict["referrals_paused_until"] == [
            "Referrals can be paused for at most 30 days: choose 2025-04-09 or earlier."
        ]

    def test_a_pause_that_ended_yesterday_is_refused(self) -> None:
        with pytest.raises(ValidationError) as error:
            services.check_referral_pause(day(-1), today=TODAY)
        assert "today or later" in error.value.message_dict["referrals_paused_until"][0]

    def test_the_limit_is_the_configured_threshold(self) -> None:
        Threshold.objects.filter(code="referral_pause_max_days").update(value=10)
        services.check_referral_pause(day(10), today=TODAY)
        with pytest.raises(ValidationError, match="at most 10 days: choose 2025-03-20 or earlier"):
            services.check_referral_pause(day(11), today=TODAY)

    def test_the_default_today_is_the_local_date(self) -> None:
        from django.utils import timezone

        today = timezone.localdate()
        services.check_referral_pause(today + datetime.timedelta(days=30))
        with pytest.raises(ValidationError):
            services.check_referral_pause(today + datetime.timedelta(days=31))


def test_save_referral_profile_refuses_a_long_pause(
    program_admin, partner_profile: PartnerProfile
) -> None:
    from django.utils import timezone

    referral_profile = partner_profile.referral_profile
    referral_profile.referrals_paused_until = timezone.localdate() + datetime.timedelta(days=31)
    with pytest.raises(ValidationError):
        services.save_referral_profile(acting_user=program_admin, referral_profile=referral_profile)
    referral_profile.refresh_from_db()
    assert referral_profile.referrals_paused_until is None


# --- the profile itself ----------------------------------------------------------------------


class TestSaveProfile:
    def test_creates_the_single_profile_with_its_referral_profile(self, program_admin) -> None:
        profile = services.save_profile(
            acting_user=program_admin, organisation_name="Fabrikam", partner_id="1234567"
        )
        assert profile.pk == services.PROFILE_PK
        assert services.current_profile() == profile
        assert ReferralProfile.objects.filter(profile=profile).exists()

    def test_updates_the_existing_profile(
        self, program_admin, partner_profile: PartnerProfile
    ) -> None:
        services.save_profile(acting_user=program_admin, organisation_name="Contoso Ltd")
        assert PartnerProfile.objects.get().organisation_name == "Contoso Ltd"

    @pytest.mark.parametrize("partner_id", ["12a4567", "123", "1234567890123"])
    def test_refuses_an_invalid_partner_id(
        self, program_admin, partner_profile: PartnerProfile, partner_id: str
    ) -> None:
        with pytest.raises(ValidationError) as error:
            services.save_profile(acting_user=program_admin, partner_id=partner_id)
        assert "partner_id" in error.value.message_dict
        assert PartnerProfile.objects.get().partner_id == "4871234"
