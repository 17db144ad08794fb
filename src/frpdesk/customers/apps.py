from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "frpdesk.customers"
    verbose_name = "Customers"
