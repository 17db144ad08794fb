from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "frpdesk.compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from frpdesk.compliance import tasks  # noqa: F401  (the hourly check run)
