"""Test data for adoption: usage points written directly (no report import), import jobs,
partner associations and Microsoft Graph connections."""

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

import factory

from frpdesk.adoption.figures import au_pct
from frpdesk.adoption.models import (
    GraphConnection,
    ImportSource,
    ImportStatus,
    PartnerAssociation,
    UsageImport,
    UsagePoint,
    UsageSource,
)
from frpdesk.catalog.models import Workload
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory


def workload(code: str) -> Workload:
    return Workload.objects.get(code=code)


class UsagePointFactory(factory.django.DjangoModelFactory):
    """A usage point; PAU and AU% are as given (``pau=None``: no licences), not recomputed."""

    class Meta:
        model = UsagePoint

    customer = factory.SubFactory(CustomerFactory)
    workload = factory.LazyFunction(lambda: workload("teams"))
    refresh_date = datetime.date(2025, 11, 20)
    source = UsageSource.REPORT
    mau = 10
    pau = 100
    pau_as_of = factory.LazyAttribute(lambda point: point.refresh_date if point.pau else None)
    au_pct = factory.LazyAttribute(lambda point: au_pct(point.mau, point.pau))


def usage_history(
    customer: Customer,
    workload_code: str,
    readings: Iterable[tuple[datetime.date, int, int | None]],
    **fields: Any,
) -> list[UsagePoint]:
    """Usage points of one workload from ``(refresh date, MAU, PAU)`` readings."""
    return [
        UsagePointFactory(
            customer=customer,
            workload=workload(workload_code),
            refresh_date=refresh_date,
            mau=mau,
            pau=pau,
            **fields,
        )
        for refresh_date, mau, pau in readings
    ]


class UsageImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsageImport

    customer = factory.SubFactory(CustomerFactory)
    file_name = factory.Sequence(lambda n: f"TeamsUserActivityUserDetail_{n}.csv")
    source = ImportSource.UPLOAD
    status = ImportStatus.QUEUED


class PartnerAssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerAssociation

    customer = factory.SubFactory(CustomerFactory)
    workload = factory.LazyFunction(lambda: workload("teams"))
    associated_on = datetime.date(2025, 9, 1)


class GraphConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GraphConnection

    customer = factory.SubFactory(CustomerFactory)
    tenant_id = factory.LazyAttribute(lambda connection: connection.customer.tenant_id)
    client_id = factory.LazyFunction(uuid.uuid4)
    client_secret = "s3cret-value-never-shown"
    enabled = True
