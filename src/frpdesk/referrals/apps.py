from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "frpdesk.referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from frpdesk.referrals import (  # noqa: F401  (hourly clock check; holidays move clocks)
            signals,
            tasks,
        )
