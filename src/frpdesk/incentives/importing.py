"""Import of Microsoft's incentive payment statements (CSV): all or nothing, idempotent.

Columns are found by their title, normalised as in the referrals import (case, spaces,
punctuation and a BOM ignored), in any order; other columns are ignored. Separators ``,``, ``;``
and tab are detected. Accepted titles:

- ``Statement date`` / ``Payment date`` / ``Date``: ``YYYY-MM-DD`` or ``M/D/YYYY``;
- ``Tenant ID`` / ``Tenant``: the tenant's GUID (braces and upper case accepted), or the name or
  primary domain of one of our customers;
- ``Workload``: a workload name or code (``Microsoft Teams``, ``teams``, ``Exchange Online``…);
- ``Milestone``: the AU% milestone, as ``15``, ``15%``, ``15 % AU`` or ``AU 15%``;
- ``Amount`` / ``Payment amount``: ``1234.50``, ``1,234.50`` or ``$1,234.50``;
- ``Currency`` (optional, default USD).

Each line is matched to our approved claim on its tenant × workload (``MatchStatus``). The same
file twice changes nothing (``Statement.sha256``); the first bad cell stops the import with one
message naming the file, row and column, and nothing is written.
"""

import datetime
import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from frpdesk.accounts.models import User
from frpdesk.adoption.figures import milestone_pcts
from frpdesk.catalog.services import workload_lookup
from frpdesk.core.imports import (
    ImportFailure,
    TitledRow,
    parse_amount,
    parse_date,
    parse_titled_rows,
    title_fields,
    title_key,
)
from frpdesk.customers.models import Customer
from frpdesk.customers.services import parse_tenant_id
from frpdesk.incentives.models import MatchStatus, Statement, StatementLine
from frpdesk.incentives.services import DEFAULT_CURRENCY, match_lines

COLUMN_TITLES: dict[str, tuple[str, ...]] = {
    "statement_date": ("statement date", "payment date", "paid date", "date"),
    "tenant": ("tenant id", "tenantid", "customer tenant id", "tenant"),
    "workload": ("workload", "workload name", "workload code"),
    "milestone": ("milestone", "au milestone", "milestone au", "milestone pct", "usage milestone"),
    "amount": ("amount", "payment amount", "paid amount", "incentive amount", "earned amount"),
    "currency": ("currency", "currency code"),
}
REQUIRED = ("statement_date", "tenant", "workload", "milestone", "amount")
FIELD_TITLES = {
    "statement_date": "Statement date",
    "tenant": "Tenant ID",
    "workload": "Workload",
    "milestone": "Milestone",
    "amount": "Amount",
    "currency": "Currency",
}
TITLE_FIELDS = title_fields(COLUMN_TITLES)
# A problem found in a cell → the ImportFailure that names the file, row and column.
Fail = Callable[[str], ImportFailure]
MILESTONE = re.compile(r"^(?:au\s*)?(\d{1,3})(?:\.0+)?\s*%?\s*(?:au)?(?:\s*milestone)?$")


@dataclass(frozen=True)
class StatementImport:
    statement: Statement
    created: bool  # False: the same file was imported before; nothing changed
    counts: dict[str, int]  # lines per MatchStatus

    def summary(self) -> str:
        if not self.created:
            return (
                f"already imported on {self.statement.imported_at:%Y-%m-%d} as "
                f"“{self.statement.file_name}”; nothing changed"
            )
        total = sum(self.counts.values())
        return (
            f"{total} line{'s' if total != 1 else ''}: "
            f"{self.counts.get(MatchStatus.MATCHED, 0)} matched to our claims, "
            f"{self.counts.get(MatchStatus.NO_CLAIM, 0)} without an approved claim of ours, "
            f"{self.counts.get(MatchStatus.UNKNOWN_TENANT, 0)} of unknown tenants"
        )


