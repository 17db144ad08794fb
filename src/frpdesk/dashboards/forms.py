"""The period of the dashboards, the reports and the dashboards API: ``from`` and ``to``."""

import datetime
from typing import Any

from django import forms

from frpdesk.dashboards.figures import Period, add_months

# The longest period a report covers (ten years): a check runs daily, a report lists each run.
MAX_PERIOD_DAYS = 3660
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """From and to (both days included); either left out is the last quarter's. The fields are
    named ``from`` and ``to``, as in the URLs and the API."""

    def __init__(self, data: Any = None, *, today: datetime.date, **kwargs: Any) -> None:
        if data is not None and not any(data.get(name) for name in ("from", "to")):
            data = None  # nothing chosen: the default period, no errors
        super().__init__(data, **kwargs)
        self.today = today
        self.default = Period.last_quarter(today)
        self.fields["from"] = forms.DateField(
            label="From",
            required=False,
            initial=self.default.start,
            widget=DATE_INPUT,
            error_messages={"invalid": "Enter the first day of the period as YYYY-MM-DD."},
        )
        self.fields["to"] = forms.DateField(
            label="To",
            required=False,
            initial=self.default.end,
            widget=DATE_INPUT,
            error_messages={"invalid": "Enter the last day of the period as YYYY-MM-DD."},
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:  # a day that is not a date: said beside its field
            return cleaned
        start = cleaned.get("from") or self.default.start
        end = cleaned.get("to") or self.default.end
        if start > end:
            self.add_error("to", "The period ends before it starts: choose a later end.")
        elif end > self.today:
            self.add_error("to", f"The period cannot end after today ({self.today.isoformat()}).")
        elif (end - start).days >= MAX_PERIOD_DAYS:
            self.add_error("from", "Choose a period of at most ten years.")
        cleaned.update({"from": start, "to": end})
        return cleaned

    def period(self) -> Period:
        """The chosen period (a valid form), else the default one (the last quarter)."""
        if self.is_bound and self.is_valid():
            return Period(self.cleaned_data["from"], self.cleaned_data["to"])
        return self.default

    def error_text(self) -> str:
        """Every error of the form in one line (for a message or the API's ``detail``)."""
        return " ".join(
            f"{self.fields[name].label if name in self.fields else ''}: {error}".lstrip(": ")
            for name, errors in self.errors.items()
            for error in errors
        )

    def presets(self) -> list[tuple[str, Period]]:
        """Quick choices: the last quarter, the quarter before, the last 12 whole months, the
        year to date."""
        first_of_month = self.today.replace(day=1)
        quarter = self.default
        previous = Period(add_months(quarter.start, -3), quarter.start - datetime.timedelta(days=1))
        year = Period(add_months(first_of_month, -12), quarter.end)
        to_date = Period(self.today.replace(month=1, day=1), self.today)
        return [
            ("Last quarter", quarter),
            ("Quarter before", previous),
            ("Last 12 months", year),
            ("Year to date", to_date),
        ]
