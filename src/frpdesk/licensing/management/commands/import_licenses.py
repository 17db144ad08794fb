import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from frpdesk.core.imports import ImportFailure
from frpdesk.customers.management.tenant_command import TenantCommand
from frpdesk.licensing.services import import_license_file


class Command(TenantCommand):
    help = (
        "Import a tenant's licences as a dated snapshot: Microsoft Graph subscribedSkus JSON or a "
        "CSV (sku_part_number,enabled,suspended,warning,consumed), detected from the content."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--as-of", help="The snapshot's date, YYYY-MM-DD (default: today).")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        file: Path = options["file"]
        try:
            as_of = _date(options["as_of"]) if options["as_of"] else timezone.localdate()
            customer = self.customer(options)
            content = file.read_bytes()
            outcome = import_license_file(
                acting_user=None,
                customer=customer,
                file_name=file.name,
                content=content,
                as_of=as_of,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from error
        except OSError as error:
            raise CommandError(f"{file}: cannot be read: {error.strerror}", returncode=2) from error
        except ImportFailure as failure:
            raise CommandError(str(failure), returncode=2) from failure
        state = (
            "unchanged (the same licences were already imported)"
            if not outcome.changed
            else ("created" if outcome.created else "replaced")
        )
        lines = outcome.snapshot.lines.count()
        self.stdout.write(
            f"Snapshot of {customer.name} as of {as_of.isoformat()} {state}: {lines} SKU{'s' if lines != 1 else ''}"
            + (
                f"; unknown SKUs kept and flagged: {', '.join(outcome.unknown_skus)}"
                if outcome.unknown_skus
                else ""
            )
            + "."
        )


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(f"--as-of must be a date as YYYY-MM-DD, got {value!r}.") from exc
