"""Pages of the scoping area (names ``scoping:…``), under ``/scope/``."""

from django.urls import path

from frpdesk.scoping import views

app_name = "scoping"
urlpatterns = [
    path("requests/", views.RequestListPage.as_view(), name="request-list"),
    path("requests/<int:pk>/", views.RequestDetailPage.as_view(), name="request-detail"),
    path("requests/<int:pk>/edit/", views.RequestEditPage.as_view(), name="request-edit"),
    path("requests/<int:pk>/delete/", views.DeleteAction.as_view(), name="request-delete"),
    path("requests/<int:pk>/disclosure/", views.DisclosurePage.as_view(), name="request-disclose"),
    path("requests/<int:pk>/contract/", views.ContractPage.as_view(), name="request-contract"),
    path("requests/<int:pk>/status/", views.StatusAction.as_view(), name="request-status"),
    path("engagements/<int:pk>/", views.EngagementPanel.as_view(), name="engagement-panel"),
    path("engagements/<int:pk>/assess/", views.AssessPage.as_view(), name="assess"),
    path(
        "engagements/<int:pk>/requests/new/",
        views.RequestCreatePage.as_view(),
        name="request-create",
    ),
    path("engagements/<int:pk>/suggest/", views.SuggestPartial.as_view(), name="suggest"),
]
