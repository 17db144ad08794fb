"""Usage reports in: detection from the header, every sample's figures as its README lists them,
the format quirks, and one clear message naming file, line and column for every kind of bad file.

Expected figures were read off the sample files, not computed by the code under test.
"""

import csv
import datetime
import io
import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frpdesk.adoption.models import ReportType
from frpdesk.adoption.reports import (
    ParsedReport,
    header_key,
    parse_report,
    period_from_file_name,
    split_assigned_products,
)
from frpdesk.adoption.tests.conftest import (
    CONCEALED_REPORT,
    COPILOT,
    EMAIL,
    O365,
    REFRESH_DATE,
    SAMPLES_DIR,
    TEAMS,
    TEAMS_OBSERVED,
    as_csv,
    sample_rows,
    with_cell,
)
from frpdesk.core.imports import ImportFailure

YAMMER_HEADER = (
    "Report Refresh Date,User Principal Name,Display Name,User State,State Change Date,"
    "Last Activity Date,Posted Count,Read Count,Liked Count,Assigned Products,Report Period"
)
COPILOT_CSV_HEADER = (
    "Report Refresh Date,Report Period,User Principal Name,Display Name,Last Activity Date,"
    "Microsoft Teams Copilot Last Activity Date,Word Copilot Last Activity Date,Excel Copilot "
    "Last Activity Date,PowerPoint Copilot Last Activity Date,Outlook Copilot Last Activity Date,"
    "OneNote Copilot Last Activity Date,Loop Copilot Last Activity Date,Copilot Chat Last "
    "Activity Date"
)


# --- helpers ---------------------------------------------------------------------------------


def parse(name: str, content: bytes | None = None) -> ParsedReport:
    return parse_report(name, content if content is not None else SAMPLES_DIR / name)


def failure(name: str, content: bytes) -> str:
    with pytest.raises(ImportFailure) as caught:
        parse_report(name, content)
    return str(caught.value)


def counts(report: ParsedReport, code: str) -> tuple[int | None, int]:
    """(users licensed — None when the report does not say, users active in the period)."""
    licensed = report.frame.get_column(f"{code}_licensed")
    active = report.frame.get_column(f"{code}_active")
    return (
        None if licensed.null_count() == report.frame.height else int(licensed.sum()),
        int(active.sum()),
    )


def user(report: ParsedReport, key: str) -> dict[str, object]:
    return report.frame.filter(pl.col("user_key") == key).row(0, named=True)


# --- the samples, as their README lists them -------------------------------------------------


def test_office365_active_users_gives_five_workloads_with_the_readme_counts() -> None:
    report = parse(O365)
    assert report.report_type == ReportType.OFFICE365_ACTIVE_USERS
    assert report.report_name == "Office365ActiveUserDetail"
    assert (report.refresh_date, report.rows, report.users) == (REFRESH_DATE, 30, 30)
    # No Report Period column in this report: the period comes from "D30" in the file name.
    assert report.period_days == 30
    assert report.workloads == ("exchange", "onedrive", "sharepoint", "teams", "viva_engage")
    assert {code: counts(report, code) for code in report.workloads} == {
        "exchange": (29, 23),
        "onedrive": (29, 17),
        "sharepoint": (29, 20),
        "teams": (29, 21),
        "viva_engage": (29, 11),
    }
    assert report.warnings == ()
    assert report.concealed_users == 0


