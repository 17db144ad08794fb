from django import forms

from frpdesk.catalog.models import Workload
from frpdesk.core.forms import CheckboxList
from frpdesk.directory.models import DirectoryPartner


class DirectoryPartnerForm(forms.ModelForm[DirectoryPartner]):
    website = forms.URLField(required=False, assume_scheme="https")
    endorsed_workloads = forms.ModelMultipleChoiceField(
        queryset=Workload.objects.all(),
        required=False,
        widget=CheckboxList,
        help_text="Workloads this partner is endorsed to deliver.",
    )

    class Meta:
        model = DirectoryPartner
        fields = [
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
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
