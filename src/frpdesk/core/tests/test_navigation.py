"""The sidebar: entries by permission, and exactly one active entry, the deepest match."""

from frpdesk.accounts.models import User
from frpdesk.core.navigation import visible_navigation


def active_labels(user: User, path: str) -> list[str]:
    return [
        item["label"]
        for section in visible_navigation(user, path)
        for item in section["items"]
        if item["active"]
    ]


def test_a_nested_page_lights_only_its_own_entry(consultant: User) -> None:
    assert active_labels(consultant, "/engagements/pipeline/") == ["Pipeline"]
    assert active_labels(consultant, "/engagements/") == ["Engagements"]
    assert active_labels(consultant, "/engagements/42/") == ["Engagements"]
    assert active_labels(consultant, "/") == ["Home"]


def test_a_user_without_a_role_sees_only_home(outsider: User) -> None:
    sections = visible_navigation(outsider, "/")
    assert [item["label"] for section in sections for item in section["items"]] == ["Home"]
