from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "frpdesk.core"
    verbose_name = "frpdesk core"

    def ready(self) -> None:
        from frpdesk.core import (  # noqa: F401  (schema extensions; the weekly audit-log purge)
            openapi,
            tasks,
        )
