"""Pages of the sow area (names ``sow:…``)."""

from django.urls import path

from frpdesk.sow import views

app_name = "sow"
urlpatterns = [
    path("engagements/<int:pk>/", views.EngagementPanel.as_view(), name="engagement-panel"),
    path("engagements/<int:pk>/generate/", views.GenerateView.as_view(), name="generate"),
    path("engagements/<int:pk>/signed/", views.UploadView.as_view(), name="upload"),
    path("versions/<int:pk>/download/", views.VersionDownload.as_view(), name="download"),
    path("signed/<int:pk>/download/", views.SignedDownload.as_view(), name="signed-download"),
    path("signed/<int:pk>/recheck/", views.RecheckView.as_view(), name="recheck"),
    path("templates/", views.TemplateListPage.as_view(), name="template-list"),
    path("templates/new/", views.TemplateCreatePage.as_view(), name="template-create"),
    path("templates/<int:pk>/", views.TemplateDetailPage.as_view(), name="template-detail"),
    path(
        "templates/<int:pk>/activate/",
        views.TemplateActivateView.as_view(),
        name="template-activate",
    ),
]
