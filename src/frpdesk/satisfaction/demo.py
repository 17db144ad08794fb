"""Demo satisfaction: six months of survey responses of the demo customers, imported as a file.

Over the last quarter the portfolio's NSAT is well above 80, while Fabrikam Manufacturing is
below it (a migration that went badly), so that both the overall figure and the flag show.
Runs after the demo customers (``core/demo.py``); customers that do not exist are skipped.
Loading it twice changes nothing (the demo file is imported once).
"""

import csv
import datetime
import io
import uuid

from django.utils import timezone

from frpdesk.customers.models import Customer
from frpdesk.satisfaction.importing import import_survey
from frpdesk.satisfaction.models import Rating, SurveyImport

DEMO_FILE = "demo-survey-results.csv"
VS, SS, SD, VD = (
    Rating.VERY_SATISFIED,
    Rating.SOMEWHAT_SATISFIED,
    Rating.SOMEWHAT_DISSATISFIED,
    Rating.VERY_DISSATISFIED,
)
COMMENTS = {
    VS: "Clear guidance and quick answers; the adoption workshops landed well.",
    SS: "Good help overall, a few follow-ups took longer than expected.",
    SD: "Migration guidance came late and we had to chase for answers.",
    VD: "Our mailbox migration stalled for weeks without a plan.",
}
# Per demo customer (by primary domain): responses as (days ago, rating). Days 0–89 are the
# last quarter; the older ones give the monthly trend.
DEMO_RESPONSES: dict[str, tuple[tuple[int, Rating], ...]] = {
    "woodgrovebank.example": (
        (4, VS),
        (12, VS),
        (25, VS),
        (41, SS),
        (58, VS),
        (77, VS),
        (110, VS),
        (150, SS),
    ),
    "contosopharma.example": (
        (6, VS),
        (19, SD),
        (33, VS),
        (52, SS),
        (80, VS),
        (121, VS),
        (163, SD),
    ),
    "fabrikam.example": (
        (3, SD),
        (15, VD),
        (29, SS),
        (47, SD),
        (68, VS),
        (105, VS),
        (140, SS),
    ),
    "litware.example": ((9, VS), (22, SS), (44, VS), (71, SS), (133, VS)),
    "tailspin.example": ((11, SS), (36, VS), (63, SD), (84, SS), (118, VS), (171, SS)),
    "northwindtraders.example": ((7, VS), (27, VS), (55, VS), (97, SS)),
}


def demo_survey_csv(today: datetime.date, customers: dict[str, Customer]) -> bytes:
    """The demo survey results as Microsoft exports them, with tenant IDs and US dates."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Tenant ID", "Tenant name", "Response date", "Satisfaction", "Verbatim"])
    for domain, responses in DEMO_RESPONSES.items():
        customer = customers.get(domain)
        if customer is None:
            continue
        for days_ago, rating in responses:
            day = today - datetime.timedelta(days=days_ago)
            writer.writerow(
                [
                    customer.tenant_id,
                    customer.name,
                    f"{day.month}/{day.day}/{day.year}",
                    rating.label,
                    COMMENTS[rating],
                ]
            )
    return ("\ufeff" + out.getvalue()).encode()


def load_demo_satisfaction() -> None:
    if SurveyImport.objects.filter(file_name=DEMO_FILE).exists():
        return
    tenants = {uuid.uuid5(uuid.NAMESPACE_DNS, domain): domain for domain in DEMO_RESPONSES}
    customers = {
        tenants[customer.tenant_id]: customer
        for customer in Customer.objects.filter(tenant_id__in=tenants)
    }
    if not customers:
        return
    import_survey(
        acting_user=None,
        file_name=DEMO_FILE,
        content=demo_survey_csv(timezone.localdate(), customers),
    )
