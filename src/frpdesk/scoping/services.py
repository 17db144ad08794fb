"""State changes of the scope of an engagement: assessments, customer requests, disclosures.

Rules (DESIGN.md §2, "Scope, SOW and VAS"):

- A **scope assessment** answers every catalog scope question; all "yes" means Benefit-only
  assistance, each "no" suggests the question's value-added service. Assessments are never
  edited: re-assessing adds a new one.
- A **customer request** is classified in Benefit scope, FastTrack migration or beyond guidance;
  ``suggest_classification`` proposes one from the description and the workload's out-of-scope
  list, the user may choose another.
- Work outside the Benefit (anything not in scope) may only go into delivery, or be marked
  delivered, once (a) its **disclosure** is recorded and (b) a **signed services contract** of the
  same engagement covers it; ``delivery_blockers`` says what is still missing.

Every function takes keyword-only arguments and the ``acting_user``, runs in one transaction,
refuses changes on closed engagements and puts an event on the engagement's timeline.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import OutOfScopeItem, ScopeQuestion, Workload
from frpdesk.customers.models import CustomerContact
from frpdesk.engagements.models import Engagement, EventKind
from frpdesk.engagements.services import check_open, record_event, user_label
from frpdesk.scoping.models import (
    CustomerRequest,
    Disclosure,
    DisclosureMethod,
    Outcome,
    RequestClass,
    RequestStatus,
    ScopeAnswer,
    ScopeAssessment,
)
from frpdesk.vas.models import COVERING_STATES, QuoteState, ServicesContract

# --- scope assessment ------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    """One answer as a form or the API gives it."""

    question: ScopeQuestion
    answer: bool
    comment: str = ""


def outcome_of(answers: Iterable[bool]) -> Outcome:
    """All yes → Benefit-only assistance; any no → VAS opportunities."""
    return Outcome.BENEFIT_ONLY if all(answers) else Outcome.VAS_OPPORTUNITIES


@transaction.atomic
def assess_scope(
    *, acting_user: User | None, engagement: Engagement, answers: Sequence[AnswerInput]
) -> ScopeAssessment:
    """A new assessment with one answer to each catalog question (the history stays)."""
    check_open(engagement)
    questions = list(ScopeQuestion.objects.select_related("suggested_vas"))
    if not questions:
        raise ValidationError(
            "The catalog has no scope questions: load the program catalog first.",
            code="no_questions",
        )
    given: dict[int, AnswerInput] = {}
    for item in answers:
        if item.question.pk in given:
            raise ValidationError(
                f"Question {item.question.number} is answered twice; answer it once.",
                code="duplicate_answer",
            )
        given[item.question.pk] = item
    unknown = sorted(item.question.number for item in answers if item.question not in questions)
    missing = [question.number for question in questions if question.pk not in given]
    if unknown:
        raise ValidationError(f"Unknown scope questions: {', '.join(map(str, unknown))}.")
    if missing:
        raise ValidationError(
            "Answer every scope question (yes or no); missing: "
            + ", ".join(f"question {number}" for number in missing)
            + ".",
            code="missing_answers",
        )
    assessment = ScopeAssessment.objects.create(
        engagement=engagement,
        outcome=outcome_of(item.answer for item in given.values()),
        assessed_by=acting_user,
        assessed_at=timezone.now(),
    )
    rows = [
        ScopeAnswer(
            assessment=assessment,
            question=question,
            answer=given[question.pk].answer,
            comment=given[question.pk].comment.strip(),
            # The question's suggestion is copied so the record keeps what was suggested then.
            suggested_vas=None if given[question.pk].answer else question.suggested_vas,
        )
        for question in questions
    ]
    ScopeAnswer.objects.bulk_create(rows)
    noes = [row for row in rows if not row.answer]
    message = f"Scope assessed: {assessment.get_outcome_display()}"
    if noes:
        message += " (" + "; ".join(row.vas_suggestion for row in noes) + ")"
    record_event(
        engagement,
        EventKind.SCOPE_ASSESSED,
        message,
        acting_user,
        assessment=assessment.pk,
        outcome=assessment.outcome,
        no_to=[row.question.number for row in noes],
    )
    return assessment


def current_assessment(engagement: Engagement) -> ScopeAssessment | None:
    return engagement.scope_assessments.order_by("-assessed_at", "-pk").first()


# --- classification --------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    classification: RequestClass
    reason: str
    out_of_scope_item: OutOfScopeItem | None = None


# Microsoft's FastTrack migration service (≥ 500 eligible seats) is never the partner's work.
FASTTRACK_MIGRATION_PATTERNS = [
    re.compile(r"\bfast\s?track\b[^.]*\bmigrat", re.IGNORECASE),
    re.compile(r"\bmigrat\w*\b[^.]*\b(by|from)\s+microsoft\b", re.IGNORECASE),
    re.compile(r"\bmicrosoft(['’]s)?\s+(to\s+|will\s+)?(data\s+)?migrat", re.IGNORECASE),
]

# Words that mean doing the work rather than guiding the customer through it.
BEYOND_GUIDANCE_PATTERNS = [
    (re.compile(r"\bhands?[\s-]?on\b", re.IGNORECASE), "hands-on work"),
    (re.compile(r"\bon[\s-]?site\b|\bon\s+premises\s+visit", re.IGNORECASE), "onsite work"),
    (re.compile(r"\bscript", re.IGNORECASE), "custom scripting"),
    (re.compile(r"\bcustom(?!er)", re.IGNORECASE), "custom work"),
    (re.compile(r"\bdevelop", re.IGNORECASE), "development"),
    (re.compile(r"\bproject[\s-]+manag", re.IGNORECASE), "project management"),
    (re.compile(r"\binstall", re.IGNORECASE), "installation"),
    (re.compile(r"\bperform", re.IGNORECASE), "work performed for the customer"),
    (re.compile(r"\bon\s+(our|their|its)\s+behalf\b", re.IGNORECASE), "work on their behalf"),
    (
        re.compile(r"\b(do|build|configure|deploy|migrate)\s+it\s+for\b", re.IGNORECASE),
        "work done for the customer",
    ),
]

# Words that say nothing about the kind of work; left out of the out-of-scope word overlap.
STOP_WORDS = frozenset(
    {
        *("all", "also", "and", "any", "are", "can", "could", "for", "from", "has", "have"),
        *("help", "into", "its", "need", "needs", "other", "our", "out", "over", "please"),
        *("should", "that", "the", "their", "them", "they", "this", "those", "want", "will"),
        *("with", "would", "you", "your", "customer", "customers", "partner", "partners"),
        "microsoft",
    }
)
STEM_LENGTH = 5  # "scripting"/"script", "enrolment"/"enrollment", "devices"/"device" agree


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {word[:STEM_LENGTH] for word in words if len(word) > 2 and word not in STOP_WORDS}


def _best_out_of_scope_item(
    description: str, items: Iterable[OutOfScopeItem], ignored: set[str]
) -> OutOfScopeItem | None:
    """The out-of-scope item sharing the most words with the description: at least two words,
    or every word of a one-word item. Ties go to the item whose words are covered best."""
    asked = _stems(description) - ignored
    best: OutOfScopeItem | None = None
    best_score = (0, 0.0)
    for item in items:
        listed = _stems(item.description) - ignored
        shared = asked & listed
        if not listed or len(shared) < min(2, len(listed)):
            continue
        score = (len(shared), len(shared) / len(listed))
        if score > best_score:
            best, best_score = item, score
    return best


def _item_reason(item: OutOfScopeItem) -> str:
    return f"On the {item.workload.name} out-of-scope list: “{item.description}”."


def suggest_classification(description: str, workload: Workload | None) -> Suggestion:
    """The classification the program's rules propose; the user may choose another."""
    text = " ".join(description.split())
    if any(pattern.search(text) for pattern in FASTTRACK_MIGRATION_PATTERNS):
        return Suggestion(
            RequestClass.FASTTRACK_MIGRATION,
            "Mentions Microsoft's FastTrack migration service, which Microsoft delivers "
            "itself; not our Benefit work.",
        )
    if workload is not None:
        # The workload's own name ("Teams") says nothing about the kind of work asked for.
        item = _best_out_of_scope_item(text, workload.out_of_scope.all(), _stems(workload.name))
        if item is not None:
            return Suggestion(RequestClass.BEYOND_GUIDANCE, _item_reason(item), item)
    found = [label for pattern, label in BEYOND_GUIDANCE_PATTERNS if pattern.search(text)]
    if found:
        return Suggestion(
            RequestClass.BEYOND_GUIDANCE,
            "Goes beyond remote guidance: " + ", ".join(dict.fromkeys(found)) + ".",
        )
    return Suggestion(
        RequestClass.IN_SCOPE,
        "Nothing beyond remote guidance found in the description.",
    )


