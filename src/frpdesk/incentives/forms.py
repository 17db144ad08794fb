"""Forms of the incentives area; every change they ask for goes through a service function."""

from typing import Any

from django import forms

from frpdesk.incentives.models import DisputeStatus, IncentiveRate
from frpdesk.vas.forms import CurrencyMixin


class IncentiveRateForm(CurrencyMixin, forms.ModelForm[IncentiveRate]):
    class Meta:
        model = IncentiveRate
        fields = [
            "workload",
            "milestone_pct",
            "amount_per_unit",
            "currency",
            "valid_from",
            "valid_to",
            "note",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "amount_per_unit": "Paid per opportunity unit (PAU − starting peak) when the workload "
            "reaches the milestone.",
            "valid_to": "Leave empty while the rate is in force; end it before a new rate starts.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The currency field's validator wants upper case; clean_currency runs after it.
        self.fields["currency"].validators = []


class StatementImportForm(forms.Form):
    file = forms.FileField(
        label="Payment statement (CSV)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,.txt"}),
    )


class DisputeForm(forms.Form):
    """Files a dispute of a line, or updates the line's dispute (status and resolution)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Reason"
    )
    status = forms.ChoiceField(choices=DisputeStatus.choices, initial=DisputeStatus.OPEN)
    resolution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Resolution"
    )
