"""``/health/``: for load balancers and monitoring; no sign-in, nothing sensitive in it."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from frpdesk.core.operations import health as check_health


@login_not_required
@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 with ``"status": "ok"`` or ``"degraded"`` (worker or queue not right), 503 with
    ``"error"`` when the database does not answer (``frpdesk.core.operations.health``)."""
    status, body = check_health()
    return JsonResponse(body, status=status)
