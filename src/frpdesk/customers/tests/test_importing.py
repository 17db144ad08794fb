"""Bulk import of customers: every row checked, all or nothing, idempotent."""

import io
import struct
import uuid
import zipfile

import pytest
from auditlog.models import LogEntry
from openpyxl import Workbook

from frpdesk.core.imports import ImportFailure
from frpdesk.customers.importing import apply_import, preview_import
from frpdesk.customers.models import Customer

TENANT_A = "3f2a4c1e-9b7d-4e2a-8c5f-1a2b3c4d5e6f"
TENANT_B = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
HEADER = "name,tenant_id,domain,country,industry,segment,edu,government_cloud,owner,tags\r\n"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\ufeff" + header + "".join(rows)).encode()


@pytest.mark.django_db
def test_a_valid_file_previews_then_imports(program_admin) -> None:
    content = csv_bytes(
        f"Contoso Pharma,{TENANT_A},Contoso.example,US,Healthcare,Enterprise,no,no,{program_admin.username},pilot;priority\r\n",
        f"Fabrikam,{{{TENANT_B.upper()}}},fabrikam.example,Germany,manufacturing,smb,yes,,{program_admin.email},\r\n",
    )
    preview = preview_import("customers.csv", content)
    assert preview.ok
    assert [row.action for row in preview.rows] == ["create", "create"]
    assert not Customer.objects.exists()  # a preview writes nothing

    assert apply_import(acting_user=program_admin, preview=preview) == {
        "create": 2,
        "update": 0,
        "unchanged": 0,
    }
    contoso = Customer.objects.get(tenant_id=uuid.UUID(TENANT_A))
    assert (contoso.primary_domain, contoso.country.code, contoso.industry, contoso.segment) == (
        "contoso.example",
        "US",
        "healthcare",
        "enterprise",
    )
    assert sorted(tag.name for tag in contoso.tags.all()) == ["pilot", "priority"]
    assert contoso.owner == program_admin
    fabrikam = Customer.objects.get(tenant_id=uuid.UUID(TENANT_B))
    assert (fabrikam.country.code, fabrikam.is_edu, fabrikam.owner) == ("DE", True, program_admin)


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing_and_a_changed_row_updates(program_admin) -> None:
    content = csv_bytes(f"Contoso Pharma,{TENANT_A},contoso.example,US,,,no,no,,pilot\r\n")
    apply_import(acting_user=program_admin, preview=preview_import("c.csv", content))
    entries = LogEntry.objects.count()
    again = preview_import("c.csv", content)
    assert [row.action for row in again.rows] == ["unchanged"]
    assert apply_import(acting_user=program_admin, preview=again)["unchanged"] == 1
    assert LogEntry.objects.count() == entries

    renamed = preview_import(
        "c.csv", csv_bytes(f"Contoso Pharma AG,{TENANT_A},contoso.example,US,,,no,no,,pilot\r\n")
    )
    assert [row.action for row in renamed.rows] == ["update"]
    apply_import(acting_user=program_admin, preview=renamed)
    assert Customer.objects.get().name == "Contoso Pharma AG"


@pytest.mark.django_db
def test_row_errors_name_row_and_column_and_nothing_is_written(program_admin) -> None:
    content = csv_bytes(
        f"Good One,{TENANT_A},good.example,US,,,no,no,,\r\n",
        "Bad Guid,not-a-guid,bad.example,US,,,no,no,,\r\n",
        f"Bad Country,{TENANT_B},x.example,Atlantis,,,maybe,no,nobody,\r\n",
        f"Duplicate,{TENANT_A},dup.example,US,,,no,no,,\r\n",
    )
    preview = preview_import("customers.csv", content)
    assert not preview.ok
    errors = {row.number: row.errors for row in preview.error_rows}
    assert set(errors) == {3, 4, 5}
    assert "not a tenant ID" in errors[3]["tenant_id"]
    assert errors[4] == {
        "country": "unknown country 'Atlantis'",
        "is_edu": "must be yes or no, got 'maybe'",
        "owner": "no active user has the username or email 'nobody'",
    }
    assert errors[5]["tenant_id"] == f"{TENANT_A} is already on row 2 of this file"
    with pytest.raises(ImportFailure, match="has 3 row"):
        apply_import(acting_user=program_admin, preview=preview)
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_an_existing_tenant_with_a_missing_name_is_a_row_error(program_admin) -> None:
    preview = preview_import("c.csv", csv_bytes(f",{TENANT_A},,,,,,,,\r\n"))
    assert preview.rows[0].errors == {"name": "This field is required."}


