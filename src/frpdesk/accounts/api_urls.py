from django.urls import path

from frpdesk.accounts.api import MeView

urlpatterns = [path("me/", MeView.as_view(), name="api-me")]
