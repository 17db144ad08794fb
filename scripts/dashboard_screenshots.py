#!/usr/bin/env python
"""Screenshots of the dashboards for the README, on the demo data.

    .venv/bin/python scripts/dashboard_screenshots.py [--out docs/screenshots]

Builds a throwaway database in a temporary directory (migrate, ``load_demo``, the demo survey
results), runs the compliance checks once a week over the last twelve weeks (so the score has a
trend), serves it with ``frpdesk runserver`` and takes full-page screenshots of the portfolio and
program dashboards with Chromium (``FRPDESK_CHROMIUM``, default /usr/bin/chromium) as the demo's
program administrator. Nothing touches ``data/``.
"""

import argparse
import datetime
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "dashboard-screenshots"
PAGES = (
    ("/dashboards/portfolio/", "dashboard-portfolio.png"),
    ("/dashboards/program/", "dashboard-program.png"),
)


def prepare(env: dict[str, str]) -> None:
    """Demo data, survey results and a compliance history, in the process that runs this."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", verbosity=0)
    from frpdesk.accounts.models import User
    from frpdesk.compliance.models import CheckRun, Trigger
    from frpdesk.compliance.services import run_checks
    from frpdesk.satisfaction.demo import load_demo_satisfaction
    from frpdesk.satisfaction.models import SurveyResponse

    if not SurveyResponse.objects.exists():
        load_demo_satisfaction()
    if not CheckRun.objects.exists():
        now = timezone.now()
        for weeks in range(12, -1, -1):
            run_checks(
                trigger=Trigger.SCHEDULE,
                acting_user=None,
                now=now - datetime.timedelta(weeks=weeks),
            )
    admin = User.objects.get(username="admin")
    admin.set_password(PASSWORD)
    admin.save()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    temp = Path(tempfile.mkdtemp(prefix="frpdesk-shots-"))
    env = {
        "FRPDESK_DATA_DIR": str(temp),
        "DATABASE_URL": f"sqlite:///{temp / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "frpdesk.settings",
        # The checks tell the owners of new findings by e-mail: keep those out of the output.
        "FRPDESK_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    server = None
    try:
        prepare(env)
        port = free_port()
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "frpdesk"),
                "runserver",
                "--insecure",
                "--noreload",
                f"127.0.0.1:{port}",
            ],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        from playwright.sync_api import sync_playwright

        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("FRPDESK_CHROMIUM", "/usr/bin/chromium"),
                args=["--no-sandbox", "--disable-gpu"],
            )
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            page.goto(base + "/accounts/login/")
            page.fill("#id_username", "admin")
            page.fill("#id_password", PASSWORD)
            page.click("[data-testid=sign-in]")
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            for path, name in PAGES:
                page.goto(base + path)
                page.wait_for_function(
                    "[...document.querySelectorAll('canvas[data-dashboard-chart]')]"
                    ".every(c => c.dataset.rendered === 'true')"
                )
                page.screenshot(path=str(out / name), full_page=True)
                print(f"wrote {out / name}")
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