def test_office365_users_keep_names_deletion_and_products() -> None:
    report = parse(O365)
    assert user(report, "adele.vance@fabrikam.example.com")["display_name"] == "Vance, Adele"
    tomas = user(report, "tomas.novak@fabrikam.example.com")
    assert (tomas["is_deleted"], tomas["deleted_date"]) == (True, datetime.date(2025, 11, 10))
    assert tomas["exchange_active"] is True  # the deleted user counts in the period…
    scanner = user(report, "svc.scanner@fabrikam.example.com")
    # …and the service account's only licence has no workloads.
    assert [scanner[f"{code}_licensed"] for code in report.workloads] == [False] * 5
    assert scanner["assigned_products"] == "MICROSOFT POWER AUTOMATE FREE"
    nestor = user(report, "nestor.wilke@fabrikam.example.com")  # never active: blank dates
    assert [nestor[f"{code}_last_activity"] for code in report.workloads] == [None] * 5
    assert [nestor[f"{code}_active"] for code in report.workloads] == [False] * 5
    irvin = user(report, "irvin.sayers@fabrikam.example.com")  # an old date is kept, not active
    assert (irvin["exchange_last_activity"], irvin["exchange_active"]) == (
        datetime.date(2025, 3, 2),
        False,
    )


@pytest.mark.parametrize(
    ("name", "report_type", "code", "licensed", "active"),
    [
        # The Email report lists licensed mailboxes only (Graph docs).
        (EMAIL, ReportType.EMAIL, "exchange", 29, 23),
        ("OneDriveActivityUserDetail_D30.csv", ReportType.ONEDRIVE, "onedrive", None, 17),
        ("SharePointActivityUserDetail_D30.csv", ReportType.SHAREPOINT, "sharepoint", None, 20),
        # Teams says per user; the deleted user's licence is gone ("Is Licensed" = No).
        (TEAMS, ReportType.TEAMS, "teams", 28, 21),
        (TEAMS_OBSERVED, ReportType.TEAMS, "teams", 28, 21),
        ("M365AppUserDetail_D30.csv", ReportType.M365_APPS, "m365_apps", None, 24),
        (COPILOT, ReportType.COPILOT, "copilot", 4, 3),
    ],
)
def test_each_workload_report_gives_the_readme_counts(
    name: str, report_type: ReportType, code: str, licensed: int | None, active: int
) -> None:
    report = parse(name)
    assert report.report_type == report_type
    assert report.workloads == (code,)
    assert (report.refresh_date, report.period_days) == (REFRESH_DATE, 30)
    assert report.users == (4 if code == "copilot" else 29)
    assert counts(report, code) == (licensed, active)


def test_receiving_mail_is_not_activity() -> None:
    # Diego received 97 mails and did nothing else; his last activity is 2025-09-11.
    diego = user(parse(EMAIL), "diego.siciliani@fabrikam.example.com")
    assert (diego["exchange_last_activity"], diego["exchange_active"]) == (
        datetime.date(2025, 9, 11),
        False,
    )


def test_an_activity_count_makes_a_user_active_whatever_the_date() -> None:
    # Diego's last activity predates the period, but a sent mail counts.
    content = with_cell(EMAIL, 9, "Send Count", "1")
    assert user(parse(EMAIL, content), "diego.siciliani@fabrikam.example.com")["exchange_active"]


def test_teams_columns_in_the_observed_order_give_the_same_users() -> None:
    assert parse(TEAMS_OBSERVED).frame.equals(parse(TEAMS).frame)


def test_yammer_marks_deleted_users_in_user_state() -> None:
    content = as_csv(
        [
            YAMMER_HEADER.split(","),
            [
                "2025-11-20",
                "Adele.Vance@fabrikam.example.com",
                "Vance, Adele",
                "Active",
                "",
                "2025-11-18",
                "3",
                "40",
                "7",
                "MICROSOFT 365 E3",
                "30",
            ],
            [
                "2025-11-20",
                "tomas.novak@fabrikam.example.com",
                "Tomas Novak",
                "Deleted",
                "2025-11-10",
                "2025-09-01",
                "0",
                "2",
                "0",
                "MICROSOFT 365 E3",
                "30",
            ],
            [
                "2025-11-20",
                "nestor.wilke@fabrikam.example.com",
                "Nestor Wilke",
                "active",
                "",
                "",
                "0",
                "0",
                "0",
                "MICROSOFT 365 E3",
                "30",
            ],
        ]
    )
    report = parse("YammerActivityUserDetail_D30.csv", content)
    assert (report.report_type, report.workloads) == (ReportType.YAMMER, ("viva_engage",))
    assert report.frame.select(
        "user_key", "is_deleted", "deleted_date", "viva_engage_active"
    ).rows() == [
        ("adele.vance@fabrikam.example.com", False, None, True),
        # Read 2 posts in the period although the last activity date is older.
        ("tomas.novak@fabrikam.example.com", True, datetime.date(2025, 11, 10), True),
        ("nestor.wilke@fabrikam.example.com", False, None, False),
    ]


