"""Value-added services: the rate card, quotes and the services contracts they become.

VAS are fee-based and agreed between the partner and the customer; they are not covered by any
Microsoft agreement, and every quote and contract carries that disclosure (``VAS_DISCLOSURE``,
kept on the record as it was shown). Benefit services may be listed on a quote so the customer
sees what is free, but they can never carry a price: a database constraint backs the service's
check. A quote moves draft → sent → accepted → signed → active → completed (or cancelled);
signing creates its ``ServicesContract``.
"""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from frpdesk.catalog.models import VasItem
from frpdesk.core.models import TimeStampedModel
from frpdesk.engagements.models import Engagement

VAS_DISCLOSURE = (
    "Value-added services are fee-based services agreed between {partner} and {customer}. "
    "They are not part of the Microsoft FastTrack Benefit and are not covered by any Microsoft "
    "agreement. FastTrack Benefit services (remote guidance) are provided free of charge."
)

currency_validator = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code (EUR, USD…).")


class PricingKind(models.TextChoices):
    DAY_RATE = "day_rate", "Day rate (per role)"
    FIXED = "fixed", "Fixed price"


class RateCardEntry(TimeStampedModel):
    vas_item = models.ForeignKey(VasItem, on_delete=models.PROTECT, related_name="rate_card")
    name = models.CharField(
        max_length=120, help_text="The role (for a day rate) or the fixed-price item."
    )
    kind = models.CharField(max_length=10, choices=PricingKind.choices)
    price = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="Per day for a day rate; per item for a fixed price.",
    )
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["vas_item__name", "kind", "name"]
        verbose_name = "rate card entry"
        verbose_name_plural = "rate card"
        constraints = [
            models.UniqueConstraint(
                fields=["vas_item", "name", "currency"], name="unique_rate_card_entry"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="rate_card_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.vas_item}: {self.name} ({self.price} {self.currency})"


class QuoteState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    SIGNED = "signed", "Signed"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Quote(TimeStampedModel):
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="quotes")
    number = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    discount_pct = models.DecimalField(
        "Discount %", max_digits=5, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    tax_pct = models.DecimalField(
        "Tax %", max_digits=5, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    state = models.CharField(max_length=10, choices=QuoteState.choices, default=QuoteState.DRAFT)
    valid_until = models.DateField(null=True, blank=True)
    renewal_on = models.DateField("Renewal date", null=True, blank=True)
    sent_on = models.DateField(null=True, blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    disclosure = models.TextField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    customer_path = "engagement__customer"

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_pct__gte=0, discount_pct__lte=100), name="quote_discount_pct"
            ),
            models.CheckConstraint(
                condition=Q(tax_pct__gte=0, tax_pct__lte=100), name="quote_tax_pct"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class LineKind(models.TextChoices):
    VAS = "vas", "Value-added service"
    BENEFIT = "benefit", "FastTrack Benefit service (free)"


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=LineKind.choices, default=LineKind.VAS)
    rate_card_entry = models.ForeignKey(
        RateCardEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(max_length=20, default="day")
    unit_price = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    customer_path = "quote__engagement__customer"

    class Meta:
        ordering = ["quote", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="vas") | Q(unit_price=0), name="benefit_line_never_priced"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quote_line_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quote.number}: {self.description}"


class ServicesContract(TimeStampedModel):
    """The signed agreement a quote becomes; out-of-scope requests point at it."""

    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="contract")
    number = models.CharField(max_length=20, unique=True, editable=False)
    customer_signatory = models.CharField(max_length=200)
    customer_signatory_title = models.CharField(max_length=120, blank=True)
    partner_signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_on = models.DateField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    renewal_on = models.DateField("Renewal date", null=True, blank=True)
    disclosure = models.TextField(editable=False)

    customer_path = "quote__engagement__customer"

    class Meta:
        ordering = ["-signed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} ({self.quote.title})"


# A contract in one of these states covers out-of-scope work that has not been delivered yet.
COVERING_STATES = (QuoteState.SIGNED, QuoteState.ACTIVE)
