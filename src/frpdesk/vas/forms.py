"""Forms of the vas area; every change they ask for goes through a service function."""

from typing import Any, cast

from django import forms
from django.utils import timezone

from frpdesk.engagements.models import Engagement
from frpdesk.vas.models import PricingKind, Quote, QuoteLine, RateCardEntry, ServicesContract
from frpdesk.vas.pricing import format_money
from frpdesk.vas.services import DRAFT_ONLY_FIELDS, UNITS, rate_card_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CurrencyMixin:
    """Currency codes are stored upper case; ``usd`` is accepted."""

    cleaned_data: dict[str, Any]

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"] or "").strip().upper()


class EngagementChoice(forms.ModelChoiceField[Engagement]):
    def label_from_instance(self, obj: Engagement) -> str:
        return f"{obj.customer.name} — {obj.name}"


class RateCardChoice(forms.ModelChoiceField[RateCardEntry]):
    def label_from_instance(self, obj: RateCardEntry) -> str:
        return (
            f"{obj.vas_item.name}: {obj.name} — {format_money(obj.price, obj.currency)} per "
            f"{UNITS[PricingKind(obj.kind)]}"
        )


class ServiceForm(forms.ModelForm[Any]):
    """A model form whose values are handed to a service function, which validates the record
    and says what to do instead: the form checks its fields only and leaves the instance alone."""

    def _post_clean(self) -> None:
        """Skip ModelForm's model validation: the service's messages are the ones to show."""

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class RateCardEntryForm(CurrencyMixin, forms.ModelForm[RateCardEntry]):
    class Meta:
        model = RateCardEntry
        fields = ["vas_item", "name", "kind", "price", "currency", "active"]
        help_texts = {
            "active": "Only active entries can be put on new quote lines.",
            "currency": "Quotes take lines only from entries in their own currency.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The currency field's validator wants upper case; clean_currency runs after it.
        self.fields["currency"].validators = []


class QuoteForm(CurrencyMixin, ServiceForm):
    """A new quote; ``vas`` carries the VAS items a scope assessment suggested (codes)."""

    vas = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Quote
        fields = [
            "engagement",
            "title",
            "currency",
            "discount_pct",
            "tax_pct",
            "valid_until",
            "renewal_on",
            "notes",
        ]
        widgets = {
            "valid_until": DATE,
            "renewal_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"engagement": EngagementChoice}
        help_texts = {
            "renewal_on": "When to talk about renewing the services; lists flag it 60 days ahead.",
            "discount_pct": "On the subtotal of the lines.",
            "tax_pct": "On the subtotal after the discount.",
        }

    def __init__(self, *args: Any, engagements: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].validators = []
        cast(EngagementChoice, self.fields["engagement"]).queryset = (
            (engagements if engagements is not None else Engagement.objects.all())
            .filter(closed_on__isnull=True)
            .select_related("customer")
        )


class QuoteTermsForm(CurrencyMixin, ServiceForm):
    """A quote's terms; once it has left Draft only its renewal date and notes change."""

    class Meta:
        model = Quote
        fields = [*DRAFT_ONLY_FIELDS, "renewal_on", "notes"]
        widgets = QuoteForm.Meta.widgets
        help_texts = QuoteForm.Meta.help_texts

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].validators = []
        if self.instance.state != "draft":
            for name in DRAFT_ONLY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "Fixed once the quote has been sent."


class QuoteLineForm(ServiceForm):
    """A line: from the rate card (name, unit and price copied) or described by hand."""

    unit_price = forms.DecimalField(
        label="Unit price",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Empty for rate-card lines (the card's price) and Benefit lines (free).",
    )

    class Meta:
        model = QuoteLine
        fields = ["kind", "rate_card_entry", "description", "quantity", "unit", "unit_price"]
        field_classes = {"rate_card_entry": RateCardChoice}
        labels = {"rate_card_entry": "From the rate card", "unit": "Unit (by hand)"}
        help_texts = {
            "description": "Empty for a rate-card line: the entry's name is used.",
            "unit": "From the rate card: day or item.",
        }

    def __init__(self, *args: Any, quote: Quote, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entries = rate_card_for(quote.currency)
        if self.instance.rate_card_entry_id:
            entries = entries | RateCardEntry.objects.filter(pk=self.instance.rate_card_entry_id)
        entry_field = cast(RateCardChoice, self.fields["rate_card_entry"])
        entry_field.queryset = entries.order_by("vas_item__name", "kind", "name")
        entry_field.empty_label = "— none: describe and price it by hand —"
        self.fields["description"].required = False  # the service names it or says what to do
        self.fields["unit"].required = False
        self.fields["quantity"].initial = 1


class SignForm(ServiceForm):
    class Meta:
        model = ServicesContract
        fields = [
            "customer_signatory",
            "customer_signatory_title",
            "signed_on",
            "starts_on",
            "ends_on",
            "renewal_on",
        ]
        widgets = dict.fromkeys(("signed_on", "starts_on", "ends_on", "renewal_on"), DATE)
        labels = {"customer_signatory_title": "Signatory's title"}
        help_texts = {"starts_on": "The day the services start; the signing day if empty."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer_signatory"].required = False  # the service says what is missing
        self.fields["signed_on"].initial = timezone.localdate
        self.fields["starts_on"].required = False


class ContractDatesForm(ServiceForm):
    class Meta:
        model = ServicesContract
        fields = ["ends_on", "renewal_on"]
        widgets = {"ends_on": DATE, "renewal_on": DATE}
        help_texts = {"renewal_on": "The contracts list flags it 60 days ahead."}
