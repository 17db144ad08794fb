"""Pages of the adoption area, under /adoption/ (names ``adoption:…``)."""

from django.urls import path

from frpdesk.adoption import views

app_name = "adoption"
urlpatterns = [
    path("", views.HeatmapPage.as_view(), name="heatmap"),
    path("imports/<int:pk>/", views.UsageImportPage.as_view(), name="import-detail"),
    path("imports/<int:pk>/progress/", views.UsageImportProgress.as_view(), name="import-progress"),
    path(
        "customers/<int:pk>/figures/",
        views.CustomerFiguresFragment.as_view(),
        name="customer-figures",
    ),
    path("customers/<int:pk>/inactive/", views.InactiveUsersPage.as_view(), name="inactive-users"),
    path("customers/<int:pk>/upload/", views.UsageUploadView.as_view(), name="upload"),
    path("customers/<int:pk>/manual-mau/", views.ManualMauView.as_view(), name="manual-mau"),
    path(
        "customers/<int:pk>/association/",
        views.PartnerAssociationView.as_view(),
        name="association",
    ),
    path("customers/<int:pk>/graph/", views.GraphConnectionView.as_view(), name="graph-connection"),
    path("customers/<int:pk>/graph/pull/", views.PullNowView.as_view(), name="graph-pull"),
]
