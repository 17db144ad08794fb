from django.urls import include, path

from frpdesk.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.CustomerListPage.as_view(), name="list"),
    path("columns/", views.CustomerColumnsView.as_view(), name="columns"),
    path("import/", views.customer_import, name="import"),
    path("new/", views.CustomerCreatePage.as_view(), name="create"),
    path("<int:pk>/", views.CustomerDetailPage.as_view(), name="detail"),
    path("<int:pk>/edit/", views.CustomerEditPage.as_view(), name="edit"),
    path("<int:pk>/delete/", views.CustomerDeletePage.as_view(), name="delete"),
    path("<int:pk>/contacts/new/", views.ContactCreatePage.as_view(), name="contact-create"),
    path("contacts/<int:pk>/edit/", views.ContactEditPage.as_view(), name="contact-edit"),
    path("contacts/<int:pk>/delete/", views.ContactDeletePage.as_view(), name="contact-delete"),
    path(
        "<int:pk>/people/new/",
        views.PartnerContactCreatePage.as_view(),
        name="partner-contact-create",
    ),
    path(
        "people/<int:pk>/edit/",
        views.PartnerContactEditPage.as_view(),
        name="partner-contact-edit",
    ),
    path(
        "people/<int:pk>/delete/",
        views.PartnerContactDeletePage.as_view(),
        name="partner-contact-delete",
    ),
    path("", include("frpdesk.licensing.urls")),
]
