"""State changes of CPOR claims: the register, the rules at submission, the state machine with its
business-day clocks, the scheduled clock check, conflicts and the Partner Center hand-over.

States and clocks (DESIGN.md §2, "CPOR claims"; business days skip weekends and the catalog's
holidays, the day a state starts does not count):

- Draft → Submitted: only through ``submit_claim``, which checks every rule first;
- Submitted: Microsoft starts the review within 5 business days (``deadline``);
- Under review: decided within 14 business days → Approved | Rejected | Partner action required;
- Partner action required: 14 business days to answer (→ Under review), else Rejected by the
  scheduled job (transition source "timer");
- Rejected: disputable once, within 30 calendar days (→ Dispute → Approved | Rejected final).

A claim is **overdue** while it waits on a clock (Submitted, Under review, Partner action
required) and today is after its deadline; the deadline day itself is not overdue. Approval sets
the partner association date of every claimed workload (adoption's starting high-water mark).
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.adoption.services import set_partner_association
from frpdesk.catalog.models import Workload
from frpdesk.catalog.services import holidays
from frpdesk.claims.models import (
    HOLDING_STATES,
    Claim,
    ClaimState,
    ClaimTransition,
    ClaimWorkload,
    ExternalClaim,
    TransitionSource,
)
from frpdesk.core.businessdays import add_business_days, business_days_between
from frpdesk.core.imports import ImportFailure
from frpdesk.customers.models import ContactRole, Customer
from frpdesk.engagements.models import Engagement, EventKind, Routing
from frpdesk.engagements.services import endorsed_workload_ids, record_event
from frpdesk.licensing.models import Eligibility
from frpdesk.partner.services import current_profile
from frpdesk.sow.models import SignedSow
from frpdesk.sow.services import poe_check, sha256

REVIEW_START_BUSINESS_DAYS = 5
REVIEW_BUSINESS_DAYS = 14
ACTION_BUSINESS_DAYS = 14
DISPUTE_CALENDAR_DAYS = 30

# The legal moves; anything else is refused with the reason. Draft → Submitted is listed so the
# graph is complete, but only ``submit_claim`` (which checks the rules) takes it.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ClaimState.DRAFT: (ClaimState.SUBMITTED,),
    ClaimState.SUBMITTED: (ClaimState.UNDER_REVIEW,),
    ClaimState.UNDER_REVIEW: (
        ClaimState.APPROVED,
        ClaimState.REJECTED,
        ClaimState.ACTION_REQUIRED,
    ),
    ClaimState.ACTION_REQUIRED: (ClaimState.UNDER_REVIEW, ClaimState.REJECTED),
    ClaimState.REJECTED: (ClaimState.DISPUTE,),
    ClaimState.DISPUTE: (ClaimState.APPROVED, ClaimState.REJECTED_FINAL),
    ClaimState.APPROVED: (),
    ClaimState.REJECTED_FINAL: (),
}
# States waiting on a clock that can run out (the job flags them; Rejected's window just closes).
CLOCKED_STATES = (ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW, ClaimState.ACTION_REQUIRED)
DEADLINE_LABELS = {
    ClaimState.SUBMITTED: "review starts by",
    ClaimState.UNDER_REVIEW: "decision due by",
    ClaimState.ACTION_REQUIRED: "answer by",
    ClaimState.REJECTED: "dispute by",
}
# Microsoft gives a reason with these; the claim keeps the latest.
REASONED_STATES = (ClaimState.ACTION_REQUIRED, ClaimState.REJECTED, ClaimState.REJECTED_FINAL)
REFERENCE_PREFIX = "CLM-"


def label(state: str) -> str:
    return str(ClaimState(state).label)


def reference(claim: Claim) -> str:
    """Our reference of a claim (``CLM-<id>``); status files may name a claim by it."""
    return f"{REFERENCE_PREFIX}{claim.pk}"


# --- clocks ----------------------------------------------------------------------------------


def deadline_for(
    state: str, since: datetime.date, days_off: set[datetime.date] | None = None
) -> datetime.date | None:
    """When the clock of ``state``, entered on ``since``, runs out; None for a state without one."""
    if state == ClaimState.REJECTED:
        return since + datetime.timedelta(days=DISPUTE_CALENDAR_DAYS)
    business_days = {
        ClaimState.SUBMITTED: REVIEW_START_BUSINESS_DAYS,
        ClaimState.UNDER_REVIEW: REVIEW_BUSINESS_DAYS,
        ClaimState.ACTION_REQUIRED: ACTION_BUSINESS_DAYS,
    }.get(ClaimState(state))
    if business_days is None:
        return None
    return add_business_days(since, business_days, holidays() if days_off is None else days_off)


def overdue_condition(today: datetime.date) -> Q:
    """The rows ``is_overdue`` is true for, as a query condition."""
    return Q(state__in=CLOCKED_STATES, deadline__lt=today)


def is_overdue(claim: Claim, today: datetime.date) -> bool:
    return claim.state in CLOCKED_STATES and claim.deadline is not None and claim.deadline < today


def time_left(
    claim: Claim, today: datetime.date, days_off: set[datetime.date] | None = None
) -> str:
    """The current clock in words, e.g. "answer by 2026-03-20 (3 business days left)"."""
    if claim.deadline is None:
        return ""
    words = f"{DEADLINE_LABELS[ClaimState(claim.state)]} {claim.deadline.isoformat()}"
    if claim.state == ClaimState.REJECTED:
        days = (claim.deadline - today).days
        return f"{words} ({days} day{'s' if days != 1 else ''} left)" if days >= 0 else ""
    left = business_days_between(
        today, claim.deadline, holidays() if days_off is None else days_off
    )
    if left < 0:
        return f"{words} (overdue by {-left} business day{'s' if left != -1 else ''})"
    if left == 0:
        return f"{words} (due today)"
    return f"{words} ({left} business day{'s' if left != 1 else ''} left)"


def recompute_deadlines() -> int:
    """Store fresh business-day deadlines (after the holiday list changed); returns how many
    changed."""
    days_off = holidays()
    changed = 0
    for claim in Claim.objects.filter(state__in=CLOCKED_STATES).iterator():
        deadline = deadline_for(claim.state, claim.state_since, days_off)
        if deadline != claim.deadline:
            claim.deadline = deadline
            claim.save(update_fields=["deadline", "updated_at"])
            changed += 1
    return changed


# --- register --------------------------------------------------------------------------------


def delivered_workloads(engagement: Engagement) -> list[Workload]:
    """The engagement's workloads we deliver (not handed off, not sent to an RFA)."""
    from frpdesk.sow.document import claimed_workloads

    return claimed_workloads(engagement)


