from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "frpdesk.dashboards"
    verbose_name = "Dashboards"
