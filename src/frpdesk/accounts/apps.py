from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "frpdesk.accounts"
    verbose_name = "Users and roles"
