"""Sign-in throttling and the production security settings."""

import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.test import Client

from frpdesk.accounts.models import User
from frpdesk.conftest import PASSWORD


def sign_in(client: Client, username: str, password: str) -> int:
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_user_name_even_with_the_right_password(
    client: Client, consultant: User
) -> None:
    limit = 5  # FRPDESK_LOGIN_FAILURE_LIMIT's default
    for _ in range(limit - 1):
        assert sign_in(client, consultant.username, "wrong") == 200  # the form with its error
    assert sign_in(client, consultant.username, "wrong") == 429

    refused = client.post(
        "/accounts/login/", {"username": consultant.username, "password": PASSWORD}
    )

    assert refused.status_code == 429
    assert 'data-testid="locked-out"' in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert PASSWORD not in refused.content.decode()


@pytest.mark.django_db
def test_a_successful_sign_in_resets_the_count_and_other_users_are_not_locked(
    client: Client, consultant: User, sales: User
) -> None:
    for _ in range(4):
        sign_in(client, consultant.username, "wrong")
    assert sign_in(client, consultant.username, PASSWORD) == 302
    assert not AccessAttempt.objects.filter(username=consultant.username).exists()

    other = Client()
    for _ in range(5):
        sign_in(other, sales.username, "wrong")
    assert sign_in(Client(), consultant.username, PASSWORD) == 302


def deploy_check(tmp_path: object, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        # The suite's own settings (and the browser tests' async permission) are not production.
        if not key.startswith("FRPDESK_")
        and key not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    environment |= {"FRPDESK_DATA_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-m", "frpdesk", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_https_on(tmp_path: object) -> None:
    result = deploy_check(tmp_path, FRPDESK_HTTPS="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_served_without_https(tmp_path: object) -> None:
    result = deploy_check(tmp_path)
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stdout + result.stderr