# --- customer requests -----------------------------------------------------------------------

FINAL_STATUSES = (RequestStatus.DELIVERED, RequestStatus.DECLINED)
DELIVERY_STATUSES = (RequestStatus.IN_DELIVERY, RequestStatus.DELIVERED)
ALLOWED_MOVES: dict[str, tuple[RequestStatus, ...]] = {
    RequestStatus.OPEN: (
        RequestStatus.IN_DELIVERY,
        RequestStatus.DELIVERED,
        RequestStatus.DECLINED,
    ),
    RequestStatus.IN_DELIVERY: (RequestStatus.DELIVERED,),
    RequestStatus.DELIVERED: (),
    RequestStatus.DECLINED: (RequestStatus.OPEN,),
}


def disclosure_of(customer_request: CustomerRequest) -> Disclosure | None:
    try:
        return customer_request.disclosure
    except ObjectDoesNotExist:
        return None


def covers(contract: ServicesContract, customer_request: CustomerRequest) -> bool:
    return (
        contract.quote.engagement_id == customer_request.engagement_id
        and contract.quote.state in COVERING_STATES
    )


@dataclass(frozen=True)
class Blocker:
    """One thing missing before work outside the Benefit may be delivered."""

    item: str  # "disclosure" or "contract"
    message: str

    def __str__(self) -> str:
        return self.message


