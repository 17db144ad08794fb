"""Addresses of the scoping area on other areas' pages (kept apart so tables and views share them)."""

from django.urls import NoReverseMatch, reverse


def scope_tab_url(engagement_pk: int, anchor: str = "") -> str:
    """The engagement page opened on its "Scope and requests" tab."""
    url = reverse("engagements:detail", args=[engagement_pk]) + "?tab=scope"
    return f"{url}#{anchor}" if anchor else url


def quote_create_url(engagement_pk: int) -> str:
    """The vas area's new-quote page for the engagement; empty until that page exists."""
    try:
        return reverse("vas:quote-create") + f"?engagement={engagement_pk}"
    except NoReverseMatch:
        return ""
