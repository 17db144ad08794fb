from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "frpdesk.catalog"
    verbose_name = "Program catalog"