def latest_passing_sow(engagement: Engagement) -> SignedSow | None:
    return engagement.signed_sows.filter(poe_ok=True).defer("document").first()


def initial_for(engagement: Engagement, acting_user: User | None) -> dict[str, Any]:
    """A new claim's fields taken from its engagement: customer, tenant, workloads we deliver,
    the newest passing signed SOW and the sponsor's (else the IT lead's) contact."""
    customer = engagement.customer
    workloads = delivered_workloads(engagement)
    contacts = list(customer.contacts.all())
    contact = next(
        (
            item
            for role in (ContactRole.SPONSOR, ContactRole.IT_LEAD)
            for item in contacts
            if item.role == role
        ),
        contacts[0] if contacts else None,
    )
    profile = current_profile()
    return {
        "customer": customer,
        "engagement": engagement,
        "name": f"{customer.name}: {', '.join(w.name for w in workloads)}"[:200],
        "location_partner_id": profile.location_partner_id if profile else "",
        "tenant_id": customer.tenant_id,
        "customer_contact_name": contact.name if contact else "",
        "customer_contact_title": contact.title if contact else "",
        "customer_contact_email": contact.email if contact else "",
        "partner_contact": acting_user,
        "poe_signed_sow": latest_passing_sow(engagement),
        "workloads": workloads,
    }


