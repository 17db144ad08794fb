from typing import Any

from frpdesk.licensing.signals import licences_changed


def _recompute_pau(customer_ids: list[int] | None = None, **kwargs: Any) -> None:
    from frpdesk.adoption.services import recompute_pau

    recompute_pau(customer_ids)


licences_changed.connect(_recompute_pau, dispatch_uid="adoption-recompute-pau")