def test_copilot_json_lists_licensed_users_with_their_latest_copilot_activity() -> None:
    report = parse(COPILOT)
    assert report.frame.select(
        "user_key", "display_name", "copilot_licensed", "copilot_last_activity"
    ).rows() == [
        ("bianca.pisani@fabrikam.example.com", "Bianca Pisani", True, datetime.date(2025, 11, 16)),
        ("brian.johnson@fabrikam.example.com", "Brian Johnson", True, None),
        ("debra.berger@fabrikam.example.com", "Debra Berger", True, REFRESH_DATE),
        ("megan.bowen@fabrikam.example.com", "Megan Bowen", True, datetime.date(2025, 11, 15)),
    ]


def test_copilot_json_accepts_null_dates_as_in_the_older_doc_example() -> None:
    document = json.loads((SAMPLES_DIR / COPILOT).read_text())
    for item in document["value"]:
        for field, value in item.items():
            if value == "":
                item[field] = None
    again = parse(COPILOT, json.dumps(document).encode())
    assert again.frame.equals(parse(COPILOT).frame)


def test_copilot_csv_gives_the_same_users_as_the_json() -> None:
    document = json.loads((SAMPLES_DIR / COPILOT).read_text())
    fields = [
        "reportRefreshDate",
        "userPrincipalName",
        "displayName",
        "lastActivityDate",
        "microsoftTeamsCopilotLastActivityDate",
        "wordCopilotLastActivityDate",
        "excelCopilotLastActivityDate",
        "powerPointCopilotLastActivityDate",
        "outlookCopilotLastActivityDate",
        "oneNoteCopilotLastActivityDate",
        "loopCopilotLastActivityDate",
        "copilotChatLastActivityDate",
    ]
    rows = [COPILOT_CSV_HEADER.split(",")]
    for item in document["value"]:
        values = {field: item[field] for field in fields}
        rows.append([values["reportRefreshDate"], "30", *(values[field] for field in fields[1:])])
    report = parse("Microsoft365CopilotUsageUserDetail_D30.csv", as_csv(rows))
    assert report.report_type == ReportType.COPILOT
    assert report.frame.equals(parse(COPILOT).frame)


def test_concealed_names_are_kept_as_they_are_and_warned_about() -> None:
    report = parse(CONCEALED_REPORT)
    assert (report.period_days, report.users, report.concealed_users) == (7, 20, 20)
    first = report.frame.row(0, named=True)
    assert first["user_key"] == "B7924D863263BE466722F71C4E959216"  # not lower-cased
    assert first["display_name"] == "09850F48808A38AC0D896153D956FFA4"
    assert first["concealed"] is True
    [warning] = report.warnings
    assert warning.startswith("20 of 20 users have concealed names")
    assert "cannot be matched with the directory" in warning
    assert "PATCH /admin/reportSettings with displayConcealedNames = false" in warning
    # Active in the 7 days ending on 2025-11-20, read off the file.
    assert {code: counts(report, code)[1] for code in report.workloads} == {
        "exchange": 13,
        "onedrive": 5,
        "sharepoint": 6,
        "teams": 13,
        "viva_engage": 1,
    }


# --- format quirks ---------------------------------------------------------------------------


