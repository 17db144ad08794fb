from typing import Any

from auditlog.models import LogEntry
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from frpdesk.core.api import ScopedReadOnlyViewSet
from frpdesk.history.filters import LogEntryFilter
from frpdesk.history.services import audit_entries, change_rows


class LogEntrySerializer(serializers.ModelSerializer[LogEntry]):
    actor: serializers.Field[Any, Any, Any, Any] = serializers.StringRelatedField(allow_null=True)
    action = serializers.CharField(source="get_action_display")
    record_type = serializers.CharField(source="content_type.model")
    changes = serializers.SerializerMethodField()

    class Meta:
        model = LogEntry
        fields = [
            "id",
            "timestamp",
            "actor",
            "action",
            "record_type",
            "object_pk",
            "object_repr",
            "changes",
        ]

    def get_changes(self, entry: LogEntry) -> list[dict[str, Any]]:
        return change_rows(entry)


class LogEntryViewSet(ScopedReadOnlyViewSet):
    """The audit trail (program administrators and auditors)."""

    queryset = LogEntry.objects.all()
    serializer_class = LogEntrySerializer
    filterset_class = LogEntryFilter
    access_actions = {"GET": "history", "HEAD": "history", "OPTIONS": "history"}
    ordering = ["-timestamp"]

    def get_queryset(self) -> Any:
        return audit_entries(self.request.user).order_by("-timestamp")


def register(router: BaseRouter) -> None:
    router.register("audit-log", LogEntryViewSet, basename="audit-log")
