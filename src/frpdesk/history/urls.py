from django.urls import path

from frpdesk.history import views

app_name = "history"
urlpatterns = [
    path("", views.AuditLogPage.as_view(), name="audit"),
    path("<str:model_label>/<str:pk>/", views.object_history_view, name="object"),
]
