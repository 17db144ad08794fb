from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from frpdesk.accounts import services
from frpdesk.accounts.filters import UserFilter
from frpdesk.accounts.forms import LoginForm
from frpdesk.accounts.models import User
from frpdesk.accounts.tables import UserTable
from frpdesk.core.access import acting_user
from frpdesk.core.views import ListPage


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/form.html"
    success_url = reverse_lazy("accounts:account")
    extra_context = {"title": "Change password"}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    token = Token.objects.filter(user=acting_user(request)).first()
    return render(request, "accounts/account.html", {"title": "Your account", "token": token})


@login_required
@require_POST
def regenerate_token(request: HttpRequest) -> HttpResponse:
    services.regenerate_api_token(acting_user=acting_user(request))
    messages.success(request, "A new API token has been issued; the previous one no longer works.")
    return redirect("accounts:account")


class UserListPage(ListPage):
    model = User
    table_class = UserTable
    filterset_class = UserFilter
    title = "Users"
    description = "People of the partner organisation and their roles. Superusers manage them in the Django admin."

    def get_queryset(self) -> Any:
        return super().get_queryset().prefetch_related("groups")
