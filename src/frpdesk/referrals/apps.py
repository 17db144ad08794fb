from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "frpdesk.referrals"
    verbose_name = "Referrals"
