"""Filter pieces shared by every app's FilterSets (pages, API and exports use the same ones)."""

from collections.abc import Callable, Sequence
from typing import Any

import django_filters
from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.text import capfirst


class YesNoFilter(django_filters.BooleanFilter):
    """A boolean filter shown as Any / Yes / No, given as ``true``/``false`` in URLs and the API."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])
        )
        super().__init__(*args, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number from ``min_value`` to ``max_value`` (by default what a 64-bit integer
    column holds, as record ids are): ``1.5`` or ``9223372036854775808`` is the filter form's
    error (a 400 in the API), not a database error. NumberFilter passes a Decimal, which Django's
    out-of-range check for integer lookups lets through to the database."""

    field_class = forms.IntegerField

    def __init__(
        self, *args: Any, min_value: int = -(2**63), max_value: int = 2**63 - 1, **kwargs: Any
    ) -> None:
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


def condition_filter(condition: Callable[[], Q], *, label: str) -> YesNoFilter:
    """Yes: the rows that meet ``condition()``; No: the others. The condition is built when the
    filter runs, so one that depends on today stays right."""

    def meets(queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        condition_now = condition()
        return queryset.filter(condition_now) if value else queryset.exclude(condition_now)

    return YesNoFilter(method=meets, label=label)


def record_id_filter(
    model: type[models.Model], field_name: str | None = None, label: str | None = None
) -> django_filters.ModelChoiceFilter:
    """Rows of one record given by its id (``?customer=<id>``): the record's page links to the
    list with it. By id, not a drop-down: a partner may have thousands of such records.

    ``field_name`` defaults to the filter's own name; ``label`` to "<Model> (id)".
    """
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=model._default_manager.all(),
        widget=forms.HiddenInput,
        label=label or f"{capfirst(model._meta.verbose_name)} (id)",
    )


def text_search(
    *fields: str,
    placeholder: str = "",
    label: str = "Search",
    tenant_id_fields: Sequence[str] = (),
    also_matching: Callable[[str], Q] | None = None,
) -> django_filters.CharFilter:
    """A search box: rows where one of ``fields`` contains the text, case ignored.

    Tenant IDs (``tenant_id_fields``) match as typed with hyphens, a whole GUID or a part, the
    braces Windows writes around a GUID aside. ``also_matching`` gives a further condition of the
    text (e.g. a record's own reference), or an empty ``Q()`` when the text cannot be one.
    """

    def search(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": value})
        for field in tenant_id_fields:
            condition |= Q(**{f"{field}__icontains": value.strip("{}")})
        if also_matching is not None:
            condition |= also_matching(value)
        return queryset.filter(condition)

    extra: dict[str, Any] = {}
    if placeholder:
        extra["widget"] = forms.TextInput(attrs={"placeholder": placeholder})
    return django_filters.CharFilter(method=search, label=label, **extra)