def test_lf_line_endings_without_bom_read_the_same() -> None:
    content = as_csv(sample_rows(O365), bom=False, newline="\n")
    assert parse(O365, content).frame.equals(parse(O365).frame)


def test_booleans_in_any_case_read_the_same() -> None:
    rows = sample_rows(O365)
    for row in rows[1:]:
        row[rows[0].index("Is Deleted")] = row[rows[0].index("Is Deleted")].upper()
        row[rows[0].index("Has Teams License")] = (
            "yes" if row[rows[0].index("Has Teams License")] == "True" else "no"
        )
    assert parse(O365, as_csv(rows)).frame.equals(parse(O365).frame)


def test_user_principal_names_are_matched_in_lower_case() -> None:
    content = with_cell(EMAIL, 2, "User Principal Name", "Adele.Vance@Fabrikam.Example.com")
    assert user(parse(EMAIL, content), "adele.vance@fabrikam.example.com")["display_name"] == (
        "Vance, Adele"
    )


def test_without_a_period_users_active_in_it_are_not_counted() -> None:
    report = parse("Office365ActiveUserDetail.csv", (SAMPLES_DIR / O365).read_bytes())
    assert report.period_days is None
    assert report.frame.get_column("exchange_active").null_count() == 30
    [warning] = report.warnings
    assert warning.startswith("The report period is unknown")


def test_a_user_listed_twice_is_combined_with_a_warning() -> None:
    rows = sample_rows(EMAIL)
    adele = list(rows[1])
    adele[rows[0].index("Last Activity Date")] = "2025-08-01"
    adele[rows[0].index("Send Count")] = "0"
    adele[rows[0].index("Read Count")] = "0"
    report = parse(EMAIL, as_csv([*rows, adele]))
    assert report.users == 29
    assert report.rows == 30
    combined = user(report, "adele.vance@fabrikam.example.com")
    assert combined["exchange_last_activity"] == datetime.date(2025, 11, 19)
    [warning] = report.warnings
    assert warning.startswith(
        "1 user is listed on more than one row (e.g. adele.vance@fabrikam.example.com)"
    )


def test_trailing_blank_lines_are_not_users() -> None:
    content = (SAMPLES_DIR / EMAIL).read_bytes() + b"\r\n\r\n"
    assert parse(EMAIL, content).users == 29


def test_progress_is_reported_up_to_the_end() -> None:
    seen: list[tuple[int, str]] = []
    parse_report(EMAIL, SAMPLES_DIR / EMAIL, progress=lambda pct, stage: seen.append((pct, stage)))
    assert seen[0] == (0, "Reading the file")
    assert seen[-1] == (100, "Report checked")
    assert [pct for pct, _ in seen] == sorted(pct for pct, _ in seen)


def test_assigned_products_split_only_on_a_plus_without_spaces() -> None:
    products = pl.Series(
        [
            "OFFICE 365 E1+ENTERPRISE MOBILITY + SECURITY E5",
            "MICROSOFT 365 E3",
            "ENTERPRISE MOBILITY + SECURITY E5+MICROSOFT 365 COPILOT",
            None,
        ]
    )
    assert pl.select(split_assigned_products(pl.lit(products))).to_series().to_list() == [
        ["OFFICE 365 E1", "ENTERPRISE MOBILITY + SECURITY E5"],
        ["MICROSOFT 365 E3"],
        ["ENTERPRISE MOBILITY + SECURITY E5", "MICROSOFT 365 COPILOT"],
        None,
    ]


def test_header_keys_match_csv_columns_and_json_fields() -> None:
    assert header_key("\ufeffReport Refresh Date") == header_key("reportRefreshDate")
    assert header_key("PowerPoint Copilot Last Activity Date") == header_key(
        "powerPointCopilotLastActivityDate"
    )
    assert header_key("Outlook (Windows)") == "outlookwindows"


