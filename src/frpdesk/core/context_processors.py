from typing import Any

from django.http import HttpRequest

from frpdesk.core.navigation import visible_navigation


def navigation(request: HttpRequest) -> dict[str, Any]:
    from frpdesk.partner.services import current_profile

    if not request.user.is_authenticated:
        return {}
    return {
        "navigation": visible_navigation(request.user, request.path),
        "partner_profile": current_profile(),
    }
