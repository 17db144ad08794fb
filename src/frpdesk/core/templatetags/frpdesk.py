from typing import Any

from django import forms, template
from django.apps import apps
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

from frpdesk.core.access import Action, can

register = template.Library()


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return ""  # each option is styled by the CheckboxList/RadioList templates
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multi_select(field: BoundField) -> bool:
    return type(field.field.widget) is forms.SelectMultiple


@register.simple_tag
def bootstrap_widget(field: BoundField) -> SafeString:
    classes = [_widget_class(field.field.widget), field.field.widget.attrs.get("class", "")]
    attrs: dict[str, Any] = {}
    if field.errors:
        classes.append("is-invalid")
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    attrs["class"] = " ".join(c for c in classes if c)
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def allowed(context: dict[str, Any], action: Action, model: Any) -> bool:
    """Whether the current user may take ``action`` on ``model``: a class, an instance or a label."""
    if isinstance(model, str):
        model_class = apps.get_model(model)
    else:
        model_class = model if isinstance(model, type) else type(model)
    return can(context["request"].user, action, model_class)


@register.filter
def verbose_name(model: Any) -> str:
    return str(model._meta.verbose_name)


@register.filter
def verbose_name_plural(model: Any) -> str:
    return str(model._meta.verbose_name_plural)


@register.filter
def app_model(obj: Any) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"
