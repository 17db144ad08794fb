"""State changes of the adoption area: usage imports, manual MAU entries, partner associations,
and PAU / AU% kept in step with the licence snapshots."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from frpdesk.accounts.models import User
from frpdesk.adoption.figures import au_pct
from frpdesk.adoption.models import PartnerAssociation, UsagePoint, UsageSource
from frpdesk.catalog.models import Workload
from frpdesk.customers.models import Customer
from frpdesk.licensing.services import workload_pau_history

# A snapshot taken shortly after a report's refresh date (reports lag 1–3 days behind the pull
# that also fetched the licences) stands in for the licences of that date when none is older.
PAU_LOOKAHEAD = datetime.timedelta(days=31)

PauHistory = list[tuple[datetime.date, dict[str, int]]]


def pau_on(
    history: PauHistory, workload_code: str, day: datetime.date
) -> tuple[int | None, datetime.date | None]:
    """(PAU, snapshot date) of the licence snapshot in force on ``day``; (None, None) if none."""
    in_force = [entry for entry in history if entry[0] <= day]
    if in_force:
        as_of, pau = in_force[-1]
    elif history and history[0][0] <= day + PAU_LOOKAHEAD:
        as_of, pau = history[0]
    else:
        return None, None
    return pau.get(workload_code, 0), as_of


def apply_pau(points: Sequence[UsagePoint], history: PauHistory) -> list[UsagePoint]:
    """Set PAU, its snapshot date and AU% on the points; returns those that changed."""
    changed = []
    for point in points:
        pau, as_of = pau_on(history, point.workload.code, point.refresh_date)
        percent = au_pct(point.mau, pau)
        if (point.pau, point.pau_as_of, point.au_pct) != (pau, as_of, percent):
            point.pau, point.pau_as_of, point.au_pct = pau, as_of, percent
            changed.append(point)
    return changed


def recompute_pau(customer_ids: Sequence[int] | None = None) -> int:
    """Recompute PAU and AU% of every usage point of the customers (all when None)."""
    points = UsagePoint.objects.select_related("workload")
    if customer_ids is not None:
        points = points.filter(customer_id__in=customer_ids)
    by_customer: dict[int, list[UsagePoint]] = {}
    for point in points:
        by_customer.setdefault(point.customer_id, []).append(point)
    histories = workload_pau_history(list(by_customer))
    changed: list[UsagePoint] = []
    for customer_id, customer_points in by_customer.items():
        changed += apply_pau(customer_points, histories.get(customer_id, []))
    with transaction.atomic():
        UsagePoint.objects.bulk_update(changed, ["pau", "pau_as_of", "au_pct"], batch_size=1000)
    return len(changed)


@transaction.atomic
def record_manual_mau(
    *,
    acting_user: User | None,
    customer: Customer,
    workload: Workload,
    refresh_date: datetime.date,
    mau: int,
    note: str = "",
) -> UsagePoint:
    """Enter (or correct) the MAU of a workload that has no usage report, e.g. from the partner
    dashboard; marked as manual."""
    if workload.has_usage_report:
        raise ValidationError(
            {
                "workload": f"{workload.name} has a usage report: import the report instead of "
                "entering its MAU by hand."
            }
        )
    if mau < 0:
        raise ValidationError({"mau": "MAU cannot be negative."})
    point = UsagePoint.objects.filter(
        customer=customer, workload=workload, refresh_date=refresh_date
    ).first() or UsagePoint(customer=customer, workload=workload, refresh_date=refresh_date)
    point.source, point.mau, point.note, point.entered_by = (
        UsageSource.MANUAL,
        mau,
        note,
        acting_user,
    )
    apply_pau([point], workload_pau_history([customer.pk]).get(customer.pk, []))
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def set_partner_association(
    *,
    acting_user: User | None,
    customer: Customer,
    workload: Workload,
    associated_on: datetime.date,
    note: str = "",
) -> PartnerAssociation:
    """Record when the partner's claim on the workload was approved (starts the starting peak)."""
    association, _ = PartnerAssociation.objects.update_or_create(
        customer=customer,
        workload=workload,
        defaults={"associated_on": associated_on, "note": note},
    )
    return association
