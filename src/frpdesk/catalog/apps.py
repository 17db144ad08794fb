from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "frpdesk.catalog"
    verbose_name = "Program catalog"

    def ready(self) -> None:
        from frpdesk.catalog import signals  # noqa: F401  (announces rule changes)
