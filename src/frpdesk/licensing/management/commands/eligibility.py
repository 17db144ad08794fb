import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from frpdesk.customers.management.tenant_command import TenantCommand
from frpdesk.licensing.services import eligibility_document


class Command(TenantCommand):
    help = "Show a tenant's FastTrack eligibility from its newest licence snapshot."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        customer = self.customer(options)
        document = eligibility_document(customer)
        if document is None:
            raise CommandError(
                f"{customer.name} (tenant {customer.tenant_id}) has no licence snapshot yet; "
                "import one with frpdesk import_licenses.",
                returncode=2,
            )
        if options["json"]:
            self.stdout.write(json.dumps(document))
            return
        state = "ELIGIBLE" if document["eligible"] else "not eligible"
        self.stdout.write(
            f"{customer.name}: {state}, {document['eligible_seats']} eligible seats as of {document['as_of']}"
        )
        for code, workload in document["workloads"].items():
            migration = (
                f", {workload['migration'].replace('_', ' ')}" if workload["migration"] else ""
            )
            mark = "yes" if workload["eligible"] else "no "
            self.stdout.write(
                f"  {mark}  {code:<18} eligible seats {workload['eligible_seats']:>6}  PAU {workload['pau']:>6}{migration}"
            )
        for reason in document["reasons"]:
            self.stdout.write(f"  - {reason}")