def delivery_blockers(customer_request: CustomerRequest) -> list[Blocker]:
    """What is missing before the request may be delivered; empty when nothing is."""
    if not customer_request.outside_benefit:
        return []
    missing = []
    if disclosure_of(customer_request) is None:
        missing.append(
            Blocker(
                "disclosure",
                "Disclosure: record that the customer was told this goes beyond the FastTrack "
                "Benefit (who told whom, when and how).",
            )
        )
    contract = customer_request.contract
    if contract is None:
        missing.append(
            Blocker("contract", "Contract: link a signed services contract that covers this work.")
        )
    elif not covers(contract, customer_request):
        state = QuoteState(contract.quote.state).label.lower()
        missing.append(
            Blocker(
                "contract",
                f"Contract: {contract.number} does not cover it (its quote is {state}); link a "
                "signed or active services contract of this engagement.",
            )
        )
    return missing


def blocked_condition() -> Q:
    """The open or in-delivery requests ``delivery_blockers`` lists something for, as a query."""
    not_covered = (
        Q(contract__isnull=True)
        | ~Q(contract__quote__state__in=COVERING_STATES)
        | ~Q(contract__quote__engagement=F("engagement"))
    )
    return (
        ~Q(classification=RequestClass.IN_SCOPE)
        & ~Q(status__in=FINAL_STATUSES)
        & (Q(disclosure__isnull=True) | not_covered)
    )


