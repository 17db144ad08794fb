from typing import Any

from django.core.management.base import BaseCommand

from frpdesk.core.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo partner, directory and users (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(
            self.style.SUCCESS("Demo data is loaded. Sign in at http://127.0.0.1:8000/ with:")
        )
        for login in logins:
            self.stdout.write(f"  {login.username:<11} {login.password}   ({login.role})")
