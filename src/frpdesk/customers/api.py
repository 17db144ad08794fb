"""Customers API: tenants, their contacts, and our people assigned to them.

- ``/api/customers/``: CRUD. ``tenant_id`` is a GUID (braces and upper case accepted, stored
  lower case), unique; ``tags`` is a list of tag names (new names create tags); ``owner`` is a
  username. The filters are the customer list page's (``CustomerFilter``): ``search``,
  ``eligible``, ``workload``, ``has_licences``, ``country``, ``owner``, ``tag``, ``segment``,
  ``is_edu``. ``eligibility`` is a summary of the newest snapshot's result (null before any).
- ``/api/customers/{id}/licenses/`` (POST, upload) and ``/api/customers/{id}/eligibility/``
  (GET): see ``frpdesk.licensing.api``.
- ``/api/customer-contacts/``: the customer's people; ``services_assisted`` is a list of workload
  codes. Filters ``customer`` (id), ``role``, ``survey_eligible``.
- ``/api/customer-partner-contacts/``: our people assigned to a customer (``user`` is a username).
  Filters ``customer`` (id), ``role``, ``user`` (username).
"""

import uuid
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from frpdesk.accounts.models import Team, User
from frpdesk.adoption.api import CustomerAdoptionActions
from frpdesk.catalog.models import Workload
from frpdesk.core.access import acting_user
from frpdesk.core.api import ScopedModelViewSet, SlugRelatedField
from frpdesk.core.choices import industries
from frpdesk.customers import services
from frpdesk.customers.filters import CustomerFilter
from frpdesk.customers.models import Customer, CustomerContact, PartnerContact
from frpdesk.licensing.api import CustomerLicensingActions
from frpdesk.licensing.models import Eligibility


def _country_field() -> serializers.CharField:
    # Plain text checked by the model's validation: the choice set is already named elsewhere in
    # the schema (an enum here would be a duplicate name).
    return serializers.CharField(
        max_length=2,
        required=False,
        allow_blank=True,
        help_text="ISO 3166-1 alpha-2 country code, e.g. US.",
    )


class TagNamesField(serializers.ListField):
    """Tags as a list of names (``Tag.name`` is at most 60 characters); blank names are dropped."""

    child = serializers.CharField(max_length=60, allow_blank=True)

    def to_representation(self, data: Any) -> list[str]:
        return [tag.name for tag in data.all()]


class EligibilitySummarySerializer(serializers.ModelSerializer[Eligibility]):
    eligible_workloads: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = Eligibility
        fields = ["as_of", "eligible", "eligible_seats", "eligible_workloads"]
        read_only_fields = fields


class CustomerSerializer(serializers.ModelSerializer[Customer]):
    tenant_id = serializers.CharField(
        max_length=60, help_text="The tenant's GUID, e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47."
    )
    tags = TagNamesField(required=False, help_text="Tag names; a new name creates the tag.")
    owner = SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        allow_null=True,
        required=False,
    )
    team = SlugRelatedField(
        slug_field="name",
        queryset=Team.objects.all(),
        allow_null=True,
        required=False,
        help_text="The team that serves the customer (by name); by default the creator's team.",
    )
    country = _country_field()
    industry = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="One of: " + ", ".join(code for code, _ in industries()) + ".",
    )
    eligibility = EligibilitySummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "tenant_id",
            "tpid",
            "primary_domain",
            "country",
            "industry",
            "segment",
            "is_edu",
            "is_government_cloud",
            "owner",
            "team",
            "tags",
            "notes",
            "eligibility",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_tenant_id(self, value: str) -> uuid.UUID:
        try:
            tenant_id = services.parse_tenant_id(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["tenant_id"]) from error
        taken = Customer.objects.filter(tenant_id=tenant_id)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(
                f"A customer with tenant ID {tenant_id} already exists.", code="unique"
            )
        return tenant_id

    def validate_primary_domain(self, value: str) -> str:
        return value.strip().lower()

    def validate_country(self, value: str) -> str:
        return value.strip().upper()

    def to_representation(self, instance: Customer) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["tenant_id"] = str(instance.tenant_id)
        return data


class CustomerViewSet(CustomerLicensingActions, CustomerAdoptionActions, ScopedModelViewSet):
    """Customers (Microsoft 365 tenants); the filters are the customer list page's."""

    queryset = Customer.objects.select_related("owner", "team", "eligibility").prefetch_related(
        "tags", "eligibility__eligible_workloads"
    )
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name"]

    def save_instance(self, instance: Any, related: dict[str, Any]) -> Any:
        return services.save_customer(
            acting_user=acting_user(self.request), customer=instance, tags=related.get("tags")
        )


class CustomerContactSerializer(serializers.ModelSerializer[CustomerContact]):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    services_assisted = SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Workload.objects.all(),
        required=False,
        help_text="Codes of the workloads this contact was assisted with.",
    )
    country = _country_field()
    survey_language = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        help_text="Language code of Microsoft's satisfaction survey, e.g. en.",
    )

    def validate_country(self, value: str) -> str:
        return value.strip().upper()

    class Meta:
        model = CustomerContact
        fields = [
            "id",
            "customer",
            "name",
            "email",
            "title",
            "role",
            "country",
            "survey_language",
            "services_assisted",
            "survey_eligible",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class CustomerContactViewSet(ScopedModelViewSet):
    """The customer's people; filter with ``customer`` (id), ``role``, ``survey_eligible``."""

    queryset = CustomerContact.objects.select_related("customer").prefetch_related(
        "services_assisted"
    )
    serializer_class = CustomerContactSerializer
    filterset_fields = ["customer", "role", "survey_eligible"]
    ordering_fields = ["name", "email", "created_at"]
    ordering = ["customer__name", "name"]


class PartnerContactSerializer(serializers.ModelSerializer[PartnerContact]):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    user = SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))

    class Meta:
        model = PartnerContact
        fields = ["id", "customer", "user", "role", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class PartnerContactFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(field_name="user__username", label="User (username)")

    class Meta:
        model = PartnerContact
        fields = ["customer", "role", "user"]


class PartnerContactViewSet(ScopedModelViewSet):
    """Our people assigned to a customer; filter with ``customer`` (id), ``role``, ``user``."""

    queryset = PartnerContact.objects.select_related("customer", "user")
    serializer_class = PartnerContactSerializer
    filterset_class = PartnerContactFilter
    ordering_fields = ["role", "created_at"]
    ordering = ["customer__name", "role", "user__username"]


def register(router: BaseRouter) -> None:
    router.register("customers", CustomerViewSet, basename="customer")
    router.register("customer-contacts", CustomerContactViewSet, basename="customer-contact")
    router.register(
        "customer-partner-contacts", PartnerContactViewSet, basename="customer-partner-contact"
    )
