"""Forms of the satisfaction area: the survey results upload and the NSAT page's period."""

import datetime
from typing import Any

from django import forms

from frpdesk.satisfaction.services import default_period

# The longest period the NSAT page shows month by month (ten years).
MAX_PERIOD_DAYS = 3660


class SurveyImportForm(forms.Form):
    file = forms.FileField(
        label="Survey results (CSV)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,.txt"}),
    )


class NsatPeriodForm(forms.Form):
    """The period of the NSAT page; both days included, the last 90 days by default."""

    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        start, end = default_period(today)
        kwargs.setdefault("initial", {"date_from": start, "date_to": end})
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:  # a day that is not a date: said beside its field
            return cleaned
        start, end = default_period(self.today)
        date_from = cleaned.get("date_from") or start
        date_to = cleaned.get("date_to") or end
        if date_from > date_to:
            self.add_error("date_to", "The end of the period is before its start.")
        elif (date_to - date_from).days >= MAX_PERIOD_DAYS:
            self.add_error("date_from", "Choose a period of at most ten years.")
        cleaned.update(date_from=date_from, date_to=date_to)
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The chosen period (valid form), else the default one."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        return default_period(self.today)
