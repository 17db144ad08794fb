import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.satisfaction import services
from frpdesk.satisfaction.demo import DEMO_RESPONSES, load_demo_satisfaction
from frpdesk.satisfaction.models import SurveyImport, SurveyResponse


@pytest.mark.django_db
def test_demo_overall_above_80_one_customer_below_and_idempotent() -> None:
    load_demo_satisfaction()  # no demo customer yet: nothing to do
    assert not SurveyImport.objects.exists()
    customers = {
        domain: CustomerFactory(
            name=domain.split(".")[0].title(),
            primary_domain=domain,
            tenant_id=uuid.uuid5(uuid.NAMESPACE_DNS, domain),
        )
        for domain in DEMO_RESPONSES
    }

    load_demo_satisfaction()
    load_demo_satisfaction()

    assert SurveyImport.objects.count() == 1
    assert SurveyResponse.objects.count() == sum(len(rows) for rows in DEMO_RESPONSES.values())
    start, end = services.default_period(timezone.localdate())
    quarter = services.responses_between(start, end)
    overall = services.overall_nsat(quarter).value
    assert overall is not None
    assert overall > Decimal(80)
    below = [
        pk
        for pk, nsat in services.nsat_by_customer(quarter).items()
        if services.is_below(nsat, Decimal(80))
    ]
    assert below == [customers["fabrikam.example"].pk]
    assert len(services.nsat_by_month(SurveyResponse.objects.all())) >= 5
    assert SurveyResponse.objects.filter(
        responded_on__lt=timezone.localdate() - datetime.timedelta(days=90)
    ).exists()
