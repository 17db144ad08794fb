"""Notifications API: each user's own rows only (``restrict``; another user's id is a 404).

- ``/api/notification-preferences/``: the user's preferences (list: their row once saved; read,
  ``PUT``/``PATCH`` by id). ``/api/notification-preferences/me/``: ``GET`` the user's preferences
  (the defaults, ``id`` null, before they are first saved), ``PUT``/``PATCH`` to save them.
  Fields: ``daily_digest``, ``critical_alerts``, ``by_email``, ``teams_webhook_url`` (write-only:
  an https URL, ``""`` removes it, left out keeps it), ``teams_webhook`` (read-only, masked),
  ``last_digest_on``.
- ``/api/notifications/``: the user's delivery log, newest first, read-only. Filters: ``kind``
  (digest, alert, test), ``channel`` (email, teams), ``ok`` (true/false).
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from frpdesk.core.access import Action, acting_user, restrict
from frpdesk.core.api import ScopedReadOnlyViewSet
from frpdesk.notifications import services, teams
from frpdesk.notifications.filters import DeliveryFilter
from frpdesk.notifications.forms import clean_webhook_url
from frpdesk.notifications.models import Delivery, NotificationPreference


class NotificationPreferenceSerializer(serializers.ModelSerializer[NotificationPreference]):
    teams_webhook_url = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text='The Teams incoming webhook URL (https); "" removes it; left out keeps it.',
    )
    teams_webhook = serializers.SerializerMethodField(help_text="The saved webhook, masked.")

    class Meta:
        model = NotificationPreference
        fields = [
            "id",
            "daily_digest",
            "critical_alerts",
            "by_email",
            "teams_webhook_url",
            "teams_webhook",
            "last_digest_on",
        ]
        read_only_fields = ["id", "last_digest_on"]

    def get_teams_webhook(self, preference: NotificationPreference) -> str:
        return teams.masked(preference.teams_webhook_url)

    def validate_teams_webhook_url(self, value: str) -> str:
        if not value.strip():
            return ""
        try:
            return clean_webhook_url(value)
        except DjangoValidationError as error:  # the same words as the page
            raise serializers.ValidationError(error.messages) from error


class NotificationPreferenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[NotificationPreference],
):
    """The user's own notification preferences."""

    queryset = NotificationPreference.objects.select_related("user")
    serializer_class = NotificationPreferenceSerializer

    def get_queryset(self) -> Any:
        action_name: Action = (
            "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        )
        return restrict(self.request.user, action_name, super().get_queryset()).order_by("pk")

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance)

    def _save(self, serializer: Any, preference: NotificationPreference) -> None:
        data = dict(serializer.validated_data)
        webhook = data.pop("teams_webhook_url", None)
        for name, value in data.items():
            setattr(preference, name, value)
        serializer.instance = services.save_preference(
            acting_user=acting_user(self.request), preference=preference, teams_webhook_url=webhook
        )

    def get_object(self) -> NotificationPreference:
        """``me`` has no id in its URL: it is the user's own row (DRF's OPTIONS asks for it too)."""
        if "pk" in self.kwargs:
            return super().get_object()
        user = acting_user(self.request)
        return restrict(
            user,
            "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change",
            NotificationPreference.objects.all(),
        ).first() or NotificationPreference(user=user)

    @extend_schema(request=NotificationPreferenceSerializer)
    @action(detail=False, methods=["get", "put", "patch"])
    def me(self, request: Request) -> Response:
        preference = self.get_object()
        if request.method == "GET":
            return Response(NotificationPreferenceSerializer(preference).data)
        serializer = NotificationPreferenceSerializer(
            preference, data=request.data, partial=request.method == "PATCH"
        )
        serializer.is_valid(raise_exception=True)
        self._save(serializer, preference)
        return Response(NotificationPreferenceSerializer(serializer.instance).data)


class DeliverySerializer(serializers.ModelSerializer[Delivery]):
    class Meta:
        model = Delivery
        fields = ["id", "kind", "channel", "subject", "body", "sent_at", "ok", "error"]
        read_only_fields = fields


class DeliveryViewSet(ScopedReadOnlyViewSet):
    """The user's own delivery log, newest first."""

    queryset = Delivery.objects.all()
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter
    ordering_fields = ["sent_at"]
    ordering = ["-sent_at", "-pk"]


def register(router: BaseRouter) -> None:
    router.register(
        "notification-preferences",
        NotificationPreferenceViewSet,
        basename="notification-preference",
    )
    router.register("notifications", DeliveryViewSet, basename="notification")