@pytest.mark.parametrize(
    ("name", "days"),
    [
        ("Office365ActiveUserDetail_D30.csv", 30),
        ("Office365ActiveUserDetail_D7_concealed.csv", 7),
        ("getEmailActivityUserDetail(period='D180').csv", 180),
        ("Office365ActiveUserDetail.csv", None),
        ("DATA30.csv", None),
    ],
)
def test_period_from_file_name(name: str, days: int | None) -> None:
    assert period_from_file_name(name) == days


# --- bad files: one message naming file, line and column -------------------------------------


def test_unknown_header() -> None:
    content = b"\xef\xbb\xbfName,Email\r\nAdele,adele@example.com\r\n"
    assert failure("people.csv", content) == (
        "people.csv, line 1: is not a usage report this import knows (its header matches none "
        "of Office365ActiveUserDetail, EmailActivityUserDetail, SharePointActivityUserDetail, "
        "OneDriveActivityUserDetail, TeamsUserActivityUserDetail, M365AppUserDetail, "
        "YammerActivityUserDetail, Microsoft365CopilotUsageUserDetail)"
    )


def test_semicolon_separated_header_gets_a_hint() -> None:
    rows = sample_rows(EMAIL)
    content = ";".join(rows[0]).encode() + b"\r\n"
    assert failure(EMAIL, content).endswith(
        "; its columns seem to be separated by ';' or tabs: export it with commas"
    )


def test_missing_required_column() -> None:
    rows = [row[:5] + row[6:] for row in sample_rows(EMAIL)]  # without Last Activity Date
    assert failure(EMAIL, as_csv(rows)) == (
        "EmailActivityUserDetail_D30.csv, line 1: lacks the column(s) Last Activity Date of the "
        "EmailActivityUserDetail report it seems to be"
    )


def test_column_twice_in_the_header() -> None:
    rows = [[*row, row[5]] for row in sample_rows(EMAIL)]
    assert failure(EMAIL, as_csv(rows)) == (
        "EmailActivityUserDetail_D30.csv, line 1, column Last Activity Date: appears twice in "
        "the header"
    )


def test_bad_date() -> None:
    content = with_cell(O365, 5, "SharePoint Last Activity Date", "2025-13-01")
    assert failure(O365, content) == (
        "Office365ActiveUserDetail_D30.csv, line 5, column SharePoint Last Activity Date: "
        "'2025-13-01' is not a date in the form YYYY-MM-DD (line 1 is the header)"
    )


def test_date_in_another_format() -> None:
    content = with_cell(EMAIL, 3, "Last Activity Date", "20/11/2025")
    assert failure(EMAIL, content) == (
        "EmailActivityUserDetail_D30.csv, line 3, column Last Activity Date: '20/11/2025' is not "
        "a date in the form YYYY-MM-DD (line 1 is the header)"
    )


def test_date_the_parser_would_forgive() -> None:
    content = with_cell(EMAIL, 3, "Last Activity Date", "2025-1-5")
    assert failure(EMAIL, content) == (
        "EmailActivityUserDetail_D30.csv, line 3, column Last Activity Date: '2025-1-5' is not "
        "a date in the form YYYY-MM-DD (line 1 is the header)"
    )


def test_bad_boolean() -> None:
    content = with_cell(TEAMS, 7, "Is Licensed", "Maybe")
    assert failure(TEAMS, content) == (
        "TeamsUserActivityUserDetail_D30.csv, line 7, column Is Licensed: 'Maybe' is not True, "
        "False, Yes or No (line 1 is the header)"
    )


def test_bad_count() -> None:
    content = with_cell(EMAIL, 4, "Read Count", "many")
    assert failure(EMAIL, content) == (
        "EmailActivityUserDetail_D30.csv, line 4, column Read Count: 'many' is not a count (a "
        "whole number from 0) (line 1 is the header)"
    )


