from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "frpdesk.compliance"
    verbose_name = "Compliance"
