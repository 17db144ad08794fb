"""How the OpenAPI schema describes frpdesk's own DRF plug-ins (loaded by the app config)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ScopedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "frpdesk.core.drf.ScopedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                'An API token from "Your account", sent as `Token <key>`. A read-scoped token '
                "may only send GET requests; tokens expire."
            ),
        }
