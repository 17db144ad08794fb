import django_filters
from django.db.models import QuerySet
from django_countries import countries

from frpdesk.catalog.models import Workload
from frpdesk.core.choices import LANGUAGES
from frpdesk.core.filters import text_search
from frpdesk.directory.models import DirectoryPartner


class DirectoryPartnerFilter(django_filters.FilterSet):
    search = text_search(
        "name", "partner_id", "contact_name", "contact_email", label="Name, PartnerID or contact"
    )
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
