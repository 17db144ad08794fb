"""Bulk import of customers from CSV or XLSX: a preview of every row's errors, then all or nothing.

Columns are found by their header (any order, any case, BOM and spaces ignored). Required:
``name`` and ``tenant_id``; optional: ``tpid``, ``primary_domain`` (or ``domain``), ``country``
(code or English name), ``industry``, ``segment`` (code or label), ``edu`` and
``government_cloud`` (yes/no, true/false, 1/0), ``owner`` (username or email) and ``tags``
(separated by commas or semicolons). A row whose tenant ID exists updates that customer; the same
file twice changes nothing.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django_countries import countries
from openpyxl import load_workbook

from frpdesk.accounts.models import User
from frpdesk.core.choices import INDUSTRIES
from frpdesk.core.imports import MAX_ROWS, ImportFailure, refuse_nul
from frpdesk.customers.forms import CustomerForm
from frpdesk.customers.models import Customer, Segment
from frpdesk.customers.services import parse_tenant_id, save_customer

COLUMN_ALIASES = {
    "name": "name",
    "customer": "name",
    "tenant_id": "tenant_id",
    "tenant": "tenant_id",
    "tpid": "tpid",
    "primary_domain": "primary_domain",
    "domain": "primary_domain",
    "country": "country",
    "industry": "industry",
    "segment": "segment",
    "edu": "is_edu",
    "is_edu": "is_edu",
    "government_cloud": "is_government_cloud",
    "is_government_cloud": "is_government_cloud",
    "owner": "owner",
    "tags": "tags",
}
REQUIRED = ("name", "tenant_id")
TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


class CustomerRowForm(forms.ModelForm[Customer]):
    """The customer form's fields, minus what the file gives in its own shape (tags) or not at all."""

    class Meta:
        model = Customer
        fields = [name for name in CustomerForm.Meta.fields if name not in ("tags", "notes")]


@dataclass
class ImportRow:
    number: int  # the row in the file, header = 1
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    action: str = ""  # create, update or unchanged
    cleaned: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    file_name: str
    rows: list[ImportRow]

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.ok and row.action == action)


