"""Forms of the customers area: tenants, their contacts and our people assigned to them."""

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.core.forms import CheckboxList
from frpdesk.customers.models import Customer, CustomerContact, PartnerContact, Tag
from frpdesk.customers.services import parse_tenant_id

TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length or 60


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.email})" if obj.email else obj.display_name


def active_users() -> Any:
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


class CustomerForm(forms.ModelForm[Customer]):
    tenant_id = forms.CharField(
        label="Tenant ID",
        max_length=40,
        help_text="The Microsoft Entra tenant ID, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47.",
        widget=forms.TextInput(attrs={"class": "font-monospace", "autocomplete": "off"}),
    )
    owner = UserChoiceField(
        queryset=active_users(),
        required=False,
        empty_label="— Nobody —",
        help_text="Who looks after this customer.",
    )
    tags = forms.CharField(
        required=False,
        help_text="Comma-separated, for example: priority, retail, renewal-2026.",
    )

    class Meta:
        model = Customer
        fields = [
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
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = ", ".join(tag.name for tag in self.instance.tags.all())
            self.initial["tenant_id"] = str(self.instance.tenant_id)

    def clean_tenant_id(self) -> uuid.UUID:
        try:
            tenant_id = parse_tenant_id(self.cleaned_data["tenant_id"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["tenant_id"]) from error
        if Customer.objects.filter(tenant_id=tenant_id).exclude(pk=self.instance.pk).exists():
            # Not named: the customer may belong to a team the editor does not see.
            raise ValidationError(
                f"Tenant {tenant_id} is already a customer: each tenant is recorded once. If you "
                "cannot find it, it belongs to another team: ask a program administrator.",
                code="unique",
            )
        return tenant_id

    def clean_tags(self) -> list[str]:
        """Names in the order typed, without repeats; an existing tag keeps its spelling."""
        names: list[str] = []
        seen: set[str] = set()
        for raw in self.cleaned_data["tags"].split(","):
            name = " ".join(raw.split())
            if not name or name.lower() in seen:
                continue
            if len(name) > TAG_MAX_LENGTH:
                raise ValidationError(
                    f"“{name[:20]}…” is too long: a tag has at most {TAG_MAX_LENGTH} characters."
                )
            seen.add(name.lower())
            existing = Tag.objects.filter(name__iexact=name).values_list("name", flat=True).first()
            names.append(existing or name)
        return names


class CustomerContactForm(forms.ModelForm[CustomerContact]):
    services_assisted = forms.ModelMultipleChoiceField(
        queryset=Workload.objects.all(),
        required=False,
        widget=CheckboxList,
        help_text="The workloads this person was assisted with.",
    )

    class Meta:
        model = CustomerContact
        fields = [
            "name",
            "email",
            "title",
            "role",
            "country",
            "survey_language",
            "services_assisted",
            "survey_eligible",
        ]

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        customer_id = self.instance.customer_id
        duplicate = (
            CustomerContact.objects.filter(customer_id=customer_id, email__iexact=email)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if duplicate is not None:
            raise ValidationError(
                f"{duplicate.name} already has this email address at this customer.",
                code="unique",
            )
        return email


class PartnerContactForm(forms.ModelForm[PartnerContact]):
    user = UserChoiceField(queryset=active_users(), label="Person")

    class Meta:
        model = PartnerContact
        fields = ["user", "role"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        user, role = cleaned.get("user"), cleaned.get("role")
        if user is not None and role:
            taken = (
                PartnerContact.objects.filter(
                    customer_id=self.instance.customer_id, user=user, role=role
                )
                .exclude(pk=self.instance.pk)
                .exists()
            )
            if taken:
                raise ValidationError(
                    f"{user.display_name} is already assigned to this customer in this role.",
                    code="unique",
                )
        return cleaned
