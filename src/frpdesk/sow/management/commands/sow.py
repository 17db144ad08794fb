from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from frpdesk.sow.management.engagement_command import EngagementCommand
from frpdesk.sow.models import DocumentFormat
from frpdesk.sow.services import generate_sow


class Command(EngagementCommand):
    help = (
        "Generate the Statement of Work of an engagement from the active template, store it as "
        "the engagement's next SOW version and write it to --out. Prints the version number and "
        "the file's SHA-256. Exit code 2 with one line on stderr when it cannot."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--format", required=True, choices=DocumentFormat.values)
        parser.add_argument("--out", required=True, type=Path, metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        engagement = self.engagement(options)
        out: Path = options["out"]
        try:
            # One transaction: a file that cannot be written leaves no stored version behind.
            with transaction.atomic():
                version = generate_sow(
                    acting_user=None, engagement=engagement, file_format=options["format"]
                )
                out.write_bytes(bytes(version.document))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from error
        except OSError as error:
            raise CommandError(
                f"{out}: cannot be written ({error.strerror})", returncode=2
            ) from error
        self.stdout.write(
            f"SOW v{version.number} of engagement {engagement.pk} ({version.format}, "
            f"{version.size} bytes) written to {out}\nsha256 {version.sha256}"
        )
