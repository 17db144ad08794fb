from django import forms
from django.contrib.auth.forms import AuthenticationForm

from frpdesk.accounts.models import Team, TokenScope, User
from frpdesk.accounts.services import MAX_TOKEN_DAYS
from frpdesk.core.forms import CheckboxList


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Username",
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. “Power BI”.")
    scope = forms.ChoiceField(choices=TokenScope.choices, initial=TokenScope.READ)
    days = forms.IntegerField(
        label="Valid for (days)", min_value=1, max_value=MAX_TOKEN_DAYS, initial=90
    )


class TeamForm(forms.ModelForm[Team]):
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        widget=CheckboxList,
        help_text="Members see the team's customers and everything recorded about them.",
    )

    class Meta:
        model = Team
        fields = ["name", "description", "members"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