def test_mixed_refresh_dates() -> None:
    content = with_cell(EMAIL, 12, "Report Refresh Date", "2025-11-19")
    assert failure(EMAIL, content) == (
        "EmailActivityUserDetail_D30.csv, line 12, column Report Refresh Date: is '2025-11-19' "
        "but the first row has '2025-11-20': a report has one refresh date (line 1 is the header)"
    )


def test_report_period_not_a_number() -> None:
    content = with_cell(EMAIL, 2, "Report Period", "D30")
    assert failure(EMAIL, content) == (
        "EmailActivityUserDetail_D30.csv, line 2, column Report Period: 'D30' is not a number of "
        "days (line 1 is the header)"
    )


def test_empty_user_principal_name() -> None:
    content = with_cell(EMAIL, 6, "User Principal Name", " ")
    assert failure(EMAIL, content) == (
        "EmailActivityUserDetail_D30.csv, line 6, column User Principal Name: is empty: every "
        "row needs the user's principal name (line 1 is the header)"
    )


def test_the_first_problem_in_the_file_is_named() -> None:
    content = with_cell(EMAIL, 9, "Last Activity Date", "yesterday")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    rows[3][rows[0].index("Send Count")] = "-1"
    assert ", line 4, column Send Count:" in failure(EMAIL, as_csv(rows))


def test_row_with_a_value_missing() -> None:
    rows = sample_rows(EMAIL)
    del rows[8][6]  # line 9 loses its Send Count
    assert failure(EMAIL, as_csv(rows)) == (
        "EmailActivityUserDetail_D30.csv, line 9: has 12 values but the header has 13 columns "
        "(line 1 is the header)"
    )


def test_row_with_a_value_missing_where_the_last_column_may_be_empty() -> None:
    # The last column of this report (Assigned Products) may be empty, which hides a short row
    # from Polars: the commas tell.
    rows = sample_rows(O365)
    rows[3][-1] = ""
    del rows[3][4]
    assert failure(O365, as_csv(rows)) == (
        "Office365ActiveUserDetail_D30.csv, line 4: has 23 values but the header has 24 columns "
        "(line 1 is the header)"
    )


def test_empty_last_values_are_not_mistaken_for_short_rows() -> None:
    rows = sample_rows(O365)
    for row in rows[1:6]:
        row[-1] = ""
    report = parse(O365, as_csv(rows))
    assert report.frame.get_column("assigned_products").null_count() == 5


def test_row_with_a_value_too_many() -> None:
    rows = sample_rows(EMAIL)
    rows[10].insert(3, "Smith")  # an unquoted comma in a display name
    assert failure(EMAIL, as_csv(rows)) == (
        "EmailActivityUserDetail_D30.csv, line 11: has 14 values but the header has 13 columns "
        "(line 1 is the header)"
    )


def long_o365_rows(copies: int = 40) -> list[list[str]]:
    """The Office 365 sample repeated (distinct users) past the 64 kB the reader looks at first."""
    header, *rows = sample_rows(O365)
    upn = header.index("User Principal Name")
    out = [header]
    for copy in range(copies):
        for row in rows:
            out.append(
                [f"{copy}.{value}" if index == upn else value for index, value in enumerate(row)]
            )
    assert len(as_csv(out)) > 64 * 1024
    return out


def test_yes_no_after_the_first_rows_of_a_true_false_column() -> None:
    # The first rows say True/False, so the column is read as booleans; a Yes further down
    # makes Polars refuse, and the file is read again as text: Yes is still accepted.
    rows = long_o365_rows()
    licence = rows[0].index("Has Teams License")
    rows[-3][licence] = "Yes"
    rows[-2][licence] = "no"
    report = parse(O365, as_csv(rows))
    assert report.users == len(rows) - 1
    keys = [row[rows[0].index("User Principal Name")].lower() for row in rows[-3:-1]]
    assert [user(report, key)["teams_licensed"] for key in keys] == [True, False]


