"""Teams: who sees which customers, how a customer gets its team, and the team pages and API."""

from collections import deque
from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from frpdesk.accounts import roles
from frpdesk.accounts.models import Team, User
from frpdesk.accounts.tests.factories import DELIVERY_TEAM, delivery_team, token_header
from frpdesk.core.access import restrict, within_reach
from frpdesk.customers.models import Customer
from frpdesk.customers.services import save_customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.tests.factories import make_engagement

TENANT = "0b7c5f3e-9c55-4a53-a4a5-8f2ab8a7e6c1"


@pytest.fixture
def education(db: None) -> Team:
    return Team.objects.create(name="Education")


@pytest.fixture
def university(education: Team) -> Customer:
    return CustomerFactory(name="Litware University", team=education)


def test_a_consultant_sees_the_customers_of_their_teams_only(
    consultant: User, university: Customer
) -> None:
    own = CustomerFactory(name="Woodgrove Bank")
    unassigned = CustomerFactory(name="Nobody's Tenant", team=None)

    assert list(restrict(consultant, "view", Customer.objects.all())) == [own]
    consultant.teams.add(university.team)
    del consultant._perm_cache  # type: ignore[attr-defined]
    assert set(restrict(consultant, "view", Customer.objects.all())) == {own, university}
    assert unassigned not in restrict(consultant, "view", Customer.objects.all())


@pytest.mark.parametrize("fixture", ["program_admin", "executive", "auditor"])
def test_administrators_executives_and_auditors_see_every_customer(
    request: pytest.FixtureRequest, fixture: str, university: Customer
) -> None:
    user: User = request.getfixturevalue(fixture)
    unassigned = CustomerFactory(name="Nobody's Tenant", team=None)
    assert set(restrict(user, "view", Customer.objects.all())) == {university, unassigned}


def test_records_follow_their_customers_team(consultant: User, university: Customer) -> None:
    theirs = make_engagement(customer=university)
    ours = make_engagement(customer=CustomerFactory(name="Woodgrove Bank"))
    assert list(restrict(consultant, "view", Engagement.objects.all())) == [ours]
    assert list(restrict(consultant, "view", theirs.timeline.all())) == []
    assert list(within_reach(consultant, Engagement.objects.all())) == [ours]


def test_a_consultant_with_one_team_gives_new_customers_to_it(consultant: User) -> None:
    customer = save_customer(
        acting_user=consultant, customer=Customer(name="Coho Winery", tenant_id=TENANT)
    )
    assert customer.team == delivery_team()


def test_a_consultant_with_two_teams_chooses_one_of_them(consultant: User, education: Team) -> None:
    consultant.teams.add(education)
    with pytest.raises(ValidationError) as refused:
        save_customer(acting_user=consultant, customer=Customer(name="Coho", tenant_id=TENANT))
    assert refused.value.message_dict["team"] == [
        f"Choose one of your teams: {DELIVERY_TEAM}, Education."
    ]
    customer = save_customer(
        acting_user=consultant, customer=Customer(name="Coho", tenant_id=TENANT, team=education)
    )
    assert customer.team == education


def test_a_consultant_cannot_give_a_customer_to_another_team(
    consultant: User, education: Team
) -> None:
    with pytest.raises(ValidationError) as refused:
        save_customer(
            acting_user=consultant, customer=Customer(name="Coho", tenant_id=TENANT, team=education)
        )
    assert "Choose one of your teams" in refused.value.message_dict["team"][0]
    assert not Customer.objects.exists()


def test_a_consultant_without_a_team_is_told_to_ask_for_one(
    make_user: Callable[..., User],
) -> None:
    loner = make_user(roles.DELIVERY_CONSULTANT, username="loner")
    loner.teams.clear()
    with pytest.raises(ValidationError, match="You belong to no team"):
        save_customer(acting_user=loner, customer=Customer(name="Coho", tenant_id=TENANT))


def test_a_program_administrator_may_leave_a_customer_without_a_team(
    program_admin: User,
) -> None:
    customer = save_customer(
        acting_user=program_admin, customer=Customer(name="Coho", tenant_id=TENANT)
    )
    assert customer.team is None


