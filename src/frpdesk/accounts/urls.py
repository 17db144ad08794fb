from django.contrib.auth import views as auth_views
from django.urls import path

from frpdesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/", views.account, name="account"),
    path("me/tokens/", views.issue_token, name="issue-token"),
    path("me/tokens/revoke/", views.revoke_token, name="revoke-token"),
    path("users/", views.UserListPage.as_view(), name="user-list"),
    path("teams/", views.TeamListPage.as_view(), name="team-list"),
    path("teams/new/", views.TeamCreatePage.as_view(), name="team-create"),
    path("teams/<int:pk>/edit/", views.TeamEditPage.as_view(), name="team-edit"),
    path("teams/<int:pk>/delete/", views.TeamDeletePage.as_view(), name="team-delete"),
]
