from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    name = "frpdesk.satisfaction"
    verbose_name = "Satisfaction"
