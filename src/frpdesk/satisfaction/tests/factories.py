"""Test data for satisfaction: imports written directly (no file) and responses."""

import datetime
from collections.abc import Iterable

import factory

from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.satisfaction.models import Rating, SurveyImport, SurveyResponse


class SurveyImportFactory(factory.django.DjangoModelFactory):
    """An import without responses; deletable (its responses go with it)."""

    class Meta:
        model = SurveyImport

    file_name = factory.Sequence(lambda n: f"survey-{n}.csv")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    rows = 0


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    """A very satisfied response of a new customer, dated today; deletable."""

    class Meta:
        model = SurveyResponse

    customer = factory.SubFactory(CustomerFactory)
    responded_on = factory.LazyFunction(datetime.date.today)
    rating = Rating.VERY_SATISFIED
    comment = "Clear guidance."


def responses(
    customer: Customer,
    ratings: Iterable[Rating],
    on: datetime.date | None = None,
) -> list[SurveyResponse]:
    """One response of ``customer`` per rating, all dated ``on`` (today by default)."""
    day = on or datetime.date.today()
    return [
        SurveyResponseFactory(customer=customer, rating=rating, responded_on=day)
        for rating in ratings
    ]
