"""The one choke point for permission checks.

Every page, API endpoint, export and dashboard asks ``can``/``require`` whether a user may act on a
model and takes its rows through ``restrict``; nothing else decides who sees what. A model that
declares ``personal_to`` (the name of its user field) shows each user only their own rows. Actions are
Django's model permissions (view/add/change/delete) plus ``history`` (the audit trail).
"""

from typing import TYPE_CHECKING, Any, Literal, TypeVar, Union

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models

if TYPE_CHECKING:
    from frpdesk.accounts.models import User

Action = Literal["view", "add", "change", "delete", "history"]
HISTORY_PERMISSION = "accounts.view_history"

AnyUser = Union["User", AnonymousUser]
M = TypeVar("M", bound=models.Model)


def can(user: AnyUser, action: Action, model: type[models.Model]) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if action == "history":
        return user.has_perm(HISTORY_PERMISSION)
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def require(user: AnyUser, action: Action, model: type[models.Model]) -> None:
    if not can(user, action, model):
        raise PermissionDenied(
            f"Your role does not allow you to {action} {model._meta.verbose_name_plural}."
        )


def restrict(user: AnyUser, action: Action, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """The rows of ``queryset`` the user may act on; none at all without the permission."""
    if not can(user, action, queryset.model):
        return queryset.none()
    personal_to = getattr(queryset.model, "personal_to", None)
    if personal_to:
        return queryset.filter(**{personal_to: user})
    return queryset


def acting_user(request: Any) -> "User":
    """The signed-in user of a request (page or API), typed for service functions."""
    from frpdesk.accounts.models import User

    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user
