from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "frpdesk.engagements"
    verbose_name = "Engagements"
