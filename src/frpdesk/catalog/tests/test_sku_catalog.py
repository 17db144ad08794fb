"""Microsoft's licensing reference CSV, parsed exactly as published."""

import shutil
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from frpdesk.catalog.models import CatalogRelease, ServicePlan, Sku
from frpdesk.catalog.services import SKU_CATALOG_FILE, import_sku_catalog, normalise_name
from frpdesk.core.imports import ImportFailure

SHARED_REFERENCE = (
    Path(__file__).resolve().parents[5]
    / "shared"
    / "reference"
    / "product-names-and-service-plan-identifiers.csv"
)
HEADER = "Product_Display_Name,String_Id,GUID,Service_Plan_Name,Service_Plan_Id,Service_Plans_Included_Friendly_Names\r\n"
E3_GUID = "05e9a617-0261-4cee-bb44-138d3ef5d965"


def write_csv(tmp_path: Path, *rows: str, bom: bool = True, name: str = "skus.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + (HEADER + "".join(rows)).encode("utf-8"))
    return path


def test_shipped_copy_is_microsofts_file() -> None:
    assert SHARED_REFERENCE.exists(), "the shared reference CSV is the test oracle"
    assert SKU_CATALOG_FILE.read_bytes() == SHARED_REFERENCE.read_bytes()


@pytest.mark.django_db
def test_migration_loaded_the_whole_reference() -> None:
    # 568 distinct String_Ids once trailing spaces and non-breaking spaces are trimmed.
    assert Sku.objects.count() == 568
    assert ServicePlan.objects.count() == 723
    e3 = Sku.objects.get(string_id="SPE_E3")
    assert str(e3.guid) == E3_GUID
    plans = set(e3.service_plans.values_list("name", flat=True))
    assert {
        "EXCHANGE_S_ENTERPRISE",
        "TEAMS1",
        "SHAREPOINTENTERPRISE",
        "OFFICESUBSCRIPTION",
    } <= plans


@pytest.mark.django_db
def test_names_are_trimmed_and_collapsed_as_published() -> None:
    # The file has "MCOCAP_FACULTY\xa0", "ATP_ENTERPRISE " and tab-separated words in names.
    assert Sku.objects.filter(string_id="MCOCAP_FACULTY").exists()
    assert not Sku.objects.filter(string_id__endswith=" ").exists()
    assert not ServicePlan.objects.filter(name__contains="\t").exists()
    assert ServicePlan.objects.filter(
        name="Virtualization Rights for Windows 10 (E3/E5+VDA)"
    ).exists()
    assert (
        normalise_name(" Virtualization \tRights \tfor\xa0Windows ")
        == "Virtualization Rights for Windows"
    )


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing() -> None:
    entries_before = LogEntry.objects.count()
    result = import_sku_catalog(SHARED_REFERENCE)
    assert result.skus == 568
    assert result.service_plans == 723
    assert not result.changed
    assert (result.skus_created, result.skus_updated, result.links_added, result.links_removed) == (
        0,
        0,
        0,
        0,
    )
    assert LogEntry.objects.count() == entries_before


@pytest.mark.django_db
def test_a_newer_download_updates_names_adds_skus_and_links(tmp_path: Path) -> None:
    newer = write_csv(
        tmp_path,
        f"Microsoft 365 E3 (renamed),SPE_E3,{E3_GUID},TEAMS1,57ff2da0-773e-42df-b2af-ffb7a2317929,Microsoft Teams\r\n",
        "Brand New Plan,BRAND_NEW,11111111-2222-3333-4444-555555555555,NEW_PLAN,66666666-7777-8888-9999-000000000000,A new plan\r\n",
    )
    result = import_sku_catalog(newer)
    assert (result.skus_created, result.skus_updated, result.service_plans_created) == (1, 1, 1)
    e3 = Sku.objects.get(string_id="SPE_E3")
    assert e3.product_name == "Microsoft 365 E3 (renamed)"
    # SPE_E3 now has only the plan the file lists for it; other SKUs are left untouched.
    assert list(e3.service_plans.values_list("name", flat=True)) == ["TEAMS1"]
    assert Sku.objects.get(string_id="SPE_E5").service_plans.count() > 1
    assert Sku.objects.get(string_id="BRAND_NEW").service_plans.get().name == "NEW_PLAN"
    assert CatalogRelease.objects.get(name="sku-catalog").detail.startswith("skus.csv")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "Name,SPE_E3,not-a-guid,TEAMS1,57ff2da0-773e-42df-b2af-ffb7a2317929,Teams\r\n",
            "row 2, column GUID: is not a GUID: 'not-a-guid'",
        ),
        (
            "Name,,05e9a617-0261-4cee-bb44-138d3ef5d965,TEAMS1,57ff2da0-773e-42df-b2af-ffb7a2317929,Teams\r\n",
            "row 2, column String_Id: is empty",
        ),
        (
            "Fine,FINE_1,11111111-2222-3333-4444-555555555555,TEAMS1,57ff2da0-773e-42df-b2af-ffb7a2317929,Teams\r\n"
            "Bad,BAD_1,11111111-2222-3333-4444-555555555556,TEAMS1,nope,Teams\r\n",
            "row 3, column Service_Plan_Id: is not a GUID: 'nope'",
        ),
    ],
)
def test_a_bad_row_names_file_row_and_column_and_writes_nothing(
    tmp_path: Path, rows: str, message: str
) -> None:
    path = write_csv(tmp_path, rows)
    counts = (Sku.objects.count(), ServicePlan.objects.count())
    with pytest.raises(ImportFailure) as failure:
        import_sku_catalog(path)
    assert str(failure.value) == f"skus.csv, {message}"
    assert (Sku.objects.count(), ServicePlan.objects.count()) == counts
    assert not Sku.objects.filter(string_id="FINE_1").exists()


