"""State changes of referrals: register, the clocks, first response, accept, decline, notes, and
the scheduled job that marks lost referrals and reminds the referral contact.

Clocks (stored on the referral, recomputed when the assignment date or the holiday list changes):

- first response due: ``referral_first_response_business_days`` (2) business days after the
  assignment date, skipping weekends and the catalog's holidays;
- acceptance due: ``referral_acceptance_days`` (7) calendar days after the assignment date.

A referral is **overdue** while it is pending and today is after its acceptance due date, or
after its first response due date with no first response recorded. The due day itself is not
overdue.
"""

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, When
from django.db.models.functions import Least
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.catalog.services import holidays, threshold_int
from frpdesk.core.businessdays import add_business_days
from frpdesk.customers.models import Customer
from frpdesk.customers.services import save_customer
from frpdesk.referrals.models import Acceptance, Referral, ReferralNote

if TYPE_CHECKING:
    from frpdesk.engagements.models import Engagement

logger = logging.getLogger(__name__)

REMIND_ACCEPTANCE_WITHIN_DAYS = 2


# --- clocks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clocks:
    first_response_due: datetime.date
    acceptance_due: datetime.date


def clocks_for(assigned_on: datetime.date, days_off: set[datetime.date] | None = None) -> Clocks:
    days_off = holidays() if days_off is None else days_off
    return Clocks(
        first_response_due=add_business_days(
            assigned_on, threshold_int("referral_first_response_business_days"), days_off
        ),
        acceptance_due=assigned_on
        + datetime.timedelta(days=threshold_int("referral_acceptance_days")),
    )


def overdue_condition(today: datetime.date) -> Q:
    """The rows ``is_overdue`` is true for, as a query condition."""
    return Q(acceptance=Acceptance.PENDING) & (
        Q(acceptance_due__lt=today)
        | Q(first_responded_on__isnull=True, first_response_due__lt=today)
    )


def is_overdue(referral: Referral, today: datetime.date) -> bool:
    if referral.acceptance != Acceptance.PENDING:
        return False
    if referral.acceptance_due < today:
        return True
    return referral.first_responded_on is None and referral.first_response_due < today


def next_due(referral: Referral) -> datetime.date | None:
    """The next deadline of a pending referral; None once it is decided."""
    if referral.acceptance != Acceptance.PENDING:
        return None
    if referral.first_responded_on is None:
        return min(referral.first_response_due, referral.acceptance_due)
    return referral.acceptance_due


def by_urgency(queryset: QuerySet[Referral], today: datetime.date) -> QuerySet[Referral]:
    """Pending referrals by their next deadline (overdue ones first), then the decided ones."""
    return queryset.annotate(
        next_due=Case(
            When(
                acceptance=Acceptance.PENDING,
                first_responded_on__isnull=True,
                then=Least("first_response_due", "acceptance_due"),
            ),
            When(acceptance=Acceptance.PENDING, then=F("acceptance_due")),
            default=None,
        ),
        is_overdue=Case(When(overdue_condition(today), then=True), default=False),
    ).order_by(F("next_due").asc(nulls_last=True), "acceptance_due", "referral_id")


def recompute_clocks(*, referrals: Iterable[Referral] | None = None) -> int:
    """Store fresh due dates (after the holiday list changed); returns how many changed."""
    days_off = holidays()
    changed = 0
    for referral in referrals if referrals is not None else Referral.objects.iterator():
        clocks = clocks_for(referral.assigned_on, days_off)
        if (referral.first_response_due, referral.acceptance_due) != (
            clocks.first_response_due,
            clocks.acceptance_due,
        ):
            referral.first_response_due = clocks.first_response_due
            referral.acceptance_due = clocks.acceptance_due
            referral.save(update_fields=["first_response_due", "acceptance_due", "updated_at"])
            changed += 1
    return changed


# --- register --------------------------------------------------------------------------------


def referrals_paused_on(day: datetime.date) -> bool:
    from frpdesk.partner.models import ReferralProfile

    profile = ReferralProfile.objects.first()
    return profile is not None and profile.paused_on(day)


