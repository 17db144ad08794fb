"""State changes of customers and their contacts."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from frpdesk.accounts.models import User
from frpdesk.core.access import sees_all_customers
from frpdesk.customers.models import Customer, Tag


def parse_tenant_id(value: Any) -> uuid.UUID:
    """A tenant ID is a GUID; braces, upper case and surrounding spaces are accepted."""
    text = str(value or "").strip().strip("{}")
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise ValidationError(
            {
                "tenant_id": ValidationError(
                    f"“{value}” is not a tenant ID (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47).",
                    code="invalid",
                )
            }
        ) from exc


@transaction.atomic
def save_customer(
    *, acting_user: User | None, customer: Customer, tags: list[str] | None = None
) -> Customer:
    if acting_user is not None and not sees_all_customers(acting_user):
        _keep_within_own_teams(acting_user, customer)
    customer.full_clean()
    customer.save()
    if tags is not None:
        customer.tags.set(
            [Tag.objects.get_or_create(name=name.strip())[0] for name in tags if name.strip()]
        )
    return customer


def _keep_within_own_teams(acting_user: User, customer: Customer) -> None:
    """Someone who sees only their teams' customers gives a customer to one of their teams (the
    only one, by default): anything else would hide it from them or show it to strangers."""
    own_teams = list(acting_user.teams.all())
    if not own_teams:
        raise ValidationError(
            "You belong to no team, so a customer you save would be hidden from you: ask a "
            "program administrator to add you to a team."
        )
    if customer.team_id is None and len(own_teams) == 1:
        customer.team = own_teams[0]
    if customer.team not in own_teams:
        names = ", ".join(team.name for team in own_teams)
        raise ValidationError({"team": f"Choose one of your teams: {names}."})


def customer_by_tenant(tenant_id: Any) -> Customer:
    """The customer of a tenant ID, or a ValidationError that says what is wrong."""
    parsed = parse_tenant_id(tenant_id)
    customer = Customer.objects.filter(tenant_id=parsed).first()
    if customer is None:
        raise ValidationError(
            {
                "tenant_id": ValidationError(
                    f"No customer has tenant ID {parsed}.", code="unknown_tenant"
                )
            }
        )
    return customer


def survey_contact_missing(customer: Customer) -> bool:
    return not customer.contacts.filter(survey_eligible=True).exists()
