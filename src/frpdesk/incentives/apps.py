from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "frpdesk.incentives"
    verbose_name = "Incentives"
