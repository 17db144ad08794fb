"""Forms of the referrals area; every change they ask for goes through a service function."""

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.core.forms import CheckboxList
from frpdesk.customers.services import parse_tenant_id
from frpdesk.referrals.models import Referral


class ReferralForm(forms.ModelForm[Referral]):
    """A referral as Partner Center's Referrals tab shows it; the decision is taken on its own
    page (accept, decline), and the clocks follow the assignment date."""

    tenant_id = forms.CharField(
        label="Tenant ID",
        required=False,
        help_text="The customer's Microsoft Entra tenant GUID; links the referral to the customer.",
    )

    class Meta:
        model = Referral
        fields = [
            "referral_id",
            "kind",
            "tenant_name",
            "tenant_id",
            "tenant_domain",
            "rfa_id",
            "source",
            "workloads",
            "assigned_on",
            "referral_status",
            "vas_sold",
            "services_estimated_value",
            "currency",
        ]
        widgets = {
            "workloads": CheckboxList,
            "assigned_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "assigned_on": "Starts the clocks: first response within 2 business days, "
            "acceptance within 7 days.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.tenant_id:
            self.initial["tenant_id"] = str(self.instance.tenant_id)

    def clean_tenant_id(self) -> uuid.UUID | None:
        text = self.cleaned_data["tenant_id"].strip()
        if not text:
            return None
        try:
            return parse_tenant_id(text)
        except ValidationError as error:
            raise ValidationError(error.message_dict["tenant_id"]) from error


class AcceptForm(forms.Form):
    workloads = forms.ModelMultipleChoiceField(
        queryset=Workload.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The engagement opens with these workloads (the referral's, unless you change "
        "them).",
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name"),
        required=False,
        empty_label="Me",
        label="Engagement owner",
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Decline reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,  # the service refuses a blank reason with the program's message
        help_text="Partner Center asks for one; it is kept with the referral.",
    )


class FirstResponseForm(forms.Form):
    on = forms.DateField(
        label="First response on",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Call notes, next steps…"}),
        required=False,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Partner Center referrals export (CSV)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
