from django.apps import AppConfig


class ScopingConfig(AppConfig):
    name = "frpdesk.scoping"
    verbose_name = "Scope"
