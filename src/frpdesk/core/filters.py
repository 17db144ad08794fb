"""Filter pieces shared by every app's FilterSets (pages, API and exports use the same ones)."""

from typing import Any

import django_filters
from django import forms


class YesNoFilter(django_filters.BooleanFilter):
    """A boolean filter shown as Any / Yes / No, given as ``true``/``false`` in URLs and the API."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])
        )
        super().__init__(*args, **kwargs)
