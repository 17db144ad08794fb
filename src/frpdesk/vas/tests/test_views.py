"""VAS pages: who opens them, the disclosure on every quote and contract page, building a quote
(the Benefit refusal as a form error), the state buttons and signing, lists and exports."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.vas.models import (
    LineKind,
    PricingKind,
    Quote,
    QuoteState,
    RateCardEntry,
    ServicesContract,
)
from frpdesk.vas.tests.factories import RateCardEntryFactory, make_quote

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DISCLOSURE = "not covered by any Microsoft agreement"


@pytest.fixture
def signed(partner_profile: Any) -> Quote:
    engagement = make_engagement()
    engagement.customer.name = "Woodgrove Bank"
    engagement.customer.save()
    return make_quote(
        engagement=engagement,
        title="Onsite rollout",
        state=QuoteState.SIGNED,
        renewal_on=TODAY + datetime.timedelta(days=30),
    )


def body(response: Any) -> str:
    return response.content.decode()


def read_pages(quote: Quote) -> list[str]:
    return [
        reverse("vas:rate-list"),
        reverse("vas:quote-list"),
        reverse("vas:contract-list"),
        reverse("vas:quote-detail", args=[quote.pk]),
        reverse("vas:quote-print", args=[quote.pk]),
        reverse("vas:engagement-panel", args=[quote.engagement_id]),
    ]


def test_every_role_reads_vas_and_outsiders_do_not(
    client: Client, users_by_role: Any, signed: Quote
) -> None:
    for role, user in users_by_role.items():
        client.force_login(user)
        for url in read_pages(signed):
            response = client.get(url)
            if role == "no role":
                assert response.status_code == 403, url
                assert signed.number not in body(response)
            else:
                assert response.status_code == 200, (role, url)


@pytest.mark.parametrize("fixture", ["consultant", "executive", "auditor", "outsider"])
def test_only_sales_and_administrators_change_vas(
    client: Client, request: pytest.FixtureRequest, fixture: str
) -> None:
    client.force_login(request.getfixturevalue(fixture))
    draft = make_quote(lines=[(RateCardEntryFactory(), "1")])
    line = draft.lines.get()
    contract = make_quote(state=QuoteState.SIGNED).contract
    for url in (
        reverse("vas:rate-create"),
        reverse("vas:rate-edit", args=[line.rate_card_entry_id]),
        reverse("vas:rate-delete", args=[line.rate_card_entry_id]),
        reverse("vas:quote-create"),
        reverse("vas:quote-edit", args=[draft.pk]),
        reverse("vas:quote-delete", args=[draft.pk]),
        reverse("vas:line-edit", args=[line.pk]),
        reverse("vas:contract-edit", args=[contract.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("vas:line-add", args=[draft.pk]),
        reverse("vas:quote-transition", args=[draft.pk]),
        reverse("vas:quote-sign", args=[draft.pk]),
        reverse("vas:line-delete", args=[line.pk]),
    ):
        assert client.post(url, {"state": "sent", "quantity": "1"}).status_code == 403, url
    draft.refresh_from_db()
    assert draft.state == QuoteState.DRAFT
    assert draft.lines.count() == 1


def test_readers_see_no_change_buttons(client: Client, consultant: Any) -> None:
    quote = make_quote(lines=[(RateCardEntryFactory(), "1")])
    client.force_login(consultant)
    page = body(client.get(reverse("vas:quote-detail", args=[quote.pk])))
    for testid in ("line-form", "state-buttons", "edit-quote", "delete-quote", "edit-line"):
        assert f'data-testid="{testid}"' not in page
    panel = body(client.get(reverse("vas:engagement-panel", args=[quote.engagement_id])))
    assert 'data-testid="new-quote"' not in panel


# --- the disclosure --------------------------------------------------------------------------


def test_the_disclosure_is_on_every_quote_and_contract_page(
    client: Client, sales: Any, signed: Quote
) -> None:
    client.force_login(sales)
    detail = body(client.get(reverse("vas:quote-detail", args=[signed.pk])))
    assert detail.count(DISCLOSURE) == 2  # the quote's box and the contract card's
    assert "agreed between Contoso Consulting and Woodgrove Bank" in detail
    assert signed.contract.number in detail
    printed = body(client.get(reverse("vas:quote-print", args=[signed.pk])))
    assert DISCLOSURE in printed
    panel = body(client.get(reverse("vas:engagement-panel", args=[signed.engagement_id])))
    assert DISCLOSURE in panel
    assert signed.contract.number in panel
    create = body(client.get(reverse("vas:quote-create")))
    assert DISCLOSURE in create


# --- creating a quote ------------------------------------------------------------------------


def test_new_quote_from_the_engagement_with_suggested_items(client: Client, sales: Any) -> None:
    engagement = make_engagement()
    manager = RateCardEntryFactory(name="Project manager", price=Decimal("1200.00"))
    client.force_login(sales)
    url = (
        f"{reverse('vas:quote-create')}?engagement={engagement.pk}&vas=project_management,workshops"
    )
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["engagement"] == engagement
    assert "Project management: Project manager" in body(page)
    assert "No active rate-card entry in this currency for Workshops" in body(page)
    assert not Quote.objects.exists()  # reading the form writes nothing

    response = client.post(
        url,
        {
            "engagement": engagement.pk,
            "title": "PM for the rollout",
            "currency": "usd",
            "discount_pct": "0",
            "tax_pct": "0",
            "vas": "project_management,workshops",
        },
    )
    quote = Quote.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("vas:quote-detail", args=[quote.pk])
    assert quote.currency == "USD"
    line = quote.lines.get()
    assert (line.rate_card_entry, line.quantity, line.unit_price) == (
        manager,
        1,
        Decimal("1200.00"),
    )
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any("No active USD rate-card entry for Workshops" in text for text in messages)


@pytest.mark.parametrize("query", ["?engagement=abc", "?engagement=999999", "?vas=%00,,"])
def test_bad_query_strings_show_the_empty_form(client: Client, sales: Any, query: str) -> None:
    client.force_login(sales)
    response = client.get(reverse("vas:quote-create") + query)
    assert response.status_code == 200
    assert "engagement" not in response.context["form"].initial


def test_a_new_quote_with_bad_terms_shows_the_errors(client: Client, sales: Any) -> None:
    engagement = make_engagement()
    client.force_login(sales)
    response = client.post(
        reverse("vas:quote-create"),
        {
            "engagement": engagement.pk,
            "title": "x",
            "currency": "USD",
            "discount_pct": "150",
            "tax_pct": "0",
        },
    )
    assert response.status_code == 200
    assert "Enter a percentage from 0 to 100" in body(response)
    assert not Quote.objects.exists()


# --- lines -----------------------------------------------------------------------------------


def test_lines_from_the_rate_card_and_totals(client: Client, sales: Any) -> None:
    quote = make_quote(discount_pct=Decimal(10), tax_pct=Decimal(20))
    day = RateCardEntryFactory(name="Engineer", price=Decimal("1100.00"))
    workshop = RateCardEntryFactory(
        name="Workshop", kind=PricingKind.FIXED, price=Decimal("3500.00")
    )
    client.force_login(sales)
    add = reverse("vas:line-add", args=[quote.pk])
    for entry, quantity in ((day, "3"), (workshop, "1")):
        response = client.post(
            add, {"kind": "vas", "rate_card_entry": entry.pk, "quantity": quantity}
        )
        assert response.status_code == 302
    page = body(client.get(reverse("vas:quote-detail", args=[quote.pk])))
    assert "6,800.00 USD" in page  # subtotal
    assert "680.00 USD" in page  # discount
    assert "1,224.00 USD" in page  # tax
    assert "7,344.00 USD" in page  # total
    assert [line.unit for line in quote.lines.all()] == ["day", "item"]


def test_a_priced_benefit_line_is_a_form_error(client: Client, sales: Any) -> None:
    quote = make_quote()
    client.force_login(sales)
    response = client.post(
        reverse("vas:line-add", args=[quote.pk]),
        {
            "kind": LineKind.BENEFIT,
            "description": "Remote guidance",
            "quantity": "1",
            "unit_price": "250",
        },
    )
    assert response.status_code == 200
    errors = response.context["line_form"].errors
    assert "FastTrack Benefit services are free" in errors["unit_price"][0]
    assert "FastTrack Benefit services are free" in body(response)
    assert not quote.lines.exists()


def test_an_invalid_line_form_is_shown_again(client: Client, sales: Any) -> None:
    quote = make_quote()
    client.force_login(sales)
    response = client.post(reverse("vas:line-add", args=[quote.pk]), {"quantity": "lots"})
    assert response.status_code == 200
    assert response.context["line_form"].errors["quantity"]


def test_edit_and_remove_a_line(client: Client, sales: Any) -> None:
    quote = make_quote()
    client.force_login(sales)
    client.post(
        reverse("vas:line-add", args=[quote.pk]),
        {"kind": "vas", "description": "Onsite day", "quantity": "1", "unit_price": "900"},
    )
    line = quote.lines.get()
    edit = reverse("vas:line-edit", args=[line.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {"kind": "vas", "description": "Onsite days", "quantity": "2", "unit_price": "950"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.description, line.quantity, line.unit_price) == ("Onsite days", 2, 950)
    response = client.post(reverse("vas:line-delete", args=[line.pk]))
    assert response.status_code == 302
    assert not quote.lines.exists()


def test_a_sent_quote_refuses_line_changes(client: Client, sales: Any) -> None:
    quote = make_quote(state=QuoteState.SENT)
    line = quote.lines.get()
    client.force_login(sales)
    response = client.post(reverse("vas:line-delete", args=[line.pk]), follow=True)
    assert "only while it is a Draft" in body(response)
    response = client.post(
        reverse("vas:line-edit", args=[line.pk]),
        {"kind": "vas", "rate_card_entry": line.rate_card_entry_id, "quantity": "5"},
    )
    assert response.status_code == 200
    assert "only while it is a Draft" in body(response)
    line.refresh_from_db()
    assert line.quantity == 2


# --- states and signing ----------------------------------------------------------------------


def transition(client: Client, quote: Quote, state: str) -> str:
    response = client.post(
        reverse("vas:quote-transition", args=[quote.pk]), {"state": state}, follow=True
    )
    assert response.status_code == 200
    return body(response)


def test_state_buttons_follow_the_table(client: Client, sales: Any) -> None:
    quote = make_quote()
    client.force_login(sales)
    page = body(client.get(reverse("vas:quote-detail", args=[quote.pk])))
    assert 'data-testid="to-sent"' in page
    assert 'data-testid="to-accepted"' not in page
    assert "has no priced value-added service line" in transition(client, quote, "sent")
    assert "A quote becomes Completed only from Active" in transition(client, quote, "completed")
    assert "is not a quote state" in transition(client, quote, "<b>nonsense</b>")
    assert "Sign the quote with the signing form" in transition(client, quote, "signed")
    client.post(
        reverse("vas:line-add", args=[quote.pk]),
        {"kind": "vas", "rate_card_entry": RateCardEntryFactory().pk, "quantity": "1"},
    )
    assert f"Quote {quote.number} is now Sent." in transition(client, quote, "sent")
    assert f"Quote {quote.number} is now Accepted." in transition(client, quote, "accepted")
    quote.refresh_from_db()
    assert quote.state == QuoteState.ACCEPTED


def test_signing_on_the_quote_page(client: Client, sales: Any, partner_profile: Any) -> None:
    quote = make_quote(state=QuoteState.ACCEPTED)
    client.force_login(sales)
    page = body(client.get(reverse("vas:quote-detail", args=[quote.pk])))
    assert 'data-testid="sign-form"' in page
    sign = reverse("vas:quote-sign", args=[quote.pk])
    response = client.post(sign, {"signed_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert "Name the customer&#x27;s signatory" in body(response)
    assert not ServicesContract.objects.exists()
    response = client.post(
        sign,
        {
            "customer_signatory": "Dana Whitfield",
            "customer_signatory_title": "CIO",
            "signed_on": TODAY.isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=90)).isoformat(),
        },
        follow=True,
    )
    contract = ServicesContract.objects.get()
    assert f"services contract {contract.number} recorded" in body(response)
    assert 'data-testid="contract"' in body(response)
    assert contract.partner_signatory == sales


def test_contract_dates_and_the_contract_list(client: Client, sales: Any, signed: Quote) -> None:
    client.force_login(sales)
    contract = signed.contract
    edit = reverse("vas:contract-edit", args=[contract.pk])
    response = client.post(edit, {"ends_on": (TODAY - datetime.timedelta(days=30)).isoformat()})
    assert response.status_code == 200
    assert "cannot end before it starts" in body(response)
    renewal = TODAY + datetime.timedelta(days=20)
    response = client.post(edit, {"renewal_on": renewal.isoformat()})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.renewal_on == renewal
    listing = body(client.get(reverse("vas:contract-list")))
    assert contract.number in listing
    assert 'data-testid="renewal-soon"' in listing
    later = (TODAY + datetime.timedelta(days=10)).isoformat()
    filtered = client.get(reverse("vas:contract-list"), {"renewal_due_before": later})
    assert filtered.context["table"].paginator.count == 0


def test_quote_terms_after_sending_only_renewal_and_notes(client: Client, sales: Any) -> None:
    quote = make_quote(state=QuoteState.SENT, tax_pct=Decimal(5))
    client.force_login(sales)
    renewal = TODAY + datetime.timedelta(days=400)
    response = client.post(
        reverse("vas:quote-edit", args=[quote.pk]),
        {"tax_pct": "50", "renewal_on": renewal.isoformat(), "notes": "Renew with PM days"},
    )
    assert response.status_code == 302
    quote.refresh_from_db()
    assert (quote.tax_pct, quote.renewal_on, quote.notes) == (5, renewal, "Renew with PM days")


def test_delete_a_draft_not_a_sent_quote(client: Client, sales: Any) -> None:
    draft, sent = make_quote(), make_quote(state=QuoteState.SENT)
    client.force_login(sales)
    response = client.post(reverse("vas:quote-delete", args=[draft.pk]))
    assert response.status_code == 302
    assert response.url.endswith("?tab=vas")
    assert not Quote.objects.filter(pk=draft.pk).exists()
    response = client.post(reverse("vas:quote-delete", args=[sent.pk]), follow=True)
    assert "only drafts can be deleted" in body(response)
    assert Quote.objects.filter(pk=sent.pk).exists()


def test_missing_records_are_404(client: Client, sales: Any) -> None:
    client.force_login(sales)
    for name in ("vas:quote-detail", "vas:quote-edit", "vas:engagement-panel"):
        assert client.get(reverse(name, args=[999999])).status_code == 404
    assert client.post(reverse("vas:quote-transition", args=[999999])).status_code == 404


# --- lists -----------------------------------------------------------------------------------


def test_quote_list_filters_and_exports(client: Client, sales: Any, signed: Quote) -> None:
    draft = make_quote(title="Workshops")
    client.force_login(sales)
    listing = client.get(reverse("vas:quote-list"), {"state": "signed"})
    assert [row.record for row in listing.context["table"].page.object_list] == [signed]
    by_engagement = client.get(reverse("vas:quote-list"), {"engagement": draft.engagement_id})
    assert [row.record for row in by_engagement.context["table"].page.object_list] == [draft]
    due = (TODAY + datetime.timedelta(days=31)).isoformat()
    renewals = client.get(reverse("vas:quote-list"), {"renewal_due_before": due})
    assert renewals.context["table"].paginator.count == 1
    bad = client.get(reverse("vas:quote-list"), {"renewal_due_before": "soon", "state": "x"})
    assert bad.status_code == 200
    export = client.get(reverse("vas:quote-list"), {"export": "csv", "state": "signed"})
    text = export.content.decode("utf-8-sig")
    assert signed.number in text
    assert "2000.00" in text  # the total, as a number
    assert draft.number not in text
    xlsx = client.get(reverse("vas:quote-list"), {"export": "xlsx"})
    assert xlsx.status_code == 200


def test_rate_card_pages(client: Client, sales: Any) -> None:
    client.force_login(sales)
    from frpdesk.catalog.models import VasItem

    response = client.post(
        reverse("vas:rate-create"),
        {
            "vas_item": VasItem.objects.get(code="workshops").pk,
            "name": "Adoption workshop",
            "kind": PricingKind.FIXED,
            "price": "3500",
            "currency": "eur",
            "active": "on",
        },
    )
    assert response.status_code == 302
    entry = RateCardEntry.objects.get()
    assert entry.currency == "EUR"
    listing = body(client.get(reverse("vas:rate-list")))
    assert "3,500.00 EUR per item" in listing
    quote = make_quote(currency="EUR", lines=[(entry, "1")])
    response = client.post(reverse("vas:rate-delete", args=[entry.pk]), follow=True)
    assert "cannot be deleted: it is still used" in body(response)
    assert RateCardEntry.objects.filter(pk=entry.pk).exists()
    assert quote.lines.exists()


@pytest.mark.parametrize("name", ["vas:rate-list", "vas:quote-list", "vas:contract-list"])
def test_lists_survive_bad_filters(client: Client, sales: Any, name: str) -> None:
    client.force_login(sales)
    query = {"search": "a\x00b", "currency": "\x00", "state": "x", "engagement": "abc"}
    assert client.get(reverse(name), query).status_code == 200
    assert client.get(reverse(name), {**query, "export": "csv"}).status_code == 200
