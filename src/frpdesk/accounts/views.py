from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from frpdesk.accounts import services
from frpdesk.accounts.filters import TeamFilter, UserFilter
from frpdesk.accounts.forms import ApiTokenForm, LoginForm, TeamForm
from frpdesk.accounts.models import Team, User
from frpdesk.accounts.tables import TeamTable, UserTable
from frpdesk.core.access import acting_user, sees_all_customers
from frpdesk.core.views import CreatePage, DeletePage, ListPage, UpdatePage


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


def _account_page(
    request: HttpRequest, form: ApiTokenForm | None = None, new_key: str = ""
) -> HttpResponse:
    context = {
        "title": "Your account",
        "tokens": acting_user(request).api_tokens.all(),
        "token_form": form or ApiTokenForm(),
        "new_key": new_key,
        "now": timezone.now(),
        "sees_all_customers": sees_all_customers(request.user),
    }
    return render(request, "accounts/account.html", context)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request)


@login_required
@require_POST
def issue_token(request: HttpRequest) -> HttpResponse:
    """Issue a token and show its key on this one response: only its hash is kept."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form)
    token, key = services.issue_api_token(acting_user=acting_user(request), **form.cleaned_data)
    messages.success(
        request, f"Token “{token.name}” issued. Copy its key now: it is not shown again."
    )
    return _account_page(request, new_key=key)


@login_required
@require_POST
def revoke_token(request: HttpRequest) -> HttpResponse:
    token = acting_user(request).api_tokens.filter(pk=request.POST.get("token") or 0).first()
    if token is None:
        messages.error(request, "No such token of yours.")
    else:
        services.revoke_api_token(acting_user=acting_user(request), token=token)
        messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("accounts:account")


class UserListPage(ListPage):
    model = User
    table_class = UserTable
    filterset_class = UserFilter
    title = "Users"
    description = "People of the partner organisation and their roles. Superusers manage them in the Django admin."

    def get_queryset(self) -> Any:
        return super().get_queryset().prefetch_related("groups", "teams")


TEAM_LIST_URL = reverse_lazy("accounts:team-list")


class TeamListPage(ListPage):
    model = Team
    table_class = TeamTable
    filterset_class = TeamFilter
    title = "Teams"
    description = (
        "Consultants and sales people see only the customers of their teams; program "
        "administrators, executives and auditors see every customer."
    )
    create_url_name = "accounts:team-create"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .prefetch_related("members")
            .annotate(customer_count=Count("customers"))
            .order_by("name")
        )


class TeamSaveMixin:
    form_class: type[Any] | None = TeamForm
    success_url: StrOrPromise | None = TEAM_LIST_URL
    cancel_url_name = "accounts:team-list"
    request: HttpRequest

    def perform_save(self, form: Any) -> Team:
        return services.save_team(
            acting_user=acting_user(self.request),
            team=form.instance,
            members=list(form.cleaned_data["members"]),
        )


class TeamCreatePage(TeamSaveMixin, CreatePage):
    model = Team
    success_message = "Team added."


class TeamEditPage(TeamSaveMixin, UpdatePage):
    model = Team
    success_message = "Team saved."


class TeamDeletePage(DeletePage):
    model = Team
    success_url = TEAM_LIST_URL
