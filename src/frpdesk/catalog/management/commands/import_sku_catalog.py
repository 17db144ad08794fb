from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frpdesk.catalog.services import import_sku_catalog
from frpdesk.core.imports import ImportFailure


class Command(BaseCommand):
    help = (
        "Refresh the SKU catalog from Microsoft's 'Product names and service plan identifiers "
        "for licensing' CSV. All or nothing; importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV as downloaded from Microsoft Learn.")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            result = import_sku_catalog(file)
        except ImportFailure as failure:
            raise CommandError(str(failure), returncode=2) from failure
        self.stdout.write(
            f"Loaded {result.skus} SKUs and {result.service_plans} service plans "
            f"from {result.rows} rows of {file.name}: "
            f"{result.skus_created} SKUs new, {result.skus_updated} changed, "
            f"{result.service_plans_created} service plans new, "
            f"{result.links_added} links added, {result.links_removed} removed."
            + ("" if result.changed else " Nothing changed.")
        )
