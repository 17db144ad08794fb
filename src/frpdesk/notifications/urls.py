"""Pages of the notifications area (names ``notifications:…``)."""

from django.urls import path

from frpdesk.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.PreferencesPage.as_view(), name="preferences"),
    path("test/", views.TestAction.as_view(), name="test"),
    path("digest/", views.DigestNowAction.as_view(), name="digest-now"),
]
