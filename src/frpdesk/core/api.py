"""REST API foundations: scoped viewsets whose writes go through service functions."""

from typing import Any

from django.db import models
from django.http import HttpRequest, JsonResponse
from rest_framework import serializers, viewsets

from frpdesk.core.access import Action, restrict


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


class ScopedModelViewSet(viewsets.ModelViewSet[Any]):
    """Rows always pass through ``restrict``; writes go through ``save_instance`` (a service)."""

    def get_queryset(self) -> models.QuerySet[Any]:
        action: Action = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return restrict(self.request.user, action, super().get_queryset())

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save(serializer, self.get_queryset().model())

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        assert serializer.instance is not None
        self._save(serializer, serializer.instance)

    def _save(self, serializer: serializers.BaseSerializer[Any], instance: models.Model) -> None:
        related: dict[str, Any] = {}
        for name, value in serializer.validated_data.items():
            field = instance._meta.get_field(name)
            if field.many_to_many:
                related[name] = value
            else:
                setattr(instance, name, value)
        serializer.instance = self.save_instance(instance, related)

    def save_instance(self, instance: Any, related: dict[str, Any]) -> Any:
        """Validate and store; apps override this to call their service function."""
        instance.full_clean()
        instance.save()
        for name, values in related.items():
            getattr(instance, name).set(values)
        return instance


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet[Any]):
    def get_queryset(self) -> models.QuerySet[Any]:
        return restrict(self.request.user, "view", super().get_queryset())