def test_bad_truth_value_after_the_first_rows_is_named() -> None:
    rows = long_o365_rows()
    rows[-5][rows[0].index("Is Deleted")] = "Maybe"
    assert failure(O365, as_csv(rows)) == (
        f"Office365ActiveUserDetail_D30.csv, line {len(rows) - 4}, column Is Deleted: 'Maybe' "
        "is not True, False, Yes or No (line 1 is the header)"
    )


def test_row_with_a_value_too_many_in_a_report_with_true_false_columns() -> None:
    rows = long_o365_rows()
    rows[-7].insert(3, "Smith")  # an unquoted comma in a display name
    assert failure(O365, as_csv(rows)) == (
        f"Office365ActiveUserDetail_D30.csv, line {len(rows) - 6}: has 25 values but the header "
        "has 24 columns (line 1 is the header)"
    )


def test_true_false_in_any_case() -> None:
    rows = long_o365_rows()
    deleted = rows[0].index("Is Deleted")
    for row, spelling in zip(rows[1:], ("TRUE", "false", "tRuE", "FALSE"), strict=False):
        row[deleted] = spelling
    report = parse(O365, as_csv(rows))
    assert report.frame.get_column("is_deleted").head(4).to_list() == [True, False, True, False]


def test_file_cut_short() -> None:
    content = (SAMPLES_DIR / EMAIL).read_bytes()
    cut = content[: content.rindex(b",MICROSOFT 365 E5")]  # a download that stopped early
    assert failure(EMAIL, cut) == (
        "EmailActivityUserDetail_D30.csv, line 30: has 11 values but the header has 13 columns; "
        "the file seems to be cut short (line 1 is the header)"
    )


def test_unterminated_quote() -> None:
    content = with_cell(EMAIL, 3, "Display Name", "Wilber, Alex").replace(
        b'"Wilber, Alex"', b'"Wilber, Alex'
    )
    message = failure(EMAIL, content)
    assert message.startswith("EmailActivityUserDetail_D30.csv, line ")
    assert "is not valid CSV" in message or "values but the header has 13 columns" in message


def test_not_utf8() -> None:
    content = (SAMPLES_DIR / EMAIL).read_bytes().replace(b"Emily Braun", b"Emily Br\xe4un")
    assert failure(EMAIL, content) == (
        "EmailActivityUserDetail_D30.csv, line 10, column Display Name: is not UTF-8 text (byte "
        "0xe4) (line 1 is the header)"
    )


def test_utf16() -> None:
    content = (SAMPLES_DIR / EMAIL).read_bytes().decode("utf-8-sig").encode("utf-16")
    assert failure(EMAIL, content) == (
        "EmailActivityUserDetail_D30.csv: is UTF-16 text: save it as UTF-8 (CSV UTF-8) and try "
        "again"
    )


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n  \r\n"])
def test_empty_file(content: bytes) -> None:
    assert failure(EMAIL, content) == "EmailActivityUserDetail_D30.csv: is empty"


def test_header_without_rows() -> None:
    content = (SAMPLES_DIR / EMAIL).read_bytes().split(b"\r\n")[0] + b"\r\n"
    assert failure(EMAIL, content) == (
        "EmailActivityUserDetail_D30.csv: has no user rows: there is nothing to import"
    )


def test_truncated_json() -> None:
    content = (SAMPLES_DIR / COPILOT).read_bytes()
    cut = content[: content.index(b'"displayName": "Brian')]
    assert failure(COPILOT, cut) == (
        "Microsoft365CopilotUsageUserDetail_D30.json, line 25: is not valid JSON: Expecting "
        "property name enclosed in double quotes (character 7); is the file complete?"
    )


def test_json_with_a_number_too_long_to_read() -> None:
    """Found by the import fuzz test: Python refuses integers of more than 4,300 digits with a
    ValueError that is not a JSONDecodeError."""
    content = b'{"value": [{"reportRefreshDate": ' + b"9" * 5000 + b"}]}"
    assert failure(COPILOT, content) == (
        "Microsoft365CopilotUsageUserDetail_D30.json: is not valid JSON: it has a number of "
        "thousands of digits"
    )


