"""State changes of the partner directory."""

from django.db import transaction

from frpdesk.accounts.models import User
from frpdesk.catalog.models import Workload
from frpdesk.directory.models import DirectoryPartner


@transaction.atomic
def save_directory_partner(
    *, acting_user: User, partner: DirectoryPartner, endorsed_workloads: list[Workload]
) -> DirectoryPartner:
    partner.full_clean()
    partner.save()
    partner.endorsed_workloads.set(endorsed_workloads)
    return partner
