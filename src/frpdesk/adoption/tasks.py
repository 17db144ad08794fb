"""Jobs of the adoption area: importing a usage report and pulling reports from Microsoft Graph."""

import datetime

from django_tasks import task

from frpdesk.core.jobs import every


@task()
def run_usage_import(import_id: int) -> None:
    from frpdesk.adoption.services import run_import

    run_import(import_id)


@task()
def pull_customer_usage(customer_id: int) -> None:
    from frpdesk.adoption.graph import pull_usage
    from frpdesk.customers.models import Customer

    pull_usage(customer=Customer.objects.get(pk=customer_id), acting_user=None)


@every(datetime.timedelta(days=1))
@task()
def pull_all_connected_usage() -> None:
    """Daily: one pull job per customer with an enabled Microsoft Graph connection."""
    from frpdesk.adoption.models import GraphConnection

    for customer_id in GraphConnection.objects.filter(enabled=True).values_list(
        "customer_id", flat=True
    ):
        pull_customer_usage.enqueue(customer_id)


@every(datetime.timedelta(minutes=15))
@task()
def fail_interrupted_usage_imports() -> None:
    from django.utils import timezone

    from frpdesk.adoption.services import fail_interrupted_imports

    fail_interrupted_imports(timezone.now())
