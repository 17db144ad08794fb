from typing import Any

from rest_framework import serializers
from rest_framework.routers import BaseRouter

from frpdesk.catalog.models import Workload
from frpdesk.core.access import acting_user
from frpdesk.core.api import ScopedModelViewSet, SlugRelatedField
from frpdesk.core.choices import languages
from frpdesk.directory import services
from frpdesk.directory.filters import DirectoryPartnerFilter
from frpdesk.directory.models import DirectoryPartner


class DirectoryPartnerSerializer(serializers.ModelSerializer[DirectoryPartner]):
    endorsed_workloads = SlugRelatedField(
        slug_field="code", many=True, queryset=Workload.objects.all(), required=False
    )
    countries = serializers.ListField(child=serializers.CharField(max_length=2), required=False)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=languages()), required=False
    )

    class Meta:
        model = DirectoryPartner
        fields = [
            "id",
            "name",
            "partner_id",
            "contact_name",
            "contact_email",
            "contact_phone",
            "website",
            "countries",
            "languages",
            "endorsed_workloads",
            "notes",
        ]

    def to_representation(self, instance: DirectoryPartner) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["countries"] = [country.code for country in instance.countries]
        return data


class DirectoryPartnerViewSet(ScopedModelViewSet):
    """Other FRPs we can hand work to; filter with ``workload`` (code) and ``country``."""

    queryset = DirectoryPartner.objects.prefetch_related("endorsed_workloads")
    serializer_class = DirectoryPartnerSerializer
    filterset_class = DirectoryPartnerFilter
    ordering_fields = ["name", "partner_id"]
    ordering = ["name"]

    def save_instance(self, instance: Any, related: dict[str, Any]) -> Any:
        workloads = related.get("endorsed_workloads")
        if workloads is None:
            workloads = list(instance.endorsed_workloads.all()) if instance.pk else []
        return services.save_directory_partner(
            acting_user=acting_user(self.request), partner=instance, endorsed_workloads=workloads
        )


def register(router: BaseRouter) -> None:
    router.register("directory", DirectoryPartnerViewSet, basename="directory-partner")
