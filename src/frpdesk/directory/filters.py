import django_filters
from django.db.models import Q, QuerySet
from django_countries import countries

from frpdesk.catalog.models import Workload
from frpdesk.core.choices import LANGUAGES
from frpdesk.directory.models import DirectoryPartner


class DirectoryPartnerFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Name, PartnerID or contact")
    workload = django_filters.ModelChoiceFilter(
        field_name="endorsed_workloads",
        queryset=Workload.objects.all(),
        to_field_name="code",
        label="Endorsed for",
    )
    country = django_filters.ChoiceFilter(
        choices=list(countries), method="filter_country", label="Serves country"
    )
    language = django_filters.ChoiceFilter(
        choices=LANGUAGES, method="filter_language", label="Language"
    )

    class Meta:
        model = DirectoryPartner
        fields = ["search", "workload", "country", "language"]

    def filter_search(
        self, queryset: QuerySet[DirectoryPartner], name: str, value: str
    ) -> QuerySet[DirectoryPartner]:
        return queryset.filter(
            Q(name__icontains=value)
            | Q(partner_id__icontains=value)
            | Q(contact_name__icontains=value)
            | Q(contact_email__icontains=value)
        )

    def filter_country(
        self, queryset: QuerySet[DirectoryPartner], name: str, value: str
    ) -> QuerySet[DirectoryPartner]:
        # Stored as comma-separated two-letter codes, so a code can only match whole.
        return queryset.filter(countries__contains=value)

    def filter_language(
        self, queryset: QuerySet[DirectoryPartner], name: str, value: str
    ) -> QuerySet[DirectoryPartner]:
        # JSON lists are stored as text like ["de", "en"]; the quotes make the match exact.
        return queryset.filter(languages__icontains=f'"{value}"')
