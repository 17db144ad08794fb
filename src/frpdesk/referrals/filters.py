"""The referral list's filters, shared by the page, its exports and the API."""

import django_filters
from django.utils import timezone

from frpdesk.catalog.models import Workload
from frpdesk.core.filters import YesNoFilter, condition_filter, record_id_filter, text_search
from frpdesk.customers.models import Customer
from frpdesk.referrals.models import Acceptance, Referral, ReferralKind
from frpdesk.referrals.services import overdue_condition


class ReferralFilter(django_filters.FilterSet):
    search = text_search(
        "referral_id",
        "tenant_name",
        "tenant_domain",
        "rfa_id",
        tenant_id_fields=["tenant_id"],
        placeholder="Referral ID, tenant, domain, RFA ID",
    )
    acceptance = django_filters.ChoiceFilter(choices=Acceptance.choices, label="Acceptance")
    kind = django_filters.ChoiceFilter(choices=ReferralKind.choices, label="Kind")
    overdue = condition_filter(lambda: overdue_condition(timezone.localdate()), label="Overdue")
    workload = django_filters.ModelChoiceFilter(
        field_name="workloads",
        queryset=Workload.objects.all(),
        to_field_name="code",
        label="Workload",
    )
    customer = record_id_filter(Customer)
    has_customer = YesNoFilter(
        field_name="customer", lookup_expr="isnull", exclude=True, label="Customer linked"
    )
    received_while_paused = YesNoFilter(label="Received while paused")

    class Meta:
        model = Referral
        fields = [
            "search",
            "acceptance",
            "kind",
            "overdue",
            "workload",
            "customer",
            "has_customer",
            "received_while_paused",
        ]
