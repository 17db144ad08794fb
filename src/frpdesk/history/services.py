"""Reading the audit trail. Entries are written by django-auditlog and never changed."""

from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

from frpdesk.core.access import AnyUser, can, restrict


def audit_entries(user: AnyUser) -> models.QuerySet[LogEntry]:
    return restrict(user, "history", LogEntry.objects.select_related("actor", "content_type"))


def object_history(user: AnyUser, instance: models.Model) -> models.QuerySet[LogEntry]:
    """The entries of one object, for users who may both see it and read history."""
    if not can(user, "view", type(instance)):
        return LogEntry.objects.none()
    return audit_entries(user).filter(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
    )


def change_rows(entry: LogEntry) -> list[dict[str, Any]]:
    """Field-level before/after pairs with the fields' verbose names."""
    rows = []
    for field, values in (entry.changes_display_dict or {}).items():
        before, after = [*values, "", ""][:2] if isinstance(values, list) else ("", values)
        rows.append({"field": field, "before": before, "after": after})
    return rows
