"""The claim clocks skip the catalog's holidays: a change of the list moves the deadlines."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from frpdesk.catalog.models import Holiday


def _holidays_changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    from frpdesk.claims.services import recompute_deadlines

    recompute_deadlines()  # in the holiday's own transaction: both change together


post_save.connect(_holidays_changed, sender=Holiday, dispatch_uid="claim-clocks-holiday-save")
post_delete.connect(_holidays_changed, sender=Holiday, dispatch_uid="claim-clocks-holiday-delete")
