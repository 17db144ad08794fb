"""``frpdesk restore FILE``: replace the database's rows with those of a ``frpdesk backup``."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frpdesk.core.operations import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace every row of every table with those of FILE, written by `frpdesk backup` (from "
        "SQLite or PostgreSQL), in one transaction. The database must have the backup's "
        "migrations applied (`frpdesk migrate` with the same frpdesk version). Stop the web "
        "server and the worker first. Exit status: 0 restored; 1 not a complete frpdesk backup "
        "or its rows do not load; 3 the migrations differ; 4 the database is in use (has user "
        "accounts) and --force was not given. Nothing is changed unless it exits with 0."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a file written by `frpdesk backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database in use (one with user accounts).",
        )

    def handle(self, *args: Any, file: Path, force: bool, verbosity: int, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"{file} does not exist or is not a file.")
        progress = self.stdout.write if verbosity >= 1 else _silent
        progress(f"Restoring the database from {file}")
        try:
            outcome = restore(file, force=force, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=exc.exit_code) from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restored {outcome.rows:,} rows of {outcome.tables} tables from {file} "
                    f"in {outcome.seconds:.1f} s."
                )
            )


def _silent(message: str) -> None:
    pass
