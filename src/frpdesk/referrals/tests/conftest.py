from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def referral_contact(partner_profile: Any) -> Any:
    """The partner's referral contact, who gets the reminders."""
    from frpdesk.partner.tests.factories import ProgramContactFactory

    contact = ProgramContactFactory(
        profile=partner_profile, name="Riley Referrals", email="referrals@partner.example"
    )
    referral_profile = partner_profile.referral_profile
    referral_profile.referral_contact = contact
    referral_profile.save()
    return contact
