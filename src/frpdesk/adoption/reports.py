"""Microsoft 365 usage reports in: the report type is detected from the header, every value the
import uses is checked, and the report is normalised to one row per user.

Formats: ``../shared/reference/usage-formats.md``; quirks: ``../shared/samples/README.md``.
Columns are looked up by name, never by position (live exports have shown other orders), after
normalising the header (``header_key``: BOM, case, spaces and punctuation dropped), which also
maps the camelCase fields of the Copilot JSON onto the CSV column names.

The whole file is read by Polars with every column as text (but True/False columns, read as
booleans when the first rows say so), then checked and converted with vectorised expressions: a
report of a million users takes about as long as reading it. Any problem
raises one ``ImportFailure`` naming the file, where, and what. In a CSV file the place is the line
with the header counted as line 1 (the row number a spreadsheet shows) and the column header; in
the Copilot JSON it is the item of ``value`` (from 1) and the field.
"""

import contextlib
import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from frpdesk.adoption.models import ReportType
from frpdesk.core.imports import ImportFailure

Progress = Callable[[int, str], None]

EXCHANGE = "exchange"
ONEDRIVE = "onedrive"
SHAREPOINT = "sharepoint"
TEAMS = "teams"
M365_APPS = "m365_apps"
VIVA_ENGAGE = "viva_engage"
COPILOT = "copilot"
WORKLOAD_CODES = (EXCHANGE, ONEDRIVE, SHAREPOINT, TEAMS, M365_APPS, VIVA_ENGAGE, COPILOT)

# Concealed user names are 32 upper-case hex digits (samples README, quirk 9).
CONCEALED_NAME = r"^[0-9A-F]{32}$"
TRUTH_WORDS = {"true": True, "false": False, "yes": True, "no": False}
TRUTH_SPELLINGS = {
    spelling: truth
    for word, truth in TRUTH_WORDS.items()
    for spelling in (word, word.capitalize(), word.upper())
}
UTF8_BOM = b"\xef\xbb\xbf"
HEAD_BYTES = 64 * 1024  # enough for any report header

# Header keys (``header_key`` of the column names) with a role in every report.
REFRESH_DATE = "reportrefreshdate"
USER_PRINCIPAL_NAME = "userprincipalname"
DISPLAY_NAME = "displayname"
IS_DELETED = "isdeleted"
DELETED_DATE = "deleteddate"
USER_STATE = "userstate"  # Viva Engage (Yammer) marks deleted users here instead
STATE_CHANGE_DATE = "statechangedate"
ASSIGNED_PRODUCTS = "assignedproducts"
REPORT_PERIOD = "reportperiod"
LAST_ACTIVITY = "lastactivitydate"
COPILOT_PERIODS = "copilotActivityUserDetailsByPeriod"  # JSON: [{"reportPeriod": 30}]


def header_key(name: str) -> str:
    """'Exchange Last Activity Date', 'exchangeLastActivityDate', '\\ufeffReport Refresh Date'
    → 'exchangelastactivitydate', …: how columns and JSON fields are matched."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


# --- what each report holds ------------------------------------------------------------------


@dataclass(frozen=True)
class WorkloadColumns:
    """Where a report keeps one workload's figures (header keys)."""

    code: str
    last_activity: tuple[str, ...]  # the first is required; the workload's date is the latest
    licensed: str | None = None  # a True/False or Yes/No column; None: the report does not say…
    lists_licensed_users_only: bool = False  # …unless every listed user is licensed
    activity_counts: tuple[str, ...] = ()  # optional; any above 0 means active in the period
    activity_flags: tuple[str, ...] = ()  # optional Yes/No; any Yes means active in the period


@dataclass(frozen=True)
class ReportSpec:
    report_type: ReportType
    name: str  # Microsoft's name of the report
    signature: tuple[str, ...]  # header keys that tell this report from the others
    workloads: tuple[WorkloadColumns, ...]
    deletion: Literal["flag", "user_state"] | None  # how deleted users are marked, if at all

    @property
    def required(self) -> tuple[str, ...]:
        columns = [REFRESH_DATE, USER_PRINCIPAL_NAME, *self.signature]
        if self.deletion == "flag":
            columns.append(IS_DELETED)
        elif self.deletion == "user_state":
            columns.append(USER_STATE)
        for workload in self.workloads:
            columns.append(workload.last_activity[0])
            if workload.licensed:
                columns.append(workload.licensed)
        return tuple(dict.fromkeys(columns))


def _office365_workload(code: str, word: str) -> WorkloadColumns:
    return WorkloadColumns(code, (f"{word}lastactivitydate",), licensed=f"has{word}license")


_FILE_COUNTS = (
    "viewedoreditedfilecount",
    "syncedfilecount",
    "sharedinternallyfilecount",
    "sharedexternallyfilecount",
)
_M365_APPS = ("outlook", "word", "excel", "powerpoint", "onenote", "teams")
_COPILOT_APPS = (
    "microsoftteams",
    "word",
    "excel",
    "powerpoint",
    "outlook",
    "onenote",
    "loop",
    "copilotchat",
)

