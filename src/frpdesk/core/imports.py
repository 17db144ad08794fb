"""What every file import shares: the error contract (one clear message naming file, row and
column), the upload and row limits, and reading Partner Center's CSV files (titles, delimiters,
dates, amounts)."""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile

US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s.*)?$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T\s].*)?$")
MONEY_NOISE = re.compile(r"[\s$€£,]|[A-Za-z]{3}$|^[A-Za-z]{3}")
# The most data rows one file may have: larger files are split by the user, not half-imported.
MAX_ROWS = 20_000
Parsed = TypeVar("Parsed")


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


def read_upload(upload: UploadedFile, default_name: str) -> tuple[str, bytes]:
    """An uploaded file's name (``default_name`` when it has none) and content; ImportFailure
    when it is above the upload limit."""
    name = upload.name or default_name
    check_upload_size(name, upload.size or 0)
    return name, upload.read()


def title_key(title: str) -> str:
    """A column title normalised: case, spaces, punctuation and a BOM ignored."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", title.replace("\ufeff", "").lower()).split())


def title_fields(column_titles: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each accepted column title, as ``title_key`` gives it and also without its spaces
    (``ReferralId``), mapped to its field."""
    return {
        variant: field
        for field, titles in column_titles.items()
        for title in titles
        for variant in (title_key(title), title_key(title).replace(" ", ""))
    }


@dataclass(frozen=True)
class TitledRow:
    number: int  # the row in the file, header = 1
    values: dict[str, str]  # field → the cell, trimmed
    titles: dict[str, str]  # field → the column's title as the file writes it


def titled_rows(
    file_name: str,
    content: bytes,
    *,
    fields_by_title: Mapping[str, str],
    field_titles: Mapping[str, str],
    required: Sequence[str],
    missing_hint: str,
) -> Iterator[TitledRow]:
    """The non-blank rows of a CSV file whose columns are found by their title
    (``fields_by_title``, from ``title_fields``); the first column of a field wins, others are
    ignored. A file without a header or without a ``required`` column raises ImportFailure
    (``missing_hint`` says what the file should be)."""
    table = read_table(file_name, content)
    if not table or not any(cell.strip() for cell in table[0]):
        raise ImportFailure(file_name, None, None, "is empty")
    header = [fields_by_title.get(title_key(cell)) for cell in table[0]]
    missing = [field_titles[field] for field in required if field not in header]
    if missing:
        raise ImportFailure(
            file_name, 1, None, f"is missing the column(s) {', '.join(missing)}; {missing_hint}"
        )
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values: dict[str, str] = {}
        titles: dict[str, str] = {}
        for field, title, cell in zip(header, table[0], cells, strict=False):
            if field and field not in values:
                values[field] = cell.strip()
                titles[field] = title.replace("\ufeff", "").strip()
        yield TitledRow(number, values, titles)


def parse_titled_rows(
    file_name: str,
    content: bytes,
    parse_row: Callable[[TitledRow], Parsed],
    *,
    noun: str,
    fields_by_title: Mapping[str, str],
    field_titles: Mapping[str, str],
    required: Sequence[str],
    missing_hint: str,
) -> list[Parsed]:
    """``parse_row`` of every row ``titled_rows`` finds, in file order; a file of more than
    MAX_ROWS rows raises ImportFailure, its rows called ``noun`` (“has more than 20000
    responses”)."""
    parsed: list[Parsed] = []
    for row in titled_rows(
        file_name,
        content,
        fields_by_title=fields_by_title,
        field_titles=field_titles,
        required=required,
        missing_hint=missing_hint,
    ):
        parsed.append(parse_row(row))
        if len(parsed) > MAX_ROWS:
            raise ImportFailure(
                file_name, None, None, f"has more than {MAX_ROWS} {noun}; split it into files"
            )
    return parsed


def refuse_nul(file_name: str, text: str) -> None:
    """A NUL character is in no CSV file people export, and PostgreSQL stores none: refuse it
    (naming its line) before a cell carries it to the database."""
    position = text.find("\x00")
    if position >= 0:
        raise ImportFailure(
            file_name,
            text.count("\n", 0, position) + 1,
            None,
            "has a NUL character: is it a text (CSV) file?",
            row_label="line",
        )


def read_table(file_name: str, content: bytes) -> list[list[str]]:
    """The rows of a UTF-8 CSV file, its delimiter (``,``, ``;`` or tab) detected."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            file_name, None, None, "is not a UTF-8 CSV file (Partner Center's export is)"
        ) from exc
    refuse_nul(file_name, text)
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


def parse_amount(text: str, fail: Callable[[str], Exception]) -> Decimal | None:
    """An amount as people write it (``1234.50``, ``1,234.50``, ``$1,234.50``, ``1234.50 USD``),
    rounded to cents; None when blank; else ``fail(problem)`` is raised."""
    if not text.strip():
        return None
    try:
        value = Decimal(MONEY_NOISE.sub("", text.strip()))
    except InvalidOperation as exc:
        raise fail(f"“{text}” is not an amount") from exc
    if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
        raise fail(f"“{text}” is not an amount between 0 and 9,999,999,999.99")
    return value.quantize(Decimal("0.01"))
