from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "frpdesk.core"
    verbose_name = "frpdesk core"

    def ready(self) -> None:
        from frpdesk.core import openapi  # noqa: F401  (registers the schema extensions)
