from django.apps import AppConfig


class VasConfig(AppConfig):
    name = "frpdesk.vas"
    verbose_name = "Value-added services"
