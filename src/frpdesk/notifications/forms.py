"""The preferences form. The saved Teams webhook URL (a secret) is never sent back to the
browser: the page shows it masked, an empty field keeps it, a tick box removes it."""

from typing import Any

from django import forms

from frpdesk.notifications import teams
from frpdesk.notifications.models import NotificationPreference

WEBHOOK_MAX_LENGTH = 2000


def clean_webhook_url(value: str) -> str:
    """A webhook URL as typed: trimmed, and refused unless it is an https URL."""
    url = value.strip()
    if len(url) > WEBHOOK_MAX_LENGTH:
        raise forms.ValidationError(f"A webhook URL has at most {WEBHOOK_MAX_LENGTH} characters.")
    try:
        forms.URLField(assume_scheme="https").clean(url)
    except forms.ValidationError:
        raise forms.ValidationError(
            "Enter the webhook URL Teams gave you (it starts with https://)."
        ) from None
    if not teams.is_valid_webhook_url(url):
        raise forms.ValidationError(
            "Teams webhook URLs start with https:// (a plain http:// URL would send your "
            "notifications unencrypted)."
        )
    return url


class NotificationPreferenceForm(forms.ModelForm[NotificationPreference]):
    # Not a model field of the form: a ModelForm would send the saved secret back as its value.
    teams_webhook_url = forms.CharField(
        label="Microsoft Teams incoming webhook URL",
        required=False,
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    remove_webhook = forms.BooleanField(label="Remove the saved webhook", required=False)

    class Meta:
        model = NotificationPreference
        fields = ["daily_digest", "critical_alerts", "by_email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = self.instance.teams_webhook_url
        field = self.fields["teams_webhook_url"]
        if saved:
            field.help_text = "Leave empty to keep the saved one; paste a new URL to replace it."
            field.widget.attrs["placeholder"] = teams.masked(saved)
        else:
            field.help_text = (
                "Optional: also post to a Teams channel. In Teams, add an incoming webhook (or a "
                "Workflows “post to a channel when a webhook request is received”) and paste its "
                "https:// URL. Stored encrypted."
            )
            del self.fields["remove_webhook"]

    def clean_teams_webhook_url(self) -> str:
        value: str = self.cleaned_data.get("teams_webhook_url") or ""
        return clean_webhook_url(value) if value.strip() else ""

    def webhook_change(self) -> str | None:
        """The new webhook URL, "" to remove the saved one, None to keep it."""
        if self.cleaned_data.get("teams_webhook_url"):
            return str(self.cleaned_data["teams_webhook_url"])
        if self.cleaned_data.get("remove_webhook"):
            return ""
        return None
