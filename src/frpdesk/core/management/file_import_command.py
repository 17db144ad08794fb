"""The base of the commands that import one file (``frpdesk import_… FILE``): the upload limit,
and the one-line error with exit code 2 that a bad or unreadable file gets."""

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frpdesk.core.imports import ImportFailure, check_upload_size


class ImportOutcome(Protocol):
    def summary(self) -> str: ...


class FileImportCommand(BaseCommand):
    # The app's import service, called as ``importer(acting_user=, file_name=, content=)``.
    importer: Callable[..., ImportOutcome]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            check_upload_size(file.name, file.stat().st_size)
            outcome = self.importer(
                acting_user=None, file_name=file.name, content=file.read_bytes()
            )
        except OSError as error:
            raise CommandError(f"{file}: cannot be read: {error.strerror}", returncode=2) from error
        except ImportFailure as failure:
            raise CommandError(str(failure), returncode=2) from failure
        self.stdout.write(f"{file.name}: {outcome.summary()}.")
