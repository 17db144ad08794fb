from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "frpdesk.history"
    verbose_name = "History"
