from frpdesk.catalog.signals import catalog_changed
from frpdesk.licensing.services import recompute_after_catalog_change

catalog_changed.connect(
    recompute_after_catalog_change, dispatch_uid="licensing-recompute-eligibility"
)