def check_draft(claim: Claim, doing: str) -> None:
    if claim.state != ClaimState.DRAFT:
        raise ValidationError(
            f"{claim} cannot be {doing}: it is {label(claim.state).lower()}. Only drafts can be; "
            "Partner Center holds the submitted claim.",
            code="not_draft",
        )


@transaction.atomic
def save_claim(
    *,
    acting_user: User | None,
    claim: Claim,
    workloads: Iterable[Workload] | None = None,
) -> Claim:
    """Create or edit a draft claim; the tenant is the customer's, the PoE file is kept apart.
    Once submitted, only the Partner Center reference (given after submission) may change."""
    if claim.pk is not None:
        current = Claim.objects.select_for_update().get(pk=claim.pk)
        if current.state != ClaimState.DRAFT and _changed_after_submission(
            current, claim, workloads
        ):
            check_draft(current, "edited")
    if claim.engagement_id is not None and claim.customer_id is not None:
        assert claim.engagement is not None
        if claim.engagement.customer_id != claim.customer_id:
            raise ValidationError(
                {"engagement": f"{claim.engagement} is an engagement of another customer."}
            )
    if claim.customer_id is not None and not claim.tenant_id:
        claim.tenant_id = claim.customer.tenant_id
    if claim.poe_signed_sow_id is not None:
        assert claim.poe_signed_sow is not None
        if claim.poe_signed_sow.engagement_id != claim.engagement_id:
            raise ValidationError(
                {"poe_signed_sow": "Pick a signed SOW of the claim's engagement."}
            )
    is_new = claim.pk is None
    if is_new:
        claim.state = ClaimState.DRAFT
        claim.state_since = claim.state_since or timezone.localdate()  # drafted earlier: given
        claim.created_by = claim.created_by or acting_user
    claim.full_clean()
    claim.save()
    if workloads is not None:
        chosen = {workload.pk: workload for workload in workloads}
        if not chosen:
            raise ValidationError({"workloads": "Choose at least one workload to claim."})
        claim.workloads.exclude(workload__in=list(chosen)).delete()
        existing = set(claim.workloads.values_list("workload_id", flat=True))
        ClaimWorkload.objects.bulk_create(
            ClaimWorkload(claim=claim, workload=workload)
            for pk, workload in chosen.items()
            if pk not in existing
        )
    if is_new and claim.engagement is not None:
        record_event(
            claim.engagement,
            EventKind.CLAIM_CHANGED,
            f"CPOR claim “{claim.name}” drafted ({reference(claim)}).",
            acting_user,
            claim=claim.pk,
            state=claim.state,
        )
    return claim


# What may still change once Partner Center holds the claim.
EDITABLE_AFTER_SUBMISSION = {"partner_center_reference", "updated_at"}


def _changed_after_submission(
    current: Claim, claim: Claim, workloads: Iterable[Workload] | None
) -> bool:
    if workloads is not None and {w.pk for w in workloads} != set(
        current.workloads.values_list("workload_id", flat=True)
    ):
        return True
    return any(
        getattr(current, field.attname) != getattr(claim, field.attname)
        for field in Claim._meta.concrete_fields
        if field.name not in EDITABLE_AFTER_SUBMISSION
    )


@transaction.atomic
def attach_poe_file(
    *, acting_user: User | None, claim: Claim, file_name: str, content: bytes
) -> Claim:
    """Use an uploaded file (not a stored signed SOW) as the draft's proof of execution."""
    from pathlib import Path

    check_draft(claim, "given another proof of execution")
    if not content:
        raise ValidationError({"document": f"{file_name} is empty."})
    claim.poe_signed_sow = None
    claim.poe_file_name = Path(file_name).name[:200]
    claim.document = content
    claim.poe_sha256 = sha256(content)
    claim.save(
        update_fields=["poe_signed_sow", "poe_file_name", "document", "poe_sha256", "updated_at"]
    )
    return claim