def test_json_date_of_the_wrong_type() -> None:
    document = json.loads((SAMPLES_DIR / COPILOT).read_text())
    document["value"][2]["wordCopilotLastActivityDate"] = 20251117
    assert failure(COPILOT, json.dumps(document).encode()) == (
        "Microsoft365CopilotUsageUserDetail_D30.json, item 3, field wordCopilotLastActivityDate: "
        "must be text, got 20251117"
    )


def test_json_bad_date_names_item_and_field() -> None:
    document = json.loads((SAMPLES_DIR / COPILOT).read_text())
    document["value"][1]["lastActivityDate"] = "2025-11-31"
    assert failure(COPILOT, json.dumps(document).encode()) == (
        "Microsoft365CopilotUsageUserDetail_D30.json, item 2, field lastActivityDate: "
        "'2025-11-31' is not a date in the form YYYY-MM-DD"
    )


def test_json_that_is_not_a_report() -> None:
    assert failure(COPILOT, b'{"error": {"code": "Forbidden"}}') == (
        "Microsoft365CopilotUsageUserDetail_D30.json: is not a Microsoft Graph report response: "
        'expected an object with a "value" list'
    )


# --- malformed variants of a real sample ------------------------------------------------------

SAMPLE_BYTES = (SAMPLES_DIR / O365).read_bytes() if (SAMPLES_DIR / O365).exists() else b""
SAMPLE_ROWS = sample_rows(O365) if SAMPLE_BYTES else [[]]
TRICKY_CELLS = st.sampled_from(
    ["", " ", "True", "no", "2025-11-31", "2025-11-20", "12", "-1", '"', ",", "\r\n", "\x00", "é"]
)


@st.composite
def malformed(draw: st.DrawFn) -> bytes:
    """The sample with cells mutated, columns dropped or duplicated, or bytes overwritten."""
    kind = draw(st.sampled_from(["cells", "columns", "bytes", "truncate"]))
    if kind == "bytes":
        data = bytearray(SAMPLE_BYTES)
        for _ in range(draw(st.integers(1, 5))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "truncate":
        return SAMPLE_BYTES[: draw(st.integers(0, len(SAMPLE_BYTES)))]
    rows = [list(row) for row in SAMPLE_ROWS]
    width = len(rows[0])
    if kind == "columns":
        column = draw(st.integers(0, width - 1))
        duplicate = draw(st.booleans())
        for row in rows:
            if duplicate:
                row.append(row[column])
            else:
                del row[column]
    else:
        for _ in range(draw(st.integers(1, 4))):
            line = draw(st.integers(0, len(rows) - 1))
            rows[line][draw(st.integers(0, width - 1))] = draw(TRICKY_CELLS | st.text(max_size=12))
    return as_csv(rows, newline=draw(st.sampled_from(["\r\n", "\n"])))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=malformed())
def test_malformed_variants_fail_only_with_a_clear_message(content: bytes) -> None:
    outcome = parse_or_failure(O365, content)  # anything else raised fails the test
    if isinstance(outcome, ImportFailure):
        assert str(outcome).startswith((O365 + ":", O365 + ", "))
        assert outcome.problem
    else:
        assert outcome.users >= 1
        assert {"user_key", "concealed"} <= set(outcome.frame.columns)


def parse_or_failure(name: str, content: bytes) -> ParsedReport | ImportFailure:
    try:
        return parse_report(name, content)
    except ImportFailure as problem:
        return problem


def test_a_real_path_and_its_bytes_read_the_same(sample: Callable[[str], Path]) -> None:
    path = sample(O365)
    assert parse_report(O365, path).frame.equals(parse_report(O365, path.read_bytes()).frame)
