"""Test data for licences: snapshots and their lines, and a helper that computes eligibility."""

import datetime
from collections.abc import Mapping
from typing import Any

import factory
from django.utils import timezone

from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.licensing.models import LicenseSnapshot, SnapshotLine, SnapshotSource
from frpdesk.licensing.services import ParsedLine, SnapshotOutcome, save_snapshot


class LicenseSnapshotFactory(factory.django.DjangoModelFactory):
    """A bare snapshot row; use ``import_licences`` when the eligibility must be computed."""

    class Meta:
        model = LicenseSnapshot

    customer = factory.SubFactory(CustomerFactory)
    as_of = factory.LazyFunction(timezone.localdate)
    source = SnapshotSource.CSV
    file_name = "licences.csv"
    content_hash = factory.Sequence(lambda n: f"{n:064x}")


class SnapshotLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SnapshotLine

    snapshot = factory.SubFactory(LicenseSnapshotFactory)
    sku_part_number = factory.Sequence(lambda n: f"TEST_SKU_{n}")
    enabled = 0


def import_licences(
    customer: Customer,
    units: Mapping[str, int | tuple[int, ...]],
    *,
    as_of: datetime.date | None = None,
    acting_user: Any = None,
    file_name: str = "licences.csv",
) -> SnapshotOutcome:
    """Record ``{sku_part_number: enabled}`` (or ``(enabled, suspended, warning, consumed)``)
    as the tenant's licences on ``as_of`` through the licensing service, so the eligibility is
    computed exactly as an import does."""
    lines = []
    for part_number, value in units.items():
        enabled, suspended, warning, consumed = (
            (*value, 0, 0, 0, 0)[:4] if isinstance(value, tuple) else (value, 0, 0, 0)
        )
        lines.append(ParsedLine(part_number, enabled, suspended, warning, consumed=consumed))
    return save_snapshot(
        acting_user=acting_user,
        customer=customer,
        lines=lines,
        as_of=as_of or timezone.localdate(),
        source=SnapshotSource.CSV,
        file_name=file_name,
    )