@transaction.atomic
def delete_claim(*, acting_user: User | None, claim: Claim) -> None:
    check_draft(claim, "deleted")
    if claim.engagement is not None:
        record_event(
            claim.engagement,
            EventKind.CLAIM_CHANGED,
            f"Draft CPOR claim “{claim.name}” deleted.",
            acting_user,
            claim=claim.pk,
        )
    claim.delete()


# --- rules at submission ---------------------------------------------------------------------


def services_agreement(engagement: Engagement | None) -> SignedSow | None:
    """The services agreement for Benefit services: a customer-signed SOW of the engagement that
    passes the proof-of-execution preflight (signature, current dates, services, workloads)."""
    if engagement is None:
        return None
    return latest_passing_sow(engagement)


def conflicts(customer: Customer, workloads: Iterable[Workload] | None = None) -> QuerySet[Any]:
    rows = ExternalClaim.objects.filter(customer=customer).select_related("workload")
    return rows.filter(workload__in=list(workloads)) if workloads is not None else rows


def _poe_problems(claim: Claim) -> list[str]:
    if claim.poe_signed_sow is not None:
        signed = claim.poe_signed_sow
        if signed.poe_ok:
            return []
        missing = "; ".join(signed.poe_missing) or "see the SOW tab"
        return [f"The proof of execution ({signed.file_name}) fails the SOW preflight: {missing}."]
    if not claim.poe_file_name:
        return [
            "No proof of execution: pick the customer-signed SOW or upload the signed document."
        ]
    if claim.engagement is None:
        return [
            f"The uploaded proof of execution ({claim.poe_file_name}) is checked against the "
            "engagement's workloads: link the claim to its engagement."
        ]
    try:
        result = poe_check(
            engagement=claim.engagement,
            file_name=claim.poe_file_name,
            content=bytes(claim.document or b""),
        )
    except ImportFailure as failure:
        return [f"The proof of execution cannot be read: {failure}."]
    if result.ok:
        return []
    return [
        f"The proof of execution ({claim.poe_file_name}) fails the SOW preflight: "
        f"{'; '.join(result.missing)}."
    ]


def submission_problems(claim: Claim, today: datetime.date | None = None) -> list[str]:
    """Every rule the claim fails (all of them, in a stable order); empty when it may be sent."""
    problems: list[str] = []
    workloads = [item.workload for item in claim.workloads.select_related("workload")]
    if not workloads:
        problems.append("The claim has no workload: choose at least one.")
    eligibility = Eligibility.objects.filter(
        customer=claim.customer_id
    ).first()  # fresh, not cached
    if eligibility is None:
        problems.append(
            f"{claim.customer} has no licence snapshot, so its eligibility is unknown: import "
            "the tenant's licences first."
        )
    endorsed = endorsed_workload_ids(today)
    routings = (
        dict(claim.engagement.workloads.values_list("workload_id", "routing"))
        if claim.engagement is not None
        else {}
    )
    holding = (
        ClaimWorkload.objects.filter(
            claim__customer=claim.customer,
            claim__state__in=HOLDING_STATES,
            workload__in=workloads,
        )
        .exclude(claim=claim)
        .select_related("claim")
    )
    held = {item.workload_id: item.claim for item in holding}
    for workload in workloads:
        if eligibility is not None and not (eligibility.workloads or {}).get(workload.code, {}).get(
            "eligible"
        ):
            problems.append(
                f"The tenant is not eligible for {workload.name} (licences as of "
                f"{eligibility.as_of.isoformat()})."
            )
        if workload.pk not in endorsed and routings.get(workload.pk) != Routing.DELIVER:
            problems.append(
                f"We are not endorsed for {workload.name} and the engagement records no decision "
                "to deliver it ourselves."
            )
        if workload.pk in held:
            other = held[workload.pk]
            problems.append(
                f"{workload.name} is already in our claim {reference(other)} “{other}” "
                f"({label(other.state).lower()})."
            )
    for conflict in conflicts(claim.customer, workloads):
        problems.append(
            f"Partner Center reports {conflict.workload.name} claimed by "
            f"{conflict.partner_name or 'another partner'} (seen {conflict.seen_on.isoformat()})."
        )
    problems.extend(_poe_problems(claim))
    if services_agreement(claim.engagement) is None:
        problems.append(
            "No services agreement is signed: upload the customer-signed SOW (passing the "
            "preflight) on the engagement's SOW tab."
            if claim.engagement is not None
            else "No services agreement is signed: link the claim to its engagement, whose "
            "customer-signed SOW is the agreement."
        )
    return problems


