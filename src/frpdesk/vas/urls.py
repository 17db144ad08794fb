"""Pages of the vas area (names ``vas:…``)."""

from django.urls import path

from frpdesk.vas import views

app_name = "vas"
urlpatterns = [
    path("rate-card/", views.RateCardListPage.as_view(), name="rate-list"),
    path("rate-card/new/", views.RateCardCreatePage.as_view(), name="rate-create"),
    path("rate-card/<int:pk>/edit/", views.RateCardEditPage.as_view(), name="rate-edit"),
    path("rate-card/<int:pk>/delete/", views.RateCardDeletePage.as_view(), name="rate-delete"),
    path("quotes/", views.QuoteListPage.as_view(), name="quote-list"),
    path("quotes/new/", views.QuoteCreatePage.as_view(), name="quote-create"),
    path("quotes/<int:pk>/", views.QuoteDetailPage.as_view(), name="quote-detail"),
    path("quotes/<int:pk>/print/", views.QuotePrintPage.as_view(), name="quote-print"),
    path("quotes/<int:pk>/edit/", views.QuoteEditPage.as_view(), name="quote-edit"),
    path("quotes/<int:pk>/delete/", views.QuoteDeletePage.as_view(), name="quote-delete"),
    path("quotes/<int:pk>/lines/", views.LineAddAction.as_view(), name="line-add"),
    path("quotes/<int:pk>/state/", views.TransitionAction.as_view(), name="quote-transition"),
    path("quotes/<int:pk>/sign/", views.SignAction.as_view(), name="quote-sign"),
    path("lines/<int:pk>/edit/", views.LineEditPage.as_view(), name="line-edit"),
    path("lines/<int:pk>/delete/", views.LineDeleteAction.as_view(), name="line-delete"),
    path("contracts/", views.ContractListPage.as_view(), name="contract-list"),
    path("contracts/<int:pk>/edit/", views.ContractEditPage.as_view(), name="contract-edit"),
    path("engagements/<int:pk>/", views.EngagementPanel.as_view(), name="engagement-panel"),
]
