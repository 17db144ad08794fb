"""The one choke point for permission checks.

Every page, API endpoint, export and dashboard asks ``can``/``require`` whether a user may act on a
model and takes its rows through ``restrict``; nothing else decides who sees what. Actions are
Django's model permissions (view/add/change/delete) plus ``history`` (the audit trail).

Rows are scoped by what models declare:

- ``personal_to`` (the name of a user field): each user sees only their own rows;
- ``customer_path`` (the lookup from the row to its customer, ``""`` on the customer itself): a user
  without ``accounts.see_all_customers`` sees only rows of the customers of their teams; with
  ``shared_until_assigned = True``, also the rows not tied to any customer yet (the referral queue);
- ``program_wide = True`` (figures summing up every customer): only for users who see all customers.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Union

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from frpdesk.accounts.models import User

Action = Literal["view", "add", "change", "delete", "history"]
HISTORY_PERMISSION = "accounts.view_history"

AnyUser = Union["User", AnonymousUser]
M = TypeVar("M", bound=models.Model)


def sees_all_customers(user: AnyUser) -> bool:
    from frpdesk.accounts.models import SEE_ALL_CUSTOMERS

    return user.has_perm(SEE_ALL_CUSTOMERS)


def can(user: AnyUser, action: Action, model: type[models.Model]) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if action == "history":
        return user.has_perm(HISTORY_PERMISSION)
    if getattr(model, "program_wide", False) and not sees_all_customers(user):
        return False
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
    return within_reach(user, queryset)


def within_reach(user: AnyUser, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """The rows of ``queryset`` that are the user's own or about the customers of their teams,
    whatever their role allows (choice lists use it: picking a record is not acting on it)."""
    if not user.is_authenticated:
        return queryset.none()
    personal_to = getattr(queryset.model, "personal_to", None)
    if personal_to:
        queryset = queryset.filter(**{personal_to: user})
    customer_path = getattr(queryset.model, "customer_path", None)
    if customer_path is not None and not sees_all_customers(user):
        from frpdesk.accounts.models import Team

        team = f"{customer_path}__team" if customer_path else "team"
        scope = Q(**{f"{team}__in": Team.objects.filter(members=user)})
        if getattr(queryset.model, "shared_until_assigned", False):
            scope |= Q(**{f"{customer_path}__isnull": True})
        queryset = queryset.filter(scope)
    return queryset


def limit_choices(user: AnyUser, fields: Iterable[Any]) -> None:
    """Form and API fields that pick a record offer only the records within the user's reach: a
    record of another team's customer is "not a valid choice", as if it did not exist."""
    for field in fields:
        field = getattr(field, "child_relation", field)  # DRF's many=True wrapper
        queryset = getattr(field, "queryset", None)
        if isinstance(queryset, models.QuerySet):
            field.queryset = within_reach(user, queryset)


def acting_user(request: Any) -> "User":
    """The signed-in user of a request (page or API), typed for service functions."""
    from frpdesk.accounts.models import User

    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user
