from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from frpdesk.accounts.api import register as register_accounts_api
from frpdesk.adoption.api import register as register_adoption_api
from frpdesk.catalog.api import register as register_catalog_api
from frpdesk.claims.api import register as register_claims_api
from frpdesk.compliance.api import register as register_compliance_api
from frpdesk.core.health import health
from frpdesk.customers.api import register as register_customers_api
from frpdesk.directory.api import register as register_directory_api
from frpdesk.engagements.api import register as register_engagements_api
from frpdesk.history.api import register as register_history_api
from frpdesk.incentives.api import register as register_incentives_api
from frpdesk.licensing.api import register as register_licensing_api
from frpdesk.notifications.api import register as register_notifications_api
from frpdesk.partner.api import register as register_partner_api
from frpdesk.referrals.api import register as register_referrals_api
from frpdesk.satisfaction.api import register as register_satisfaction_api
from frpdesk.scoping.api import register as register_scoping_api
from frpdesk.sow.api import register as register_sow_api
from frpdesk.vas.api import register as register_vas_api

router = DefaultRouter()
for register in (
    register_accounts_api,
    register_partner_api,
    register_directory_api,
    register_catalog_api,
    register_customers_api,
    register_licensing_api,
    register_adoption_api,
    register_engagements_api,
    register_referrals_api,
    register_scoping_api,
    register_vas_api,
    register_sow_api,
    register_claims_api,
    register_incentives_api,
    register_compliance_api,
    register_satisfaction_api,
    register_notifications_api,
    register_history_api,
):
    register(router)

urlpatterns = [
    path("", include("frpdesk.core.urls")),
    path("accounts/", include("frpdesk.accounts.urls")),
    path("partner/", include("frpdesk.partner.urls")),
    path("directory/", include("frpdesk.directory.urls")),
    path("customers/", include("frpdesk.customers.urls")),
    path("adoption/", include("frpdesk.adoption.urls")),
    path("engagements/", include("frpdesk.engagements.urls")),
    path("referrals/", include("frpdesk.referrals.urls")),
    path("scope/", include("frpdesk.scoping.urls")),
    path("vas/", include("frpdesk.vas.urls")),
    path("sow/", include("frpdesk.sow.urls")),
    path("claims/", include("frpdesk.claims.urls")),
    path("incentives/", include("frpdesk.incentives.urls")),
    path("compliance/", include("frpdesk.compliance.urls")),
    path("satisfaction/", include("frpdesk.satisfaction.urls")),
    path("notifications/", include("frpdesk.notifications.urls")),
    path("dashboards/", include("frpdesk.dashboards.urls")),
    path("catalog/", include("frpdesk.catalog.urls")),
    path("history/", include("frpdesk.history.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("frpdesk.accounts.api_urls")),
    path("api/", include("frpdesk.partner.api_urls")),
    path("api/", include("frpdesk.dashboards.api_urls")),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file: the Content Security Policy allows no inline one.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # For load balancers and monitoring: public by design, outside the pages' access matrix.
    path("health/", health, name="health"),
]

handler403 = "frpdesk.core.views.permission_denied"
handler404 = "frpdesk.core.views.page_not_found"
handler500 = "frpdesk.core.views.server_error"
