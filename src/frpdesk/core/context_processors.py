from typing import Any

from django.http import HttpRequest

from frpdesk.core.access import can
from frpdesk.core.navigation import visible_navigation


def navigation(request: HttpRequest) -> dict[str, Any]:
    from frpdesk.partner.models import PartnerProfile
    from frpdesk.partner.services import current_profile

    if not request.user.is_authenticated:
        return {}
    may_see_profile = can(request.user, "view", PartnerProfile)
    return {
        "navigation": visible_navigation(request.user, request.path),
        "partner_profile": current_profile() if may_see_profile else None,
    }