@pytest.mark.django_db
def test_missing_columns_and_empty_files_are_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Product,Id\r\nx,y\r\n", encoding="utf-8")
    with pytest.raises(
        ImportFailure,
        match=r"wrong.csv, row 1: is missing the column\(s\) Product_Display_Name, String_Id, GUID,",
    ):
        import_sku_catalog(wrong)
    with pytest.raises(ImportFailure, match="has a header but no rows"):
        import_sku_catalog(write_csv(tmp_path))
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00P\x00r")
    with pytest.raises(ImportFailure, match=r"binary.csv, row 1: is not UTF-8 text"):
        import_sku_catalog(binary)
    with pytest.raises(ImportFailure, match="cannot be read"):
        import_sku_catalog(tmp_path / "absent.csv")


@pytest.mark.django_db
def test_a_file_without_bom_and_with_lf_line_endings_imports(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text(
        HEADER.replace("\r\n", "\n")
        + "Plain,PLAIN_SKU,11111111-2222-3333-4444-555555555555,TEAMS1,57ff2da0-773e-42df-b2af-ffb7a2317929,Teams\n",
        encoding="utf-8",
    )
    assert import_sku_catalog(path).skus_created == 1


@pytest.mark.django_db
def test_cli_reports_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / SHARED_REFERENCE.name
    shutil.copy(SHARED_REFERENCE, copy)
    call_command("import_sku_catalog", str(copy))
    out = capsys.readouterr().out
    assert "Loaded 568 SKUs and 723 service plans from 5457 rows" in out
    assert "Nothing changed." in out


@pytest.mark.django_db
def test_cli_fails_with_exit_code_2_and_one_line(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, "Name,SPE_E3,bad,TEAMS1,57ff2da0-773e-42df-b2af-ffb7a2317929,Teams\r\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("import_sku_catalog", str(path))
    assert error.value.returncode == 2
    assert str(error.value) == "skus.csv, row 2, column GUID: is not a GUID: 'bad'"
