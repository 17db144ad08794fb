import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from frpdesk.conftest import PASSWORD


@pytest.mark.django_db
def test_password_change_requires_the_old_password_and_works(client: Client, consultant) -> None:
    client.force_login(consultant)
    refused = client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "Tr0ub4dor&3-long",
            "new_password2": "Tr0ub4dor&3-long",
        },
    )
    assert refused.status_code == 200
    assert "Your old password was entered incorrectly" in refused.content.decode()
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Tr0ub4dor&3-long",
            "new_password2": "Tr0ub4dor&3-long",
        },
        follow=True,
    )
    assert "Your password has been changed." in changed.content.decode()
    consultant.refresh_from_db()
    assert consultant.check_password("Tr0ub4dor&3-long")


@pytest.mark.django_db
def test_api_token_is_created_and_replaced(client: Client, executive) -> None:
    client.force_login(executive)
    assert 'data-testid="api-token"' not in client.get("/accounts/me/").content.decode()
    client.post("/accounts/me/token/")
    first = Token.objects.get(user=executive).key
    assert first in client.get("/accounts/me/").content.decode()
    client.post("/accounts/me/token/")
    second = Token.objects.get(user=executive).key
    assert second != first
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {first}").status_code == 401
    me = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {second}").json()
    assert me["username"] == executive.username
    assert me["roles"] == ["Executive"]


@pytest.mark.django_db
def test_token_page_refuses_get(client: Client, executive) -> None:
    client.force_login(executive)
    assert client.get("/accounts/me/token/").status_code == 405
    assert not Token.objects.filter(user=executive).exists()


@pytest.mark.django_db
def test_user_list_shows_roles(client: Client, program_admin, auditor) -> None:
    client.force_login(program_admin)
    body = client.get("/accounts/users/").content.decode()
    assert "Auditor" in body
    assert "Program administrator" in body
