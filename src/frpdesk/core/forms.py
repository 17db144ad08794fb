"""Form rendering shared by every page: Bootstrap 5 markup with inline validation messages."""

from django.forms.renderers import TemplatesSetting


class BootstrapFormRenderer(TemplatesSetting):
    form_template_name = "frpdesk/forms/form.html"
    field_template_name = "frpdesk/forms/field.html"
