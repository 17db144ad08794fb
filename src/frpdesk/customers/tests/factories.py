"""Test data for customers: tenants, their tags and the people on both sides."""

import uuid
from typing import Any

import factory

from frpdesk.accounts.tests.factories import delivery_team
from frpdesk.customers.models import (
    ContactRole,
    Customer,
    CustomerContact,
    PartnerContact,
    PartnerRole,
    Tag,
)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag-{n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    """A tenant; ``tags=["retail", "priority"]`` attaches tags by name (created when new)."""

    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Customer {n:03d}")
    tenant_id = factory.LazyFunction(uuid.uuid4)
    primary_domain = factory.LazyAttribute(
        lambda customer: customer.name.lower().replace(" ", "") + ".onmicrosoft.com"
    )
    country = "US"
    team = factory.LazyFunction(delivery_team)

    @factory.post_generation
    def tags(self, create: bool, names: list[str] | None, **kwargs: Any) -> None:
        if create and names:
            self.tags.set([Tag.objects.get_or_create(name=name)[0] for name in names])


class CustomerContactFactory(factory.django.DjangoModelFactory):
    """A customer's contact; ``services_assisted=["teams"]`` ticks workloads by code."""

    class Meta:
        model = CustomerContact
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")
    role = ContactRole.IT_LEAD
    survey_eligible = False

    @factory.post_generation
    def services_assisted(self, create: bool, codes: list[str] | None, **kwargs: Any) -> None:
        if create and codes:
            from frpdesk.catalog.models import Workload

            self.services_assisted.set(Workload.objects.filter(code__in=codes))


class PartnerContactFactory(factory.django.DjangoModelFactory):
    """One of our people assigned to a customer; ``user`` must be given."""

    class Meta:
        model = PartnerContact

    customer = factory.SubFactory(CustomerFactory)
    role = PartnerRole.CONSULTANT