def test_the_customer_form_offers_a_consultant_only_their_teams(
    client: Client, consultant: User, education: Team
) -> None:
    client.force_login(consultant)
    page = client.get(reverse("customers:create")).content.decode()
    assert f'<option value="{delivery_team().pk}">{DELIVERY_TEAM}</option>' in page
    assert f'<option value="{education.pk}">' not in page

    response = client.post(
        reverse("customers:create"),
        {"name": "Coho Winery", "tenant_id": TENANT, "team": education.pk, "country": "US"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Customer.objects.exists()


def test_picking_another_teams_record_in_a_form_is_not_a_valid_choice(
    client: Client, consultant: User, university: Customer
) -> None:
    """Choice lists offer only records within reach: another team's customer does not exist."""
    client.force_login(consultant)
    form = client.get(reverse("engagements:create")).content.decode()
    assert "Litware University" not in form
    response = client.post(
        reverse("engagements:create"), {"customer": university.pk, "name": "Teams rollout"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Engagement.objects.exists()


def test_an_api_body_naming_another_teams_record_is_a_400(
    client: Client, consultant: User, university: Customer
) -> None:
    response = client.post(
        "/api/engagements/",
        {"customer": university.pk, "name": "Teams rollout", "started_on": "2026-11-02"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_header(consultant),
    )
    assert response.status_code == 400
    assert "customer" in response.json()["errors"]
    assert not Engagement.objects.exists()


def test_team_pages_for_program_administrators(
    client: Client, program_admin: User, consultant: User, university: Customer
) -> None:
    client.force_login(program_admin)
    response = client.post(
        reverse("accounts:team-create"),
        {"name": "Public sector", "description": "Cities", "members": [consultant.pk]},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Public sector")
    assert list(team.members.all()) == [consultant]

    listed = client.get(reverse("accounts:team-list")).content.decode()
    assert "Public sector" in listed
    assert f'href="{reverse("customers:list")}?team={university.team_id}">1<' in listed

    refused = client.post(reverse("accounts:team-delete", args=[university.team_id]))
    assert refused.status_code == 302
    assert Team.objects.filter(pk=university.team_id).exists()  # it still has a customer


def test_teams_api(client: Client, program_admin: User, consultant: User) -> None:
    auth = {"HTTP_AUTHORIZATION": token_header(program_admin)}
    created = client.post(
        "/api/teams/",
        {"name": "Public sector", "members": [consultant.username]},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    assert created.json()["members"] == [consultant.username]
    assert client.get("/api/teams/", HTTP_AUTHORIZATION=token_header(consultant)).status_code == 403


def test_the_account_page_names_the_users_teams(client: Client, consultant: User) -> None:
    client.force_login(consultant)
    page = client.get(reverse("accounts:account")).content.decode()
    assert (
        f'data-testid="customer-scope"><span class="badge badge-soft me-1">{DELIVERY_TEAM}' in page
    )


def refers_to_a_customer(model: type[Model]) -> bool:
    """Whether a chain of foreign keys leads from ``model`` to the customer."""
    queue, seen = deque([model]), {model}
    while queue:
        current = queue.popleft()
        if current is Customer:
            return True
        for field in current._meta.concrete_fields:
            related = field.related_model
            if isinstance(related, type) and related not in seen and not field.many_to_many:
                seen.add(related)
                queue.append(related)
    return False


def reached_by(model: type[Model], path: str) -> type[Model]:
    for name in filter(None, path.split("__")):
        related = model._meta.get_field(name).related_model
        assert isinstance(related, type), f"{model._meta.label}.{name} is not a relation"
        model = related
    return model


@pytest.mark.parametrize("model", apps.get_models(), ids=lambda model: model._meta.label)
def test_every_record_about_a_customer_says_how_to_reach_it(model: type[Model]) -> None:
    """A new model that refers to a customer is scoped to the customer's team like the others."""
    declared = getattr(model, "customer_path", None)
    assert (declared is not None) == refers_to_a_customer(model)
    if declared is not None:
        assert reached_by(model, declared) is Customer
