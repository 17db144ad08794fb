"""DRF plug-ins named in settings. Kept free of imports of DRF's views, which load these."""

from typing import TYPE_CHECKING, Any

from auditlog.context import auditlog_value
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from rest_framework import exceptions, pagination
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from frpdesk.core.access import Action, can
from frpdesk.core.models import StaleEdit

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.response import Response
    from rest_framework.views import APIView


class ScopedTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>`` (or ``Bearer <key>``) with an API token of the accounts app.

    The token's scope is enforced here, for every API view at once: a read token may only send
    safe requests. django-auditlog's middleware records the actor before the view runs, when a
    token user is still anonymous (DRF authenticates inside the view); complete its context here.
    """

    keywords = ("token", "bearer")

    def authenticate(self, request: "Request") -> tuple[Any, Any] | None:
        from frpdesk.accounts.models import TokenScope
        from frpdesk.accounts.services import authenticate_key

        words = get_authorization_header(request).split()
        if not words or words[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed("Send the token as: Token <key>.")
        token = authenticate_key(words[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        if token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied("This token may only read: its scope is read.")
        try:
            audit_context = auditlog_value.get()
        except LookupError:
            pass
        else:
            audit_context["actor"] = token.user
        return token.user, token

    def authenticate_header(self, request: "Request") -> str:
        return "Token"


class StandardPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def json_exception_handler(exc: Exception, context: dict[str, Any]) -> "Response | None":
    """DRF's handler, plus Django's ValidationError (raised by services) as a 400 with fields."""
    from rest_framework.views import exception_handler

    if isinstance(exc, StaleEdit):
        conflict = exceptions.APIException(" ".join(exc.messages))
        conflict.status_code = 409
        exc = conflict
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, models.ProtectedError | models.RestrictedError):
        from frpdesk.core.views import still_used_message

        conflict = exceptions.APIException(still_used_message(context["view"].get_object(), exc))
        conflict.status_code = 409
        exc = conflict
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        # A refusal about the whole request (no field to point at) is its own headline.
        general = response.data.get(api_settings.NON_FIELD_ERRORS_KEY)
        detail = " ".join(general) if len(response.data) == 1 and general else None
        response.data = {"detail": detail or "Some fields are not valid.", "errors": response.data}
    return response


_METHOD_ACTIONS: dict[str, Action] = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class ModelAccessPermission(BasePermission):
    """DRF's side of the choke point: the HTTP method decides the action on the view's model."""

    message = "Your role does not allow this."

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        model = _view_model(view)
        if model is None:
            return bool(request.user and request.user.is_authenticated)
        action = getattr(view, "access_actions", {}).get(request.method)
        return can(
            request.user, action or _METHOD_ACTIONS.get(request.method or "", "change"), model
        )


def _view_model(view: Any) -> type[models.Model] | None:
    queryset = getattr(view, "queryset", None)
    if queryset is not None:
        return queryset.model
    return getattr(view, "access_model", None)
