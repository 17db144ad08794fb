"""The activity ledger: merging reports (latest activity wins, attributes from the newest report,
order-independent, idempotent), the Parquet round trip, MAU per report and the inactive users.

Expected users and figures were read off the sample files, not computed by the code under test.
"""

import csv
import datetime
import io

import polars as pl
import pytest
from django.db import connection

from frpdesk.adoption import ledger
from frpdesk.adoption.models import ActivityLedger
from frpdesk.adoption.reports import ParsedReport, parse_report
from frpdesk.adoption.tests.conftest import (
    CONCEALED_REPORT,
    EMAIL,
    M365_APPS,
    O365,
    REFRESH_DATE,
    SAMPLES_DIR,
    TEAMS,
    as_csv,
    sample_rows,
    shifted,
    with_cell,
)

WINDOW = 28


def parse(name: str, content: bytes | None = None) -> ParsedReport:
    return parse_report(name, content if content is not None else SAMPLES_DIR / name)


def merged(*reports: ParsedReport) -> pl.DataFrame:
    frame = ledger.empty()
    for report in reports:
        frame = ledger.merge(frame, report).frame
    return frame


def by_user(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("user_key")


def value(frame: pl.DataFrame, user_key: str, column: str) -> object:
    return frame.filter(pl.col("user_key") == user_key).get_column(column).item()


# --- merging ---------------------------------------------------------------------------------


def test_a_report_merged_into_an_empty_ledger_is_the_report_in_the_ledgers_shape() -> None:
    report = parse(O365)
    merge = ledger.merge(ledger.empty(), report)
    assert merge.changed
    assert merge.frame.schema == pl.Schema(ledger.SCHEMA)
    assert merge.frame.height == 30
    adele = merge.frame.row(0, named=True)
    assert adele["user_key"] == "adele.vance@fabrikam.example.com"
    assert (adele["display_name"], adele["display_name_as_of"]) == ("Vance, Adele", REFRESH_DATE)
    assert (adele["exchange_licensed"], adele["exchange_licensed_as_of"]) == (True, REFRESH_DATE)
    assert adele["exchange_last_activity"] == datetime.date(2025, 11, 19)
    # Workloads the report does not cover stay unknown.
    assert (adele["copilot_licensed"], adele["copilot_last_activity"]) == (None, None)
    assert value(merge.frame, "tomas.novak@fabrikam.example.com", "deleted_date") == (
        datetime.date(2025, 11, 10)
    )


def test_the_same_report_again_changes_nothing() -> None:
    report = parse(O365)
    first = ledger.merge(ledger.empty(), report)
    again = ledger.merge(first.frame, report)
    assert not again.changed
    assert again.frame.equals(first.frame)
    assert ledger.write(again.frame) == ledger.write(first.frame)


def test_the_ledger_survives_parquet() -> None:
    frame = merged(parse(O365), parse(TEAMS), parse("Microsoft365CopilotUsageUserDetail_D30.json"))
    data = ledger.write(frame)
    assert data[:4] == b"PAR1"
    assert ledger.read(data).equals(frame)
    assert ledger.read(b"").equals(ledger.empty())
    assert ledger.read(memoryview(data)).equals(frame)  # as PostgreSQL hands it back


def test_an_older_report_never_lowers_a_users_last_activity() -> None:
    newer = parse(O365)
    # The same tenant a month earlier; Nestor (never active in the newer report) was active then.
    rows = list(csv.reader(io.StringIO(shifted(O365, -31).decode("utf-8-sig"), newline="")))
    nestor = next(index for index, row in enumerate(rows) if row[1].startswith("nestor."))
    rows[nestor][rows[0].index("Exchange Last Activity Date")] = "2025-10-01"
    older = parse("Office365ActiveUserDetail_D30.csv", as_csv(rows))
    assert older.refresh_date == datetime.date(2025, 10, 20)

    newer_first = merged(newer, older)
    older_first = merged(older, newer)
    assert by_user(newer_first).equals(by_user(older_first))
    adele = "adele.vance@fabrikam.example.com"
    assert value(newer_first, adele, "exchange_last_activity") == datetime.date(2025, 11, 19)
    assert value(newer_first, adele, "sharepoint_last_activity") == datetime.date(2025, 11, 18)
    assert value(newer_first, "nestor.wilke@fabrikam.example.com", "exchange_last_activity") == (
        datetime.date(2025, 10, 1)
    )
    # The older report's Tomas was not deleted yet; the newer one says he is.
    assert value(newer_first, "tomas.novak@fabrikam.example.com", "is_deleted") is True
    assert value(newer_first, "tomas.novak@fabrikam.example.com", "deletion_as_of") == (
        REFRESH_DATE
    )


def test_names_deletion_and_licences_come_from_the_newest_report() -> None:
    rows = sample_rows(EMAIL)
    header = rows[0]
    rows = [header] + [
        [
            cell if index != header.index("Report Refresh Date") else "2025-11-27"
            for index, cell in enumerate(row)
        ]
        for row in rows[1:]
    ]
    rows[1][header.index("Display Name")] = "Adele Vance"
    rows[2][header.index("Is Deleted")] = "True"
    rows[2][header.index("Deleted Date")] = "2025-11-25"
    week_later = parse("EmailActivityUserDetail_D30.csv", as_csv(rows))

    for order in ((parse(O365), week_later), (week_later, parse(O365))):
        frame = merged(*order)
        assert value(frame, "adele.vance@fabrikam.example.com", "display_name") == "Adele Vance"
        alex = "alex.wilber@fabrikam.example.com"
        assert (value(frame, alex, "is_deleted"), value(frame, alex, "deleted_date")) == (
            True,
            datetime.date(2025, 11, 25),
        )
        # The Email report says nothing about names it lacks or OneDrive licences.
        assert value(frame, alex, "display_name") == "Alex Wilber"
        assert value(frame, alex, "onedrive_licensed_as_of") == REFRESH_DATE
        assert value(frame, alex, "exchange_licensed_as_of") == datetime.date(2025, 11, 27)


def test_a_report_without_names_or_deletions_keeps_what_is_known() -> None:
    frame = merged(parse(O365), parse("OneDriveActivityUserDetail_D30.csv"), parse(M365_APPS))
    assert value(frame, "adele.vance@fabrikam.example.com", "display_name") == "Vance, Adele"
    assert value(frame, "tomas.novak@fabrikam.example.com", "is_deleted") is True
    assert value(frame, "adele.vance@fabrikam.example.com", "m365_apps_last_activity") == (
        datetime.date(2025, 11, 19)
    )


def test_reports_of_the_same_day_combine_in_any_order() -> None:
    # The Office 365 report says deleted Tomas has a Teams licence; the Teams report says not.
    office, teams = parse(O365), parse(TEAMS)
    one_way, other_way = merged(office, teams), merged(teams, office)
    assert by_user(one_way).equals(by_user(other_way))
    assert value(one_way, "tomas.novak@fabrikam.example.com", "teams_licensed") is True


def test_new_users_are_added_after_the_known_ones() -> None:
    frame = merged(parse("Microsoft365CopilotUsageUserDetail_D30.json"), parse(O365))
    assert frame.height == 30
    assert frame.get_column("user_key").head(4).to_list() == [
        "bianca.pisani@fabrikam.example.com",
        "brian.johnson@fabrikam.example.com",
        "debra.berger@fabrikam.example.com",
        "megan.bowen@fabrikam.example.com",
    ]


# --- figures of a report ---------------------------------------------------------------------


def test_figures_of_the_office365_report() -> None:
    report = parse(O365)
    figures = ledger.usage_figures(report, merged(report), WINDOW)
    # Licensed and active in the D30 period as the README lists them; MAU (28 days ending on
    # 2025-11-20) without the deleted user Tomas, who was active in every workload but Yammer.
    assert {code: item.as_dict() for code, item in figures.items()} == {
        "exchange": {"licensed": 29, "active_in_period": 23, "mau": 22},
        "onedrive": {"licensed": 29, "active_in_period": 17, "mau": 16},
        "sharepoint": {"licensed": 29, "active_in_period": 20, "mau": 19},
        "teams": {"licensed": 29, "active_in_period": 21, "mau": 20},
        "viva_engage": {"licensed": 29, "active_in_period": 11, "mau": 11},
    }


def test_mau_counts_28_days_not_the_report_period() -> None:
    # 2025-10-23 is inside the D30 period (from 2025-10-22) but not the 28-day window (from
    # 2025-10-24).
    report = parse(O365, with_cell(O365, 2, "Exchange Last Activity Date", "2025-10-23"))
    figures = ledger.usage_figures(report, merged(report), WINDOW)["exchange"]
    assert (figures.active_in_period, figures.mau) == (23, 21)
    assert ledger.usage_figures(report, merged(report), 30)["exchange"].mau == 22


def test_reports_without_deletions_take_them_from_the_ledger() -> None:
    apps = parse(M365_APPS)
    # 24 users active in the window (README); Tomas among them, deleted per the other reports.
    alone = ledger.usage_figures(apps, merged(apps), WINDOW)["m365_apps"]
    assert (alone.licensed, alone.active_in_period, alone.mau) == (None, 24, 24)
    known = merged(parse(O365), apps)
    assert ledger.usage_figures(apps, known, WINDOW)["m365_apps"].mau == 23


def test_a_deletion_after_the_refresh_date_does_not_count() -> None:
    # Tomas was deleted on 2025-11-10; in a report of 2025-11-08 he was still there.
    early = parse("M365AppUserDetail_D30.csv", shifted(M365_APPS, -12))
    known = merged(parse(O365), early)
    # The same 24 users as in the sample are active in the window, Tomas among them.
    assert ledger.usage_figures(early, known, WINDOW)["m365_apps"].mau == 24


def test_figures_of_the_copilot_report() -> None:
    report = parse("Microsoft365CopilotUsageUserDetail_D30.json")
    figures = ledger.usage_figures(report, merged(report), WINDOW)["copilot"]
    assert figures.as_dict() == {"licensed": 4, "active_in_period": 3, "mau": 3}


# --- inactive users --------------------------------------------------------------------------


def test_inactive_exchange_users_of_the_sample() -> None:
    frame = ledger.inactive_users(merged(parse(O365)), "exchange", REFRESH_DATE, WINDOW)
    assert frame.schema == pl.Schema(ledger.INACTIVE_USER_SCHEMA)
    # Never active first, then the oldest activity. Not listed: the deleted user Tomas and the
    # service account without an Exchange licence.
    assert frame.rows() == [
        ("grady.archie@fabrikam.example.com", "Grady Archie", False, None, ["MICROSOFT 365 F3"]),
        (
            "henrietta.mueller@fabrikam.example.com",
            "Henrietta Mueller",
            False,
            None,
            ["MICROSOFT 365 F3"],
        ),
        ("nestor.wilke@fabrikam.example.com", "Nestor Wilke", False, None, ["MICROSOFT 365 E3"]),
        (
            "irvin.sayers@fabrikam.example.com",
            "Irvin Sayers",
            False,
            datetime.date(2025, 3, 2),
            ["MICROSOFT 365 F3"],
        ),
        (
            "lidia.holloway@fabrikam.example.com",
            "Lidia Holloway",
            False,
            datetime.date(2025, 8, 5),
            ["OFFICE 365 E1"],
        ),
        (
            "diego.siciliani@fabrikam.example.com",
            "Diego Siciliani",
            False,
            datetime.date(2025, 9, 11),
            ["MICROSOFT 365 E3"],
        ),
    ]


def test_inactive_users_split_products_where_microsoft_joined_them() -> None:
    content = with_cell(O365, 2, "Exchange Last Activity Date", "")
    frame = ledger.inactive_users(merged(parse(O365, content)), "exchange", REFRESH_DATE, WINDOW)
    products = frame.filter(pl.col("user_key") == "adele.vance@fabrikam.example.com")
    assert products.get_column("assigned_products").to_list() == [["MICROSOFT 365 E3"]]
    content = with_cell(O365, 18, "Exchange Last Activity Date", "")  # Joni
    frame = ledger.inactive_users(merged(parse(O365, content)), "exchange", REFRESH_DATE, WINDOW)
    joni = frame.filter(pl.col("user_key") == "joni.sherman@fabrikam.example.com")
    assert joni.get_column("assigned_products").to_list() == [
        ["OFFICE 365 E1", "ENTERPRISE MOBILITY + SECURITY E5"]
    ]


def test_users_missing_from_the_newest_licence_report_are_not_listed() -> None:
    # A week later Diego's mailbox is gone: he is not in the newer Email report.
    rows = sample_rows(EMAIL)
    rows = [rows[0]] + [row for row in rows[1:] if not row[1].startswith("diego.")]
    for row in rows[1:]:
        row[0] = "2025-11-27"
    week_later = parse("EmailActivityUserDetail_D30.csv", as_csv(rows))
    frame = merged(parse(O365), week_later)
    listed = ledger.inactive_users(frame, "exchange", datetime.date(2025, 11, 27), WINDOW)
    assert "diego.siciliani@fabrikam.example.com" not in listed.get_column("user_key").to_list()
    assert "nestor.wilke@fabrikam.example.com" in listed.get_column("user_key").to_list()


def test_concealed_users_are_listed_with_their_codes() -> None:
    frame = ledger.inactive_users(merged(parse(CONCEALED_REPORT)), "onedrive", REFRESH_DATE, WINDOW)
    # OneDrive MAU of the concealed file is 9 of 20 (read off the file): 11 are inactive.
    assert frame.height == 11
    assert frame.get_column("concealed").all()
    assert frame.get_column("user_key").str.contains(r"^[0-9A-F]{32}$").all()


@pytest.mark.parametrize("report", ["OneDriveActivityUserDetail_D30.csv", M365_APPS])
def test_no_list_without_licence_information(report: str) -> None:
    # These reports do not say who is licensed.
    code = parse(report).workloads[0]
    frame = ledger.inactive_users(merged(parse(report)), code, REFRESH_DATE, WINDOW)
    assert frame.is_empty()
    assert frame.schema == pl.Schema(ledger.INACTIVE_USER_SCHEMA)


def test_inactive_users_of_an_empty_ledger() -> None:
    assert ledger.inactive_users(None, "teams", REFRESH_DATE, WINDOW).is_empty()


@pytest.mark.django_db
def test_postgresql_stores_the_parquet_ledger_without_compressing_it_again() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL storage setting")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'data'",
            [ActivityLedger._meta.db_table],
        )
        assert cursor.fetchone() == ("e",)  # EXTERNAL: out of line, not compressed