# In detection order: the SharePoint report has every OneDrive column plus Visited Page Count.
SPECS: tuple[ReportSpec, ...] = (
    ReportSpec(
        ReportType.OFFICE365_ACTIVE_USERS,
        "Office365ActiveUserDetail",
        ("hasexchangelicense", "exchangelastactivitydate"),
        # Skype for Business columns are ignored: it is not a workload of the program.
        (
            _office365_workload(EXCHANGE, "exchange"),
            _office365_workload(ONEDRIVE, "onedrive"),
            _office365_workload(SHAREPOINT, "sharepoint"),
            _office365_workload(TEAMS, "teams"),
            _office365_workload(VIVA_ENGAGE, "yammer"),
        ),
        deletion="flag",
    ),
    ReportSpec(
        ReportType.EMAIL,
        "EmailActivityUserDetail",
        ("sendcount", "receivecount"),
        (
            WorkloadColumns(
                EXCHANGE,
                (LAST_ACTIVITY,),
                lists_licensed_users_only=True,  # "licensed mailboxes only" (Graph docs)
                # Receiving mail is not activity.
                activity_counts=(
                    "sendcount",
                    "readcount",
                    "meetingcreatedcount",
                    "meetinginteractedcount",
                ),
            ),
        ),
        deletion="flag",
    ),
    ReportSpec(
        ReportType.SHAREPOINT,
        "SharePointActivityUserDetail",
        ("viewedoreditedfilecount", "visitedpagecount"),
        (
            WorkloadColumns(
                SHAREPOINT, (LAST_ACTIVITY,), activity_counts=(*_FILE_COUNTS, "visitedpagecount")
            ),
        ),
        deletion="flag",
    ),
    ReportSpec(
        ReportType.ONEDRIVE,
        "OneDriveActivityUserDetail",
        ("viewedoreditedfilecount", "syncedfilecount"),
        (WorkloadColumns(ONEDRIVE, (LAST_ACTIVITY,), activity_counts=_FILE_COUNTS),),
        deletion="flag",
    ),
    ReportSpec(
        ReportType.TEAMS,
        "TeamsUserActivityUserDetail",
        ("teamchatmessagecount", "privatechatmessagecount"),
        (
            WorkloadColumns(
                TEAMS,
                (LAST_ACTIVITY,),
                licensed="islicensed",
                activity_counts=(
                    "teamchatmessagecount",
                    "privatechatmessagecount",
                    "callcount",
                    "meetingcount",
                    "postmessages",
                    "replymessages",
                    "urgentmessages",
                    "meetingsorganizedcount",
                    "meetingsattendedcount",
                ),
                activity_flags=("hasotheraction",),
            ),
        ),
        deletion="flag",
    ),
    ReportSpec(
        ReportType.M365_APPS,
        "M365AppUserDetail",
        ("lastactivationdate",),
        (
            WorkloadColumns(
                M365_APPS,
                (LAST_ACTIVITY,),
                activity_flags=("windows", "mac", "mobile", "web", *_M365_APPS),
            ),
        ),
        deletion=None,
    ),
    ReportSpec(
        ReportType.YAMMER,
        "YammerActivityUserDetail",
        ("postedcount", "likedcount"),
        (
            WorkloadColumns(
                VIVA_ENGAGE,
                (LAST_ACTIVITY,),
                activity_counts=("postedcount", "readcount", "likedcount"),
            ),
        ),
        deletion="user_state",
    ),
    ReportSpec(
        ReportType.COPILOT,
        "Microsoft365CopilotUsageUserDetail",
        ("microsoftteamscopilotlastactivitydate",),
        (
            WorkloadColumns(
                COPILOT,
                (LAST_ACTIVITY, *(f"{app}copilotlastactivitydate" for app in _COPILOT_APPS)),
                lists_licensed_users_only=True,  # only Copilot-licensed users are listed
            ),
        ),
        deletion=None,
    ),
)


# --- the result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedReport:
    """A usage report, checked and normalised.

    ``frame`` has one row per user, in file order:

    - ``user_key`` (str): the user principal name in lower case, or the concealed code as is;
    - ``concealed`` (bool): the name is a 32-hex code, so the user cannot be matched elsewhere;
    - ``display_name`` (str), when the report has one;
    - ``is_deleted`` (bool) and ``deleted_date`` (date), when the report marks deleted users;
    - ``assigned_products`` (str), when the report has them, as Microsoft joins them (``+``; see
      ``split_assigned_products``);
    - per workload the report covers (``workloads``): ``<code>_licensed`` (bool; null when the
      report does not say), ``<code>_last_activity`` (date; null: never active) and
      ``<code>_active`` (bool: active in the report period, by date or by any activity count;
      null when the period is unknown).
    """

    file_name: str
    report_type: ReportType
    report_name: str
    refresh_date: datetime.date
    period_days: int | None
    workloads: tuple[str, ...]
    rows: int
    concealed_users: int
    warnings: tuple[str, ...]
    frame: pl.DataFrame

    @property
    def users(self) -> int:
        return self.frame.height

    @property
    def marks_deleted_users(self) -> bool:
        return "is_deleted" in self.frame.columns