def read_rows(file_name: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """The file's data rows as {column: text}; file-level problems raise ImportFailure."""
    if file_name.lower().endswith(".xlsx") or content[:2] == b"PK":
        table = _xlsx_table(file_name, content)
    else:
        table = _csv_table(file_name, content)
    if not table:
        raise ImportFailure(file_name, None, None, "is empty")
    header = [_column(cell) for cell in table[0]]
    unknown = [
        cell
        for cell, column in zip(table[0], header, strict=True)
        if cell.strip() and column is None
    ]
    if unknown:
        raise ImportFailure(
            file_name,
            1,
            None,
            f"has unknown column(s) {', '.join(unknown)}; known columns: {', '.join(sorted(set(COLUMN_ALIASES)))}",
        )
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportFailure(file_name, 1, None, f"is missing the column(s) {', '.join(missing)}")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(
            (
                number,
                {
                    column: cell.strip()
                    for column, cell in zip(header, cells, strict=False)
                    if column
                },
            )
        )
    if not rows:
        raise ImportFailure(file_name, None, None, "has a header but no customer rows")
    if len(rows) > MAX_ROWS:
        raise ImportFailure(
            file_name,
            None,
            None,
            f"has {len(rows)} rows; split it into files of at most {MAX_ROWS}",
        )
    return rows


def _column(header_cell: str) -> str | None:
    key = "_".join(header_cell.replace("\ufeff", "").strip().lower().replace("-", " ").split())
    return COLUMN_ALIASES.get(key)


def _csv_table(file_name: str, content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            file_name, None, None, "is neither UTF-8 CSV nor an XLSX workbook"
        ) from exc
    refuse_nul(file_name, text)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        return list(reader)
    except csv.Error as exc:
        raise ImportFailure(file_name, reader.line_num, None, f"is not valid CSV: {exc}") from exc


def _xlsx_table(file_name: str, content: bytes) -> list[list[str]]:
    # A damaged workbook fails anywhere in openpyxl, zipfile, zlib or the XML parser, while it
    # is opened or while its rows are read (read-only mode reads lazily), with whatever error
    # the layer below raises: every one means the same to the user.
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            table = [
                ["" if value is None else str(value) for value in row]
                for row in workbook.worksheets[0].iter_rows(values_only=True)
            ]
        finally:
            workbook.close()
    except Exception as exc:
        raise ImportFailure(file_name, None, None, "is not a readable XLSX workbook") from exc
    return table


def preview_import(file_name: str, content: bytes) -> ImportPreview:
    """Validate every row without writing anything."""
    rows = [ImportRow(number, values) for number, values in read_rows(file_name, content)]
    users = {}
    for user in User.objects.filter(is_active=True):
        users[user.username.lower()] = user
        if user.email:
            users[user.email.lower()] = user
    seen: dict[str, int] = {}
    existing = {}
    tenant_ids = []
    for row in rows:
        try:
            tenant_ids.append(parse_tenant_id(row.values.get("tenant_id")))
        except ValidationError:
            continue  # reported on the row by _validate
    for customer in Customer.objects.filter(tenant_id__in=tenant_ids).prefetch_related("tags"):
        existing[str(customer.tenant_id)] = customer
    for row in rows:
        _validate(row, users, existing, seen)
    return ImportPreview(file_name, rows)


def _validate(
    row: ImportRow, users: dict[str, User], existing: dict[str, Customer], seen: dict[str, int]
) -> None:
    values = row.values
    data: dict[str, Any] = {
        "name": values.get("name", ""),
        "tpid": values.get("tpid", ""),
        "primary_domain": values.get("primary_domain", "").lower(),
    }
    try:
        tenant_id = parse_tenant_id(values.get("tenant_id"))
        data["tenant_id"] = tenant_id
        if str(tenant_id) in seen:
            row.errors["tenant_id"] = (
                f"{tenant_id} is already on row {seen[str(tenant_id)]} of this file"
            )
        seen.setdefault(str(tenant_id), row.number)
    except ValidationError as error:
        row.errors["tenant_id"] = " ".join(error.messages)
        tenant_id = None
    data["country"] = _choice(
        row, "country", values.get("country", ""), [(code, name) for code, name in countries]
    )
    data["industry"] = _choice(row, "industry", values.get("industry", ""), INDUSTRIES)
    data["segment"] = _choice(row, "segment", values.get("segment", ""), Segment.choices)
    for column in ("is_edu", "is_government_cloud"):
        word = values.get(column, "").lower()
        if word in TRUE_WORDS:
            data[column] = True
        elif word in FALSE_WORDS:
            data[column] = False
        else:
            row.errors[column] = f"must be yes or no, got {values[column]!r}"
    owner_text = values.get("owner", "")
    owner = users.get(owner_text.lower()) if owner_text else None
    if owner_text and owner is None:
        row.errors["owner"] = f"no active user has the username or email {owner_text!r}"
    data["owner"] = owner.pk if owner else None
    tags = sorted(
        {tag.strip() for tag in values.get("tags", "").replace(";", ",").split(",") if tag.strip()}
    )

    instance = existing.get(str(tenant_id)) if tenant_id else None
    form = CustomerRowForm(data=data, instance=instance)
    if not form.is_valid():
        for name, messages in form.errors.items():
            if name == "tenant_id" and instance is None and "tenant_id" in row.errors:
                continue
            row.errors.setdefault(
                name if name != "__all__" else "row", " ".join(map(str, messages))
            )
    if row.errors:
        return
    row.cleaned = {**form.cleaned_data, "tags": tags}
    if instance is None:
        row.action = "create"
    elif form.has_changed() or sorted(tag.name for tag in instance.tags.all()) != tags:
        row.action = "update"
    else:
        row.action = "unchanged"


def _choice(row: ImportRow, column: str, text: str, choices: Any) -> str:
    """A choice given by its code or its label, case-insensitively."""
    if not text:
        return ""
    wanted = text.strip().lower()
    for code, label in choices:
        if wanted in (str(code).lower(), str(label).lower()):
            return str(code)
    row.errors[column] = f"unknown {column} {text!r}"
    return ""


@transaction.atomic
def apply_import(*, acting_user: User | None, preview: ImportPreview) -> dict[str, int]:
    """Write every row, or nothing when any row has an error."""
    if not preview.ok:
        raise ImportFailure(
            preview.file_name,
            preview.error_rows[0].number,
            None,
            f"has {len(preview.error_rows)} row(s) with errors; nothing was imported",
        )
    existing = {
        str(customer.tenant_id): customer
        for customer in Customer.objects.filter(
            tenant_id__in=[row.cleaned["tenant_id"] for row in preview.rows]
        )
    }
    for row in preview.rows:
        if row.action == "unchanged":
            continue
        fields = {key: value for key, value in row.cleaned.items() if key != "tags"}
        customer = existing.get(str(fields["tenant_id"])) or Customer()
        for name, value in fields.items():
            setattr(customer, name, value)
        save_customer(acting_user=acting_user, customer=customer, tags=row.cleaned["tags"])
    return {action: preview.count(action) for action in ("create", "update", "unchanged")}