class SubmissionRefused(ValidationError):
    """A submission that failed rules; ``failed_rules`` lists every one."""

    def __init__(self, claim: Claim, failed_rules: list[str]) -> None:
        self.failed_rules = failed_rules
        super().__init__(
            f"{claim} was not submitted: {len(failed_rules)} rule"
            f"{'s' if len(failed_rules) != 1 else ''} failed.",
            code="rules_failed",
        )


def submit_claim(
    *, acting_user: User | None, claim: Claim, on: datetime.date | None = None
) -> Claim:
    """Submit after checking every rule. Refused (``SubmissionRefused``) with all failed rules,
    which stay on the claim so its page shows them."""
    with transaction.atomic():
        current = Claim.objects.select_for_update().get(pk=claim.pk)
        check_draft(current, "submitted")
        problems = submission_problems(current, on)
        if not problems:
            current.failed_rules = []
            return apply_transition(
                acting_user=acting_user,
                claim=current,
                state=ClaimState.SUBMITTED,
                on=on or timezone.localdate(),
                reason="",
                source=TransitionSource.MANUAL,
            )
        Claim.objects.filter(pk=claim.pk).update(failed_rules=problems)
    claim.failed_rules = problems
    raise SubmissionRefused(claim, problems)


# --- transitions -----------------------------------------------------------------------------


def check_move(claim: Claim, state: str, on: datetime.date, today: datetime.date) -> None:
    """Refuse an illegal move with what is allowed instead."""
    allowed = TRANSITIONS[ClaimState(claim.state)]
    if state not in allowed:
        options = ", ".join(label(item) for item in allowed) or "nothing (it is final)"
        raise ValidationError(
            f"{claim} cannot go from {label(claim.state)} to {label(state)}; from "
            f"{label(claim.state)} it may go to {options}.",
            code="illegal_transition",
        )
    if on > today:
        raise ValidationError({"on": f"{on.isoformat()} is in the future."})
    if on < claim.state_since:
        raise ValidationError(
            {
                "on": f"{on.isoformat()} is before {claim} became {label(claim.state).lower()} "
                f"on {claim.state_since.isoformat()}."
            }
        )
    if state == ClaimState.DISPUTE and claim.deadline is not None and on > claim.deadline:
        raise ValidationError(
            f"{claim} can no longer be disputed: the 30 days after its rejection ended on "
            f"{claim.deadline.isoformat()}.",
            code="dispute_window_closed",
        )


