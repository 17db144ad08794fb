from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frpdesk.adoption.graph import GraphError, connected_customers, pull_usage
from frpdesk.adoption.models import GraphConnection
from frpdesk.customers.management.tenant_command import TenantCommand
from frpdesk.customers.models import Customer


class Command(BaseCommand):
    help = (
        "Pull a tenant's Microsoft 365 usage reports (last 30 days) and licences from Microsoft "
        "Graph with its app registration, and import them now. Prints one line per report; "
        "exits 2 when anything failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--tenant-id", help="The customer's tenant ID (a GUID).")
        target.add_argument(
            "--all", action="store_true", help="Every customer with an enabled connection."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        customers = self._customers(options)
        failed: list[str] = []
        for customer in customers:
            try:
                outcome = pull_usage(customer=customer, acting_user=None)
            except GraphError as error:  # e.g. the settings point at a plain-http Graph
                failed.append(customer.name)
                self.stdout.write(f"{customer.name} (tenant {customer.tenant_id}): FAILED")
                self.stdout.write(f"  FAILED  {error}")
                continue
            state = "ok" if outcome.ok else "FAILED"
            self.stdout.write(f"{customer.name} (tenant {customer.tenant_id}): {state}")
            if outcome.error:
                self.stdout.write(f"  FAILED  {outcome.error}")
            for report in outcome.reports:
                self.stdout.write(f"  {'ok    ' if report.ok else 'FAILED'}  {report.describe()}")
                for warning in report.usage_import.warnings if report.usage_import else []:
                    self.stdout.write(f"          warning: {warning}")
            if not outcome.ok:
                failed.append(customer.name)
        if failed:
            raise CommandError(
                f"The pull failed for {len(failed)} of {len(customers)} customer(s): "
                f"{', '.join(failed)}; see the lines marked FAILED.",
                returncode=2,
            )

    @staticmethod
    def _customers(options: dict[str, Any]) -> list[Customer]:
        if options["all"]:
            customers = list(connected_customers())
            if not customers:
                raise CommandError(
                    "No customer has an enabled Microsoft Graph connection.", returncode=2
                )
            return customers
        customer = TenantCommand.customer(options)
        if not GraphConnection.objects.filter(customer=customer).exists():
            raise CommandError(
                f"{customer.name} (tenant {customer.tenant_id}) has no Microsoft Graph "
                "connection; add its app registration (tenant, client ID, secret) first.",
                returncode=2,
            )
        return [customer]
