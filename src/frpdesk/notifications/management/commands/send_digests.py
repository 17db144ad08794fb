from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from frpdesk.notifications.services import send_due_digests


class Command(BaseCommand):
    help = (
        "Send today's daily digests that are due (each user's once per day; skipped when turned "
        "off, without a channel or with nothing to report) and print who gets what. The worker "
        "runs this every hour."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would get what; send nothing and change nothing.",
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        outcomes = send_due_digests(dry_run=dry_run)
        for outcome in outcomes:
            self.stdout.write(outcome.line())
        sent = sum(1 for outcome in outcomes if outcome.sent)
        verb = "would be sent (dry run: nothing sent)" if dry_run else "sent"
        self.stdout.write(f"{sent} digest{'s' if sent != 1 else ''} {verb}.")