class DeliveryBlocked(ValidationError):
    """Refusal to deliver work outside the Benefit; ``missing`` lists what to record first."""

    def __init__(self, customer_request: CustomerRequest, missing: list[Blocker]) -> None:
        self.missing = [blocker.message for blocker in missing]
        super().__init__(
            f"“{customer_request}” is outside the FastTrack Benefit and cannot be delivered "
            "yet. " + " ".join(self.missing),
            code="blocked",
        )


def _locked(customer_request: CustomerRequest) -> CustomerRequest:
    current = CustomerRequest.objects.select_for_update().get(pk=customer_request.pk)
    check_open(current.engagement)
    return current


def _check_changeable(customer_request: CustomerRequest) -> None:
    if customer_request.status in FINAL_STATUSES:
        raise ValidationError(
            f"“{customer_request}” is {customer_request.get_status_display().lower()}; it is "
            "kept as it was. Reopen a declined request to change it.",
            code="final",
        )


def _classify(acting_user: User | None, customer_request: CustomerRequest) -> None:
    """Fill in the classification (the suggestion when none was chosen) and its reason."""
    suggestion = suggest_classification(customer_request.description, customer_request.workload)
    if not customer_request.classification:
        # An out-of-scope item chosen by hand says "beyond guidance" by itself.
        customer_request.classification = (
            RequestClass.BEYOND_GUIDANCE
            if customer_request.out_of_scope_item is not None
            else suggestion.classification
        )
    agrees = customer_request.classification == suggestion.classification
    if customer_request.out_of_scope_item is None and agrees:
        customer_request.out_of_scope_item = suggestion.out_of_scope_item
    item = customer_request.out_of_scope_item
    if item is not None and customer_request.classification == RequestClass.BEYOND_GUIDANCE:
        customer_request.classification_reason = _item_reason(item)
    elif agrees:
        customer_request.classification_reason = suggestion.reason
    else:
        customer_request.classification_reason = (
            f"Set by {user_label(acting_user)}; the rules suggested "
            f"“{suggestion.classification.label}”."
        )


def _check_request(customer_request: CustomerRequest) -> None:
    engagement = customer_request.engagement
    errors: dict[str, str] = {}
    workload = customer_request.workload
    item = customer_request.out_of_scope_item
    if workload is not None and not engagement.workloads.filter(workload=workload).exists():
        errors["workload"] = (
            f"{workload.name} is not a workload of this engagement; add it to the engagement "
            "first or leave the workload empty."
        )
    if item is not None:
        if item.workload_id != customer_request.workload_id:
            errors["out_of_scope_item"] = (
                f"“{item.description}” is on the {item.workload.name} list; choose an item of "
                "the request's workload."
            )
        elif customer_request.classification != RequestClass.BEYOND_GUIDANCE:
            errors["out_of_scope_item"] = (
                "Only a request beyond guidance falls under an out-of-scope item; clear the item "
                "or classify the request as beyond guidance."
            )
    if errors:
        raise ValidationError(errors)


CLASSIFIED_FROM = ("description", "workload_id", "classification", "out_of_scope_item_id")


