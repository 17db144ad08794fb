"""Demo data of the vas area: a USD rate card and, on the demo engagements, a draft quote, a sent
quote and a signed contract in delivery. Made through the services, so numbers, disclosures and
timeline events are the real ones; loading twice changes nothing."""

import datetime
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import VasItem
from frpdesk.customers.models import Customer
from frpdesk.engagements.models import Engagement
from frpdesk.vas import services
from frpdesk.vas.models import LineKind, PricingKind, Quote, QuoteState, RateCardEntry

# VAS item code, role or item, pricing, price in USD.
DEMO_RATE_CARD = [
    ("project_management", "Project manager", PricingKind.DAY_RATE, "1200.00"),
    ("hands_on_remediation", "Senior consultant", PricingKind.DAY_RATE, "1500.00"),
    ("hands_on_remediation", "Engineer", PricingKind.DAY_RATE, "1100.00"),
    ("onsite_resources", "Onsite engineer", PricingKind.DAY_RATE, "1300.00"),
    ("data_migration", "Migration engineer", PricingKind.DAY_RATE, "1150.00"),
    ("business_solutions", "Solution architect", PricingKind.DAY_RATE, "1650.00"),
    ("workshops", "Adoption workshop (one day)", PricingKind.FIXED, "3500.00"),
    ("workshops", "Security envisioning workshop", PricingKind.FIXED, "4800.00"),
]

# Customer domain, quote title, state to reach, lines (VAS item code, role, quantity).
DEMO_QUOTES = [
    (
        "woodgrovebank.example",
        "Copilot adoption workshops and project management",
        QuoteState.DRAFT,
        [
            ("workshops", "Adoption workshop (one day)", "2"),
            ("project_management", "Project manager", "4"),
        ],
    ),
    (
        "contosopharma.example",
        "Hands-on SharePoint remediation",
        QuoteState.SENT,
        [
            ("hands_on_remediation", "Senior consultant", "6"),
            ("hands_on_remediation", "Engineer", "10"),
        ],
    ),
    (
        "alpineskihouse.example",
        "Onsite Intune rollout support",
        QuoteState.ACTIVE,
        [
            ("onsite_resources", "Onsite engineer", "8"),
            ("workshops", "Security envisioning workshop", "1"),
        ],
    ),
]


def _entry(code: str, name: str) -> RateCardEntry:
    return RateCardEntry.objects.get(vas_item__code=code, name=name, currency="USD")


@transaction.atomic
def load_demo_vas() -> None:
    for code, name, kind, price in DEMO_RATE_CARD:
        RateCardEntry.objects.get_or_create(
            vas_item=VasItem.objects.get(code=code),
            name=name,
            currency="USD",
            defaults={"kind": kind, "price": Decimal(price)},
        )
    sales = User.objects.get(username="sales")
    today = timezone.localdate()
    for domain, title, state, lines in DEMO_QUOTES:
        customer = Customer.objects.get(tenant_id=uuid.uuid5(uuid.NAMESPACE_DNS, domain))
        engagement = Engagement.objects.filter(customer=customer).order_by("pk").first()
        if engagement is None or engagement.quotes.exists():
            continue
        quote = services.create_quote(
            acting_user=sales,
            engagement=engagement,
            title=title,
            discount_pct=Decimal("5"),
            tax_pct=Decimal("8.25"),
            valid_until=today + datetime.timedelta(days=30),
            renewal_on=today + datetime.timedelta(days=45 if state == QuoteState.ACTIVE else 365),
        )
        for code, role, quantity in lines:
            services.add_line(
                acting_user=sales,
                quote=quote,
                rate_card_entry=_entry(code, role),
                quantity=Decimal(quantity),
            )
        services.add_line(
            acting_user=sales,
            quote=quote,
            kind=LineKind.BENEFIT,
            description="FastTrack remote guidance (Benefit, free of charge)",
            quantity=Decimal(1),
            unit="item",
        )
        _move(sales, quote, state, today)


def _move(sales: User, quote: Quote, state: QuoteState, today: datetime.date) -> None:
    for step in services.steps_to(state):
        details: dict[str, object] = {}
        if step == QuoteState.SIGNED:
            details = {
                "customer_signatory": "Jordan Reyes",
                "customer_signatory_title": "IT Director",
                "signed_on": today - datetime.timedelta(days=12),
                "starts_on": today - datetime.timedelta(days=10),
                "ends_on": today + datetime.timedelta(days=80),
            }
        services.transition_quote(acting_user=sales, quote=quote, to_state=step, **details)
