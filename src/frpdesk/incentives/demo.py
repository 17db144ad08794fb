"""Demo incentives: a rate card, and a statement that pays part of the approved claims.

Runs after the claims demo (``core/demo.py``): without an approved claim it adds the rate card
only. The statement pays every earned milestone but the first one reached, so that the unpaid
flag shows, plus one line of a tenant we do not know.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.utils import timezone

from frpdesk.catalog.models import Workload
from frpdesk.incentives.importing import import_statement
from frpdesk.incentives.models import IncentiveRate
from frpdesk.incentives.services import approved_claim_workloads, estimates, save_rate

RATES_FROM = datetime.date(2026, 1, 1)
# Per opportunity unit, USD: (15 % milestone, 40 % milestone). Illustrative, not Microsoft's.
DEMO_RATES = {
    "teams": ("4.00", "6.00"),
    "exchange": ("2.00", "3.00"),
    "sharepoint": ("3.00", "5.00"),
    "onedrive": ("2.00", "3.00"),
    "m365_apps": ("3.00", "4.50"),
    "viva_engage": ("2.50", "4.00"),
    "intune": ("5.00", "8.00"),
    "entra_id": ("3.00", "5.00"),
    "defender_endpoint": ("5.00", "8.00"),
    "defender_office": ("4.00", "6.00"),
    "purview": ("5.00", "8.00"),
    "windows": ("3.00", "5.00"),
    "copilot": ("10.00", "15.00"),
}
DEFAULT_RATES = ("3.00", "5.00")
UNKNOWN_TENANT = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"


def load_demo_incentives() -> None:
    from frpdesk.adoption.figures import milestone_pcts

    if not IncentiveRate.objects.exists():
        for workload in Workload.objects.all():
            for pct, amount in zip(
                milestone_pcts(), DEMO_RATES.get(workload.code, DEFAULT_RATES), strict=True
            ):
                save_rate(
                    acting_user=None,
                    rate=IncentiveRate(
                        workload=workload,
                        milestone_pct=pct,
                        amount_per_unit=Decimal(amount),
                        valid_from=RATES_FROM,
                        note="Demo rate",
                    ),
                )
    earned = sorted(
        (
            (milestone.earned_on, row, milestone)
            for row in estimates(approved_claim_workloads())
            for milestone in row.milestones
            if milestone.earned_on is not None and milestone.amount is not None
        ),
        key=lambda item: (item[0], item[1].pk, item[2].pct),
    )
    if not earned:
        return
    statement_date = timezone.localdate() - datetime.timedelta(days=20)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Statement date", "Tenant ID", "Workload", "Milestone", "Amount"])
    for _day, row, milestone in earned[1:]:  # the first milestone reached stays unpaid
        writer.writerow(
            [
                statement_date.isoformat(),
                row.claim.customer.tenant_id,
                row.claim_workload.workload.name,
                f"{milestone.pct} % AU",
                f"${milestone.amount:,.2f}",
            ]
        )
    writer.writerow([statement_date.isoformat(), UNKNOWN_TENANT, "Microsoft Teams", "15%", "800"])
    import_statement(
        acting_user=None,
        file_name=f"demo-statement-{statement_date.isoformat()}.csv",
        content=out.getvalue().encode(),
    )