@pytest.mark.django_db
def test_xlsx_files_import_like_csv(program_admin) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Tenant ID", "Country", "EDU"])
    sheet.append(["Northwind School", TENANT_A, "GB", "Yes"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = preview_import("customers.xlsx", buffer.getvalue())
    assert preview.ok
    apply_import(acting_user=program_admin, preview=preview)
    school = Customer.objects.get()
    assert (school.name, school.country.code, school.is_edu) == ("Northwind School", "GB", True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file_name", "content", "message"),
    [
        ("c.csv", b"", "c.csv: is empty"),
        (
            "c.csv",
            csv_bytes(header="name,tenant_id\r\n"),
            "c.csv: has a header but no customer rows",
        ),
        (
            "c.csv",
            csv_bytes(f"x,{TENANT_A}\r\n", header="name,tenant\r\n").replace(
                b"tenant\r", b"colour\r"
            ),
            "c.csv, row 1: has unknown column(s) colour",
        ),
        (
            "c.csv",
            csv_bytes("x\r\n", header="name\r\n"),
            "c.csv, row 1: is missing the column(s) tenant_id",
        ),
        ("c.csv", b"\xff\xfe\x00n\x00a", "c.csv: is neither UTF-8 CSV nor an XLSX workbook"),
        ("c.xlsx", b"PK\x03\x04broken", "c.xlsx: is not a readable XLSX workbook"),
        # Found by the import fuzz test: PostgreSQL refused a tag with a NUL (a 500).
        (
            "c.csv",
            csv_bytes(f"x,{TENANT_A},,,,,,,,pi\x00lot\r\n"),
            "c.csv, line 2: has a NUL character",
        ),
    ],
)
def test_file_level_problems_are_one_clear_message(
    file_name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ImportFailure) as failure:
        preview_import(file_name, content)
    assert str(failure.value).startswith(message)


def damaged_workbook() -> bytes:
    """A workbook whose sheet's compressed data is garbage: zlib fails while rows are read."""
    workbook = Workbook()
    workbook.active.append(["name", "tenant_id"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = bytearray(buffer.getvalue())
    sheet = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("xl/worksheets/sheet1.xml")
    name_length, extra_length = struct.unpack(
        "<HH", content[sheet.header_offset + 26 : sheet.header_offset + 30]
    )
    start = sheet.header_offset + 30 + name_length + extra_length
    content[start : start + sheet.compress_size] = b"\xff" * sheet.compress_size
    return bytes(content)


@pytest.mark.django_db
def test_a_damaged_workbook_is_one_clear_message() -> None:
    """Found by the import fuzz test: zlib's error escaped from the rows being read."""
    with pytest.raises(ImportFailure) as failure:
        preview_import("c.xlsx", damaged_workbook())
    assert str(failure.value) == "c.xlsx: is not a readable XLSX workbook"


@pytest.mark.django_db
def test_the_example_shown_on_the_page_is_a_valid_file() -> None:
    from frpdesk.customers.views import SAMPLE_CSV

    preview = preview_import("example.csv", SAMPLE_CSV.encode())
    assert preview.ok
    assert [row.action for row in preview.rows] == ["create"]


@pytest.mark.django_db
def test_the_import_page_previews_errors_then_imports_after_confirmation(
    client, consultant
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(consultant)
    bad = csv_bytes(f"Good,{TENANT_A},,US,,,no,no,,\r\n", "Bad,not-a-guid,,US,,,no,no,,\r\n")
    page = client.post("/customers/import/", {"file": SimpleUploadedFile("bad.csv", bad)})
    body = page.content.decode()
    assert "Row 3, column tenant_id" in body
    assert "Nothing has been written" in body
    assert 'data-testid="confirm-import"' not in body
    assert not Customer.objects.exists()

    good = csv_bytes(f"Good,{TENANT_A},,US,,,no,no,,\r\n")
    preview = client.post("/customers/import/", {"file": SimpleUploadedFile("good.csv", good)})
    assert not Customer.objects.exists()
    token = preview.context["token"]
    done = client.post("/customers/import/", {"token": token}, follow=True)
    assert "Imported good.csv: 1 added, 0 updated, 0 unchanged." in done.content.decode()
    assert Customer.objects.get().name == "Good"
    replay = client.post("/customers/import/", {"token": token}, follow=True)
    assert "expired" in replay.content.decode()
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_read_only_roles_cannot_import(client, executive) -> None:
    client.force_login(executive)
    assert client.get("/customers/import/").status_code == 403
