from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "frpdesk.incentives"
    verbose_name = "Incentives"

    def ready(self) -> None:
        from frpdesk.incentives import signals  # noqa: F401  (claims re-match statement lines)
