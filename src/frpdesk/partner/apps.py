from django.apps import AppConfig


class PartnerConfig(AppConfig):
    name = "frpdesk.partner"
    verbose_name = "Partner profile"
