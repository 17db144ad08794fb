import json
from typing import Any

from django.core.management.base import CommandParser

from frpdesk.adoption.figures import customer_adoption_document
from frpdesk.customers.management.tenant_command import TenantCommand


class Command(TenantCommand):
    help = (
        "Show a tenant's adoption: per workload, the newest refresh date with data, MAU, PAU, "
        "AU%, peak MAU and the 15% / 40% milestones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        customer = self.customer(options)
        document = customer_adoption_document(customer)
        if options["json"]:
            self.stdout.write(json.dumps(document))
            return
        if not document["workloads"]:
            self.stdout.write(
                f"{customer.name}: no usage data yet; import reports with frpdesk import_usage."
            )
            return
        self.stdout.write(f"{customer.name} (tenant {customer.tenant_id})")
        for code, figures in document["workloads"].items():
            au = "undefined (no PAU)" if figures["au_pct"] is None else f"{figures['au_pct']}%"
            reached = [f"{m}%" for m, done in figures["milestones"].items() if done]
            self.stdout.write(
                f"  {code:<18} {figures['refresh_date']}  MAU {figures['mau']:>7}  "
                f"PAU {figures['pau']:>7}  AU {au:<18} peak {figures['peak_mau']:>7}  "
                f"milestones reached: {', '.join(reached) or 'none'}"
            )
