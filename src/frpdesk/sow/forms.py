"""Forms of the SOW area; every change they ask for goes through a service function."""

import json
from typing import Any

from django import forms
from django.utils import timezone

from frpdesk.engagements.models import Engagement
from frpdesk.sow.models import DocumentFormat, SowTemplate, SowVersion


class GenerateForm(forms.Form):
    format = forms.ChoiceField(choices=DocumentFormat.choices)


class SignedSowForm(forms.Form):
    file = forms.FileField(
        label="Signed copy (PDF or DOCX)",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
        help_text="Checked for what a CPOR claim needs: the customer's signature, current "
        "dates, the partner's services and every claimed workload.",
    )
    signed_by_name = forms.CharField(label="Signed by", max_length=200)
    signed_by_title = forms.CharField(label="Title", max_length=120, required=False)
    signed_on = forms.DateField(
        label="Signed on",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    sow_version = forms.ModelChoiceField(
        queryset=SowVersion.objects.none(),
        required=False,
        label="Version signed",
        empty_label="Not known",
    )

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["sow_version"]
        field.queryset = engagement.sow_versions.defer("document")
        field.label_from_instance = lambda version: (
            f"v{version.number} ({version.get_format_display()}, "
            f"{timezone.localtime(version.generated_at):%Y-%m-%d})"
        )


class SectionsField(forms.JSONField):
    """The sections as indented JSON: one heading and body per block of lines, easy to edit."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return json.dumps(value, indent=2, ensure_ascii=False)
        return super().prepare_value(value)


class SowTemplateForm(forms.ModelForm[SowTemplate]):
    activate = forms.BooleanField(
        required=False,
        label="Activate now",
        help_text="New SOWs are generated from the active template; earlier versions keep theirs.",
    )

    class Meta:
        model = SowTemplate
        fields = ["version", "name", "note", "sections"]
        field_classes = {"sections": SectionsField}
        widgets = {"sections": forms.Textarea(attrs={"rows": 24, "class": "font-monospace"})}
        help_texts = {
            "sections": 'A JSON list of {"heading": …, "body": …}. Bodies are Django template '
            "text with partner, customer, engagement, generated_on, started_on, workloads and "
            "vas_disclosure; a blank line starts a paragraph, “- ” a bullet, and a line "
            "[[parties]], [[benefit_services]], [[workloads]], [[out_of_scope]], [[vas]] or "
            "[[signatures]] inserts that generated part ([[workloads]] and [[signatures]] are "
            "required)."
        }
