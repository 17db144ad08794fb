"""The error contract shared by every file import: one clear message naming file, row, column."""


class ImportFailure(Exception):
    """A file that cannot be imported; nothing from it has been written.

    JSON files name an item and a field instead of a row and a column.
    """

    def __init__(
        self,
        file_name: str,
        row: int | None,
        column: str | None,
        problem: str,
        *,
        row_label: str = "row",
        column_label: str = "column",
    ) -> None:
        self.file_name = file_name
        self.row = row
        self.column = column
        self.problem = problem
        self.row_label = row_label
        self.column_label = column_label
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file_name]
        if self.row is not None:
            where.append(f"{self.row_label} {self.row}")
        if self.column is not None:
            where.append(f"{self.column_label} {self.column}")
        return f"{', '.join(where)}: {self.problem}"


def check_upload_size(file_name: str, size: int) -> None:
    """Refuse a file above the deployment's upload limit (FRPDESK_MAX_UPLOAD_MB)."""
    from django.conf import settings

    limit_mb: int = settings.FRPDESK_MAX_UPLOAD_MB
    if size > limit_mb * 1024 * 1024:
        raise ImportFailure(
            file_name, None, None, f"is larger than the upload limit of {limit_mb} MB"
        )