def apply_transition(
    *,
    acting_user: User | None,
    claim: Claim,
    state: str,
    on: datetime.date,
    reason: str,
    source: str,
    today: datetime.date | None = None,
) -> Claim:
    """Enter ``state`` on ``on`` if the move is legal: the clock, the dates, the history, the
    associations, the event. The caller holds the row lock and, for a submission, has checked
    the rules (``submit_claim``)."""
    check_move(claim, state, on, today or timezone.localdate())
    previous = claim.state
    claim.state = state
    claim.state_since = on
    claim.deadline = deadline_for(state, on)
    claim.overdue_flagged_at = None
    date_field = {
        ClaimState.SUBMITTED: "submitted_on",
        ClaimState.APPROVED: "approved_on",
        ClaimState.REJECTED: "rejected_on",
        ClaimState.DISPUTE: "disputed_on",
    }.get(ClaimState(state))
    if date_field:
        setattr(claim, date_field, on)
    if state in REASONED_STATES:
        claim.reason = reason
    claim.save()
    ClaimTransition.objects.create(
        claim=claim,
        from_state=previous,
        to_state=state,
        on=on,
        reason=reason,
        source=source,
        actor=acting_user,
    )
    if state == ClaimState.APPROVED:
        for item in claim.workloads.select_related("workload"):
            set_partner_association(
                acting_user=acting_user,
                customer=claim.customer,
                workload=item.workload,
                associated_on=on,
                note=f"CPOR claim {reference(claim)} approved",
            )
    if claim.engagement is not None:
        record_event(
            claim.engagement,
            EventKind.CLAIM_CHANGED,
            f"CPOR claim “{claim.name}”: {label(previous)} → {label(state)} on {on.isoformat()}"
            + (f" ({reason})" if reason else "")
            + ".",
            acting_user,
            claim=claim.pk,
            state=state,
            source=source,
        )
    return claim


@transaction.atomic
def transition_claim(
    *,
    acting_user: User | None,
    claim: Claim,
    state: str,
    on: datetime.date | None = None,
    reason: str = "",
    source: str = TransitionSource.MANUAL,
    today: datetime.date | None = None,
) -> Claim:
    """Record a state change Partner Center shows (by hand or from its status file)."""
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    if current.state == ClaimState.DRAFT and state == ClaimState.SUBMITTED:
        raise ValidationError(
            "Submit the draft with “Submit”: the rules are checked first.", code="use_submit"
        )
    reason = (reason or "").strip()
    if state in (ClaimState.REJECTED, ClaimState.ACTION_REQUIRED) and not reason:
        raise ValidationError(
            {"reason": f"Give Microsoft's reason for “{label(state)}” (Partner Center shows it)."}
        )
    today = today or timezone.localdate()
    return apply_transition(
        acting_user=acting_user,
        claim=current,
        state=state,
        on=on or today,
        reason=reason,
        source=source,
        today=today,
    )


# --- the scheduled job -----------------------------------------------------------------------


@dataclass(frozen=True)
class ClockRun:
    flagged: list[Claim]
    rejected: list[Claim]


@transaction.atomic
def check_claim_clocks(*, today: datetime.date | None = None) -> ClockRun:
    """Reject claims left in Partner action required past their deadline (on the day after it),
    then flag, once, the claims whose review clock ran out (Microsoft is late: follow up)."""
    today = today or timezone.localdate()
    rejected = []
    expired = Claim.objects.select_for_update().filter(
        state=ClaimState.ACTION_REQUIRED, deadline__lt=today
    )
    for claim in expired:
        assert claim.deadline is not None
        rejected.append(
            apply_transition(
                acting_user=None,
                claim=claim,
                state=ClaimState.REJECTED,
                on=claim.deadline + datetime.timedelta(days=1),
                reason=f"Not answered within {ACTION_BUSINESS_DAYS} business days.",
                source=TransitionSource.TIMER,
                today=today,
            )
        )
    late = list(
        Claim.objects.select_for_update().filter(
            overdue_condition(today), overdue_flagged_at__isnull=True
        )
    )
    now = timezone.now()
    Claim.objects.filter(pk__in=[claim.pk for claim in late]).update(overdue_flagged_at=now)
    for claim in late:
        claim.overdue_flagged_at = now
    return ClockRun(flagged=late, rejected=rejected)


