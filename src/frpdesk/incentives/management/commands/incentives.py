import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from frpdesk.incentives.api import EstimateSerializer
from frpdesk.incentives.services import approved_claim_workloads, estimates


class Command(BaseCommand):
    help = (
        "The incentive estimate of every approved claim workload (claims opted out of incentives "
        "left out). With --json, one JSON list of objects with the keys of /api/incentive-"
        "estimates/: id, claim, claim_name, customer, tenant_id, workload (code), refresh_date, "
        "pau, starting_peak, opportunity_units, au_pct, currency, milestones (pct, earned, "
        "earned_on, forecast_on, rate, amount, paid, unpaid_flag), earned, potential, paid, "
        "forecast_on and unpaid_flag (a milestone reached more than 45 days ago and on no "
        "statement). Amounts are decimal strings, dates YYYY-MM-DD, unknown values null."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON list.")
        parser.add_argument(
            "--unpaid", action="store_true", help="Only claim workloads with an unpaid milestone."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = estimates(
            approved_claim_workloads().order_by(
                "claim__customer__name", "claim__pk", "workload__sort_order"
            )
        )
        if options["unpaid"]:
            rows = [row for row in rows if row.unpaid_flag]
        documents = EstimateSerializer(rows, many=True).data
        if options["json"]:
            self.stdout.write(json.dumps(documents))
            return
        if not documents:
            self.stdout.write(
                "No approved claim workloads." if not options["unpaid"] else "None unpaid."
            )
            return
        for document in documents:
            flag = "  UNPAID" if document["unpaid_flag"] else ""
            self.stdout.write(
                f"{document['claim_name']:<30} {document['workload']:<18} units "
                f"{document['opportunity_units'] if document['opportunity_units'] is not None else '-':>6}  "
                f"earned {document['earned']} potential {document['potential']} paid "
                f"{document['paid']} {document['currency']}{flag}"
            )
