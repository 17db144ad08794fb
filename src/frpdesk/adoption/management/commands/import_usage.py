from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from frpdesk.adoption.models import ImportSource, ImportStatus
from frpdesk.adoption.services import import_usage_file
from frpdesk.core.imports import ImportFailure, check_upload_size
from frpdesk.customers.management.tenant_command import TenantCommand


class Command(TenantCommand):
    help = (
        "Import Microsoft 365 usage reports of a tenant, as Microsoft Graph returns them (the "
        "report type is detected from the header). Each file is all or nothing; the same file "
        "twice changes nothing. Exits 2 when a file failed (the others are still imported)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        customer = self.customer(options)
        failures: list[str] = []
        for path in files:
            try:
                check_upload_size(path.name, path.stat().st_size)
            except OSError as error:
                failures.append(f"{path}: cannot be read: {error.strerror}")
                continue
            except ImportFailure as refusal:
                failures.append(str(refusal))
                continue
            record = import_usage_file(
                acting_user=None,
                customer=customer,
                file_name=path.name,
                content=path,
                source=ImportSource.CLI,
            )
            if record.status == ImportStatus.FAILED:
                failures.append(record.message)
                continue
            self.stdout.write(f"{path.name}: {record.message}")
            for warning in record.warnings:
                self.stdout.write(f"  warning: {warning}")
        if failures:
            for failure in failures:
                self.stderr.write(failure)
            raise CommandError(
                f"{len(failures)} of {len(files)} file(s) not imported; nothing was written from "
                "them.",
                returncode=2,
            )
