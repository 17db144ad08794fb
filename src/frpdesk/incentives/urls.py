"""Pages of the incentives area (names ``incentives:…``)."""

from django.urls import path

from frpdesk.incentives import views

app_name = "incentives"
urlpatterns = [
    path("", views.EstimateListPage.as_view(), name="estimates"),
    path("rates/", views.RateListPage.as_view(), name="rate-list"),
    path("rates/new/", views.RateCreatePage.as_view(), name="rate-create"),
    path("rates/<int:pk>/edit/", views.RateEditPage.as_view(), name="rate-edit"),
    path("rates/<int:pk>/delete/", views.RateDeletePage.as_view(), name="rate-delete"),
    path("statements/", views.StatementListPage.as_view(), name="statement-list"),
    path("statements/import/", views.statement_import, name="statement-import"),
    path("statements/<int:pk>/", views.StatementDetailPage.as_view(), name="statement-detail"),
    path(
        "statements/<int:pk>/delete/", views.StatementDeletePage.as_view(), name="statement-delete"
    ),
    path("lines/", views.LineListPage.as_view(), name="line-list"),
    path("lines/<int:pk>/dispute/", views.LineDisputeAction.as_view(), name="line-dispute"),
    path("claims/<int:pk>/", views.ClaimPanel.as_view(), name="claim-panel"),
]
