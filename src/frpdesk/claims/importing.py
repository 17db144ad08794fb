"""Import of claim status updates copied from Partner Center (CSV): all or nothing, idempotent.

Columns, found by their normalised title in any order (``,`` or ``;`` separated):

- ``Claim reference`` / ``Claim ID`` / ``Reference`` (required): the claim's Partner Center
  reference, or our ``CLM-<id>``;
- ``Status`` / ``Claim status`` (required): Submitted, Under review, Partner action required,
  Approved, Rejected, Dispute / Disputed, Rejected final / Final rejection, Claimed by another
  partner;
- ``Date`` / ``Status date`` (required): ``YYYY-MM-DD`` or ``M/D/YYYY``;
- ``Reason`` / ``Status reason`` (required with Rejected and Partner action required).

Rows of one claim apply in date order. A status the claim already reached on that date (or is
in) changes nothing, so the same file twice changes nothing. "Claimed by another partner" (or a
rejection whose reason says so) rejects the claim and records the conflict on each of its
workloads. The first bad cell, or an illegal transition, stops the import with one message
naming the file, row and column; nothing is written.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.claims import services
from frpdesk.claims.models import Claim, ClaimState, ClaimTransition, TransitionSource
from frpdesk.core.imports import (
    MAX_ROWS,
    ImportFailure,
    parse_date,
    title_fields,
    title_key,
    titled_rows,
)

COLUMN_TITLES: dict[str, tuple[str, ...]] = {
    "reference": (
        "claim reference",
        "claim id",
        "reference",
        "claim",
        "partner center reference",
        "claim number",
    ),
    "status": ("status", "claim status"),
    "on": ("date", "status date", "updated", "last updated", "date updated"),
    "reason": ("reason", "status reason", "comments", "comment"),
}
FIELD_TITLES = {
    "reference": "Claim reference",
    "status": "Status",
    "on": "Date",
    "reason": "Reason",
}
REQUIRED = ("reference", "status", "on")
CONFLICT = "claimed by another partner"
STATUS_WORDS: dict[str, str] = {
    "submitted": ClaimState.SUBMITTED,
    "under review": ClaimState.UNDER_REVIEW,
    "in review": ClaimState.UNDER_REVIEW,
    "partner action required": ClaimState.ACTION_REQUIRED,
    "action required": ClaimState.ACTION_REQUIRED,
    "approved": ClaimState.APPROVED,
    "rejected": ClaimState.REJECTED,
    "dispute": ClaimState.DISPUTE,
    "disputed": ClaimState.DISPUTE,
    "in dispute": ClaimState.DISPUTE,
    "rejected final": ClaimState.REJECTED_FINAL,
    "final rejection": ClaimState.REJECTED_FINAL,
    "rejected (final)": ClaimState.REJECTED_FINAL,
    CONFLICT: ClaimState.REJECTED,
}
STATUS_KEYS = {title_key(word): state for word, state in STATUS_WORDS.items()}
TITLE_FIELDS = title_fields(COLUMN_TITLES)


@dataclass
class StatusRow:
    number: int  # the row in the file, header = 1
    claim: Claim
    state: str
    on: datetime.date
    reason: str
    conflict: bool
    titles: dict[str, str]


@dataclass(frozen=True)
class StatusCounts:
    changed: int
    unchanged: int
    conflicts: int

    def summary(self) -> str:
        return (
            f"{self.changed} changed, {self.unchanged} unchanged, {self.conflicts} new "
            f"conflict{'s' if self.conflicts != 1 else ''}"
        )


def find_claim(text: str) -> Claim | None:
    number = text.upper().removeprefix(services.REFERENCE_PREFIX)
    if text.upper().startswith(services.REFERENCE_PREFIX) and number.isdigit():
        return Claim.objects.filter(pk=int(number)).first()
    return Claim.objects.filter(partner_center_reference=text).first()


def parse_file(file_name: str, content: bytes) -> list[StatusRow]:
    """Every row, checked; the first problem raises ImportFailure (file, row, column)."""
    rows: list[StatusRow] = []
    for read in titled_rows(
        file_name,
        content,
        fields_by_title=TITLE_FIELDS,
        field_titles=FIELD_TITLES,
        required=REQUIRED,
        missing_hint="the columns are Claim reference, Status, Date and Reason",
    ):
        if len(rows) >= MAX_ROWS:
            raise ImportFailure(
                file_name, None, None, f"has more than {MAX_ROWS} rows; split it into smaller files"
            )
        rows.append(_parse_row(file_name, read.number, read.values, read.titles))
    if not rows:
        raise ImportFailure(file_name, None, None, "has a header but no status rows")
    return rows


def _parse_row(
    file_name: str, number: int, values: dict[str, str], titles: dict[str, str]
) -> StatusRow:
    def fail(field: str, problem: str) -> ImportFailure:
        return ImportFailure(file_name, number, titles.get(field, FIELD_TITLES[field]), problem)

    for field in REQUIRED:
        if not values.get(field):
            raise fail(field, "is empty; every status row needs it")
    claim = find_claim(values["reference"])
    if claim is None:
        raise fail(
            "reference",
            f"“{values['reference']}” is neither a claim's Partner Center reference nor one of "
            "our claim IDs (CLM-<number>)",
        )
    status_key = title_key(values["status"])
    state = STATUS_KEYS.get(status_key)
    if state is None:
        raise fail(
            "status",
            f"“{values['status']}” is not a Partner Center claim status (Submitted, Under review, "
            "Partner action required, Approved, Rejected, Dispute, Rejected final, Claimed by "
            "another partner)",
        )
    reason = values.get("reason", "")
    conflict = status_key == CONFLICT or (
        state == ClaimState.REJECTED and CONFLICT in title_key(reason)
    )
    if status_key == CONFLICT and not reason:
        reason = "Claimed by another partner"
    return StatusRow(
        number=number,
        claim=claim,
        state=state,
        on=parse_date(values["on"], lambda problem: fail("on", problem)),
        reason=reason,
        conflict=conflict,
        titles=titles,
    )


def _reached(row: StatusRow) -> bool:
    """The claim is in the row's state, or went through it on the row's date: nothing to do."""
    claim = row.claim
    if claim.state == row.state:
        return True
    return ClaimTransition.objects.filter(claim=claim, to_state=row.state, on=row.on).exists()


@transaction.atomic
def import_claim_status(
    *,
    acting_user: User | None,
    file_name: str,
    content: bytes,
    today: datetime.date | None = None,
) -> StatusCounts:
    """Apply every status row of the file, or nothing when any row is bad or illegal."""
    rows = parse_file(file_name, content)
    today = today or timezone.localdate()
    changed = unchanged = conflicts = 0
    for row in sorted(rows, key=lambda row: (row.claim.pk, row.on, row.number)):
        row.claim.refresh_from_db()
        if _reached(row):
            unchanged += 1
        else:
            try:
                services.transition_claim(
                    acting_user=acting_user,
                    claim=row.claim,
                    state=row.state,
                    on=row.on,
                    reason=row.reason,
                    source=TransitionSource.IMPORT,
                    today=today,
                )
            except ValidationError as error:
                field = "on" if "on" in getattr(error, "error_dict", {}) else "status"
                if "reason" in getattr(error, "error_dict", {}):
                    field = "reason"
                raise ImportFailure(
                    file_name,
                    row.number,
                    row.titles.get(field, FIELD_TITLES[field]),
                    " ".join(error.messages),
                ) from error
            changed += 1
        if row.conflict:
            conflicts += services.record_conflicts(
                acting_user=acting_user, claim=row.claim, seen_on=row.on, note=row.reason
            )
    return StatusCounts(changed=changed, unchanged=unchanged, conflicts=conflicts)
