"""The licence upload of a customer page."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class LicenceUploadForm(forms.Form):
    file = forms.FileField(
        label="Licence file",
        allow_empty_file=True,  # the import says "<file>: is empty", like any other problem
        help_text=(
            "Microsoft Graph subscribedSkus JSON, or a CSV with the columns "
            "sku_part_number, enabled, suspended, warning, consumed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )
    as_of = forms.DateField(
        label="Licences as of",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day the file was taken; a second file for the same day replaces it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"{upload.name} is {upload.size // (1024 * 1024)} MB; the limit is "
                f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
            )
        return upload

    def clean_as_of(self) -> datetime.date:
        as_of: datetime.date = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return as_of
