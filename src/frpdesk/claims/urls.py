"""Pages of the claims area (names ``claims:…``)."""

from django.urls import path

from frpdesk.claims import views

app_name = "claims"
urlpatterns = [
    path("", views.ClaimListPage.as_view(), name="list"),
    path("new/", views.ClaimCreatePage.as_view(), name="create"),
    path("import/", views.StatusImportView.as_view(), name="import"),
    path("<int:pk>/", views.ClaimDetailPage.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ClaimEditPage.as_view(), name="edit"),
    path("<int:pk>/delete/", views.ClaimDeletePage.as_view(), name="delete"),
    path("<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("<int:pk>/transition/", views.TransitionView.as_view(), name="transition"),
    path("<int:pk>/export/", views.ExportView.as_view(), name="export"),
    path("<int:pk>/poe/", views.PoeDownload.as_view(), name="poe"),
    path("customers/<int:pk>/", views.CustomerPanel.as_view(), name="customer-panel"),
    path("engagements/<int:pk>/", views.EngagementPanel.as_view(), name="engagement-panel"),
    path("conflicts/", views.ExternalClaimListPage.as_view(), name="external-list"),
    path("conflicts/new/", views.ExternalClaimCreatePage.as_view(), name="external-create"),
    path("conflicts/<int:pk>/edit/", views.ExternalClaimEditPage.as_view(), name="external-edit"),
    path(
        "conflicts/<int:pk>/delete/",
        views.ExternalClaimDeletePage.as_view(),
        name="external-delete",
    ),
]
