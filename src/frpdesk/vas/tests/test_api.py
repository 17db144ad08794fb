"""The VAS API: rate card, quotes with nested lines and totals, lines through the services (the
Benefit refusal as a 400), transitions and signing, contracts, refusals and roles."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from frpdesk.accounts.tests.factories import token_header
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.vas.models import QuoteState, ServicesContract
from frpdesk.vas.tests.factories import RateCardEntryFactory, make_quote

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year
DISCLOSURE = "not covered by any Microsoft agreement"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_rate_card_crud_and_filters(sales: Any) -> None:
    api = client_for(sales)
    response = api.post(
        "/api/rate-card/",
        {"vas_item": "workshops", "name": "Adoption workshop", "kind": "fixed", "price": "3500"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["currency"] == "USD"
    RateCardEntryFactory(name="Engineer")
    fixed = api.get("/api/rate-card/", {"kind": "fixed"}).json()["results"]
    assert [item["name"] for item in fixed] == ["Adoption workshop"]
    by_item = api.get("/api/rate-card/", {"vas_item": "project_management"}).json()["results"]
    assert [item["name"] for item in by_item] == ["Engineer"]
    bad = api.post(
        "/api/rate-card/",
        {"vas_item": "nope", "name": "X", "kind": "fixed", "price": "-1", "currency": "usd"},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"vas_item", "price", "currency"}


def test_a_rate_card_entry_on_a_quote_is_not_deleted(sales: Any) -> None:
    entry = RateCardEntryFactory()
    make_quote(lines=[(entry, "1")])
    response = client_for(sales).delete(f"/api/rate-card/{entry.pk}/")
    assert response.status_code == 409
    assert "still used" in response.json()["detail"]


def test_create_a_quote_and_read_it_with_lines_totals_and_disclosure(
    sales: Any, partner_profile: Any
) -> None:
    engagement = make_engagement()
    api = client_for(sales)
    response = api.post(
        "/api/quotes/",
        {
            "engagement": engagement.pk,
            "title": "PM days",
            "discount_pct": "10",
            "tax_pct": "20",
            "state": "signed",  # read-only: states change through the transition action
            "number": "Q-1999-0001",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    quote = response.json()
    assert quote["number"] == f"Q-{YEAR}-0001"
    assert quote["state"] == "draft"
    assert quote["created_by"] == sales.username
    assert DISCLOSURE in quote["disclosure"]
    assert "Contoso Consulting" in quote["disclosure"]
    entry = RateCardEntryFactory(price=Decimal("1000.00"))
    line = api.post(
        "/api/quote-lines/",
        {"quote": quote["id"], "rate_card_entry": entry.pk, "quantity": "3"},
        format="json",
    )
    assert line.status_code == 201, line.content
    assert line.json()["unit"] == "day"
    assert line.json()["unit_price"] == "1000.00"
    assert line.json()["total"] == "3000.00"
    read = api.get(f"/api/quotes/{quote['id']}/").json()
    assert read["totals"] == {
        "subtotal": "3000.00",
        "discount": "300.00",
        "net": "2700.00",
        "tax": "540.00",
        "total": "3240.00",
    }
    assert [item["description"] for item in read["lines"]] == [entry.name]
    assert read["contract"] is None


def test_quote_terms_and_engagement(sales: Any) -> None:
    quote = make_quote(state=QuoteState.SENT)
    api = client_for(sales)
    url = f"/api/quotes/{quote.pk}/"
    renewal = (TODAY + datetime.timedelta(days=365)).isoformat()
    response = api.patch(url, {"renewal_on": renewal}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["renewal_on"] == renewal
    response = api.patch(url, {"tax_pct": "19"}, format="json")
    assert response.status_code == 400
    assert "only while it is a Draft" in response.json()["detail"]
    other = make_engagement()
    response = api.patch(url, {"engagement": other.pk}, format="json")
    assert response.status_code == 400
    assert "stays on its engagement" in str(response.json()["errors"])
    assert api.patch(url, {}, format="json").status_code == 200


def test_only_drafts_are_deleted(sales: Any) -> None:
    api = client_for(sales)
    draft, sent = make_quote(), make_quote(state=QuoteState.SENT)
    assert api.delete(f"/api/quotes/{draft.pk}/").status_code == 204
    response = api.delete(f"/api/quotes/{sent.pk}/")
    assert response.status_code == 400
    assert "only drafts can be deleted" in response.json()["detail"]


def test_a_priced_benefit_line_is_a_400(sales: Any) -> None:
    quote = make_quote()
    api = client_for(sales)
    response = api.post(
        "/api/quote-lines/",
        {
            "quote": quote.pk,
            "kind": "benefit",
            "description": "Remote guidance",
            "quantity": "1",
            "unit_price": "99.00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "FastTrack Benefit services are free" in response.json()["errors"]["unit_price"][0]
    free = api.post(
        "/api/quote-lines/",
        {"quote": quote.pk, "kind": "benefit", "description": "Remote guidance", "quantity": "1"},
        format="json",
    )
    assert free.status_code == 201, free.content
    assert free.json()["unit_price"] == "0.00"
    response = api.patch(
        f"/api/quote-lines/{free.json()['id']}/", {"unit_price": "10"}, format="json"
    )
    assert response.status_code == 400
    assert "FastTrack Benefit services are free" in str(response.json())


def test_lines_of_a_sent_quote_do_not_change(sales: Any) -> None:
    quote = make_quote(state=QuoteState.SENT)
    line = quote.lines.get()
    api = client_for(sales)
    response = api.patch(f"/api/quote-lines/{line.pk}/", {"quantity": "9"}, format="json")
    assert response.status_code == 400
    assert "only while it is a Draft" in response.json()["detail"]
    assert api.delete(f"/api/quote-lines/{line.pk}/").status_code == 400
    other = make_quote()
    response = api.patch(f"/api/quote-lines/{line.pk}/", {"quote": other.pk}, format="json")
    assert response.status_code == 400
    line.refresh_from_db()
    assert line.quantity == 2


def test_draft_lines_update_and_delete(sales: Any) -> None:
    quote = make_quote(lines=[(RateCardEntryFactory(), "1")])
    line = quote.lines.get()
    api = client_for(sales)
    response = api.patch(f"/api/quote-lines/{line.pk}/", {"quantity": "4"}, format="json")
    assert response.status_code == 200
    assert response.json()["total"] == "4000.00"
    assert api.patch(f"/api/quote-lines/{line.pk}/", {}, format="json").status_code == 200
    listing = api.get("/api/quote-lines/", {"quote": quote.pk}).json()
    assert listing["count"] == 1
    assert api.delete(f"/api/quote-lines/{line.pk}/").status_code == 204
    assert not quote.lines.exists()


def transition(api: APIClient, quote: Any, **body: Any) -> Any:
    return api.post(f"/api/quotes/{quote.pk}/transition/", body, format="json")


def test_transitions_and_signing(sales: Any, partner_profile: Any) -> None:
    api = client_for(sales)
    quote = make_quote()
    response = transition(api, quote, state="sent")
    assert response.status_code == 400
    assert "no priced value-added service line" in response.json()["detail"]
    response = transition(api, quote, state="accepted")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("A quote becomes Accepted only from Sent")
    assert transition(api, quote, state="approved").status_code == 400
    response = transition(api, quote, state="cancelled", customer_signatory="Dana")
    assert response.status_code == 400
    assert "only when signing" in response.json()["detail"]

    accepted = make_quote(state=QuoteState.ACCEPTED)
    response = transition(api, accepted, state="signed")
    assert response.status_code == 400
    assert "customer_signatory" in response.json()["errors"]
    response = transition(
        api,
        accepted,
        state="signed",
        customer_signatory="Dana Whitfield",
        ends_on=(TODAY + datetime.timedelta(days=90)).isoformat(),
    )
    assert response.status_code == 200, response.content
    contract = response.json()["contract"]
    assert response.json()["state"] == "signed"
    assert contract["number"] == f"C-{YEAR}-0001"
    assert contract["partner_signatory"] == sales.username
    assert DISCLOSURE in contract["disclosure"]
    assert transition(api, accepted, state="active").json()["state"] == "active"


def test_contracts_read_and_dates(sales: Any) -> None:
    quote = make_quote(state=QuoteState.SIGNED)
    contract = ServicesContract.objects.get(quote=quote)
    api = client_for(sales)
    listing = api.get("/api/contracts/").json()
    assert [item["number"] for item in listing["results"]] == [contract.number]
    assert listing["results"][0]["state"] == "signed"
    assert DISCLOSURE in listing["results"][0]["disclosure"]
    renewal = (TODAY + datetime.timedelta(days=300)).isoformat()
    response = api.patch(
        f"/api/contracts/{contract.pk}/",
        {"renewal_on": renewal, "customer_signatory": "Someone else"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["renewal_on"] == renewal
    assert response.json()["customer_signatory"] == "Dana Whitfield"
    response = api.patch(
        f"/api/contracts/{contract.pk}/",
        {"ends_on": (TODAY - datetime.timedelta(days=9)).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert "ends_on" in response.json()["errors"]
    assert api.post("/api/contracts/", {}, format="json").status_code == 405
    assert api.delete(f"/api/contracts/{contract.pk}/").status_code == 405
    soon = (TODAY + datetime.timedelta(days=10)).isoformat()
    assert api.get("/api/contracts/", {"renewal_due_before": soon}).json()["count"] == 0


def test_quote_filters_are_the_pages(sales: Any) -> None:
    draft = make_quote(title="Workshops")
    sent = make_quote(state=QuoteState.SENT)
    api = client_for(sales)
    states = api.get("/api/quotes/", {"state": ["sent", "signed"]}).json()["results"]
    assert [item["number"] for item in states] == [sent.number]
    found = api.get("/api/quotes/", {"search": "worksh"}).json()["results"]
    assert [item["number"] for item in found] == [draft.number]
    assert api.get("/api/quotes/", {"renewal_due_before": "soon"}).status_code == 400


def test_readers_read_and_change_nothing(consultant: Any, outsider: Any) -> None:
    quote = make_quote(state=QuoteState.ACCEPTED)
    api = client_for(consultant)
    assert api.get(f"/api/quotes/{quote.pk}/").status_code == 200
    assert transition(api, quote, state="cancelled").status_code == 403
    assert api.patch(f"/api/quotes/{quote.pk}/", {}, format="json").status_code == 403
    response = client_for(outsider).get("/api/quotes/")
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    quote.refresh_from_db()
    assert quote.state == QuoteState.ACCEPTED


def test_token_authentication(sales: Any) -> None:
    make_quote()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=token_header(sales))
    assert api.get("/api/quotes/").json()["count"] == 1
    assert APIClient().get("/api/quotes/").status_code in (401, 403)
