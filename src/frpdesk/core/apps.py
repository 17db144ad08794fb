from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "frpdesk.core"
    verbose_name = "frpdesk core"
