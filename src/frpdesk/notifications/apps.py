from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "frpdesk.notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from frpdesk.notifications import (  # noqa: F401  (critical alerts; the daily digests)
            signals,
            tasks,
        )
