"""The customer list's filters, shared by the page, its exports and the API.

Eligibility comes from the tenant's newest licence snapshot. A tenant whose licences were never
imported has no eligibility: it is not known to be eligible, so it is listed under
``eligible=false`` (it cannot be served as eligible until licences show it is) and never under
``eligible=true``. ``has_licences`` tells the two kinds of "not eligible" apart.
"""

import django_filters
from django.db.models import Q, QuerySet
from django_countries import countries

from frpdesk.accounts.models import Team, User
from frpdesk.catalog.models import Workload
from frpdesk.core.filters import YesNoFilter, text_search
from frpdesk.customers.models import Customer, Segment, Tag


def customer_search(*, label: str, placeholder: str) -> django_filters.CharFilter:
    """Customers by name, domain, TPID or tenant ID."""
    return text_search(
        "name",
        "primary_domain",
        "tpid",
        tenant_id_fields=["tenant_id"],
        label=label,
        placeholder=placeholder,
    )


class CustomerFilter(django_filters.FilterSet):
    search = customer_search(label="Search", placeholder="Name, domain, tenant ID, TPID")
    eligible = YesNoFilter(method="filter_eligible", label="Tenant eligible")
    workload = django_filters.ModelChoiceFilter(
        field_name="eligibility__eligible_workloads",
        queryset=Workload.objects.all(),
        to_field_name="code",
        label="Workload eligible",
    )
    has_licences = YesNoFilter(method="filter_has_licences", label="Licences imported")
    country = django_filters.ChoiceFilter(choices=list(countries), label="Country")
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True),
        null_label="No owner",
        label="Owner",
    )
    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.all(), null_label="No team", label="Team"
    )
    tag = django_filters.ModelChoiceFilter(
        field_name="tags", queryset=Tag.objects.all(), to_field_name="name", label="Tag"
    )
    segment = django_filters.ChoiceFilter(choices=Segment.choices, label="Segment")
    is_edu = YesNoFilter(field_name="is_edu", label="EDU")

    class Meta:
        model = Customer
        fields = [
            "search",
            "eligible",
            "workload",
            "has_licences",
            "country",
            "owner",
            "team",
            "tag",
            "segment",
            "is_edu",
        ]

    def filter_eligible(
        self, queryset: QuerySet[Customer], name: str, value: bool | None
    ) -> QuerySet[Customer]:
        if value is None:
            return queryset
        if value:
            return queryset.filter(eligibility__eligible=True)
        return queryset.filter(Q(eligibility__eligible=False) | Q(eligibility__isnull=True))

    def filter_has_licences(
        self, queryset: QuerySet[Customer], name: str, value: bool | None
    ) -> QuerySet[Customer]:
        if value is None:
            return queryset
        return queryset.filter(eligibility__isnull=not value)
