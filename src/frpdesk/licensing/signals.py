"""Signals of the licensing area.

``licences_changed`` is sent after a transaction that changed a tenant's licences commits, with
``customer_ids`` (a list, or None when every tenant is concerned, e.g. after a catalog change);
adoption listens to recompute PAU and AU%.
"""

from typing import Any

from django.dispatch import Signal

from frpdesk.catalog.signals import catalog_changed

licences_changed = Signal()


def _recompute_eligibility(**kwargs: Any) -> None:
    from frpdesk.licensing.services import recompute_after_catalog_change

    recompute_after_catalog_change(**kwargs)


catalog_changed.connect(_recompute_eligibility, dispatch_uid="licensing-recompute-eligibility")
