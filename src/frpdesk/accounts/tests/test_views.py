import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from frpdesk.accounts.models import ApiToken, User
from frpdesk.accounts.services import hash_key, issue_api_token
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
def test_api_token_is_shown_once_stored_hashed_and_carries_roles(
    client: Client, executive: User
) -> None:
    client.force_login(executive)
    page = client.post(
        "/accounts/me/tokens/", {"name": "Power BI", "scope": "read", "days": "30"}
    ).content.decode()
    key = re.search(r'value="(frp_[^"]+)"', page)
    assert key is not None
    token = ApiToken.objects.get(user=executive)
    assert token.key_hash == hash_key(key.group(1))
    assert key.group(1) not in token.prefix + token.key_hash
    assert key.group(1) not in client.get("/accounts/me/").content.decode()  # shown once

    me = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key.group(1)}").json()
    assert me["username"] == executive.username
    assert me["roles"] == ["Executive"]
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_revoked_and_expired_tokens_are_refused(client: Client, executive: User) -> None:
    revoked, revoked_key = issue_api_token(acting_user=executive, name="a", scope="read", days=5)
    _expired, expired_key = issue_api_token(
        acting_user=executive,
        name="b",
        scope="read",
        days=1,
        now=timezone.now() - datetime.timedelta(days=2),
    )
    client.force_login(executive)
    client.post("/accounts/me/tokens/revoke/", {"token": revoked.pk})
    revoked.refresh_from_db()
    assert revoked.revoked_at is not None
    api = Client()
    for key in (revoked_key, expired_key, "frp_not-a-key"):
        response = api.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid, expired or revoked token."}


@pytest.mark.django_db
def test_a_user_cannot_revoke_another_users_token(
    client: Client, executive: User, auditor: User
) -> None:
    token, _key = issue_api_token(acting_user=auditor, name="audit", scope="read", days=5)
    client.force_login(executive)
    response = client.post("/accounts/me/tokens/revoke/", {"token": token.pk}, follow=True)
    assert "No such token of yours." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "audit" not in client.get("/accounts/me/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": "", "scope": "read", "days": "30"}, "This field is required."),
        ({"name": "x", "scope": "admin", "days": "30"}, "Select a valid choice."),
        ({"name": "x", "scope": "write", "days": "400"}, "less than or equal to 365"),
    ],
)
def test_token_form_errors(client: Client, executive: User, fields: dict, error: str) -> None:
    client.force_login(executive)
    response = client.post("/accounts/me/tokens/", fields)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_token_page_refuses_get(client: Client, executive: User) -> None:
    client.force_login(executive)
    assert client.get("/accounts/me/tokens/").status_code == 405
    assert not ApiToken.objects.filter(user=executive).exists()


@pytest.mark.django_db
def test_user_list_shows_roles(client: Client, program_admin, auditor) -> None:
    client.force_login(program_admin)
    body = client.get("/accounts/users/").content.decode()
    assert "Auditor" in body
    assert "Program administrator" in body
