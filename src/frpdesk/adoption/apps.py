from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "frpdesk.adoption"
    verbose_name = "Adoption and usage"

    def ready(self) -> None:
        from frpdesk.adoption import (  # noqa: F401  (PAU follows licences; daily Graph pulls)
            signals,
            tasks,
        )
