"""Forms of a customer's Adoption tab and of the inactive-users list.

Each form of the tab has a prefix: the customer page holds several forms (and the licence upload
form) at once, so their field ids must not collide.
"""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from frpdesk.adoption.models import GraphConnection
from frpdesk.adoption.reports import WORKLOAD_CODES
from frpdesk.catalog.models import Workload
from frpdesk.core.imports import ImportFailure, check_upload_size

USAGE_REPORT_TYPES = ".csv,.json,text/csv,application/json"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files; cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        clean_one = super().clean
        files = list(data) if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            clean_one(None, initial)  # "required" when it is
            return []
        return [clean_one(file, initial) for file in files]


class PastDateField(forms.DateField):
    """A day that has already begun: usage and approvals are never in the future."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")


class WorkloadChoiceField(forms.ModelChoiceField[Workload]):
    def __init__(self, queryset: Any, **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", "— Choose a workload —")
        super().__init__(queryset, **kwargs)


class UsageUploadForm(forms.Form):
    prefix = "usage"

    reports = MultipleFileField(
        label="Report files",
        allow_empty_file=True,
        error_messages={
            "required": "Choose one or more usage report files."
        },  # the import says "<file>: is empty", like any other problem
        help_text=(
            "Microsoft 365 usage reports as Microsoft Graph returns them (CSV, or the Copilot "
            "JSON); choose several at once. The report type is read from the header."
        ),
        widget=MultipleFileInput(attrs={"accept": USAGE_REPORT_TYPES}),
    )

    def clean_reports(self) -> list[Any]:
        files: list[Any] = self.cleaned_data["reports"]
        problems = []
        for upload in files:
            try:
                check_upload_size(upload.name or "upload", upload.size or 0)
            except ImportFailure as failure:
                problems.append(str(failure))
        if problems:
            raise forms.ValidationError([*problems, "Nothing was queued."])
        return files


class ManualMauForm(forms.Form):
    prefix = "manual"

    workload = WorkloadChoiceField(Workload.objects.filter(has_usage_report=False))
    refresh_date = PastDateField(label="As of", help_text="The last day the MAU counts.")
    mau = forms.IntegerField(label="MAU", min_value=0)
    note = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "Where the figure comes from"}),
    )


class PartnerAssociationForm(forms.Form):
    prefix = "association"

    workload = WorkloadChoiceField(Workload.objects.all())
    associated_on = PastDateField(label="Associated on", help_text="The claim's approval day.")
    note = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "e.g. CPOR claim ID"}),
    )


class GraphConnectionForm(forms.Form):
    """The customer's app registration; the stored secret is never sent back to the browser."""

    prefix = "graph"

    tenant_id = forms.UUIDField(
        label="Tenant ID",
        widget=forms.TextInput(attrs={"class": "font-monospace", "autocomplete": "off"}),
    )
    client_id = forms.UUIDField(
        label="Client ID",
        help_text="Application (client) ID of the app registration.",
        widget=forms.TextInput(attrs={"class": "font-monospace", "autocomplete": "off"}),
    )
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    enabled = forms.BooleanField(label="Pull the usage reports daily", required=False, initial=True)

    def __init__(
        self, *args: Any, connection: GraphConnection | None = None, **kwargs: Any
    ) -> None:
        if connection is not None:
            kwargs.setdefault(
                "initial",
                {
                    "tenant_id": connection.tenant_id,
                    "client_id": connection.client_id,
                    "enabled": connection.enabled,
                },
            )
        super().__init__(*args, **kwargs)
        self.has_stored_secret = connection is not None and bool(connection.client_secret)
        secret = self.fields["client_secret"]
        if self.has_stored_secret:
            secret.help_text = "Stored encrypted. Leave blank to keep the stored secret."
        else:
            secret.help_text = "The app registration's client secret value; stored encrypted."


class InactiveUsersForm(forms.Form):
    """The workload and search of the inactive-users list (a GET form)."""

    workload = WorkloadChoiceField(
        Workload.objects.filter(code__in=WORKLOAD_CODES), empty_label=None, required=False
    )
    search = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "Name, user principal name or hash"}),
    )
