from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frpdesk.claims.importing import import_claim_status
from frpdesk.core.imports import ImportFailure, check_upload_size


class Command(BaseCommand):
    help = (
        "Import claim status updates from Partner Center (CSV with the columns Claim reference, "
        "Status, Date, Reason). All or nothing; the same file twice changes nothing. A bad file "
        "writes nothing and exits 2 with one line naming the file, row and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            check_upload_size(file.name, file.stat().st_size)
            counts = import_claim_status(
                acting_user=None, file_name=file.name, content=file.read_bytes()
            )
        except OSError as error:
            raise CommandError(f"{file}: cannot be read: {error.strerror}", returncode=2) from error
        except ImportFailure as failure:
            raise CommandError(str(failure), returncode=2) from failure
        self.stdout.write(f"{file.name}: {counts.summary()}.")
