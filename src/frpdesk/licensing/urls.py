"""Licence pages of a customer; included by ``frpdesk.customers.urls`` (names ``customers:…``)."""

from django.urls import path

from frpdesk.licensing import views

urlpatterns = [
    path("<int:pk>/licences/upload/", views.LicenceUploadPage.as_view(), name="licence-upload"),
]
