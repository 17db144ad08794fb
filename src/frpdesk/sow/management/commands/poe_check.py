import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from frpdesk.core.imports import ImportFailure
from frpdesk.sow.management.engagement_command import EngagementCommand
from frpdesk.sow.services import poe_check


class Command(EngagementCommand):
    help = (
        "Check a signed SOW (PDF or DOCX) for what a CPOR claim's proof of execution needs: the "
        "customer's signature, current dates, the partner's services, every claimed workload of "
        "the engagement. Stores nothing. With --json, prints exactly "
        '{"ok": bool, "missing": [str], "workloads_found": [str]}. Exit code 0 when the file '
        "passes, 1 when it was read but something is missing (the result is printed either "
        "way), 2 when it cannot be read (one line on stderr)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("file", type=Path, metavar="FILE", help="The signed SOW.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        engagement = self.engagement(options)
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(
                f"{path}: cannot be read ({error.strerror})", returncode=2
            ) from error
        try:
            result = poe_check(engagement=engagement, file_name=path.name, content=content)
        except ImportFailure as failure:
            raise CommandError(str(failure), returncode=2) from failure
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        elif result.ok:
            self.stdout.write(
                f"{path.name}: passes the proof-of-execution preflight "
                f"({', '.join(result.workloads_found)})."
            )
        else:
            self.stdout.write(f"{path.name}: does not pass the proof-of-execution preflight:")
            for item in result.missing:
                self.stdout.write(f"  - {item}")
        if not result.ok:
            # Like grep and diff: scripts can test the verdict; the output says why.
            raise SystemExit(1)
