from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from frpdesk.core.access import require, restrict
from frpdesk.core.views import ListPage
from frpdesk.history.filters import LogEntryFilter
from frpdesk.history.services import audit_entries, change_rows, object_history
from frpdesk.history.tables import LogEntryTable


class AuditLogPage(ListPage):
    model = LogEntry
    access_action = "history"
    table_class = LogEntryTable
    filterset_class = LogEntryFilter
    title = "Audit log"
    description = (
        "Every change to every record: who, when, and the values before and after. Append-only."
    )
    export_name = "audit-log"

    def get_queryset(self) -> Any:
        return audit_entries(self.request.user)


@login_required
def object_history_view(request: HttpRequest, model_label: str, pk: str) -> HttpResponse:
    """The History tab of an object page (loaded by htmx)."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError) as exc:
        raise Http404 from exc
    require(request.user, "history", model)
    require(request.user, "view", model)
    instance = restrict(request.user, "view", model._default_manager.all()).filter(pk=pk).first()
    if instance is None:
        raise Http404
    entries = [
        {"entry": entry, "changes": change_rows(entry)}
        for entry in object_history(request.user, instance).order_by("-timestamp")
    ]
    return render(request, "history/object_history.html", {"entries": entries})
