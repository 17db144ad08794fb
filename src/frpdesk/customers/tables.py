"""Tables of the customers area: the customer list (with user-chosen columns) and contacts."""

from typing import Any

import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from frpdesk.core.tables import ActionsColumn, ListColumn
from frpdesk.customers.models import Customer, CustomerContact, PartnerContact
from frpdesk.licensing.models import Eligibility

SHOWN_WORKLOAD_BADGES = 3


def eligibility_of(customer: Customer) -> Eligibility | None:
    """The customer's eligibility, or None when no licences were ever imported (no query when
    the list selected it)."""
    try:
        return customer.eligibility
    except Eligibility.DoesNotExist:
        return None


def eligible_badge(eligibility: Eligibility | None) -> SafeString:
    if eligibility is None:
        return SafeString(
            '<span class="badge text-bg-light border" title="No licences imported yet">'
            '<i class="bi bi-question-circle me-1"></i>Unknown</span>'
        )
    if eligibility.eligible:
        return SafeString(
            '<span class="badge text-bg-success"><i class="bi bi-check-circle me-1"></i>Eligible</span>'
        )
    return SafeString(
        '<span class="badge text-bg-secondary"><i class="bi bi-x-circle me-1"></i>Not eligible</span>'
    )


class CustomerTable(tables.Table):
    """The customer list. Every column but the name can be hidden by the user."""

    name = tables.Column(
        linkify=("customers:detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "fw-semibold"}},
    )
    tenant_id = tables.Column(
        verbose_name="Tenant ID", attrs={"td": {"class": "font-monospace small text-nowrap"}}
    )
    primary_domain = tables.Column(verbose_name="Domain")
    # Through the name, not the choices: get_country_display() rebuilds the whole translated
    # country list for every row, which made the list eight times slower.
    country = tables.Column(accessor="country__name", verbose_name="Country", order_by=("country",))
    owner = tables.Column(verbose_name="Owner", order_by=("owner__last_name", "owner__first_name"))
    team = tables.Column(verbose_name="Team", order_by=("team__name",))
    segment = tables.Column(verbose_name="Segment")
    tags = ListColumn(verbose_name="Tags")
    eligible = tables.Column(
        accessor="pk",
        verbose_name="Eligible",
        order_by=("eligibility__eligible",),
        empty_values=(),
    )
    eligible_seats = tables.Column(
        accessor="pk",
        verbose_name="Eligible seats",
        order_by=("eligibility__eligible_seats",),
        empty_values=(),
        attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}},
    )
    eligible_workloads = tables.Column(
        accessor="pk", verbose_name="Eligible workloads", orderable=False, empty_values=()
    )
    as_of = tables.Column(
        accessor="pk",
        verbose_name="Licences as of",
        order_by=("eligibility__as_of",),
        empty_values=(),
    )
    actions = ActionsColumn("customers:edit", "customers:delete")

    class Meta:
        model = Customer
        fields = (
            "name",
            "tenant_id",
            "primary_domain",
            "country",
            "owner",
            "team",
            "segment",
            "tags",
            "eligible",
            "eligible_seats",
            "eligible_workloads",
            "as_of",
        )
        order_by = ("name",)
        empty_text = "No customers match these filters."

    ALWAYS_SHOWN = ("name", "actions")

    @classmethod
    def choosable_columns(cls) -> list[tuple[str, str]]:
        """(name, header) of the columns a user may hide, in table order."""
        return [
            (name, str(column.verbose_name))
            for name, column in cls.base_columns.items()
            if name not in cls.ALWAYS_SHOWN
        ]

    def render_eligible(self, record: Customer) -> SafeString:
        return eligible_badge(eligibility_of(record))

    def value_eligible(self, record: Customer) -> str:
        eligibility = eligibility_of(record)
        return "" if eligibility is None else ("Yes" if eligibility.eligible else "No")

    def order_eligible_seats(self, queryset: Any, is_descending: bool) -> tuple[Any, bool]:
        # Tenants without licences last either way, on every database.
        seats = F("eligibility__eligible_seats")
        ordering = seats.desc(nulls_last=True) if is_descending else seats.asc(nulls_last=True)
        return queryset.order_by(ordering, "name"), True

    def render_eligible_seats(self, record: Customer) -> str:
        eligibility = eligibility_of(record)
        return "—" if eligibility is None else f"{eligibility.eligible_seats:,}"

    def value_eligible_seats(self, record: Customer) -> int | str:
        eligibility = eligibility_of(record)
        return "" if eligibility is None else eligibility.eligible_seats

    def _workload_names(self, record: Customer) -> list[str]:
        eligibility = eligibility_of(record)
        if eligibility is None:
            return []
        return [workload.name for workload in eligibility.eligible_workloads.all()]

    def render_eligible_workloads(self, record: Customer) -> SafeString | str:
        names = self._workload_names(record)
        if not names:
            return "—"
        shown = format_html_join(
            "",
            '<span class="badge badge-soft me-1 mb-1">{}</span>',
            ((name,) for name in names[:SHOWN_WORKLOAD_BADGES]),
        )
        rest = names[SHOWN_WORKLOAD_BADGES:]
        if rest:
            shown += format_html(
                '<span class="badge text-bg-light border mb-1" title="{}">+{} more</span>',
                ", ".join(rest),
                len(rest),
            )
        return shown

    def value_eligible_workloads(self, record: Customer) -> str:
        return ", ".join(self._workload_names(record))

    def render_as_of(self, record: Customer) -> str:
        eligibility = eligibility_of(record)
        return "—" if eligibility is None else eligibility.as_of.isoformat()

    def value_as_of(self, record: Customer) -> str:
        eligibility = eligibility_of(record)
        return "" if eligibility is None else eligibility.as_of.isoformat()

    def value_tenant_id(self, value: Any) -> str:
        return str(value)

    def value_owner(self, value: Any) -> str:
        return str(value) if value else ""


class CustomerContactTable(tables.Table):
    name = tables.Column(attrs={"td": {"class": "fw-semibold"}})
    email = tables.EmailColumn()
    role = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    country = tables.Column()
    survey_language = tables.Column(accessor="survey_language_name", verbose_name="Survey language")
    services_assisted = ListColumn(verbose_name="Services assisted")
    survey_eligible = tables.Column(verbose_name="Survey", empty_values=())
    actions = ActionsColumn("customers:contact-edit", "customers:contact-delete")

    class Meta:
        model = CustomerContact
        fields = (
            "name",
            "email",
            "title",
            "role",
            "country",
            "survey_language",
            "services_assisted",
            "survey_eligible",
        )
        orderable = False
        empty_text = "No customer contacts yet."

    def render_survey_eligible(self, value: bool) -> SafeString:
        if value:
            return SafeString(
                '<span class="badge text-bg-success" data-testid="survey-eligible">'
                '<i class="bi bi-envelope-check me-1"></i>Survey-eligible</span>'
            )
        return SafeString('<span class="text-muted small">Not eligible</span>')


class PartnerContactTable(tables.Table):
    user = tables.Column(verbose_name="Name", attrs={"td": {"class": "fw-semibold"}})
    email = tables.EmailColumn(accessor="user__email", verbose_name="Email")
    role = tables.Column()
    actions = ActionsColumn("customers:partner-contact-edit", "customers:partner-contact-delete")

    class Meta:
        model = PartnerContact
        fields = ("user", "email", "role")
        orderable = False
        empty_text = "Nobody of ours is assigned yet."
