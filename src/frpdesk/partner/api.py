from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from frpdesk.catalog.models import Workload
from frpdesk.core.access import acting_user, require
from frpdesk.core.api import ScopedModelViewSet, SlugRelatedField
from frpdesk.core.choices import customer_sizes, industries, languages
from frpdesk.partner import services
from frpdesk.partner.filters import EndorsementFilter
from frpdesk.partner.models import (
    Endorsement,
    PartnerProfile,
    ProgramContact,
    ProgramMembership,
    ReferralProfile,
)


def _profile() -> PartnerProfile:
    profile = services.current_profile()
    if profile is None:
        raise Http404("The partner profile has not been set up yet.")
    return profile


class PartnerProfileSerializer(serializers.ModelSerializer[PartnerProfile]):
    class Meta:
        model = PartnerProfile
        fields = [
            "organisation_name",
            "partner_id",
            "location_partner_id",
            "location_city",
            "location_country",
            "website",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def to_representation(self, instance: PartnerProfile) -> dict[str, Any]:
        data = super().to_representation(instance)
        # A blank country is not one of the choices, so DRF would pass the Country object on.
        data["location_country"] = instance.location_country.code or ""
        return data


class PartnerProfileView(generics.RetrieveUpdateAPIView[PartnerProfile]):
    """Our organisation as the FastTrack program knows it (a single record)."""

    serializer_class = PartnerProfileSerializer
    access_model = PartnerProfile

    def get_object(self) -> PartnerProfile:
        return _profile()

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.save_profile(
            acting_user=acting_user(self.request), **serializer.validated_data
        )


def _choice_list(choices: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.ChoiceField(choices=choices()), required=False)


class ReferralProfileSerializer(serializers.ModelSerializer[ReferralProfile]):
    languages = _choice_list(languages)
    industries = _choice_list(industries)
    target_customer_sizes = _choice_list(customer_sizes)
    countries_served = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False
    )
    referral_contact = serializers.PrimaryKeyRelatedField(
        queryset=ProgramContact.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = ReferralProfile
        fields = [
            "languages",
            "industries",
            "target_customer_sizes",
            "countries_served",
            "referral_contact",
            "referrals_paused_until",
        ]

    def to_representation(self, instance: ReferralProfile) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["countries_served"] = [country.code for country in instance.countries_served]
        return data


class ReferralProfileView(generics.RetrieveUpdateAPIView[ReferralProfile]):
    """How Microsoft routes referrals to us; ``referrals_paused_until`` at most 30 days ahead."""

    serializer_class = ReferralProfileSerializer
    access_model = ReferralProfile

    def get_object(self) -> ReferralProfile:
        referral_profile = ReferralProfile.objects.filter(profile=_profile()).first()
        if referral_profile is None:
            raise Http404("The referral profile has not been set up yet.")
        return referral_profile

    def perform_update(self, serializer: Any) -> None:
        referral_profile = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(referral_profile, name, value)
        services.save_referral_profile(
            acting_user=acting_user(self.request), referral_profile=referral_profile
        )


class ProgramMembershipSerializer(serializers.ModelSerializer[ProgramMembership]):
    class Meta:
        model = ProgramMembership
        fields = ["id", "name", "program", "location_partner_id", "joined_on", "renews_on"]


class ProgramContactSerializer(serializers.ModelSerializer[ProgramContact]):
    class Meta:
        model = ProgramContact
        fields = ["id", "name", "email", "phone", "title", "is_spoc"]


class EndorsementSerializer(serializers.ModelSerializer[Endorsement]):
    workload = SlugRelatedField(slug_field="code", queryset=Workload.objects.all())
    active = serializers.SerializerMethodField()

    class Meta:
        model = Endorsement
        fields = ["id", "workload", "valid_from", "valid_to", "active"]

    def get_active(self, endorsement: Endorsement) -> bool:
        from django.utils import timezone

        return endorsement.is_active(timezone.localdate())


class ProfileChildViewSet(ScopedModelViewSet):
    def save_instance(self, instance: Any, related: dict[str, Any]) -> Any:
        instance.profile = _profile()
        return super().save_instance(instance, related)


class ProgramMembershipViewSet(ProfileChildViewSet):
    """Program memberships, e.g. “Contoso US – FRP”."""

    queryset = ProgramMembership.objects.all()
    serializer_class = ProgramMembershipSerializer


class ProgramContactViewSet(ProfileChildViewSet):
    """Program contacts; exactly one is the single point of contact (SPOC) at any time."""

    queryset = ProgramContact.objects.all()
    serializer_class = ProgramContactSerializer

    def save_instance(self, instance: Any, related: dict[str, Any]) -> Any:
        instance.profile = _profile()
        return services.save_contact(acting_user=acting_user(self.request), contact=instance)

    def perform_destroy(self, instance: ProgramContact) -> None:
        services.delete_contact(acting_user=acting_user(self.request), contact=instance)

    @extend_schema(request=None, responses=ProgramContactSerializer)
    @action(detail=True, methods=["post"], url_path="make-spoc")
    def make_spoc(self, request: Request, pk: str | None = None) -> Response:
        """Make this contact the single point of contact; the previous SPOC is demoted."""
        require(request.user, "change", ProgramContact)
        contact = services.make_spoc(acting_user=acting_user(request), contact=self.get_object())
        return Response(ProgramContactSerializer(contact).data, status=status.HTTP_200_OK)


class EndorsementViewSet(ProfileChildViewSet):
    """Workloads we are endorsed for, with their validity periods."""

    queryset = Endorsement.objects.select_related("workload")
    serializer_class = EndorsementSerializer
    filterset_class = EndorsementFilter

    def save_instance(self, instance: Any, related: dict[str, Any]) -> Any:
        instance.profile = _profile()
        return services.save_endorsement(
            acting_user=acting_user(self.request), endorsement=instance
        )


def register(router: BaseRouter) -> None:
    router.register("partner/memberships", ProgramMembershipViewSet, basename="membership")
    router.register("partner/contacts", ProgramContactViewSet, basename="contact")
    router.register("partner/endorsements", EndorsementViewSet, basename="endorsement")