def parse_report(
    file_name: str, content: bytes | Path, *, progress: Progress | None = None
) -> ParsedReport:
    """Detect, check and normalise a usage report (CSV as Graph returns it, or Copilot JSON).

    ``progress(percent, stage)`` is called as the work goes on. Raises ``ImportFailure``.
    """
    report_progress = progress or (lambda percent, stage: None)
    report_progress(0, "Reading the file")
    head = _head(file_name, content)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailure(
            file_name, None, None, "is UTF-16 text: save it as UTF-8 (CSV UTF-8) and try again"
        )
    if not head.removeprefix(UTF8_BOM).strip():
        raise ImportFailure(file_name, None, None, "is empty")
    if head.removeprefix(UTF8_BOM).lstrip()[:1] in (b"{", b"["):
        table = _read_copilot_json(file_name, _all_bytes(file_name, content))
    else:
        table = _read_csv(file_name, content, head)
    report_progress(40, "Checking the values")
    return _normalise(table, report_progress)


def split_assigned_products(products: pl.Expr) -> pl.Expr:
    """``+``-joined product names → list of names. One product name has `` + `` in it
    (ENTERPRISE MOBILITY + SECURITY E5), so only a ``+`` with no space on either side splits."""
    kept = "\x1f"  # a byte no product name has
    return (
        products.str.replace_all(" +", " " + kept, literal=True)
        .str.replace_all("+ ", kept + " ", literal=True)
        .str.split("+")
        .list.eval(pl.element().str.replace_all(kept, "+", literal=True).str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
    )


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    """A report read as text, before checking: columns named by header key."""

    file_name: str
    spec: ReportSpec
    raw: pl.DataFrame
    labels: dict[str, str]  # header key → the column (or field) name to show
    first_row: int  # the number of the first data row: line 2 in CSV, item 1 in JSON
    row_label: str
    column_label: str
    note: str  # how rows are counted, added to every message naming a row

    def failure(self, index: int | None, key: str | None, problem: str) -> ImportFailure:
        return ImportFailure(
            self.file_name,
            None if index is None else index + self.first_row,
            None if key is None else self.labels.get(key, key),
            problem + (self.note if index is not None else ""),
            row_label=self.row_label,
            column_label=self.column_label,
        )


def _head(file_name: str, content: bytes | Path) -> bytes:
    if isinstance(content, bytes):
        return content[:HEAD_BYTES]
    try:
        with content.open("rb") as stream:
            return stream.read(HEAD_BYTES)
    except OSError as exc:
        raise ImportFailure(file_name, None, None, f"cannot be read: {exc.strerror}") from exc


def _all_bytes(file_name: str, content: bytes | Path) -> bytes:
    if isinstance(content, bytes):
        return content
    try:
        return content.read_bytes()
    except OSError as exc:
        raise ImportFailure(file_name, None, None, f"cannot be read: {exc.strerror}") from exc


def _detect(file_name: str, keys: Sequence[str], where: int | None, hint: str = "") -> ReportSpec:
    present = set(keys)
    for spec in SPECS:
        if present.issuperset(spec.signature):
            missing = [key for key in spec.required if key not in present]
            if missing:
                names = ", ".join(_column_name(key) for key in missing)
                raise ImportFailure(
                    file_name,
                    where,
                    None,
                    f"lacks the column(s) {names} of the {spec.name} report it seems to be",
                    row_label="line",
                )
            return spec
    names = ", ".join(spec.name for spec in SPECS)
    raise ImportFailure(
        file_name,
        where,
        None,
        f"is not a usage report this import knows (its header matches none of {names}){hint}",
        row_label="line",
    )


def _column_name(key: str) -> str:
    """The documented column name of a header key, for messages about missing columns."""
    return _DOCUMENTED_NAMES.get(key, key)


_DOCUMENTED_NAMES = {
    header_key(name): name
    for name in (
        "Report Refresh Date",
        "User Principal Name",
        "Is Deleted",
        "User State",
        "Last Activity Date",
        "Is Licensed",
        "Send Count",
        "Receive Count",
        "Visited Page Count",
        "Viewed Or Edited File Count",
        "Synced File Count",
        "Team Chat Message Count",
        "Private Chat Message Count",
        "Last Activation Date",
        "Posted Count",
        "Liked Count",
        "Microsoft Teams Copilot Last Activity Date",
        *(
            f"Has {word} License"
            for word in ("Exchange", "OneDrive", "SharePoint", "Yammer", "Teams")
        ),
        *(
            f"{word} Last Activity Date"
            for word in ("Exchange", "OneDrive", "SharePoint", "Yammer", "Teams")
        ),
    )
}


def _read_csv(file_name: str, content: bytes | Path, head: bytes) -> _Table:
    header_line, header = _csv_header(file_name, head)
    keys = [header_key(name) for name in header]
    labels: dict[str, str] = {}
    for key, name in zip(keys, header, strict=True):
        if key in labels:
            raise ImportFailure(file_name, 1, name, "appears twice in the header", row_label="line")
        labels[key] = name
    hint = ""
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        hint = "; its columns seem to be separated by ';' or tabs: export it with commas"
    spec = _detect(file_name, keys, 1, hint)
    source = str(content) if isinstance(content, Path) else content
    booleans = _boolean_columns(spec, keys, head)
    raw = None
    if booleans:
        # Polars reads true/false (in any case) straight into booleans, a subset of what the
        # check accepts and to the same values: cheaper than text. On any other value (or any
        # problem) it refuses, and the file is read again as text, to be checked as usual.
        with contextlib.suppress(pl.exceptions.PolarsError, pl.exceptions.PanicException):
            raw = _read_csv_columns(source, keys, booleans)
    try:
        if raw is None:
            raw = _read_csv_columns(source, keys, {})
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        data = _all_bytes(file_name, content)
        located = _locate_csv_problem(file_name, data, header)
        if located is not None:
            raise located from exc
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ImportFailure(file_name, None, None, f"cannot be read as CSV: {first_line}") from exc
    raw = _without_trailing_blank_rows(raw)
    _check_row_lengths(file_name, content, raw, header_line, header)
    used = _used_columns(spec, raw.columns)
    return _Table(
        file_name,
        spec,
        raw.select(used),
        labels,
        first_row=2,
        row_label="line",
        column_label="column",
        note=" (line 1 is the header)",
    )


def _read_csv_columns(
    source: str | bytes, keys: list[str], booleans: dict[str, pl.DataType]
) -> pl.DataFrame:
    """Every column as text but ``booleans``. Rows with too many values are refused (only when
    every column is read: Polars skips the rest of a row after the last column it projects)."""
    return pl.read_csv(
        source,
        has_header=True,
        new_columns=keys,
        infer_schema=False,
        schema_overrides=booleans or None,
        encoding="utf8",
        truncate_ragged_lines=False,
    )


def _boolean_columns(spec: ReportSpec, keys: list[str], head: bytes) -> dict[str, pl.DataType]:
    """The True/False columns the report uses whose values in the first rows are all True or
    False (any case) or empty: worth reading as booleans. Not Yes/No columns, which Polars does
    not read."""
    wanted = {IS_DELETED} if spec.deletion == "flag" else set()
    for workload in spec.workloads:
        wanted.update(workload.activity_flags)
        if workload.licensed:
            wanted.add(workload.licensed)
    positions = {key: position for position, key in enumerate(keys) if key in wanted}
    if not positions:
        return {}
    if len(head) >= HEAD_BYTES:  # only whole lines
        head = head[: head.rfind(b"\n") + 1]
    try:
        rows = list(csv.reader(io.StringIO(head.decode("utf-8-sig")), strict=True))[1:]
    except (UnicodeDecodeError, csv.Error):
        return {}
    rows = [row for row in rows if len(row) == len(keys)]
    booleans: dict[str, pl.DataType] = {}
    for key, position in positions.items():
        values = {row[position].lower() for row in rows}
        if values & {"true", "false"} and values <= {"true", "false", ""}:
            booleans[key] = pl.Boolean()
    return booleans


def _csv_header(file_name: str, head: bytes) -> tuple[bytes, list[str]]:
    """The header line as bytes and its column names."""
    end = head.find(b"\n")
    header_line = head if end < 0 else head[: end + 1]
    try:
        text = header_line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(file_name, 1, None, "is not UTF-8 text", row_label="line") from exc
    try:
        names = next(csv.reader([text.rstrip("\r\n")], strict=True), [])
    except csv.Error as exc:
        raise ImportFailure(
            file_name, 1, None, f"is not a valid CSV header: {exc}", row_label="line"
        ) from exc
    return header_line, [name.strip() for name in names]


def _without_trailing_blank_rows(raw: pl.DataFrame) -> pl.DataFrame:
    """Blank lines at the end of a file (an editor's or a download's) are not users."""
    height = raw.height
    while height and all(value is None for value in raw.row(height - 1)):
        height -= 1
    return raw.head(height)


def _check_row_lengths(
    file_name: str, content: bytes | Path, raw: pl.DataFrame, header_line: bytes, header: list[str]
) -> None:
    """Find rows with too few values (Polars refuses rows with too many, but fills short ones).

    A short row leaves the last column empty, so only files with an empty last value are looked
    at: their commas must add up to (columns − 1) per row plus the commas inside quoted values.
    Only when they do not is the file read again, slowly, to name the row.
    """
    if raw.height == 0 or raw.get_column(raw.columns[-1]).null_count() == 0:
        return
    data = _all_bytes(file_name, content)
    text_columns = [name for name, dtype in raw.schema.items() if dtype == pl.String]
    commas_in_values = raw.select(
        pl.sum_horizontal(
            pl.col(column).str.count_matches(",", literal=True).sum() for column in text_columns
        )
    ).item()
    expected = header_line.count(b",") + (len(header) - 1) * raw.height + commas_in_values
    if data.count(b",") == expected:
        return
    located = _locate_csv_problem(file_name, data, header)
    if located is not None:
        raise located


def _locate_csv_problem(file_name: str, data: bytes, header: list[str]) -> ImportFailure | None:
    """Read the file with Python's csv module to name the first line that is wrong (slow: only
    for files already known to be broken)."""
    stream = io.BytesIO(data)
    if data.startswith(UTF8_BOM):
        stream.seek(len(UTF8_BOM))
    bad_line: list[tuple[int, bytes, UnicodeDecodeError]] = []

    def lines() -> Iterator[str]:
        for number, line in enumerate(stream, start=1):
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad_line.append((number, line, exc))
                return

    reader = csv.reader(lines(), strict=True)
    try:
        for record, values in enumerate(reader, start=1):
            if record == 1 or not values:
                continue
            if len(values) != len(header):
                line_number = reader.line_num
                cut_short = len(values) < len(header) and _at_end(reader) and not bad_line
                return ImportFailure(
                    file_name,
                    line_number,
                    None,
                    f"has {len(values)} values but the header has {len(header)} columns"
                    + ("; the file seems to be cut short" if cut_short else "")
                    + " (line 1 is the header)",
                    row_label="line",
                )
    except csv.Error as exc:
        return ImportFailure(
            file_name,
            reader.line_num,
            None,
            f"is not valid CSV: {exc} (line 1 is the header)",
            row_label="line",
        )
    if bad_line:
        number, line, error = bad_line[0]
        before = line[: error.start].decode("utf-8", errors="replace")
        position = len(next(csv.reader([before]), [""])) - 1 if before else 0
        column = header[position] if 0 <= position < len(header) else None
        return ImportFailure(
            file_name,
            number,
            column,
            f"is not UTF-8 text (byte {line[error.start]:#04x}) (line 1 is the header)",
            row_label="line",
        )
    return None


def _at_end(reader: Iterator[list[str]]) -> bool:
    try:
        return next(reader, None) is None
    except csv.Error:
        return False


def _used_columns(spec: ReportSpec, present: Sequence[str]) -> list[str]:
    wanted = [
        REFRESH_DATE,
        USER_PRINCIPAL_NAME,
        DISPLAY_NAME,
        IS_DELETED,
        DELETED_DATE,
        USER_STATE,
        STATE_CHANGE_DATE,
        ASSIGNED_PRODUCTS,
        REPORT_PERIOD,
    ]
    for workload in spec.workloads:
        wanted += [*workload.last_activity, *workload.activity_counts, *workload.activity_flags]
        if workload.licensed:
            wanted.append(workload.licensed)
    if spec.deletion != "flag":
        wanted = [key for key in wanted if key not in (IS_DELETED, DELETED_DATE)]
    if spec.deletion != "user_state":
        wanted = [key for key in wanted if key not in (USER_STATE, STATE_CHANGE_DATE)]
    available = set(present)
    return [key for key in dict.fromkeys(wanted) if key in available]


def _read_copilot_json(file_name: str, data: bytes) -> _Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            file_name,
            data.count(b"\n", 0, exc.start) + 1,
            None,
            "is not UTF-8 text",
            row_label="line",
        ) from exc
    try:
        document = json.loads(text)
    except RecursionError as exc:
        raise ImportFailure(file_name, None, None, "is not valid JSON: nested too deeply") from exc
    except json.JSONDecodeError as exc:
        raise ImportFailure(
            file_name,
            exc.lineno,
            None,
            f"is not valid JSON: {exc.msg} (character {exc.colno}); is the file complete?",
            row_label="line",
        ) from exc
    except ValueError as exc:  # a number of more digits than Python reads (4,300)
        raise ImportFailure(
            file_name, None, None, "is not valid JSON: it has a number of thousands of digits"
        ) from exc
    items = document.get("value") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise ImportFailure(
            file_name,
            None,
            None,
            'is not a Microsoft Graph report response: expected an object with a "value" list',
        )
    fields = {
        field: header_key(field)
        for item in items
        if isinstance(item, dict)
        for field in item
        if field != COPILOT_PERIODS
    }
    spec = _detect(
        file_name,
        [*fields.values(), REPORT_PERIOD],
        None,
        "; as JSON only the Copilot usage report is read: download the others as CSV",
    )
    if spec.report_type != ReportType.COPILOT:
        raise ImportFailure(
            file_name,
            None,
            None,
            f"is a {spec.name} report in JSON: only the Copilot report is read as JSON; "
            "download the others as CSV ($format=text/csv)",
        )
    used = set(_used_columns(spec, [*fields.values(), REPORT_PERIOD]))
    labels = {key: field for field, key in fields.items() if key in used}
    labels[REPORT_PERIOD] = f"{COPILOT_PERIODS}.reportPeriod"
    columns: dict[str, list[str | None]] = {key: [] for key in labels}
    for number, item in enumerate(items, start=1):

        def fail(field: str | None, problem: str, number: int = number) -> ImportFailure:
            return ImportFailure(
                file_name, number, field, problem, row_label="item", column_label="field"
            )

        if not isinstance(item, dict):
            raise fail(None, "must be an object")
        for key, field in labels.items():
            if key == REPORT_PERIOD:
                columns[key].append(_copilot_period(item, fail))
                continue
            value = item.get(field)
            if value is not None and not isinstance(value, str):
                raise fail(field, f"must be text, got {json.dumps(value)[:40]}")
            # No date is "" in the newest doc example and null in the older one.
            columns[key].append(value or None)
    if not any(columns[REPORT_PERIOD]):  # no period given: the file name may say
        del columns[REPORT_PERIOD]
    raw = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    return _Table(
        file_name,
        spec,
        raw,
        labels,
        first_row=1,
        row_label="item",
        column_label="field",
        note="",
    )