@transaction.atomic
def save_referral(
    *,
    acting_user: User | None,
    referral: Referral,
    workloads: Iterable[Workload] | None = None,
) -> Referral:
    """Create or update a referral by hand or from an import; the clocks follow the assignment."""
    is_new = referral.pk is None
    referral.tenant_domain = referral.tenant_domain.strip().lower()
    if referral.assigned_on is not None:
        clocks = clocks_for(referral.assigned_on)
        referral.first_response_due = clocks.first_response_due
        referral.acceptance_due = clocks.acceptance_due
        if is_new:
            referral.received_while_paused = referrals_paused_on(referral.assigned_on)
    if is_new and referral.created_by_id is None and acting_user is not None:
        referral.created_by = acting_user
    if referral.customer_id is None and referral.tenant_id is not None:
        referral.customer = Customer.objects.filter(tenant_id=referral.tenant_id).first()
    if referral.acceptance == Acceptance.DECLINED and not referral.decline_reason.strip():
        raise ValidationError({"decline_reason": "A declined referral needs a decline reason."})
    referral.full_clean()
    referral.save()
    if workloads is not None:
        referral.workloads.set(list(workloads))
    return referral


def _locked_pending(referral: Referral, doing: str) -> Referral:
    """The referral, re-read under a row lock; refused unless it is still pending."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.acceptance != Acceptance.PENDING:
        decided = f" on {current.decided_on.isoformat()}" if current.decided_on else ""
        raise ValidationError(
            f"Referral {current.referral_id} cannot be {doing}: it was already "
            f"{current.get_acceptance_display().lower()}{decided}. Only pending referrals can be.",
            code="not_pending",
        )
    return current


@transaction.atomic
def record_first_response(
    *, acting_user: User | None, referral: Referral, on: datetime.date | None = None
) -> Referral:
    """The customer has heard from us (mail or call); stops the first-response clock."""
    current = _locked_pending(referral, "answered")
    day = on or timezone.localdate()
    if current.first_responded_on is not None:
        raise ValidationError(
            f"The first response to {current.referral_id} was already recorded on "
            f"{current.first_responded_on.isoformat()}.",
            code="already_responded",
        )
    if day < current.assigned_on:
        raise ValidationError(
            {
                "first_responded_on": "The first response cannot be before the assignment on "
                f"{current.assigned_on.isoformat()}."
            }
        )
    current.first_responded_on = day
    current.save(update_fields=["first_responded_on", "updated_at"])
    return current


def _tenant_customer(acting_user: User | None, referral: Referral) -> Customer:
    """The customer of the referral's tenant, created from the referral when there is none."""
    if referral.customer_id is not None:
        assert referral.customer is not None
        return referral.customer
    if referral.tenant_id is None:
        raise ValidationError(
            {
                "tenant_id": f"Referral {referral.referral_id} has no tenant ID: enter it on the "
                "referral before accepting, so the customer can be linked or created."
            }
        )
    existing = Customer.objects.filter(tenant_id=referral.tenant_id).first()
    if existing is not None:
        return existing
    return save_customer(
        acting_user=acting_user,
        customer=Customer(
            name=referral.tenant_name,
            tenant_id=referral.tenant_id,
            primary_domain=referral.tenant_domain,
        ),
    )


@transaction.atomic
def accept_referral(
    *,
    acting_user: User | None,
    referral: Referral,
    owner: User | None = None,
    workloads: Sequence[Workload] | None = None,
) -> "Engagement":
    """Accept: link or create the customer and open an engagement with the referral's workloads."""
    from frpdesk.engagements.models import Origin, WorkloadSource
    from frpdesk.engagements.services import open_engagement

    current = _locked_pending(referral, "accepted")
    chosen = list(workloads) if workloads is not None else list(current.workloads.all())
    if not chosen:
        raise ValidationError(
            {"workloads": "Choose at least one workload for the engagement."}, code="no_workloads"
        )
    today = timezone.localdate()
    current.customer = _tenant_customer(acting_user, current)
    current.acceptance = Acceptance.ACCEPTED
    current.decided_on = today
    current.first_responded_on = current.first_responded_on or today
    current.save()
    engagement = open_engagement(
        acting_user=acting_user,
        customer=current.customer,
        origin=Origin.REFERRAL,
        workloads=chosen,
        owner=owner if owner is not None else acting_user,
        referral=current,
        source=WorkloadSource.REFERRED,
    )
    referral.refresh_from_db()
    return engagement


