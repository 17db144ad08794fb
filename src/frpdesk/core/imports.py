"""What every file import shares: the error contract (one clear message naming file, row and
column), the upload limit, and reading Partner Center's CSV files (titles, delimiters, dates)."""

import csv
import datetime
import io
import re
from collections.abc import Callable
from typing import Any

US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s.*)?$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T\s].*)?$")


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


def title_key(title: str) -> str:
    """A column title normalised: case, spaces, punctuation and a BOM ignored."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", title.replace("\ufeff", "").lower()).split())


def read_table(file_name: str, content: bytes) -> list[list[str]]:
    """The rows of a UTF-8 CSV file, its delimiter (``,``, ``;`` or tab) detected."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            file_name, None, None, "is not a UTF-8 CSV file (Partner Center's export is)"
        ) from exc
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return list(reader)
    except csv.Error as exc:
        raise ImportFailure(file_name, reader.line_num, None, f"is not valid CSV: {exc}") from exc


def parse_date(text: str, fail: Callable[[str], Exception]) -> datetime.date:
    """``YYYY-MM-DD`` or Partner Center's US ``M/D/YYYY`` (a time after it is ignored); else
    ``fail(problem)`` is raised."""
    us = US_DATE.match(text)
    iso = ISO_DATE.match(text)
    try:
        if us:
            return datetime.date(int(us.group(3)), int(us.group(1)), int(us.group(2)))
        if iso:
            return datetime.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError as exc:
        raise fail(f"“{text}” is not a real date") from exc
    raise fail(f"“{text}” is not a date; use YYYY-MM-DD or Partner Center's M/D/YYYY")
