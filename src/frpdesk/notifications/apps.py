from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "frpdesk.notifications"
    verbose_name = "Notifications"
