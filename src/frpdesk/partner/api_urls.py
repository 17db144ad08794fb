from django.urls import path

from frpdesk.partner.api import PartnerProfileView, ReferralProfileView

urlpatterns = [
    path("partner/profile/", PartnerProfileView.as_view(), name="api-partner-profile"),
    path("partner/referral-profile/", ReferralProfileView.as_view(), name="api-referral-profile"),
]
