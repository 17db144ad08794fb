import django_filters
from django.db.models import Q, QuerySet

from frpdesk.catalog.models import Workload
from frpdesk.partner.models import Endorsement


class EndorsementFilter(django_filters.FilterSet):
    workload = django_filters.ModelChoiceFilter(
        queryset=Workload.objects.all(), to_field_name="code"
    )
    active_on = django_filters.DateFilter(method="filter_active_on", label="Active on")

    class Meta:
        model = Endorsement
        fields = ["workload", "active_on"]

    def filter_active_on(
        self, queryset: QuerySet[Endorsement], name: str, value: object
    ) -> QuerySet[Endorsement]:
        return queryset.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=value), valid_from__lte=value
        )
