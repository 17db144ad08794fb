"""State changes of the partner profile. Every rule that spans several records lives here."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.services import threshold_int
from frpdesk.partner.models import (
    Endorsement,
    PartnerProfile,
    ProgramContact,
    ReferralProfile,
)

PROFILE_PK = 1


def current_profile() -> PartnerProfile | None:
    return PartnerProfile.objects.filter(pk=PROFILE_PK).first()


@transaction.atomic
def save_profile(*, acting_user: User, **fields: Any) -> PartnerProfile:
    profile = current_profile() or PartnerProfile(pk=PROFILE_PK)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    ReferralProfile.objects.get_or_create(profile=profile)
    return profile


# --- single point of contact ---------------------------------------------------------------


@dataclass(frozen=True)
class ContactState:
    """A contact as it would be after a change: enough to judge the SPOC rule."""

    name: str
    is_spoc: bool


def check_single_spoc(contacts: Iterable[ContactState]) -> None:
    spocs = [contact.name for contact in contacts if contact.is_spoc]
    if not spocs:
        raise ValidationError(
            "Exactly one single point of contact for program administration is required; "
            "none is marked. Mark one contact as SPOC.",
            code="no_spoc",
        )
    if len(spocs) > 1:
        raise ValidationError(
            "Exactly one single point of contact for program administration is allowed; "
            f"{len(spocs)} are marked ({', '.join(spocs)}). Keep only one.",
            code="several_spocs",
        )


def _states_with(
    profile: PartnerProfile, changed: ProgramContact | None, *, removed: bool = False
) -> list[ContactState]:
    states = [
        ContactState(contact.name, contact.is_spoc)
        for contact in profile.contacts.all()
        if changed is None or contact.pk != changed.pk
    ]
    if changed is not None and not removed:
        states.append(ContactState(changed.name, changed.is_spoc))
    return states


@transaction.atomic
def save_contact(*, acting_user: User, contact: ProgramContact) -> ProgramContact:
    """Create or update one contact, refusing a state without exactly one SPOC."""
    contact.full_clean()
    check_single_spoc(_states_with(contact.profile, contact))
    contact.save()
    return contact


@transaction.atomic
def delete_contact(*, acting_user: User, contact: ProgramContact) -> None:
    if contact.is_spoc:
        raise ValidationError(
            f"{contact.name} is the single point of contact; make another contact the SPOC "
            "before removing them.",
            code="spoc_delete",
        )
    contact.delete()


@transaction.atomic
def save_contacts(
    *,
    acting_user: User,
    profile: PartnerProfile,
    keep: list[ProgramContact],
    remove: list[ProgramContact],
) -> None:
    """Apply a whole edited contact list at once (the contacts page)."""
    check_single_spoc(ContactState(contact.name, contact.is_spoc) for contact in keep)
    for contact in remove:
        if contact.pk:
            contact.delete()
    # The database allows one SPOC at a time: demote before promoting.
    for contact in sorted(keep, key=lambda item: item.is_spoc):
        contact.profile = profile
        contact.save()


@transaction.atomic
def make_spoc(*, acting_user: User, contact: ProgramContact) -> ProgramContact:
    for previous in contact.profile.contacts.filter(is_spoc=True).exclude(pk=contact.pk):
        previous.is_spoc = False
        previous.save()
    contact.is_spoc = True
    contact.save()
    return contact


def spoc(profile: PartnerProfile) -> ProgramContact | None:
    return profile.contacts.filter(is_spoc=True).first()


# --- endorsements --------------------------------------------------------------------------


def check_endorsement_overlap(endorsement: Endorsement) -> None:
    """Two endorsement periods for the same workload must not overlap."""
    if endorsement.workload_id is None or endorsement.valid_from is None:
        return
    far_future = datetime.date.max
    end = endorsement.valid_to or far_future
    others = Endorsement.objects.filter(
        profile_id=endorsement.profile_id, workload_id=endorsement.workload_id
    ).exclude(pk=endorsement.pk)
    for other in others:
        if other.valid_from <= end and endorsement.valid_from <= (other.valid_to or far_future):
            until = other.valid_to.isoformat() if other.valid_to else "open-ended"
            message = (
                f"Overlaps the existing {other.workload} endorsement "
                f"({other.valid_from.isoformat()} to {until})."
            )
            raise ValidationError({"valid_from": ValidationError(message, code="overlap")})


@transaction.atomic
def save_endorsement(*, acting_user: User, endorsement: Endorsement) -> Endorsement:
    endorsement.full_clean()
    check_endorsement_overlap(endorsement)
    endorsement.save()
    return endorsement


def active_endorsements(
    profile: PartnerProfile, on: datetime.date | None = None
) -> list[Endorsement]:
    day = on or timezone.localdate()
    return [item for item in profile.endorsements.select_related("workload") if item.is_active(day)]


# --- referral profile ----------------------------------------------------------------------


def check_referral_pause(
    paused_until: datetime.date | None, today: datetime.date | None = None
) -> None:
    if paused_until is None:
        return
    today = today or timezone.localdate()
    longest = threshold_int("referral_pause_max_days")
    latest = today + datetime.timedelta(days=longest)
    if paused_until < today:
        message = "The pause must end today or later; clear the date to resume referrals."
        raise ValidationError(
            {"referrals_paused_until": ValidationError(message, code="pause_in_past")}
        )
    if paused_until > latest:
        message = (
            f"Referrals can be paused for at most {longest} days: "
            f"choose {latest.isoformat()} or earlier."
        )
        raise ValidationError(
            {"referrals_paused_until": ValidationError(message, code="pause_too_long")}
        )


@transaction.atomic
def save_referral_profile(
    *, acting_user: User, referral_profile: ReferralProfile
) -> ReferralProfile:
    referral_profile.full_clean()
    check_referral_pause(referral_profile.referrals_paused_until)
    referral_profile.save()
    return referral_profile