@transaction.atomic
def save_request(*, acting_user: User | None, customer_request: CustomerRequest) -> CustomerRequest:
    """Record a new request or save changes to one; a blank classification takes the suggestion.

    The status, contract and disclosure change through their own functions.
    """
    is_new = customer_request.pk is None
    before: CustomerRequest | None = None
    if is_new:
        check_open(customer_request.engagement)
        customer_request.status = RequestStatus.OPEN
        customer_request.contract = None
        customer_request.recorded_by = acting_user
    else:
        before = _locked(customer_request)
        _check_changeable(before)
        if before.engagement_id != customer_request.engagement_id:
            raise ValidationError(
                {"engagement": "A request stays on its engagement; record a new one instead."}
            )
        # Only the service functions below move these.
        customer_request.status = before.status
        customer_request.contract_id = before.contract_id
    customer_request.description = customer_request.description.strip()
    if customer_request.workload_id is None and customer_request.out_of_scope_item is not None:
        customer_request.workload = customer_request.out_of_scope_item.workload
    # An edit that leaves what the classification rests on alone keeps its reason.
    if before is None or any(
        getattr(before, name) != getattr(customer_request, name) for name in CLASSIFIED_FROM
    ):
        _classify(acting_user, customer_request)
    _check_request(customer_request)
    customer_request.full_clean()
    if customer_request.status in DELIVERY_STATUSES:
        missing = delivery_blockers(customer_request)
        if missing:
            raise DeliveryBlocked(customer_request, missing)
    customer_request.save()
    if is_new:
        record_event(
            customer_request.engagement,
            EventKind.REQUEST_RECORDED,
            f"Customer request recorded ({customer_request.get_classification_display()}): "
            f"{customer_request}",
            acting_user,
            request=customer_request.pk,
            classification=customer_request.classification,
        )
    return customer_request


@transaction.atomic
def delete_request(*, acting_user: User | None, customer_request: CustomerRequest) -> None:
    """Remove a request recorded by mistake; one with a disclosure or a contract is declined."""
    current = _locked(customer_request)
    if current.status != RequestStatus.OPEN or disclosure_of(current) or current.contract_id:
        raise ValidationError(
            f"“{current}” has a disclosure, a contract or a status other than open: decline it "
            "instead of deleting it, so its record stays.",
            code="keep",
        )
    record_event(
        current.engagement,
        EventKind.REQUEST_STATUS,
        f"Customer request deleted (recorded by mistake): {current}",
        acting_user,
        request=current.pk,
    )
    current.delete()


@transaction.atomic
def record_disclosure(
    *,
    acting_user: User | None,
    customer_request: CustomerRequest,
    disclosed_by: User,
    disclosed_on: datetime.date,
    method: str,
    disclosed_to: str = "",
    disclosed_to_contact: CustomerContact | None = None,
    note: str = "",
) -> Disclosure:
    """Record that the customer was told the request goes beyond the free Benefit."""
    current = _locked(customer_request)
    _check_changeable(current)
    if not current.outside_benefit:
        raise ValidationError(
            f"“{current}” is in Benefit scope; only work outside the Benefit needs a disclosure.",
            code="in_scope",
        )
    existing = disclosure_of(current)
    if existing is not None:
        raise ValidationError(
            f"The disclosure of “{current}” was already recorded: {existing}.",
            code="already_disclosed",
        )
    errors: dict[str, str] = {}
    if disclosed_to_contact is not None:
        if disclosed_to_contact.customer_id != current.engagement.customer_id:
            errors["disclosed_to_contact"] = "Choose a contact of this engagement's customer."
        disclosed_to = disclosed_to.strip() or disclosed_to_contact.name
    if not disclosed_to.strip():
        errors["disclosed_to"] = "Say who at the customer was told (or choose the contact)."
    if disclosed_on > timezone.localdate():
        errors["disclosed_on"] = "The disclosure cannot be in the future."
    elif disclosed_on < current.requested_on:
        errors["disclosed_on"] = (
            f"The request was made on {current.requested_on.isoformat()}; the disclosure "
            "cannot be before it."
        )
    if method not in DisclosureMethod.values:
        errors["method"] = "Choose how the customer was told."
    if errors:
        raise ValidationError(errors)
    disclosure = Disclosure(
        request=current,
        disclosed_by=disclosed_by,
        disclosed_to=disclosed_to.strip(),
        disclosed_to_contact=disclosed_to_contact,
        disclosed_on=disclosed_on,
        method=method,
        note=note.strip(),
        recorded_by=acting_user,
    )
    disclosure.full_clean()
    disclosure.save()
    record_event(
        current.engagement,
        EventKind.REQUEST_DISCLOSED,
        f"{user_label(disclosed_by)} told {disclosure.disclosed_to} "
        f"({disclosure.get_method_display().lower()}, {disclosed_on.isoformat()}) that "
        f"“{current}” goes beyond the FastTrack Benefit",
        acting_user,
        request=current.pk,
        disclosure=disclosure.pk,
    )
    return disclosure


