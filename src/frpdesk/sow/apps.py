from django.apps import AppConfig


class SowConfig(AppConfig):
    name = "frpdesk.sow"
    verbose_name = "Statements of Work"
