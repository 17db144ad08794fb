"""Fixtures shared by every app's tests: users of each role, the partner profile, a browser."""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group

from frpdesk.accounts import roles
from frpdesk.accounts.models import User
from frpdesk.accounts.tests.factories import delivery_team

SCREENSHOT_DIR = Path(os.environ.get("FRPDESK_SCREENSHOT_DIR", "screenshots"))
CHROMIUM = os.environ.get("FRPDESK_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Real hashing costs ~0.4 s per user; tests check roles and flows, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(role: str | None = None, username: str | None = None, **fields: Any) -> User:
        name = username or (re.sub(r"\W+", "-", role.lower()) if role else "no-role")
        user = User.objects.create_user(
            username=name, password=PASSWORD, email=f"{name}@example.com", **fields
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
            if not roles.ROLE_PRESETS[role].all_customers:
                user.teams.add(delivery_team())
        return user

    return make


@pytest.fixture
def program_admin(make_user: Callable[..., User]) -> User:
    return make_user(roles.PROGRAM_ADMINISTRATOR, first_name="Avery", last_name="Morgan")


@pytest.fixture
def consultant(make_user: Callable[..., User]) -> User:
    return make_user(roles.DELIVERY_CONSULTANT)


@pytest.fixture
def sales(make_user: Callable[..., User]) -> User:
    return make_user(roles.SALES)


@pytest.fixture
def executive(make_user: Callable[..., User]) -> User:
    return make_user(roles.EXECUTIVE)


@pytest.fixture
def auditor(make_user: Callable[..., User]) -> User:
    return make_user(roles.AUDITOR)


@pytest.fixture
def outsider(make_user: Callable[..., User]) -> User:
    """Signed in, but without any role: must see nothing."""
    return make_user(None, username="outsider")


@pytest.fixture
def users_by_role(
    program_admin: User,
    consultant: User,
    sales: User,
    executive: User,
    auditor: User,
    outsider: User,
) -> dict[str, User]:
    return {
        roles.PROGRAM_ADMINISTRATOR: program_admin,
        roles.DELIVERY_CONSULTANT: consultant,
        roles.SALES: sales,
        roles.EXECUTIVE: executive,
        roles.AUDITOR: auditor,
        "no role": outsider,
    }


@pytest.fixture
def partner_profile(db: None) -> Any:
    from frpdesk.partner.tests.factories import PartnerProfileFactory

    return PartnerProfileFactory()


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright drives the browser from an event loop in this thread; the tests' own ORM
    # calls stay synchronous, which Django allows once told so.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


class BrowserSession:
    """A page on the live server that signs in and keeps a screenshot of every page it visits."""

    def __init__(self, page: Any, base_url: str, test_name: str) -> None:
        self.page = page
        self.base_url = base_url
        self.test_name = re.sub(r"[^\w-]+", "-", test_name)
        self.shots = 0
        # Chromium reports what the Content Security Policy blocked on the console.
        self.csp_violations: list[str] = []
        page.on("console", self._note_csp_violation)

    def _note_csp_violation(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def goto(self, path: str) -> Any:
        self.page.goto(self.base_url + path)
        self.screenshot()
        return self.page

    def login(self, user: User, password: str = PASSWORD) -> None:
        self.page.goto(self.base_url + "/accounts/login/")
        self.screenshot("login")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", password)
        self.page.click("[data-testid=sign-in]")
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)

    def screenshot(self, label: str = "") -> Path:
        self.shots += 1
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        suffix = f"-{label}" if label else ""
        path = SCREENSHOT_DIR / f"{self.test_name}-{self.shots:02d}{suffix}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Reload what migrations load: transactional tests flush every table after they run."""
    from django.apps import apps

    from frpdesk.accounts.roles import sync_role_presets
    from frpdesk.catalog.models import Sku, Workload
    from frpdesk.catalog.services import import_sku_catalog, load_program_catalog

    if not Workload.objects.exists():
        load_program_catalog()
    if not Sku.objects.exists():
        import_sku_catalog()
    if not Group.objects.exists():
        sync_role_presets(apps)


@pytest.fixture
def web(
    browser: Any, live_server: Any, reference_data: None, request: pytest.FixtureRequest
) -> Iterator[BrowserSession]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    session = BrowserSession(page, live_server.url, request.node.name)
    yield session
    context.close()
    assert not session.csp_violations, "the page broke the Content Security Policy"
