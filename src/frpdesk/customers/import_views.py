"""The bulk import page: upload, preview every row, then import all or nothing."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from frpdesk.core.access import acting_user, require
from frpdesk.core.imports import ImportFailure
from frpdesk.customers.importing import apply_import, preview_import
from frpdesk.customers.models import Customer

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SAMPLE_CSV = (
    "name,tenant_id,primary_domain,country,industry,segment,edu,government_cloud,owner,tags\r\n"
    "Contoso Pharma,3f2a4c1e-9b7d-4e2a-8c5f-1a2b3c4d5e6f,contoso.example,US,Healthcare,Enterprise,no,no,,pilot;priority\r\n"
)


def _pending_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


@login_required
def customer_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "add", Customer)
    require(request.user, "change", Customer)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    context: dict[str, object] = {"title": "Import customers", "sample": SAMPLE_CSV}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "Choose a CSV or XLSX file to import."
        elif upload.size and upload.size > MAX_UPLOAD_BYTES:
            context["error"] = f"{upload.name} is larger than 10 MB; split it into smaller files."
        else:
            content = upload.read()
            try:
                preview = preview_import(upload.name or "upload", content)
            except ImportFailure as failure:
                context["error"] = str(failure)
            else:
                context["preview"] = preview
                if preview.ok:
                    context["token"] = _keep(request, upload.name or "upload", content)
    return render(request, "customers/import.html", context)


def _keep(request: HttpRequest, file_name: str, content: bytes) -> str:
    """Park the previewed file until the user confirms; the token is bound to the session."""
    token = secrets.token_urlsafe(16)
    _pending_dir().mkdir(parents=True, exist_ok=True)
    (_pending_dir() / token).write_bytes(content)
    request.session[f"customer-import:{token}"] = file_name
    return token


def _confirm(request: HttpRequest) -> HttpResponse:
    token = request.POST["token"]
    file_name = request.session.pop(f"customer-import:{token}", None)
    path = _pending_dir() / token
    if (
        file_name is None
        or not token.replace("-", "").replace("_", "").isalnum()
        or not path.exists()
    ):
        messages.error(request, "This import preview has expired; upload the file again.")
        return redirect("customer-import")
    content = path.read_bytes()
    path.unlink()
    try:
        counts = apply_import(
            acting_user=acting_user(request), preview=preview_import(file_name, content)
        )
    except ImportFailure as failure:
        messages.error(request, f"{failure} Upload the file again to see the rows.")
        return redirect("customer-import")
    messages.success(
        request,
        f"Imported {file_name}: {counts['create']} customers added, {counts['update']} updated, "
        f"{counts['unchanged']} unchanged.",
    )
    return redirect("customers:list")