def _copilot_period(item: dict[str, Any], fail: Callable[[str, str], ImportFailure]) -> str | None:
    periods = item.get(COPILOT_PERIODS)
    if periods is None:
        return None
    label = f"{COPILOT_PERIODS}.reportPeriod"
    if not isinstance(periods, list) or not periods or not isinstance(periods[0], dict):
        raise fail(COPILOT_PERIODS, 'must be a list like [{"reportPeriod": 30}]')
    value = periods[0].get("reportPeriod")
    if isinstance(value, bool) or not isinstance(value, int | str | None):
        raise fail(label, f"must be a number of days, got {json.dumps(value)[:40]}")
    return None if value is None else str(value)


# --- checking and normalising ----------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    """How one column is converted, and which raw values are wrong.

    ``suspect`` tells from the raw and the converted column, cheaply (mostly null counts, which
    Polars keeps), whether any value may be wrong; only then is the ``bad`` mask computed to find
    the row. A million good rows are thus checked at the price of converting them.
    """

    key: str
    value: pl.Expr
    bad: pl.Expr
    problem: Callable[[str | None], str]
    suspect: Callable[[pl.Series, pl.Series], bool]
    # A slower conversion, tried only on a column where this one found wrong values.
    fallback: "_Rule | None" = None


def _lost_values(raw: pl.Series, value: pl.Series) -> bool:
    """Conversions turn what they cannot read into null."""
    return value.null_count() > raw.null_count()


def _date_rule(key: str) -> _Rule:
    raw = pl.col(key)
    # The length test keeps out what the parser would forgive, such as 2025-1-5.
    value = pl.when(raw.str.len_bytes() == 10).then(raw.str.to_date("%Y-%m-%d", strict=False))
    return _Rule(
        key,
        value,
        raw.is_not_null() & value.is_null(),
        lambda text: f"{text!r} is not a date in the form YYYY-MM-DD",
        _lost_values,
    )


def _truth_rule(key: str, dtype: pl.DataType) -> _Rule:
    raw = pl.col(key)
    if dtype == pl.Boolean:  # read as booleans: nothing left to check
        return _Rule(key, raw, pl.lit(False), str, _never)

    def rule(value: pl.Expr, fallback: _Rule | None = None) -> _Rule:
        return _Rule(
            key,
            value,
            raw.is_not_null() & value.is_null(),
            lambda text: f"{text!r} is not True, False, Yes or No",
            _lost_values,
            fallback,
        )

    # Lower-casing every value costs more than the rest of the check: the usual spellings are
    # looked up as they are, and only a column with another spelling is lower-cased.
    any_case = rule(raw.str.to_lowercase().replace_strict(TRUTH_WORDS, default=None))
    return rule(raw.replace_strict(TRUTH_SPELLINGS, default=None), any_case)


def _count_rule(key: str) -> _Rule:
    raw = pl.col(key)
    value = raw.cast(pl.Int64, strict=False)

    def suspect(raw: pl.Series, value: pl.Series) -> bool:
        return _lost_values(raw, value) or (value.min() or 0) < 0  # type: ignore[operator]

    return _Rule(
        key,
        value,
        raw.is_not_null() & (value.is_null() | (value < 0)),
        lambda text: f"{text!r} is not a count (a whole number from 0)",
        suspect,
    )


def _same_on_every_row(rule: _Rule, first: str | None, what: str) -> _Rule:
    """A value the report repeats on every row (refresh date, period): present and identical."""
    raw = pl.col(rule.key)

    def problem(text: str | None) -> str:
        if text is None:
            return f"is empty: every row carries the report's {what}"
        if text != first:
            return f"is {text!r} but the first row has {first!r}: a report has one {what}"
        return rule.problem(text)

    def suspect(raw: pl.Series, value: pl.Series) -> bool:
        return bool(rule.suspect(raw, value) or raw.null_count() or (raw != first).any())

    return _Rule(
        rule.key,
        rule.value,
        rule.bad | raw.is_null() | (raw != pl.lit(first)),
        problem,
        suspect,
    )


def _never(raw: pl.Series, value: pl.Series) -> bool:
    return False


def _rules(table: _Table) -> list[_Rule]:
    spec, raw = table.spec, table.raw
    present = set(raw.columns)
    first = raw.row(0, named=True)
    user = pl.col(USER_PRINCIPAL_NAME).str.strip_chars()
    rules = [
        _same_on_every_row(_date_rule(REFRESH_DATE), first[REFRESH_DATE], "refresh date"),
        _Rule(
            USER_PRINCIPAL_NAME,
            user,
            user.is_null() | (user == ""),
            lambda text: "is empty: every row needs the user's principal name",
            lambda raw, value: bool(value.null_count() or (value == "").any()),
        ),
    ]
    if REPORT_PERIOD in present:
        number = pl.col(REPORT_PERIOD).cast(pl.Int32, strict=False)
        period = _Rule(
            REPORT_PERIOD,
            number,
            number.is_null() | (number <= 0),
            lambda text: f"{text!r} is not a number of days",
            lambda raw, value: bool(value.null_count() or (value.min() or 0) <= 0),  # type: ignore[operator]
        )
        rules.append(_same_on_every_row(period, first[REPORT_PERIOD], "report period"))
    for key in (DELETED_DATE, STATE_CHANGE_DATE):
        if key in present:
            rules.append(_date_rule(key))
    if IS_DELETED in present:
        rules.append(_truth_rule(IS_DELETED, raw.schema[IS_DELETED]))
    for workload in spec.workloads:
        rules += [_date_rule(key) for key in workload.last_activity if key in present]
        if workload.licensed:
            rules.append(_truth_rule(workload.licensed, raw.schema[workload.licensed]))
        rules += [_count_rule(key) for key in workload.activity_counts if key in present]
        rules += [
            _truth_rule(key, raw.schema[key]) for key in workload.activity_flags if key in present
        ]
    unique = {rule.key: rule for rule in rules}  # a column shared by two workloads: once
    text_columns = [key for key in (DISPLAY_NAME, USER_STATE, ASSIGNED_PRODUCTS) if key in present]
    return [
        *unique.values(),
        *(_Rule(key, pl.col(key), pl.lit(False), str, _never) for key in text_columns),
    ]


def _checked(table: _Table, rules: list[_Rule]) -> pl.DataFrame:
    """The converted columns; raises at the first wrong value (in file order)."""
    frame = table.raw.select(rule.value.alias(rule.key) for rule in rules)
    order = {key: position for position, key in enumerate(table.raw.columns)}
    wrong: list[tuple[int, int, _Rule]] = []
    for rule in rules:
        raw = table.raw.get_column(rule.key)
        if not rule.suspect(raw, frame.get_column(rule.key)):
            continue
        if rule.fallback is not None:
            rule = rule.fallback
            frame = frame.with_columns(table.raw.select(rule.value.alias(rule.key)))
            if not rule.suspect(raw, frame.get_column(rule.key)):
                continue
        bad = table.raw.select(rule.bad).to_series().arg_true()
        if len(bad):
            wrong.append((bad[0], order[rule.key], rule))
    if wrong:
        index, _, rule = min(wrong, key=lambda item: item[:2])
        raise table.failure(index, rule.key, rule.problem(table.raw.get_column(rule.key)[index]))
    return frame


def _normalise(table: _Table, progress: Progress) -> ParsedReport:
    spec, file_name = table.spec, table.file_name
    if table.raw.height == 0:
        raise ImportFailure(file_name, None, None, "has no user rows: there is nothing to import")
    checked = _checked(table, _rules(table))
    progress(70, "Normalising the users")
    present = set(checked.columns)
    refresh_date: datetime.date = checked.get_column(REFRESH_DATE)[0]
    warnings: list[str] = []
    if REPORT_PERIOD in present:
        period_days: int | None = int(checked.get_column(REPORT_PERIOD)[0])
    else:
        period_days = period_from_file_name(file_name)
        if period_days is None:
            warnings.append(
                "The report period is unknown (no Report Period column and no D7, D30, D90 or "
                "D180 in the file name), so users active in the period are not counted."
            )

    columns = _user_columns(spec, present)
    period_start = refresh_date - datetime.timedelta(days=period_days - 1) if period_days else None
    for workload in spec.workloads:
        columns += _workload_columns(workload, present, period_start)
    frame = checked.select(columns)

    user_keys = frame.get_column("user_key")
    # Hashes first: exact duplicate search over a million names costs four times as much.
    if (
        user_keys.hash().n_unique() < frame.height
        and (duplicated := user_keys.is_duplicated()).any()
    ):
        repeated = user_keys.filter(duplicated)
        frame = _combine_duplicates(frame)
        users = repeated.n_unique()
        warnings.append(
            f"{users:,} user{' is' if users == 1 else 's are'} listed on more than one row "
            f"(e.g. {repeated[0]}); each user's rows were combined: the latest activity counts, "
            "and a user counts as deleted only if every row says so."
        )
    concealed_users = int(frame.get_column("concealed").sum())
    if concealed_users:
        warnings.append(
            f"{concealed_users:,} of {frame.height:,} users have concealed names (32-character "
            "codes instead of names): they cannot be matched with the directory, and the "
            "inactive-users list shows the codes. To report names, a global admin turns off "
            '"Display concealed user, group, and site names" (Microsoft 365 admin center > '
            "Settings > Org settings > Reports), or calls PATCH /admin/reportSettings with "
            "displayConcealedNames = false (permission ReportSettings.ReadWrite.All)."
        )
    progress(100, "Report checked")
    return ParsedReport(
        file_name=file_name,
        report_type=spec.report_type,
        report_name=spec.name,
        refresh_date=refresh_date,
        period_days=period_days,
        workloads=tuple(workload.code for workload in spec.workloads),
        rows=table.raw.height,
        concealed_users=concealed_users,
        warnings=tuple(warnings),
        frame=frame,
    )


def _user_columns(spec: ReportSpec, present: set[str]) -> list[pl.Expr]:
    """Who the user is: key, concealment, and the name, deletion and products when given."""
    user = pl.col(USER_PRINCIPAL_NAME)
    concealed = (user.str.len_bytes() == 32) & user.str.contains(CONCEALED_NAME)
    columns = [
        pl.when(concealed).then(user).otherwise(user.str.to_lowercase()).alias("user_key"),
        concealed.alias("concealed"),
    ]
    if DISPLAY_NAME in present:
        columns.append(pl.col(DISPLAY_NAME).alias("display_name"))
    if spec.deletion == "flag":
        deleted = pl.col(IS_DELETED)
        deleted_date = pl.col(DELETED_DATE) if DELETED_DATE in present else pl.lit(None, pl.Date)
    elif spec.deletion == "user_state":
        deleted = pl.col(USER_STATE).str.strip_chars().str.to_lowercase() == "deleted"
        deleted_date = pl.when(deleted).then(
            pl.col(STATE_CHANGE_DATE) if STATE_CHANGE_DATE in present else pl.lit(None, pl.Date)
        )
    if spec.deletion is not None:
        columns += [
            deleted.fill_null(False).alias("is_deleted"),
            deleted_date.alias("deleted_date"),
        ]
    if ASSIGNED_PRODUCTS in present:
        columns.append(pl.col(ASSIGNED_PRODUCTS).alias("assigned_products"))
    return columns


def _workload_columns(
    workload: WorkloadColumns, present: set[str], period_start: datetime.date | None
) -> list[pl.Expr]:
    code = workload.code
    dates = [pl.col(key) for key in workload.last_activity if key in present]
    last = dates[0] if len(dates) == 1 else pl.max_horizontal(dates)
    if workload.licensed:
        licensed = pl.col(workload.licensed)
    else:
        licensed = pl.lit(True if workload.lists_licensed_users_only else None, pl.Boolean)
    if period_start is None:
        active = pl.lit(None, pl.Boolean)
    else:
        signals = [last.fill_null(datetime.date.min) >= period_start]
        signals += [
            pl.col(key).fill_null(0) > 0 for key in workload.activity_counts if key in present
        ]
        signals += [
            pl.col(key).fill_null(False) for key in workload.activity_flags if key in present
        ]
        active = pl.any_horizontal(signals)
    return [
        licensed.alias(f"{code}_licensed"),
        last.alias(f"{code}_last_activity"),
        active.alias(f"{code}_active"),
    ]


def _combine_duplicates(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per user: latest dates, any licence, any activity; deleted only if every row is."""
    aggregations = [
        pl.col(column).min() if column == "is_deleted" else pl.col(column).max()
        for column in frame.columns
        if column != "user_key"
    ]
    return frame.group_by("user_key", maintain_order=True).agg(aggregations)


def period_from_file_name(file_name: str) -> int | None:
    """``Office365ActiveUserDetail_D30.csv`` → 30 (Graph's period='D30' kept in the name)."""
    match = re.search(r"(?<![A-Za-z0-9])D(\d{1,3})(?![0-9])", file_name)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None
