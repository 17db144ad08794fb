"""Statement lines follow the claims: a claim approved after its statement was imported (or any
later change of a claim) re-matches the lines of its tenant."""

from typing import Any

from django.db.models.signals import post_save

from frpdesk.claims.models import Claim


def _claim_saved(sender: Any, instance: Claim, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    from frpdesk.incentives.services import rematch_lines_of

    rematch_lines_of(instance)  # in the claim's own transaction: both change together


post_save.connect(_claim_saved, sender=Claim, dispatch_uid="incentives-rematch-on-claim-save")
