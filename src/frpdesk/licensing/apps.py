from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "frpdesk.licensing"
    verbose_name = "Licences and eligibility"

    def ready(self) -> None:
        from frpdesk.licensing import signals  # noqa: F401  (connects the catalog-change hooks)
