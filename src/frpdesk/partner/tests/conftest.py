"""Fixtures shared by the partner tests."""

import pytest

from frpdesk.partner.models import PartnerProfile, ProgramContact
from frpdesk.partner.tests.factories import ProgramContactFactory


@pytest.fixture
def spoc(partner_profile: PartnerProfile) -> ProgramContact:
    return partner_profile.contacts.get(is_spoc=True)


@pytest.fixture
def colleague(partner_profile: PartnerProfile) -> ProgramContact:
    return ProgramContactFactory(profile=partner_profile, name="Blake Chen")
