"""Pages of the compliance area (names ``compliance:…``), under ``/compliance/``."""

from django.urls import path

from frpdesk.compliance import views

app_name = "compliance"
urlpatterns = [
    path("", views.FindingListPage.as_view(), name="list"),
    path("<int:pk>/", views.FindingDetailPage.as_view(), name="detail"),
    path("runs/", views.CheckRunListPage.as_view(), name="run-list"),
    path("runs/new/", views.RunNowView.as_view(), name="run-now"),
    path("runs/<int:pk>/", views.CheckRunDetailPage.as_view(), name="run-detail"),
    path("runs/<int:pk>/status/", views.RunStatusFragment.as_view(), name="run-status"),
    path("rules/", views.RulesPage.as_view(), name="rules"),
]
