"""``frpdesk backup FILE``: every row of the database in one file that ``frpdesk restore`` reads."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frpdesk.core.operations import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write every row of every table to FILE (gzip-compressed JSON lines, the same for SQLite "
        "and PostgreSQL), as one consistent snapshot. The file holds password hashes and "
        "encrypted secrets: it is created readable by its owner only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="the backup file to write, e.g. frpdesk.json.gz"
        )
        parser.add_argument(
            "--force", action="store_true", help="Replace FILE when it exists already."
        )

    def handle(self, *args: Any, file: Path, force: bool, verbosity: int, **options: Any) -> None:
        if file.exists() and not force:
            raise CommandError(f"{file} exists already; add --force to replace it.")
        progress = self.stdout.write if verbosity >= 1 else _silent
        progress(f"Backing up the database to {file}")
        try:
            outcome = backup(file, progress=progress)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backed up {outcome.rows:,} rows of {outcome.tables} tables to {file} "
                    f"({outcome.bytes / 1_000_000:.1f} MB) in {outcome.seconds:.1f} s."
                )
            )


def _silent(message: str) -> None:
    pass
