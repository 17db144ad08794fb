import datetime

import factory

from frpdesk.catalog.models import Workload
from frpdesk.partner.models import (
    Endorsement,
    PartnerProfile,
    ProgramContact,
    ProgramMembership,
    ReferralProfile,
)
from frpdesk.partner.services import PROFILE_PK


class PartnerProfileFactory(factory.django.DjangoModelFactory):
    """The partner profile with one SPOC, as the program requires."""

    class Meta:
        model = PartnerProfile
        django_get_or_create = ("pk",)
        skip_postgeneration_save = True

    pk = PROFILE_PK
    organisation_name = "Contoso Consulting"
    partner_id = "4871234"
    location_partner_id = "4871299"
    location_city = "Seattle"
    location_country = "US"
    # save_profile creates the referral profile with the profile; so does the factory.
    referral_profile = factory.RelatedFactory(
        "frpdesk.partner.tests.factories.ReferralProfileFactory", factory_related_name="profile"
    )
    spoc = factory.RelatedFactory(
        "frpdesk.partner.tests.factories.ProgramContactFactory",
        factory_related_name="profile",
        is_spoc=True,
        name="Avery Morgan",
        email="avery@contoso.example",
    )


class ProgramContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramContact

    profile = factory.SubFactory(PartnerProfileFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@contoso.example")
    title = "Consultant"
    is_spoc = False


class ProgramMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramMembership

    profile = factory.SubFactory(PartnerProfileFactory)
    name = factory.Sequence(lambda n: f"Contoso Region {n} – FRP")


class EndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endorsement

    profile = factory.SubFactory(PartnerProfileFactory)
    workload = factory.LazyFunction(lambda: Workload.objects.get(code="teams"))
    valid_from = datetime.date(2024, 1, 1)
    valid_to = None


class ReferralProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralProfile

    profile = factory.SubFactory(PartnerProfileFactory)