def covering_contracts(engagement: Engagement) -> QuerySet[ServicesContract]:
    """The engagement's signed (or active) services contracts a request can be linked to."""
    return (
        ServicesContract.objects.filter(
            quote__engagement=engagement, quote__state__in=COVERING_STATES
        )
        .select_related("quote")
        .order_by("-signed_on", "-pk")
    )


@transaction.atomic
def link_contract(
    *,
    acting_user: User | None,
    customer_request: CustomerRequest,
    contract: ServicesContract | None,
) -> CustomerRequest:
    """Point the request at the signed contract that covers it (None unlinks it)."""
    current = _locked(customer_request)
    _check_changeable(current)
    if contract is None:
        if current.status != RequestStatus.OPEN:
            raise ValidationError(
                "A request in delivery keeps its contract; it cannot be unlinked.",
                code="in_delivery",
            )
        message = f"Contract unlinked from “{current}”"
    else:
        if not current.outside_benefit:
            raise ValidationError(
                f"“{current}” is in Benefit scope: Benefit work is never charged, so no "
                "services contract covers it.",
                code="in_scope",
            )
        if contract.quote.engagement_id != current.engagement_id:
            raise ValidationError(
                {
                    "contract": f"{contract.number} belongs to another engagement; link a contract "
                    "signed for this one."
                },
                code="other_engagement",
            )
        if contract.quote.state not in COVERING_STATES:
            state = QuoteState(contract.quote.state).label.lower()
            raise ValidationError(
                {
                    "contract": f"{contract.number} is not signed (its quote is {state}); only a "
                    "signed or active contract covers out-of-scope work."
                },
                code="not_signed",
            )
        message = f"“{current}” covered by services contract {contract.number}"
    current.contract = contract
    current.save(update_fields=["contract", "updated_at"])
    record_event(
        current.engagement,
        EventKind.REQUEST_CONTRACT,
        message,
        acting_user,
        request=current.pk,
        contract=contract.number if contract else None,
    )
    return current


@transaction.atomic
def set_status(
    *,
    acting_user: User | None,
    customer_request: CustomerRequest,
    status: str,
    note: str = "",
) -> CustomerRequest:
    """Move the request: start delivery, mark it delivered, decline it, or reopen a declined one.

    Work outside the Benefit is refused delivery with ``DeliveryBlocked`` (listing what is
    missing) until its disclosure and a covering contract are recorded.
    """
    current = _locked(customer_request)
    if status not in RequestStatus.values:
        raise ValidationError({"status": "Choose one of: " + ", ".join(RequestStatus.values) + "."})
    target = RequestStatus(status)
    before = RequestStatus(current.status)
    if target not in ALLOWED_MOVES[before]:
        allowed = ", ".join(move.label.lower() for move in ALLOWED_MOVES[before]) or "nothing"
        raise ValidationError(
            {
                "status": f"A request that is {before.label.lower()} cannot become "
                f"{target.label.lower()}; it can become: {allowed}."
            },
            code="not_allowed",
        )
    if target in DELIVERY_STATUSES:
        missing = delivery_blockers(current)
        if missing:
            raise DeliveryBlocked(current, missing)
    current.status = target
    current.save(update_fields=["status", "updated_at"])
    note = note.strip()
    record_event(
        current.engagement,
        EventKind.REQUEST_STATUS,
        f"“{current}”: {before.label.lower()} → {target.label.lower()}"
        + (f" ({note})" if note else ""),
        acting_user,
        request=current.pk,
        before=before.value,
        after=target.value,
    )
    return current
