"""Forms of the claims area; every change they ask for goes through a service function."""

from typing import Any

from django import forms
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.claims.models import Claim, ClaimState, ExternalClaim
from frpdesk.core.forms import CheckboxList
from frpdesk.engagements.models import Engagement
from frpdesk.sow.models import SignedSow


class ClaimForm(forms.ModelForm[Claim]):
    """A draft claim, as Partner Center's "Add customer" form asks for it. The tenant is the
    customer's; the proof of execution is a signed SOW of the engagement or an uploaded file."""

    workloads = forms.ModelMultipleChoiceField(
        queryset=Workload.objects.all(), widget=CheckboxList, label="Workloads claimed"
    )
    poe_file = forms.FileField(
        label="Or upload the proof of execution",
        required=False,
        help_text="A signed document other than a stored signed SOW (PDF or DOCX); it replaces "
        "the signed SOW picked above.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )

    class Meta:
        model = Claim
        fields = [
            "name",
            "customer",
            "engagement",
            "location_partner_id",
            "partner_role",
            "customer_contact_name",
            "customer_contact_title",
            "customer_contact_email",
            "partner_contact",
            "poe_signed_sow",
            "incentive_opt_out",
            "partner_center_reference",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customer = self.initial.get("customer") or (
            self.instance.customer if self.instance.customer_id else None
        )
        engagements = Engagement.objects.select_related("customer")
        signed = SignedSow.objects.select_related("engagement").defer("document")
        if customer:
            engagements = engagements.filter(customer=customer)
            signed = signed.filter(engagement__customer=customer)
        self.fields["engagement"].queryset = engagements  # type: ignore[attr-defined]
        self.fields["poe_signed_sow"].queryset = signed  # type: ignore[attr-defined]
        self.fields["partner_contact"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("first_name", "last_name")
        if self.instance.pk:
            self.initial.setdefault(
                "workloads", [item.workload for item in self.instance.workloads.all()]
            )


class TransitionForm(forms.Form):
    """A state change Partner Center shows (the states allowed from the current one)."""

    state = forms.ChoiceField(label="New state")
    on = forms.DateField(
        label="On", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    reason = forms.CharField(
        label="Microsoft's reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required with Rejected and Partner action required.",
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [  # type: ignore[attr-defined]
            (state, ClaimState(state).label) for state in allowed
        ]


class ExternalClaimForm(forms.ModelForm[ExternalClaim]):
    class Meta:
        model = ExternalClaim
        fields = ["customer", "workload", "partner_name", "seen_on", "note"]
        widgets = {"seen_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"partner_name": "When Partner Center names it; blank = another partner."}


class StatusImportForm(forms.Form):
    file = forms.FileField(
        label="Claim status updates (CSV)",
        help_text="Columns: Claim reference, Status, Date, Reason.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
