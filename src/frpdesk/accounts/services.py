"""State changes of users: role assignment, teams and API tokens."""

import datetime
import hashlib
import secrets

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frpdesk.accounts.models import ApiToken, Team, TokenScope, User
from frpdesk.accounts.roles import ROLE_PRESETS

KEY_PREFIX = "frp_"
MAX_TOKEN_DAYS = 365
# Recording every use would write on every API read; once in this interval is enough to tell.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


@transaction.atomic
def assign_roles(*, acting_user: User | None, user: User, roles: list[str]) -> User:
    unknown = sorted(set(roles) - ROLE_PRESETS.keys())
    if unknown:
        raise ValueError(f"Unknown role(s): {', '.join(unknown)}")
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


@transaction.atomic
def save_team(*, acting_user: User | None, team: Team, members: list[User]) -> Team:
    team.full_clean()
    team.save()
    team.members.set(members)
    return team


def hash_key(key: str) -> str:
    """Keys are 256 random bits, so a plain SHA-256 cannot be reversed or guessed."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_api_token(
    *,
    acting_user: User,
    name: str,
    scope: str,
    days: int,
    now: datetime.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token of the acting user, and its key (shown once; only its hash is kept)."""
    errors = {}
    if not name.strip():
        errors["name"] = "Name the token: what is it for?"
    if scope not in TokenScope.values:
        errors["scope"] = f"Choose a scope: {', '.join(TokenScope.values)}."
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = f"A token lasts from 1 to {MAX_TOKEN_DAYS} days."
    if errors:
        raise ValidationError(errors)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=acting_user,
        name=name.strip(),
        prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(key),
        scope=scope,
        expires_at=(now or timezone.now()) + datetime.timedelta(days=days),
    )
    return token, key


@transaction.atomic
def revoke_api_token(
    *, acting_user: User, token: ApiToken, now: datetime.datetime | None = None
) -> ApiToken:
    if token.user_id != acting_user.pk:
        raise ValidationError("You can only revoke your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_key(key: str, now: datetime.datetime | None = None) -> ApiToken | None:
    """The active token of ``key`` (with its user), or None; notes when it was last used."""
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or not token.is_active(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at + LAST_USED_RESOLUTION < now:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
