"""Model and form fields shared by every app."""

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

Choices = Sequence[tuple[str, str]]


class LinesField(forms.CharField):
    """A list of strings edited as a textarea, one entry per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list):
            return value
        text = super().to_python(value) or ""
        return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


class StringListField(models.JSONField):
    """A JSON list of strings, optionally restricted to ``item_choices`` (a callable)."""

    def __init__(
        self, *args: Any, item_choices: Callable[[], Choices] | None = None, **kwargs: Any
    ) -> None:
        self.item_choices = item_choices
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError("Enter a list of texts.", code="invalid")
        if self.item_choices is not None:
            allowed = {code for code, _ in self.item_choices()}
            unknown = [item for item in value if item not in allowed]
            if unknown:
                raise ValidationError(
                    "Unknown value(s): %(unknown)s.",
                    code="invalid_choice",
                    params={"unknown": ", ".join(unknown)},
                )

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        if self.item_choices is not None:
            return forms.MultipleChoiceField(
                choices=self.item_choices,
                required=not self.blank,
                label=kwargs.get("label", self.verbose_name.capitalize()),
                help_text=self.help_text,
                widget=forms.SelectMultiple(attrs={"size": 6}),
            )
        return LinesField(
            required=not self.blank,
            label=kwargs.get("label", self.verbose_name.capitalize()),
            help_text=self.help_text or "One per line.",
        )


partner_id_validator = RegexValidator(
    r"^\d{4,12}$", "A PartnerID is 4 to 12 digits, as Partner Center shows it."
)
