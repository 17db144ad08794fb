"""State changes of users: role assignment and API tokens."""

from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.models import Token

from frpdesk.accounts.models import User
from frpdesk.accounts.roles import ROLE_PRESETS


@transaction.atomic
def assign_roles(*, acting_user: User | None, user: User, roles: list[str]) -> User:
    unknown = sorted(set(roles) - ROLE_PRESETS.keys())
    if unknown:
        raise ValueError(f"Unknown role(s): {', '.join(unknown)}")
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


@transaction.atomic
def regenerate_api_token(*, acting_user: User) -> Token:
    """Replace the user's API token; the old one stops working at once."""
    Token.objects.filter(user=acting_user).delete()
    return Token.objects.create(user=acting_user)
