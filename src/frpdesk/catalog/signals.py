"""``catalog_changed`` tells other areas that a rule of the catalog changed (eligibility listens)."""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from frpdesk.catalog.models import EligiblePlan, NonPaidSkuMarker, Sku, Threshold, Workload

catalog_changed = Signal()

RULE_MODELS = (EligiblePlan, NonPaidSkuMarker, Sku, Threshold, Workload)


def _announce(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    catalog_changed.send(sender=sender)


for model in RULE_MODELS:
    post_save.connect(
        _announce, sender=model, dispatch_uid=f"catalog-changed-save-{model.__name__}"
    )
    post_delete.connect(
        _announce, sender=model, dispatch_uid=f"catalog-changed-delete-{model.__name__}"
    )
m2m_changed.connect(
    _announce, sender=Sku.service_plans.through, dispatch_uid="catalog-changed-sku-plans"
)
