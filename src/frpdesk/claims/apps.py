from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "frpdesk.claims"
    verbose_name = "CPOR claims"

    def ready(self) -> None:
        from frpdesk.claims import (  # noqa: F401  (hourly clock check; holidays move clocks)
            signals,
            tasks,
        )
