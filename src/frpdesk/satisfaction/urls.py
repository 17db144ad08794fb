"""Pages of the satisfaction area (names ``satisfaction:…``)."""

from django.urls import path

from frpdesk.satisfaction import views

app_name = "satisfaction"
urlpatterns = [
    path("", views.NsatPage.as_view(), name="nsat"),
    path("responses/", views.ResponseListPage.as_view(), name="list"),
    path("imports/", views.ImportListPage.as_view(), name="import-list"),
    path("imports/new/", views.survey_import, name="import"),
    path("imports/<int:pk>/delete/", views.ImportDeletePage.as_view(), name="import-delete"),
    path("customers/<int:pk>/", views.CustomerPanel.as_view(), name="customer-panel"),
]
