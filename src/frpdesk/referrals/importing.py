"""Import of Partner Center's referrals export (CSV): all or nothing, idempotent.

Columns are found by their title, normalised (case, spaces, punctuation and a BOM ignored), in
any order; columns not listed here are ignored. Accepted titles:

- ``Referral ID`` / ``ReferralId`` (required), ``Tenant name`` / ``Customer name`` (required),
  ``Date of assignment`` / ``Assigned date`` / ``Assignment date`` (required): ``YYYY-MM-DD`` or
  Partner Center's US ``M/D/YYYY`` (a time after it, such as ``3/4/2026 9:15 AM``, is ignored);
- ``Tenant ID`` (a GUID), ``Tenant domain``, ``RFA ID``, ``Referral source``;
- ``RFA workloads`` / ``Workloads``: workload names or codes separated by ``;`` or ``,`` (e.g.
  ``Exchange Online; Microsoft Teams; Viva Engage``);
- ``Referral type`` / ``Type``: ``Benefit`` or ``Standard`` (default Benefit when there is no
  such column);
- ``Acceptance``: Pending, Accepted, Declined, Reassigned (blank = Pending); ``Decline reason``
  (required with Declined); ``Referral status``; ``VAS sold`` (yes/no); ``Services estimated
  value`` (a number; currency signs and thousands separators are ignored); ``Currency``.

A referral ID already known updates that referral; the same file twice changes nothing. A
decision recorded here (accepted, declined, reassigned) is never undone by a file that still says
Pending. The first bad cell stops the import with one message naming the file, row and column.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.catalog.services import workload_lookup
from frpdesk.core.imports import (
    MAX_ROWS,
    ImportFailure,
    parse_amount,
    parse_date,
    title_fields,
    title_key,
    titled_rows,
)
from frpdesk.customers.services import parse_tenant_id
from frpdesk.referrals.models import Acceptance, Referral, ReferralKind
from frpdesk.referrals.services import save_referral

COLUMN_TITLES: dict[str, tuple[str, ...]] = {
    "referral_id": ("referral id", "referralid", "referral"),
    "kind": ("referral type", "type", "kind", "referral kind"),
    "tenant_name": ("tenant name", "customer name", "customer", "tenant"),
    "tenant_id": ("tenant id", "tenantid", "customer tenant id"),
    "tenant_domain": ("tenant domain", "domain", "customer domain"),
    "rfa_id": ("rfa id", "rfaid", "request for assistance id"),
    "source": ("referral source", "source"),
    "workloads": ("rfa workloads", "workloads", "workload", "rfa workload"),
    "assigned_on": (
        "date of assignment",
        "assigned date",
        "assignment date",
        "date assigned",
        "assigned on",
    ),
    "acceptance": ("acceptance", "acceptance status"),
    "decline_reason": ("decline reason", "reason for decline"),
    "referral_status": ("referral status", "status"),
    "vas_sold": ("vas sold", "value added services sold"),
    "services_estimated_value": ("services estimated value", "estimated value"),
    "currency": ("currency",),
}
REQUIRED = ("referral_id", "tenant_name", "assigned_on")
# How messages name a column the file does not have (a column it has is named as it is titled).
FIELD_TITLES = {
    "referral_id": "Referral ID",
    "kind": "Referral type",
    "tenant_name": "Tenant name",
    "tenant_id": "Tenant ID",
    "tenant_domain": "Tenant domain",
    "rfa_id": "RFA ID",
    "source": "Referral source",
    "workloads": "RFA workloads",
    "assigned_on": "Date of assignment",
    "acceptance": "Acceptance",
    "decline_reason": "Decline reason",
    "referral_status": "Referral status",
    "vas_sold": "VAS sold",
    "services_estimated_value": "Services estimated value",
    "currency": "Currency",
}
KIND_WORDS = {
    "benefit": ReferralKind.BENEFIT,
    "fasttrack benefit": ReferralKind.BENEFIT,
    "fasttrack benefit referral": ReferralKind.BENEFIT,
    "benefit referral": ReferralKind.BENEFIT,
    "fasttrack": ReferralKind.BENEFIT,
    "standard": ReferralKind.STANDARD,
    "standard referral": ReferralKind.STANDARD,
}
ACCEPTANCE_WORDS = {
    "": Acceptance.PENDING,
    "pending": Acceptance.PENDING,
    "new": Acceptance.PENDING,
    "accepted": Acceptance.ACCEPTED,
    "declined": Acceptance.DECLINED,
    "rejected": Acceptance.DECLINED,
    "reassigned": Acceptance.REASSIGNED,
    "reassigned (lost)": Acceptance.REASSIGNED,
    "expired": Acceptance.REASSIGNED,
    "lost": Acceptance.REASSIGNED,
}
TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


TITLE_FIELDS = title_fields(COLUMN_TITLES)


@dataclass
class ParsedRow:
    number: int  # the row in the file, header = 1
    fields: dict[str, Any]
    workloads: list[Workload]


@dataclass(frozen=True)
class ImportCounts:
    created: int
    updated: int
    unchanged: int

    def summary(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def parse_file(file_name: str, content: bytes) -> list[ParsedRow]:
    """Every row, checked; the first problem raises ImportFailure (file, row, column)."""
    workloads = workload_lookup()
    seen: dict[str, int] = {}
    rows: list[ParsedRow] = []
    for read in titled_rows(
        file_name,
        content,
        fields_by_title=TITLE_FIELDS,
        field_titles=FIELD_TITLES,
        required=REQUIRED,
        missing_hint="is this Partner Center's referrals export?",
    ):
        row = _parse_row(file_name, read.number, read.values, read.titles, workloads)
        referral_id = row.fields["referral_id"]
        if referral_id in seen:
            raise ImportFailure(
                file_name,
                read.number,
                read.titles["referral_id"],
                f"referral {referral_id} is already on row {seen[referral_id]} of this file",
            )
        seen[referral_id] = read.number
        rows.append(row)
    if not rows:
        raise ImportFailure(file_name, None, None, "has a header but no referral rows")
    if len(rows) > MAX_ROWS:
        raise ImportFailure(
            file_name,
            None,
            None,
            f"has {len(rows)} rows; split it into files of at most {MAX_ROWS}",
        )
    return rows


def _parse_row(
    file_name: str,
    number: int,
    values: dict[str, str],
    titles: dict[str, str],
    workloads: dict[str, Workload],
) -> ParsedRow:
    def fail(field: str, problem: str) -> ImportFailure:
        return ImportFailure(file_name, number, titles.get(field, FIELD_TITLES[field]), problem)

    fields: dict[str, Any] = {}
    for field in REQUIRED:
        if not values.get(field):
            raise fail(field, "is empty; every referral needs it")
    fields["referral_id"] = values["referral_id"]
    fields["tenant_name"] = values["tenant_name"]
    for field in ("tenant_domain", "rfa_id", "source", "referral_status", "decline_reason"):
        fields[field] = values.get(field, "")
    fields["tenant_domain"] = fields["tenant_domain"].lower()
    tenant_text = values.get("tenant_id", "")
    try:
        fields["tenant_id"] = parse_tenant_id(tenant_text) if tenant_text else None
    except ValidationError as error:
        raise fail("tenant_id", " ".join(error.messages)) from error
    fields["assigned_on"] = parse_date(values["assigned_on"], lambda p: fail("assigned_on", p))
    kind_text = values.get("kind", "")
    fields["kind"] = KIND_WORDS.get(title_key(kind_text)) if kind_text else ReferralKind.BENEFIT
    if fields["kind"] is None:
        raise fail("kind", f"“{kind_text}” is neither Benefit nor Standard")
    acceptance_text = values.get("acceptance", "")
    acceptance = ACCEPTANCE_WORDS.get(acceptance_text.strip().lower())
    if acceptance is None:
        raise fail(
            "acceptance",
            f"“{acceptance_text}” is not Pending, Accepted, Declined or Reassigned",
        )
    if acceptance == Acceptance.DECLINED and not fields["decline_reason"]:
        raise fail("decline_reason", "is empty, but a declined referral needs a decline reason")
    fields["acceptance"] = acceptance
    vas_text = values.get("vas_sold", "").lower()
    if vas_text not in TRUE_WORDS | FALSE_WORDS:
        raise fail("vas_sold", f"must be yes or no, got “{values['vas_sold']}”")
    fields["vas_sold"] = vas_text in TRUE_WORDS
    fields["services_estimated_value"] = parse_amount(
        values.get("services_estimated_value", ""), lambda p: fail("services_estimated_value", p)
    )
    currency = values.get("currency", "").upper()
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        raise fail("currency", f"“{values['currency']}” is not a three-letter currency code")
    if currency:
        fields["currency"] = currency
    for field, limit in (("referral_id", 64), ("tenant_name", 200), ("rfa_id", 64)):
        if len(fields[field]) > limit:
            raise fail(field, f"is longer than {limit} characters")
    chosen: list[Workload] = []
    for name in re.split(r"[;,]", values.get("workloads", "")):
        if not name.strip():
            continue
        workload = workloads.get(title_key(name))
        if workload is None:
            raise fail(
                "workloads",
                f"“{name.strip()}” is not a workload of the catalog (use its name or code, "
                "e.g. Exchange Online or exchange)",
            )
        if workload not in chosen:
            chosen.append(workload)
    return ParsedRow(number, fields, chosen)


def _apply(referral: Referral, row: ParsedRow) -> bool:
    """Copy the row onto the referral; True when anything changed."""
    fields = dict(row.fields)
    acceptance = fields.pop("acceptance")
    if referral.pk is not None and referral.acceptance != Acceptance.PENDING:
        acceptance = referral.acceptance  # decided here: the file does not undo it
        fields["decline_reason"] = referral.decline_reason or fields["decline_reason"]
    changed = referral.pk is None
    for name, value in fields.items():
        if getattr(referral, name) != value:
            setattr(referral, name, value)
            changed = True
    if referral.acceptance != acceptance:
        referral.acceptance = acceptance
        if acceptance != Acceptance.PENDING:
            referral.decided_on = timezone.localdate()
        changed = True
    return changed


@transaction.atomic
def import_referrals(*, acting_user: User | None, file_name: str, content: bytes) -> ImportCounts:
    """Create or update every referral of the file, or nothing when any cell is bad."""
    rows = parse_file(file_name, content)
    existing = {
        referral.referral_id: referral
        for referral in Referral.objects.filter(
            referral_id__in=[row.fields["referral_id"] for row in rows]
        ).prefetch_related("workloads")
    }
    created = updated = unchanged = 0
    for row in rows:
        referral = existing.get(row.fields["referral_id"]) or Referral()
        is_new = referral.pk is None
        old_workloads = set() if is_new else {workload.pk for workload in referral.workloads.all()}
        fields_changed = _apply(referral, row)
        workloads_changed = old_workloads != {workload.pk for workload in row.workloads}
        if not (fields_changed or workloads_changed):
            unchanged += 1
            continue
        try:
            save_referral(acting_user=acting_user, referral=referral, workloads=row.workloads)
        except ValidationError as error:
            field, messages = _first_error(error)
            raise ImportFailure(file_name, row.number, FIELD_TITLES.get(field), messages) from error
        if is_new:
            created += 1
        else:
            updated += 1
    return ImportCounts(created, updated, unchanged)


def _first_error(error: ValidationError) -> tuple[str, str]:
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        return field, " ".join(message for item in errors for message in item.messages)
    return "", " ".join(error.messages)
