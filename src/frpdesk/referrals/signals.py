"""The referral clocks skip the catalog's holidays: a change of the list moves the due dates."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from frpdesk.catalog.models import Holiday


def _holidays_changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    from frpdesk.referrals.services import recompute_clocks

    recompute_clocks()  # in the holiday's own transaction: both change together


post_save.connect(_holidays_changed, sender=Holiday, dispatch_uid="referral-clocks-holiday-save")
post_delete.connect(
    _holidays_changed, sender=Holiday, dispatch_uid="referral-clocks-holiday-delete"
)
