"""Form rendering shared by every page: Bootstrap 5 markup with inline validation messages."""

from django import forms
from django.forms.renderers import TemplatesSetting


class BootstrapFormRenderer(TemplatesSetting):
    form_template_name = "frpdesk/forms/form.html"
    field_template_name = "frpdesk/forms/field.html"


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes laid out as Bootstrap form-checks in columns."""

    template_name = "frpdesk/forms/choice_list.html"
    option_template_name = "frpdesk/forms/choice_option.html"