def parse_statement(file_name: str, content: bytes) -> list[StatementLine]:
    """Every line of the file, checked and unsaved; the first problem raises ImportFailure."""
    lines = parse_titled_rows(
        file_name,
        content,
        _CellReader(file_name).line,
        noun="lines",
        fields_by_title=TITLE_FIELDS,
        field_titles=FIELD_TITLES,
        required=REQUIRED,
        missing_hint="a payment statement has Statement date, Tenant ID, Workload, Milestone "
        "and Amount",
    )
    if not lines:
        raise ImportFailure(file_name, None, None, "has a header but no statement lines")
    return lines


class _CellReader:
    """Reads one row's cells into a StatementLine, with the lookups loaded once per file."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.workloads = workload_lookup()
        self.pcts = milestone_pcts()
        self.tenants: dict[str, uuid.UUID] = {}
        for name, domain, tenant_id in Customer.objects.values_list(
            "name", "primary_domain", "tenant_id"
        ):
            for text in (name, domain):
                if text:
                    self.tenants.setdefault(title_key(text), tenant_id)

    def line(self, row: TitledRow) -> StatementLine:
        values = row.values

        def fail(field: str, problem: str) -> ImportFailure:
            return ImportFailure(
                self.file_name, row.number, row.titles.get(field, FIELD_TITLES[field]), problem
            )

        for field in REQUIRED:
            if not values.get(field):
                raise fail(field, "is empty; every statement line needs it")
        statement_date: datetime.date = parse_date(
            values["statement_date"], lambda p: fail("statement_date", p)
        )
        workload = self.workloads.get(title_key(values["workload"]))
        if workload is None:
            raise fail(
                "workload",
                f"“{values['workload']}” is not a workload of the catalog (use its name or "
                "code, e.g. Microsoft Teams or teams)",
            )
        # Never None: an empty amount was refused above.
        amount: Decimal = parse_amount(values["amount"], lambda p: fail("amount", p)) or Decimal(0)
        currency = values.get("currency", "").upper() or DEFAULT_CURRENCY
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise fail("currency", f"“{values['currency']}” is not a three-letter currency code")
        return StatementLine(
            row=row.number,
            statement_date=statement_date,
            tenant_id=self.tenant(values["tenant"], lambda p: fail("tenant", p)),
            workload=workload,
            milestone_pct=self.milestone(values["milestone"], lambda p: fail("milestone", p)),
            amount=amount,
            currency=currency,
        )

    def tenant(self, text: str, fail: Fail) -> uuid.UUID:
        try:
            return parse_tenant_id(text)
        except ValidationError as error:
            known = self.tenants.get(title_key(text))
            if known is None:
                raise fail(
                    f"“{text}” is neither a tenant ID (GUID) nor the name or domain of one of "
                    "our customers"
                ) from error
            return known

    def milestone(self, text: str, fail: Fail) -> int:
        found = MILESTONE.match(" ".join(text.lower().split()))
        pct = int(found.group(1)) if found else None
        if pct not in self.pcts:
            raise fail(
                f"“{text}” is not an AU milestone of the program "
                f"({' or '.join(f'{pct} %' for pct in self.pcts)})"
            )
        assert pct is not None
        return pct


def content_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def import_statement(
    *, acting_user: User | None, file_name: str, content: bytes
) -> StatementImport:
    """Store the statement and its lines, each matched to our claims; the same file twice
    changes nothing and answers the statement imported before."""
    sha256 = content_sha256(content)
    known = Statement.objects.filter(sha256=sha256).first()
    if known is not None:
        return StatementImport(known, created=False, counts=_counts(known))
    lines = parse_statement(file_name, content)
    match_lines(lines)
    statement = Statement.objects.create(
        file_name=file_name[:200], sha256=sha256, imported_by=acting_user
    )
    for line in lines:
        line.statement = statement
        line.full_clean()
        line.save()  # one by one, so that the audit trail records every line
    return StatementImport(statement, created=True, counts=_counts(statement))


def _counts(statement: Statement) -> dict[str, int]:
    counts = dict.fromkeys(MatchStatus.values, 0)
    for status in statement.lines.values_list("match_status", flat=True):
        counts[status] += 1
    return counts
