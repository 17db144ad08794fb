from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "frpdesk.directory"
    verbose_name = "Partner directory"
