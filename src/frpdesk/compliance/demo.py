"""Demo compliance: the demo data adjusted so that every rule has something to find, then a few
check runs (two back-dated) so the score has a trend.

Called by ``core.demo`` after every other demo loader. What it adjusts, on the demo records:

- statuses on most delivered workloads (through the engagements service), leaving Fabrikam's
  Teams without one and Contoso Pharmaceuticals' OneDrive without its L3 detail, and the
  Contoso Pharmaceuticals events back-dated so that its workloads show no recent delivery;
- Alpine Ski House's contacts may not receive the satisfaction survey;
- one out-of-scope request is in delivery without a services contract;
- Woodgrove Bank's claimed Copilot loses adoption over its last three usage reports;
- survey responses from the satisfaction demo (Fabrikam's NSAT is below 80).

The stale status note (Contoso Pharmaceuticals), the unanswered referral (FT-DEMO-2001) and the
overdue claim come from the other demo loaders as they are. The SPOC is set in the demo: the
first back-dated run is taken while it is unmarked, so its finding shows, resolved, in the
history. Loading twice changes nothing: once a check run exists, this does nothing.
"""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import DeliveryStatus, Workload
from frpdesk.compliance.models import CheckRun, Trigger
from frpdesk.compliance.services import run_checks
from frpdesk.customers.models import Customer, CustomerContact
from frpdesk.engagements.models import Engagement, EngagementWorkload, TimelineEvent
from frpdesk.engagements.services import (
    endorsed_workload_ids,
    needs_routing,
    update_workload_status,
)
from frpdesk.partner.models import ProgramContact

STATUS = ("In Progress", "Technical Onboarding & Deployment")
NO_STATUS = ("fabrikam.example", "teams")
NO_L3 = ("contosopharma.example", "onedrive")
IDLE_DOMAIN = "contosopharma.example"
NO_SURVEY_DOMAIN = "alpineskihouse.example"
FALLING_DOMAIN, FALLING_WORKLOAD = "woodgrovebank.example", "copilot"
FALLING_MAU = (171, 144, 117)  # of 300 Copilot seats: 57 % → 48 % → 39 %
L3_TEXT = {
    "teams": "Meeting policies and Teams Rooms rollout with the IT team",
    "exchange": "Mail flow and retention policies reviewed; migration guidance next",
    "copilot": "Copilot readiness: data access review before the pilot group",
    "sharepoint": "Site architecture workshop done; permissions clean-up",
    "onedrive": "",
    "intune": "Windows enrolment profiles for the pilot devices",
    "entra_id": "Conditional Access baseline in report-only mode",
}


def _domain(domain: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_DNS, domain)


def _moment(days_ago: int) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def set_demo_statuses(consultant: User) -> None:
    status = DeliveryStatus.objects.filter(level1=STATUS[0], level2=STATUS[1]).first()
    if status is None:
        return
    endorsed = endorsed_workload_ids()
    delivered = EngagementWorkload.objects.filter(
        engagement__closed_on__isnull=True, status__isnull=True
    ).select_related("engagement__customer", "workload")
    for item in delivered:
        key = (item.engagement.customer.primary_domain, item.workload.code)
        if key == NO_STATUS or item.routing in ("hand_off", "rfa"):
            continue
        if needs_routing(item, endorsed):
            continue
        update_workload_status(
            acting_user=consultant,
            engagement_workload=item,
            status=status,
            status_l3="" if key == NO_L3 else L3_TEXT.get(item.workload.code, "In progress"),
        )
    # Nothing happened on Contoso Pharmaceuticals' workloads for five weeks.
    TimelineEvent.objects.filter(
        engagement__customer__tenant_id=_domain(IDLE_DOMAIN), at__gte=_moment(34)
    ).exclude(kind__in=("note_added", "claim_changed", "phase_changed")).update(at=_moment(36))


def hide_survey_contacts() -> None:
    CustomerContact.objects.filter(customer__tenant_id=_domain(NO_SURVEY_DOMAIN)).update(
        survey_eligible=False
    )


def deliver_uncovered_request() -> None:
    from frpdesk.scoping.models import CustomerRequest, RequestClass, RequestStatus

    outside = CustomerRequest.objects.filter(engagement__closed_on__isnull=True).exclude(
        classification=RequestClass.IN_SCOPE
    )
    if outside.filter(status=RequestStatus.IN_DELIVERY, contract__isnull=True).exists():
        return
    request = (
        outside.filter(contract__isnull=True).order_by("pk").first()
        or outside.order_by("pk").first()
    )
    if request is not None:
        CustomerRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.IN_DELIVERY, contract=None
        )


def falling_adoption() -> None:
    from frpdesk.adoption.figures import au_pct
    from frpdesk.adoption.models import UsagePoint, UsageSource

    customer = Customer.objects.filter(tenant_id=_domain(FALLING_DOMAIN)).first()
    workload = Workload.objects.filter(code=FALLING_WORKLOAD).first()
    if customer is None or workload is None:
        return
    seats = 300
    for weeks_ago, mau in zip((6, 4, 2), FALLING_MAU, strict=True):
        refresh_date = timezone.localdate() - datetime.timedelta(weeks=weeks_ago, days=2)
        UsagePoint.objects.update_or_create(
            customer=customer,
            workload=workload,
            refresh_date=refresh_date,
            defaults={
                "source": UsageSource.REPORT,
                "mau": mau,
                "pau": seats,
                "pau_as_of": refresh_date,
                "au_pct": au_pct(mau, seats),
                "note": "Microsoft 365 Copilot usage report (demo)",
            },
        )


def load_demo_compliance() -> None:
    if CheckRun.objects.exists():
        return
    admin = User.objects.filter(username="admin").first()
    consultant = User.objects.filter(username="consultant").first()
    try:
        from frpdesk.satisfaction.demo import load_demo_satisfaction
    except ImportError:  # pragma: no cover - the satisfaction area ships with this one
        pass
    else:
        load_demo_satisfaction()
    with transaction.atomic():
        if consultant is not None and Engagement.objects.exists():
            set_demo_statuses(consultant)
        hide_survey_contacts()
        deliver_uncovered_request()
        falling_adoption()
    now = timezone.now()
    spoc = list(ProgramContact.objects.filter(is_spoc=True).values_list("pk", flat=True))
    # Two weeks ago the SPOC had left and nobody was named yet.
    ProgramContact.objects.filter(pk__in=spoc).update(is_spoc=False)
    try:
        run_checks(
            trigger=Trigger.SCHEDULE, acting_user=None, now=now - datetime.timedelta(days=14)
        )
    finally:
        ProgramContact.objects.filter(pk__in=spoc).update(is_spoc=True)
    run_checks(trigger=Trigger.SCHEDULE, acting_user=None, now=now - datetime.timedelta(days=7))
    run_checks(trigger=Trigger.ON_DEMAND, acting_user=admin, now=now)
