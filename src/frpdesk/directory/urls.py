from django.urls import path

from frpdesk.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.DirectoryListPage.as_view(), name="list"),
    path("new/", views.DirectoryCreatePage.as_view(), name="create"),
    path("<int:pk>/", views.DirectoryDetailPage.as_view(), name="detail"),
    path("<int:pk>/edit/", views.DirectoryEditPage.as_view(), name="edit"),
    path("<int:pk>/delete/", views.DirectoryDeletePage.as_view(), name="delete"),
]
