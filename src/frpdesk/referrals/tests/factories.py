"""Test data for referrals: made through ``save_referral``, so the clocks are the real ones."""

import datetime
import uuid
from typing import Any

import factory

from frpdesk.catalog.models import Workload
from frpdesk.referrals.models import Referral, ReferralKind
from frpdesk.referrals.services import save_referral


class ReferralFactory(factory.django.DjangoModelFactory):
    """A pending referral; ``workloads=["exchange", "teams"]`` by code."""

    class Meta:
        model = Referral

    referral_id = factory.Sequence(lambda n: f"FT-TEST-{n:05d}")
    kind = ReferralKind.BENEFIT
    tenant_name = factory.Sequence(lambda n: f"Tenant {n:03d}")
    tenant_id = factory.LazyFunction(uuid.uuid4)
    tenant_domain = factory.LazyAttribute(
        lambda referral: referral.tenant_name.lower().replace(" ", "") + ".example"
    )
    assigned_on = datetime.date(2026, 3, 5)  # a Thursday

    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        codes = kwargs.pop("workloads", ["exchange"])
        referral = model_class(*args, **kwargs)
        return save_referral(
            acting_user=None,
            referral=referral,
            workloads=Workload.objects.filter(code__in=codes),
        )
