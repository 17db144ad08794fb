"""The filters of the claim and conflict lists, shared by the pages, their exports and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from frpdesk.catalog.models import Workload
from frpdesk.claims.models import Claim, ClaimState, ExternalClaim
from frpdesk.claims.services import REFERENCE_PREFIX, overdue_condition
from frpdesk.core.filters import condition_filter, record_id_filter, text_search
from frpdesk.customers.models import Customer
from frpdesk.engagements.models import Engagement


def _claim_id(text: str) -> Q:
    """Our claim ID: ``CLM-12`` (or just ``12``)."""
    number = text.upper().removeprefix(REFERENCE_PREFIX)
    return Q(pk=int(number)) if number.isdigit() else Q()


class ClaimFilter(django_filters.FilterSet):
    search = text_search(
        "name",
        "partner_center_reference",
        "customer__name",
        tenant_id_fields=["tenant_id"],
        also_matching=_claim_id,
        placeholder="Name, CLM-id, reference, tenant",
    )
    state = django_filters.ChoiceFilter(choices=ClaimState.choices, label="State")
    overdue = condition_filter(lambda: overdue_condition(timezone.localdate()), label="Overdue")
    workload = django_filters.ModelChoiceFilter(
        field_name="workloads__workload",
        queryset=Workload.objects.all(),
        to_field_name="code",
        label="Workload",
    )
    customer = record_id_filter(Customer)
    engagement = record_id_filter(Engagement)

    class Meta:
        model = Claim
        fields = ["search", "state", "overdue", "workload", "customer", "engagement"]


class ExternalClaimFilter(django_filters.FilterSet):
    customer = record_id_filter(Customer)
    workload = django_filters.ModelChoiceFilter(
        queryset=Workload.objects.all(), to_field_name="code", label="Workload"
    )

    class Meta:
        model = ExternalClaim
        fields = ["customer", "workload"]
