"""Pages of the vas area: the rate card, quotes (lines, totals, states, signing), the services
contracts with their renewals, and the engagement page's "Quotes and contracts" tab.

Every quote and contract page shows the VAS disclosure as it was recorded on the record.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.views import View
from django.views.generic import FormView

from frpdesk.core.access import Action, acting_user, can, require, restrict
from frpdesk.core.views import (
    AccessMixin,
    CreatePage,
    DeletePage,
    DetailPage,
    ListPage,
    UpdatePage,
    attach_errors,
)
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.views import engagement_url
from frpdesk.partner.services import current_profile
from frpdesk.vas import services
from frpdesk.vas.filters import ContractFilter, QuoteFilter, RateCardFilter
from frpdesk.vas.forms import (
    ContractDatesForm,
    QuoteForm,
    QuoteLineForm,
    QuoteTermsForm,
    RateCardEntryForm,
    SignForm,
)
from frpdesk.vas.models import (
    LineKind,
    Quote,
    QuoteLine,
    QuoteState,
    RateCardEntry,
    ServicesContract,
)
from frpdesk.vas.pricing import line_total, quote_totals
from frpdesk.vas.tables import ContractTable, QuoteTable, RateCardTable

# How each state button looks on the quote page.
TRANSITION_BUTTONS = {
    QuoteState.SENT: ("btn-primary", "send", "Mark as sent"),
    QuoteState.ACCEPTED: ("btn-primary", "hand-thumbs-up", "Customer accepted"),
    QuoteState.DRAFT: ("btn-outline-secondary", "arrow-counterclockwise", "Back to draft"),
    QuoteState.ACTIVE: ("btn-success", "play-circle", "Start delivery (active)"),
    QuoteState.COMPLETED: ("btn-outline-success", "check2-all", "Mark completed"),
    QuoteState.CANCELLED: ("btn-outline-danger", "x-circle", "Cancel"),
}


def quote_url(quote: Quote) -> str:
    return reverse("vas:quote-detail", args=[quote.pk])


def engagement_tab_url(engagement_pk: int) -> str:
    """The engagement page with its "Quotes and contracts" tab open."""
    return f"{engagement_url(engagement_pk)}?tab=vas"


# --- rate card -------------------------------------------------------------------------------


class RateCardListPage(ListPage):
    model = RateCardEntry
    table_class = RateCardTable
    filterset_class = RateCardFilter
    title = "Rate card"
    description = (
        "Day rates per role and fixed-price items for each value-added service; quotes take "
        "their lines from here. FastTrack Benefit services are never on the rate card."
    )
    create_url_name = "vas:rate-create"
    export_name = "rate-card"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("vas_item")


class RateCardFormMixin:
    model: type[models.Model] = RateCardEntry
    form_class: Any = RateCardEntryForm
    success_url: Any = reverse_lazy("vas:rate-list")
    cancel_url_name = "vas:rate-list"


class RateCardCreatePage(RateCardFormMixin, CreatePage):
    success_message = "Rate card entry added."


class RateCardEditPage(RateCardFormMixin, UpdatePage):
    success_message = "Rate card entry saved; quotes already made keep their prices."


class RateCardDeletePage(DeletePage):
    model = RateCardEntry
    success_url = reverse_lazy("vas:rate-list")


# --- quotes ----------------------------------------------------------------------------------


class QuoteListPage(ListPage):
    model = Quote
    table_class = QuoteTable
    filterset_class = QuoteFilter
    title = "Quotes"
    description = (
        "Quotes for value-added services, from draft to signed contract. VAS are between the "
        "partner and the customer and not covered by any Microsoft agreement."
    )
    create_url_name = "vas:quote-create"
    export_name = "quotes"

    def get_queryset(self) -> Any:
        return (
            super().get_queryset().select_related("engagement__customer").prefetch_related("lines")
        )


def _int_or_none(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


class QuoteCreatePage(AccessMixin, FormView):
    """A new draft quote; ``?engagement=<pk>`` preselects the engagement and ``?vas=a,b`` (from
    the scope assessment) adds one line per suggested VAS item from the rate card."""

    model = Quote
    access_action: Action = "add"
    form_class = QuoteForm
    template_name = "vas/quote_create.html"

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {"currency": "USD", "vas": self.request.GET.get("vas", "")}
        engagement_pk = _int_or_none(self.request.GET.get("engagement"))
        engagement = self.engagements().filter(pk=engagement_pk).first() if engagement_pk else None
        if engagement is not None:
            initial["engagement"] = engagement
            initial["title"] = f"Value-added services for {engagement.customer.name}"
        return initial

    def engagements(self) -> models.QuerySet[Engagement]:
        return restrict(self.request.user, "view", Engagement.objects.all())

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["engagements"] = self.engagements()
        return kwargs

    def suggestions(self, form: QuoteForm) -> services.Suggestions:
        data = form.data if form.is_bound else form.initial
        codes = str(data.get("vas") or "").split(",")
        currency = str(data.get("currency") or "USD").strip().upper()
        return services.suggested_entries(codes, currency)

    def form_valid(self, form: QuoteForm) -> HttpResponse:
        suggestions = self.suggestions(form)
        fields = form.changes()
        try:
            quote = services.create_quote(
                acting_user=acting_user(self.request), entries=suggestions.entries, **fields
            )
        except ValidationError as error:
            attach_errors(form, error)
            return self.form_invalid(form)
        message = f"Quote {quote.number} drafted."
        if suggestions.unpriced:
            names = ", ".join(item.name for item in suggestions.unpriced)
            message += (
                f" No active {quote.currency} rate-card entry for {names}: add those lines by "
                "hand or add the entries to the rate card."
            )
        messages.success(self.request, message)
        return HttpResponseRedirect(quote_url(quote))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(title="New quote", suggestions=self.suggestions(form))
        engagement = form.initial.get("engagement")
        context["cancel_url"] = (
            engagement_tab_url(engagement.pk) if engagement else reverse("vas:quote-list")
        )
        return context


class QuoteDetailPage(DetailPage):
    """The quote: lines and totals, the add-line form, the state buttons, signing, the
    contract, and the disclosure."""

    model = Quote
    template_name = "vas/quote_detail.html"
    list_url_name = "vas:quote-list"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("engagement__customer", "created_by", "contract__partner_signatory")
        )

    def get_context_data(
        self,
        *,
        line_form: QuoteLineForm | None = None,
        sign_form: SignForm | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        quote: Quote = self.object
        user = self.request.user
        lines = list(quote.lines.select_related("rate_card_entry__vas_item"))
        is_open = quote.engagement.closed_on is None
        is_draft = quote.state == QuoteState.DRAFT
        may_change = is_open and can(user, "change", Quote)
        contract = getattr(quote, "contract", None)
        targets = services.allowed_targets(quote) if may_change else ()
        context.update(
            title=f"Quote {quote}",
            quote=quote,
            engagement=quote.engagement,
            engagement_tab_url=engagement_tab_url(quote.engagement_id),
            lines=[(line, line_total(line)) for line in lines],
            totals=quote_totals(quote, lines),
            contract=contract,
            is_open=is_open,
            may_edit_lines=is_draft and is_open and can(user, "add", QuoteLine),
            may_change=may_change,
            may_delete=is_draft and is_open and can(user, "delete", Quote),
            may_sign=QuoteState.SIGNED in targets and can(user, "add", ServicesContract),
            may_change_contract=contract is not None
            and is_open
            and can(user, "change", ServicesContract),
            buttons=[
                (state.value, *TRANSITION_BUTTONS[state])
                for state in targets
                if state != QuoteState.SIGNED
            ],
            benefit=LineKind.BENEFIT.value,
        )
        context["line_form"] = line_form or QuoteLineForm(quote=quote)
        context["sign_form"] = sign_form or SignForm(initial={"renewal_on": quote.renewal_on})
        return context


class QuotePrintPage(DetailPage):
    """The quote as the customer receives it; the browser prints it or saves it as a PDF."""

    model = Quote
    template_name = "vas/quote_print.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("engagement__customer", "contract")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        quote: Quote = self.object
        lines = list(quote.lines.all())
        context.update(
            title=f"Quote {quote.number}",
            lines=[(line, line_total(line)) for line in lines],
            totals=quote_totals(quote, lines),
            contract=getattr(quote, "contract", None),
            partner=current_profile(),
        )
        return context


class QuoteFormAction(QuoteDetailPage):
    """A form posted from the quote page: done → back to it with a message; refused → the page
    again with the form and its errors (the Benefit refusal shows beside the price)."""

    access_action: Action = "change"
    http_method_names = ["post"]
    form_name = ""  # the quote page's context name of the form
    also_requires: tuple[Action, type[models.Model]] | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and self.also_requires:
            require(request.user, *self.also_requires)
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, quote: Quote) -> Any:
        raise NotImplementedError

    def perform(self, quote: Quote, form: Any) -> str:
        """Call the service; returns the success message."""
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = quote = self.get_object()
        form = self.make_form(quote)
        if form.is_valid():
            try:
                message = self.perform(quote, form)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, message)
                return HttpResponseRedirect(quote_url(quote))
        messages.error(request, "Not saved: see the form's messages below.")
        self.object.refresh_from_db()
        return self.render_to_response(self.get_context_data(**{self.form_name: form}))


class LineAddAction(QuoteFormAction):
    form_name = "line_form"
    also_requires = ("add", QuoteLine)

    def make_form(self, quote: Quote) -> QuoteLineForm:
        return QuoteLineForm(self.request.POST, quote=quote)

    def perform(self, quote: Quote, form: QuoteLineForm) -> str:
        line = services.add_line(
            acting_user=acting_user(self.request), quote=quote, **form.changes()
        )
        return f"Line “{line.description}” added."


class SignAction(QuoteFormAction):
    form_name = "sign_form"
    also_requires = ("add", ServicesContract)

    def make_form(self, quote: Quote) -> SignForm:
        return SignForm(self.request.POST)

    def perform(self, quote: Quote, form: SignForm) -> str:
        services.transition_quote(
            acting_user=acting_user(self.request),
            quote=quote,
            to_state=QuoteState.SIGNED,
            **form.changes(),
        )
        quote.refresh_from_db()
        return f"Quote {quote.number} signed: services contract {quote.contract.number} recorded."


class TransitionAction(AccessMixin, View):
    """A state button of the quote page (signing has its own form)."""

    model = Quote
    access_action: Action = "change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        quote = get_object_or_404(self.get_queryset(), pk=pk)
        to_state = request.POST.get("state", "")
        if to_state == QuoteState.SIGNED:
            messages.error(request, "Sign the quote with the signing form (signatory, dates).")
            return HttpResponseRedirect(quote_url(quote))
        try:
            services.transition_quote(
                acting_user=acting_user(request), quote=quote, to_state=to_state
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Quote {quote.number} is now {quote.get_state_display()}.")
        return HttpResponseRedirect(quote_url(quote))

    def get_queryset(self) -> Any:
        return restrict(self.request.user, "change", Quote.objects.all())


class QuoteEditPage(UpdatePage):
    model = Quote
    object: Quote
    form_class = QuoteTermsForm
    success_message = "Quote saved."

    def perform_save(self, form: QuoteTermsForm) -> models.Model:
        return services.update_quote(
            acting_user=acting_user(self.request), quote=self.object, **form.changes()
        )

    def get_success_url(self) -> str:
        return quote_url(self.object)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(title=f"Edit quote {self.object.number}", cancel_url=quote_url(self.object))
        return context


class QuoteDeletePage(DeletePage):
    """Drafts only (the service refuses the others: they are cancelled instead)."""

    model = Quote

    def perform_delete(self) -> None:
        services.delete_quote(acting_user=acting_user(self.request), quote=self.object)

    def get_success_url(self) -> str:
        return engagement_tab_url(self.object.engagement_id)


class LineEditPage(UpdatePage):
    model = QuoteLine
    object: QuoteLine
    form_class = QuoteLineForm
    success_message = "Line saved."

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("quote")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["quote"] = self.object.quote
        return kwargs

    def perform_save(self, form: QuoteLineForm) -> models.Model:
        return services.update_line(
            acting_user=acting_user(self.request), line=self.object, **form.changes()
        )

    def get_success_url(self) -> str:
        return quote_url(self.object.quote)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        quote = self.object.quote
        context.update(title=f"Edit a line of quote {quote.number}", cancel_url=quote_url(quote))
        return context


class LineDeleteAction(AccessMixin, View):
    model = QuoteLine
    access_action: Action = "delete"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        lines = restrict(request.user, "delete", QuoteLine.objects.select_related("quote"))
        line = get_object_or_404(lines, pk=pk)
        try:
            services.remove_line(acting_user=acting_user(request), line=line)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Line “{line.description}” removed.")
        return HttpResponseRedirect(quote_url(line.quote))


# --- contracts -------------------------------------------------------------------------------


class ContractListPage(ListPage):
    model = ServicesContract
    table_class = ContractTable
    filterset_class = ContractFilter
    title = "Services contracts"
    description = (
        "Signed quotes, the next renewals first (flagged 60 days ahead). Out-of-scope work is "
        "delivered only under a signed contract."
    )
    export_name = "services-contracts"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("quote__engagement__customer")
            .order_by(F("renewal_on").asc(nulls_last=True), "-signed_on", "-pk")
        )


class ContractEditPage(UpdatePage):
    model = ServicesContract
    object: ServicesContract
    form_class = ContractDatesForm
    success_message = "Contract dates saved."

    def perform_save(self, form: ContractDatesForm) -> models.Model:
        return services.update_contract(
            acting_user=acting_user(self.request), contract=self.object, **form.changes()
        )

    def get_success_url(self) -> str:
        return reverse("vas:quote-detail", args=[self.object.quote_id])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=f"Dates of contract {self.object.number}", cancel_url=self.get_success_url()
        )
        return context


# --- the engagement's tab --------------------------------------------------------------------


class EngagementPanel(AccessMixin, View):
    """The engagement page's "Quotes and contracts" tab (loaded by htmx)."""

    model = Quote

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        engagement = get_object_or_404(
            restrict(request.user, "view", Engagement.objects.select_related("customer")), pk=pk
        )
        quotes = list(restrict(request.user, "view", engagement.quotes.prefetch_related("lines")))
        contracts = restrict(
            request.user,
            "view",
            ServicesContract.objects.filter(quote__engagement=engagement).select_related("quote"),
        )
        context: dict[str, Any] = {
            "engagement": engagement,
            "quotes": [(quote, quote_totals(quote)) for quote in quotes],
            "contracts": list(contracts),
            "may_add": engagement.closed_on is None and can(request.user, "add", Quote),
        }
        return render(request, "vas/engagement_panel.html", context)