# --- conflicts -------------------------------------------------------------------------------


@transaction.atomic
def save_external_claim(*, acting_user: User | None, external: ExternalClaim) -> ExternalClaim:
    """Record (or correct) a workload Partner Center reports as claimed by another partner."""
    if external.pk is None:
        external.recorded_by = acting_user
    external.partner_name = external.partner_name.strip()
    external.full_clean()
    external.save()
    return external


def record_conflicts(
    *,
    acting_user: User | None,
    claim: Claim,
    seen_on: datetime.date,
    note: str,
) -> int:
    """The claim's workloads are claimed by another partner (from a status file): one
    ExternalClaim each, kept as first seen. Returns how many were new."""
    created = 0
    for item in claim.workloads.select_related("workload"):
        _, is_new = ExternalClaim.objects.get_or_create(
            customer=claim.customer,
            workload=item.workload,
            partner_name="",
            defaults={"seen_on": seen_on, "note": note[:300], "recorded_by": acting_user},
        )
        created += is_new
    return created


# --- Partner Center hand-over ----------------------------------------------------------------


def poe_document(claim: Claim) -> tuple[str, bytes, str] | None:
    """The proof of execution as (file name, bytes, SHA-256); None when there is none."""
    if claim.poe_signed_sow is not None:
        signed = claim.poe_signed_sow
        return signed.file_name, bytes(signed.document), signed.sha256
    if claim.poe_file_name and claim.document is not None:
        return claim.poe_file_name, bytes(claim.document), claim.poe_sha256
    return None


def export_data(claim: Claim) -> dict[str, Any]:
    """What Partner Center's "Add customer" form asks, in its order."""
    poe = claim.poe_signed_sow
    file_name, digest = (
        (poe.file_name, poe.sha256) if poe is not None else (claim.poe_file_name, claim.poe_sha256)
    )
    contact = claim.partner_contact
    return {
        "claim_id": reference(claim),
        "claim_name": claim.name,
        "partner_id_location": claim.location_partner_id,
        "tenant_id": str(claim.tenant_id),
        "partner_role": claim.get_partner_role_display(),
        "workloads": [item.workload.name for item in claim.workloads.select_related("workload")],
        "customer_contact_name": claim.customer_contact_name,
        "customer_contact_title": claim.customer_contact_title,
        "customer_contact_email": claim.customer_contact_email,
        "partner_contact": (contact.get_full_name() or contact.get_username()) if contact else "",
        "partner_contact_email": contact.email if contact else "",
        "poe_file_name": file_name,
        "poe_sha256": digest,
        "incentive_opt_out": claim.incentive_opt_out,
        "state": claim.state,
        "partner_center_reference": claim.partner_center_reference,
    }


EXPORT_TITLES = {
    "claim_id": "Claim ID",
    "claim_name": "Claim name",
    "partner_id_location": "PartnerID (location)",
    "tenant_id": "Tenant ID",
    "partner_role": "Partner role",
    "workloads": "Workloads",
    "customer_contact_name": "Customer contact name",
    "customer_contact_title": "Customer contact title",
    "customer_contact_email": "Customer contact email",
    "partner_contact": "Partner contact",
    "partner_contact_email": "Partner contact email",
    "poe_file_name": "PoE file name",
    "poe_sha256": "PoE SHA-256",
    "incentive_opt_out": "Incentive opt-out",
    "state": "State",
    "partner_center_reference": "Partner Center reference",
}


def export_csv(claims: Sequence[Claim]) -> str:
    """One row per claim, workloads joined with "; " and the opt-out as Yes/No."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_TITLES.values())
    for claim in claims:
        data = export_data(claim)
        data["workloads"] = "; ".join(data["workloads"])
        data["incentive_opt_out"] = "Yes" if data["incentive_opt_out"] else "No"
        writer.writerow(data[key] for key in EXPORT_TITLES)
    return out.getvalue()
