"""Import of customer satisfaction survey results (CSV): all or nothing, idempotent.

Columns are found by their title, normalised as in the other imports (case, spaces, punctuation
and a BOM ignored), in any order; other columns are ignored. Separators ``,``, ``;`` and tab are
detected. Accepted titles:

- ``Tenant ID`` / ``Tenant`` / ``Tenant name`` / ``Customer`` / ``Domain``: the tenant's GUID
  (braces and upper case accepted), or the name or primary domain of one of our customers;
- ``Date`` / ``Response date`` / ``Survey date`` / ``Submitted``: ``YYYY-MM-DD`` or ``M/D/YYYY``
  (a time after it is ignored), not in the future;
- ``Response`` / ``Satisfaction`` / ``Rating`` / ``Score``: the 4-point scale in words —
  ``Very satisfied``, ``Somewhat satisfied``, ``Somewhat dissatisfied``, ``Very dissatisfied``
  (case and spaces ignored) — or as the number some exports write, ``4`` (very satisfied) down
  to ``1`` (very dissatisfied);
- ``Comment`` / ``Verbatim`` / ``Feedback`` (optional): the customer's words.

Every response must be of one of our customers (a survey result of a tenant we do not know is an
error: NSAT is kept per customer). The same file twice changes nothing (``SurveyImport.sha256``);
the first bad cell stops the import with one message naming the file, row and column, and
nothing is written.
"""

import hashlib
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.core.imports import (
    ImportFailure,
    TitledRow,
    parse_date,
    parse_titled_rows,
    title_fields,
    title_key,
)
from frpdesk.customers.models import Customer
from frpdesk.customers.services import parse_tenant_id
from frpdesk.satisfaction.models import Rating, SurveyImport, SurveyResponse
from frpdesk.satisfaction.services import SCALE, nsat_of

COLUMN_TITLES: dict[str, tuple[str, ...]] = {
    "tenant": (
        "tenant id",
        "tenantid",
        "customer tenant id",
        "tenant",
        "tenant name",
        "tenant domain",
        "customer",
        "customer name",
        "domain",
        "primary domain",
    ),
    "responded_on": (
        "date",
        "response date",
        "responded on",
        "survey date",
        "survey response date",
        "submitted",
        "submitted date",
        "submitted on",
        "completed date",
    ),
    "rating": (
        "response",
        "survey response",
        "satisfaction",
        "overall satisfaction",
        "satisfaction rating",
        "rating",
        "score",
        "csat",
    ),
    "comment": ("comment", "comments", "verbatim", "feedback", "customer comment", "remarks"),
}
REQUIRED = ("tenant", "responded_on", "rating")
FIELD_TITLES = {
    "tenant": "Tenant ID",
    "responded_on": "Date",
    "rating": "Response",
    "comment": "Comment",
}
TITLE_FIELDS = title_fields(COLUMN_TITLES)
RATINGS: dict[str, Rating] = {
    **{title_key(rating.label): rating for _number, rating in SCALE},
    **{str(number): rating for number, rating in SCALE},
}
ACCEPTED = ", ".join(f"{rating.label} ({number})" for number, rating in SCALE)
# A problem found in a cell → the ImportFailure that names the file, row and column.
Fail = Callable[[str], ImportFailure]


@dataclass(frozen=True)
class SurveyImportOutcome:
    survey_import: SurveyImport
    created: bool  # False: the same file was imported before; nothing changed

    def summary(self) -> str:
        survey_import = self.survey_import
        if not self.created:
            return (
                f"already imported on {survey_import.imported_at:%Y-%m-%d} as "
                f"“{survey_import.file_name}”; nothing changed"
            )
        responses = survey_import.responses.all()
        counts = Counter(responses.values_list("rating", flat=True))
        customers = responses.values("customer").distinct().count()
        dates = responses.aggregate(first=Min("responded_on"), last=Max("responded_on"))
        total = survey_import.rows
        return (
            f"{total} response{'s' if total != 1 else ''} of {customers} "
            f"customer{'s' if customers != 1 else ''}, {dates['first']:%Y-%m-%d} to "
            f"{dates['last']:%Y-%m-%d}; NSAT of the file {nsat_of(counts).value}"
        )


def parse_survey(file_name: str, content: bytes) -> list[SurveyResponse]:
    """Every response of the file, checked and unsaved; the first problem raises ImportFailure."""
    responses = parse_titled_rows(
        file_name,
        content,
        _CellReader(file_name).response,
        noun="responses",
        fields_by_title=TITLE_FIELDS,
        field_titles=FIELD_TITLES,
        required=REQUIRED,
        missing_hint="survey results have Tenant ID, Date and Response (the 4-point scale)",
    )
    if not responses:
        raise ImportFailure(file_name, None, None, "has a header but no responses")
    return responses


class _CellReader:
    """Reads one row's cells into a SurveyResponse, with the customers loaded once per file."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.today = timezone.localdate()
        self.by_tenant: dict[uuid.UUID, Customer] = {}
        self.by_name: dict[str, Customer] = {}
        for customer in Customer.objects.order_by("pk"):
            self.by_tenant[customer.tenant_id] = customer
            for text in (customer.name, customer.primary_domain):
                if text:
                    self.by_name.setdefault(title_key(text), customer)

    def response(self, row: TitledRow) -> SurveyResponse:
        values = row.values

        def fail(field: str, problem: str) -> ImportFailure:
            return ImportFailure(
                self.file_name, row.number, row.titles.get(field, FIELD_TITLES[field]), problem
            )

        for field in REQUIRED:
            if not values.get(field):
                raise fail(field, "is empty; every response needs it")
        responded_on = parse_date(values["responded_on"], lambda p: fail("responded_on", p))
        if responded_on > self.today:
            raise fail("responded_on", f"“{values['responded_on']}” is in the future")
        rating = RATINGS.get(title_key(values["rating"]))
        if rating is None:
            raise fail(
                "rating",
                f"“{values['rating']}” is not a response of the 4-point scale (use {ACCEPTED})",
            )
        return SurveyResponse(
            customer=self.customer(values["tenant"], lambda p: fail("tenant", p)),
            responded_on=responded_on,
            rating=rating,
            comment=values.get("comment", ""),
        )

    def customer(self, text: str, fail: Fail) -> Customer:
        try:
            tenant_id = parse_tenant_id(text)
        except ValidationError:
            known = self.by_name.get(title_key(text))
            if known is None:
                raise fail(
                    f"“{text}” is neither a tenant ID (GUID) nor the name or domain of one of "
                    "our customers"
                ) from None
            return known
        customer = self.by_tenant.get(tenant_id)
        if customer is None:
            raise fail(
                f"“{text}” is the tenant ID of none of our customers; add the customer first"
            )
        return customer


def content_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def import_survey(
    *, acting_user: User | None, file_name: str, content: bytes
) -> SurveyImportOutcome:
    """Store the file's responses; the same file twice changes nothing and answers the import
    made before."""
    sha256 = content_sha256(content)
    known = SurveyImport.objects.filter(sha256=sha256).first()
    if known is not None:
        return SurveyImportOutcome(known, created=False)
    responses = parse_survey(file_name, content)
    survey_import = SurveyImport.objects.create(
        file_name=file_name[:255], sha256=sha256, rows=len(responses), imported_by=acting_user
    )
    for response in responses:
        response.survey_import = survey_import
        response.full_clean()
        response.save()  # one by one, so that the audit trail records every response
    return SurveyImportOutcome(survey_import, created=True)
