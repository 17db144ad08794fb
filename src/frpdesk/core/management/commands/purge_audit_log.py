"""``frpdesk purge_audit_log``: audit-log retention."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from frpdesk.core.operations import purge_audit_log


class Command(BaseCommand):
    help = (
        "Delete audit-log entries older than DAYS, in batches (one transaction each). Each "
        "object's creation entries and its last change (latest update or deletion) are kept "
        "whatever their age. Without --older-than, FRPDESK_AUDIT_RETENTION_DAYS is used."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            help="age in days (at least 1) beyond which entries are deleted",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            metavar="N",
            help="entries deleted per transaction (default 1000)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(
        self,
        *args: Any,
        older_than: int | None,
        batch_size: int,
        dry_run: bool,
        **options: Any,
    ) -> None:
        days = older_than if older_than is not None else settings.FRPDESK_AUDIT_RETENTION_DAYS
        if days < 1:
            raise CommandError(
                "Give --older-than DAYS (at least 1), or set FRPDESK_AUDIT_RETENTION_DAYS."
            )
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        result = purge_audit_log(older_than_days=days, batch_size=batch_size, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {result.deleted:,} audit-log entries older than {days} days "
            f"(before {result.cutoff:%Y-%m-%d %H:%M} UTC); kept {result.kept:,} of that age "
            "(creations and last changes)."
        )