@transaction.atomic
def decline_referral(*, acting_user: User | None, referral: Referral, reason: str) -> Referral:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "decline_reason": "Give a reason to decline the referral; Partner Center requires one."
            }
        )
    current = _locked_pending(referral, "declined")
    today = timezone.localdate()
    current.acceptance = Acceptance.DECLINED
    current.decline_reason = reason
    current.decided_on = today
    current.first_responded_on = current.first_responded_on or today
    current.save()
    referral.refresh_from_db()
    return current


@transaction.atomic
def add_note(*, acting_user: User | None, referral: Referral, text: str) -> ReferralNote:
    """Append to the notes history (notes are never edited or deleted)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the note first."})
    note = ReferralNote(referral=referral, text=text, author=acting_user)
    note.full_clean()
    note.save()
    return note


# --- the scheduled job -----------------------------------------------------------------------


@transaction.atomic
def reassign_expired(*, today: datetime.date | None = None) -> list[Referral]:
    """Pending referrals past their acceptance due date are lost (Microsoft reassigns them)."""
    today = today or timezone.localdate()
    lost = list(
        Referral.objects.select_for_update().filter(
            acceptance=Acceptance.PENDING, acceptance_due__lt=today
        )
    )
    for referral in lost:
        referral.acceptance = Acceptance.REASSIGNED
        referral.decided_on = referral.acceptance_due + datetime.timedelta(days=1)
        referral.save(update_fields=["acceptance", "decided_on", "updated_at"])
        logger.info("Referral %s was not accepted in time: reassigned", referral.referral_id)
    return lost


def needing_reminder(today: datetime.date) -> QuerySet[Referral]:
    """Pending referrals whose first response is due today or overdue, or whose acceptance is
    due within two days, and that were not reminded of today."""
    return (
        Referral.objects.filter(acceptance=Acceptance.PENDING)
        .filter(
            Q(first_responded_on__isnull=True, first_response_due__lte=today)
            | Q(acceptance_due__lte=today + datetime.timedelta(days=REMIND_ACCEPTANCE_WITHIN_DAYS))
        )
        .exclude(reminder_sent_on=today)
        .order_by("acceptance_due", "referral_id")
    )


def _reminder_line(referral: Referral, today: datetime.date) -> str:
    parts = [f"- {referral.referral_id} ({referral.tenant_name}):"]
    if referral.first_responded_on is None:
        parts.append(f"first response due {referral.first_response_due.isoformat()};")
    parts.append(f"accept by {referral.acceptance_due.isoformat()}")
    if is_overdue(referral, today):
        parts.append("(OVERDUE)")
    return " ".join(parts)


@transaction.atomic
def send_reminders(*, today: datetime.date | None = None) -> int:
    """One email to the referral contact listing the referrals that need an answer; each referral
    is in at most one reminder a day. Returns how many referrals were in it."""
    from frpdesk.partner.models import ReferralProfile

    today = today or timezone.localdate()
    profile = ReferralProfile.objects.select_related("referral_contact").first()
    contact = profile.referral_contact if profile else None
    if contact is None or not contact.email:
        logger.warning("Referral reminders not sent: the partner has no referral contact set")
        return 0
    due = list(needing_reminder(today).select_for_update())
    if not due:
        return 0
    Referral.objects.filter(pk__in=[referral.pk for referral in due]).update(reminder_sent_on=today)
    subject = (
        f"{len(due)} FastTrack referral{'s' if len(due) != 1 else ''} need"
        f"{'' if len(due) != 1 else 's'} an answer"
    )
    body = "\n".join(
        [
            f"Hello {contact.name},",
            "",
            "These FastTrack referrals need a first response (within 2 business days of "
            "assignment) or a decision (within 7 days, after which Microsoft reassigns them):",
            "",
            *(_reminder_line(referral, today) for referral in due),
            "",
            "Answer them in Partner Center and record the answer in frpdesk.",
        ]
    )
    recipient = contact.email
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    )
    return len(due)
