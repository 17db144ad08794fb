"""REST API foundations: scoped viewsets whose writes go through service functions."""

from typing import Any, TypeVar

from django.db import models
from django.http import HttpRequest, JsonResponse
from rest_framework import serializers, viewsets

from frpdesk.core.access import Action, limit_choices, restrict
from frpdesk.core.models import TimeStampedModel

_MT = TypeVar("_MT", bound=models.Model)


class SlugRelatedField(serializers.SlugRelatedField[_MT]):
    """DRF's, but a value with a NUL character is not looked up: PostgreSQL refuses it in a query
    (a DataError, so a 500) where every other value not found is the field's 400."""

    def to_internal_value(self, data: Any) -> _MT:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


class ScopedModelViewSet(viewsets.ModelViewSet[Any]):
    """Rows always pass through ``restrict``; writes go through ``save_instance`` (a service)."""

    def get_queryset(self) -> models.QuerySet[Any]:
        action: Action = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return restrict(self.request.user, action, super().get_queryset())

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        serializer: Any = super().get_serializer(*args, **kwargs)
        if not getattr(self, "swagger_fake_view", False):
            fields = getattr(serializer, "child", serializer).fields
            limit_choices(self.request.user, fields.values())
        return serializer

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save(serializer, self.get_queryset().model())

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        assert serializer.instance is not None
        if isinstance(serializer.instance, TimeStampedModel):
            serializer.instance.expect_version(self._expected_version())
        self._save(serializer, serializer.instance)

    def _expected_version(self) -> int | None:
        """The version the client edits, from ``If-Match: "<version>"`` or a ``version`` field;
        None when it names none (then nothing is checked)."""
        raw = self.request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
        if not raw and isinstance(self.request.data, dict):
            raw = str(self.request.data.get("version", "") or "")
        if not raw or raw == "*":
            return None
        if not raw.isdigit():
            raise serializers.ValidationError({"version": "Send the version number you edit."})
        return int(raw)

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        instance = getattr(self, "_versioned", None)
        if instance is not None and response.status_code < 300:
            response["ETag"] = f'"{instance.version}"'
        return response

    def get_object(self) -> Any:
        instance = super().get_object()
        if isinstance(instance, TimeStampedModel):
            self._versioned = instance
        return instance

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
