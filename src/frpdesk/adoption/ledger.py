"""A tenant's activity ledger: every user seen in its usage reports with their latest activity per
workload, kept as one Parquet blob (zstd) in ``ActivityLedger.data``.

Columns, one row per user (``SCHEMA``):

- ``user_key`` (str): the user principal name in lower case, or the concealed code as is;
  ``concealed`` (bool): the key is a concealed code.
- ``display_name``; ``is_deleted`` and ``deleted_date``; ``assigned_products`` (as Microsoft joins
  them, see ``reports.split_assigned_products``). Each group has an ``…_as_of`` column
  (``display_name_as_of``, ``deletion_as_of``, ``assigned_products_as_of``): the refresh date of
  the report the values come from.
- For every workload with a usage report (``reports.WORKLOAD_CODES``): ``<code>_licensed`` (bool;
  null: no report said) with ``<code>_licensed_as_of``, and ``<code>_last_activity`` (date; null:
  never seen active).

Merging a report (``merge``):

- A last-activity date only moves forward: an older report never overwrites newer activity.
- Names, deletion, products and licences come from the newest report that gives them. Two reports
  with the same refresh date that disagree (the Office 365 report says a deleted user still has a
  Teams licence, the Teams report says not) are combined without regard to the order they came
  in: True wins over False, the later date and the larger text win.
- Merging the same report again gives the same ledger (``changed`` is False).
"""

import datetime
import io
from dataclasses import dataclass

import polars as pl

from frpdesk.adoption.figures import mau_window
from frpdesk.adoption.models import ActivityLedger
from frpdesk.adoption.reports import WORKLOAD_CODES, ParsedReport, split_assigned_products

# Attribute groups: (the column that says whether a report gives the group for a user, columns).
ATTRIBUTE_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "display_name": ("display_name", ("display_name",)),
    "deletion": ("is_deleted", ("is_deleted", "deleted_date")),
    "assigned_products": ("assigned_products", ("assigned_products",)),
}

SCHEMA: dict[str, pl.DataType] = {
    "user_key": pl.String(),
    "concealed": pl.Boolean(),
    "display_name": pl.String(),
    "display_name_as_of": pl.Date(),
    "is_deleted": pl.Boolean(),
    "deleted_date": pl.Date(),
    "deletion_as_of": pl.Date(),
    "assigned_products": pl.String(),
    "assigned_products_as_of": pl.Date(),
}
for _code in WORKLOAD_CODES:
    SCHEMA[f"{_code}_licensed"] = pl.Boolean()
    SCHEMA[f"{_code}_licensed_as_of"] = pl.Date()
    SCHEMA[f"{_code}_last_activity"] = pl.Date()

# The columns of ``inactive_users``.
INACTIVE_USER_SCHEMA: dict[str, pl.DataType] = {
    "user_key": pl.String(),
    "display_name": pl.String(),
    "concealed": pl.Boolean(),
    "last_activity": pl.Date(),
    "assigned_products": pl.List(pl.String()),
}


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def read(data: bytes | memoryview | None) -> pl.DataFrame:
    """The ledger stored in ``ActivityLedger.data`` (empty bytes or None: no users yet)."""
    if not data:
        return empty()
    return pl.read_parquet(io.BytesIO(data))


def write(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    # No column statistics: the ledger is always read whole, and they cost a fifth of the time.
    # zstd level 1: a tenth faster than the default level (3) and no bigger on this data.
    frame.write_parquet(buffer, compression="zstd", compression_level=1, statistics=False)
    return buffer.getvalue()


def of(ledger: ActivityLedger | pl.DataFrame | None) -> pl.DataFrame:
    """The ledger frame of a stored ledger (or the frame itself)."""
    if isinstance(ledger, pl.DataFrame):
        return ledger
    return read(None if ledger is None else ledger.data)


def from_report(report: ParsedReport) -> pl.DataFrame:
    """The report's users in the ledger's shape, as if the ledger had been empty."""
    given = set(report.frame.columns)
    refresh_date = pl.lit(report.refresh_date)
    columns: list[pl.Expr] = [pl.col("user_key"), pl.col("concealed")]
    for key, members in ATTRIBUTE_GROUPS.values():
        if key in given:
            columns += [pl.col(member) for member in members]
            columns.append(pl.when(pl.col(key).is_not_null()).then(refresh_date))
        else:
            columns += [pl.lit(None, SCHEMA[member]) for member in members]
            columns.append(pl.lit(None, pl.Date))
    for code in WORKLOAD_CODES:
        if code in report.workloads:
            licensed = pl.col(f"{code}_licensed")
            columns += [
                licensed,
                pl.when(licensed.is_not_null()).then(refresh_date),
                pl.col(f"{code}_last_activity"),
            ]
        else:
            columns += [pl.lit(None, pl.Boolean), pl.lit(None, pl.Date), pl.lit(None, pl.Date)]
    named = [column.alias(name) for column, name in zip(columns, SCHEMA, strict=True)]
    return report.frame.select(named).cast(SCHEMA)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Merge:
    frame: pl.DataFrame
    changed: bool


def merge(ledger: pl.DataFrame, report: ParsedReport) -> Merge:
    """The ledger with the report merged in (see the module's rules)."""
    incoming = from_report(report)
    if ledger.height == 0:
        return Merge(incoming, changed=incoming.height > 0)
    joined = ledger.join(
        incoming,
        on="user_key",
        how="full",
        coalesce=True,
        suffix="_new",
        # Users already known keep their place and new ones follow in file order, so merging the
        # same report again gives the very same frame.
        maintain_order="left_right",
    )
    columns: list[pl.Expr] = [pl.col("user_key"), pl.coalesce("concealed", "concealed_new")]
    given = set(report.frame.columns)
    for group, (key, members) in ATTRIBUTE_GROUPS.items():
        if key in given:
            columns += _newest(members, f"{group}_as_of")
        else:
            columns += [pl.col(member) for member in (*members, f"{group}_as_of")]
    for code in WORKLOAD_CODES:
        last_activity = f"{code}_last_activity"
        if code in report.workloads:
            columns += _newest((f"{code}_licensed",), f"{code}_licensed_as_of")
            columns.append(pl.max_horizontal(last_activity, f"{last_activity}_new"))
        else:
            columns += [pl.col(f"{code}_licensed"), pl.col(f"{code}_licensed_as_of")]
            columns.append(pl.col(last_activity))
    named = [column.alias(name) for column, name in zip(columns, SCHEMA, strict=True)]
    merged = joined.select(named)
    return Merge(merged, changed=not merged.equals(ledger))


def _newest(members: tuple[str, ...], as_of: str) -> list[pl.Expr]:
    """Values from the newer side; on the same date the larger (True, later, larger text)."""
    old_as_of, new_as_of = pl.col(as_of), pl.col(f"{as_of}_new")
    newer = new_as_of.is_not_null() & (old_as_of.is_null() | (new_as_of > old_as_of))
    same_day = new_as_of.is_not_null() & (new_as_of == old_as_of)
    columns = [
        pl.when(newer)
        .then(pl.col(f"{member}_new"))
        .when(same_day)
        .then(pl.max_horizontal(member, f"{member}_new"))
        .otherwise(pl.col(member))
        for member in members
    ]
    return [*columns, pl.max_horizontal(old_as_of, new_as_of)]


# --- figures of a report ---------------------------------------------------------------------


@dataclass(frozen=True)
class WorkloadFigures:
    """What one report says about one workload on its refresh date."""

    licensed: int | None  # users with the licence (deleted too); None: the report does not say
    active_in_period: int | None  # users active in the report period (deleted too)
    mau: int  # non-deleted users whose last activity falls in the MAU window

    def as_dict(self) -> dict[str, int | None]:
        return {
            "licensed": self.licensed,
            "active_in_period": self.active_in_period,
            "mau": self.mau,
        }


def deleted_by(day: datetime.date) -> pl.Expr:
    """Whether a ledger user was deleted on ``day`` (by the deleted date, else by the report that
    said so)."""
    when = pl.coalesce("deleted_date", "deletion_as_of")
    return pl.col("is_deleted").fill_null(False) & (when <= day).fill_null(False)


def usage_figures(
    report: ParsedReport, ledger: pl.DataFrame, window_days: int
) -> dict[str, WorkloadFigures]:
    """Licensed, active-in-period and MAU per workload of the report, on its refresh date.

    MAU counts the distinct non-deleted users whose last activity falls in the ``window_days``
    ending on the refresh date. Reports that do not mark deleted users (Microsoft 365 Apps,
    Copilot) take deletions from the ledger, i.e. from the reports imported before.
    """
    start, end = mau_window(report.refresh_date, window_days)
    frame = report.frame
    if not report.marks_deleted_users:
        known = ledger.select("user_key", deleted_by(report.refresh_date).alias("is_deleted"))
        frame = frame.join(known, on="user_key", how="left")
    live = ~pl.col("is_deleted").fill_null(False)
    columns: list[pl.Expr] = []
    for code in report.workloads:
        last_activity = pl.col(f"{code}_last_activity")
        columns += [
            pl.col(f"{code}_licensed").count().alias(f"{code} said licensed"),
            pl.col(f"{code}_licensed").sum().alias(f"{code} licensed"),
            pl.col(f"{code}_active").count().alias(f"{code} said active"),
            pl.col(f"{code}_active").sum().alias(f"{code} active"),
            (live & last_activity.is_between(start, end)).sum().alias(f"{code} mau"),
        ]
    counts = frame.select(columns).row(0, named=True)
    return {
        code: WorkloadFigures(
            licensed=int(counts[f"{code} licensed"]) if counts[f"{code} said licensed"] else None,
            active_in_period=(
                int(counts[f"{code} active"]) if counts[f"{code} said active"] else None
            ),
            mau=int(counts[f"{code} mau"]),
        )
        for code in report.workloads
    }


# --- reading ---------------------------------------------------------------------------------


def inactive_users(
    ledger: ActivityLedger | pl.DataFrame | None,
    workload_code: str,
    as_of: datetime.date,
    window_days: int,
) -> pl.DataFrame:
    """Licensed, non-deleted users of a workload not active in the ``window_days`` ending on
    ``as_of``: never active, or last active before the window. For adoption campaigns.

    Licences are those of the newest report that gave the workload's licences: a user missing
    from it (licence removed, user purged) is not listed. Columns (``INACTIVE_USER_SCHEMA``):
    ``user_key`` (lower-case UPN or concealed code), ``display_name`` (may be null or a concealed
    code), ``concealed`` (bool), ``last_activity`` (date, null: never active),
    ``assigned_products`` (list of product names). Never-active users come first, then by
    oldest activity and user key.
    """
    frame = of(ledger)
    licensed_as_of = frame.get_column(f"{workload_code}_licensed_as_of").max()
    if licensed_as_of is None:
        return pl.DataFrame(schema=INACTIVE_USER_SCHEMA)
    start, _ = mau_window(as_of, window_days)
    last_activity = pl.col(f"{workload_code}_last_activity")
    return (
        frame.filter(
            pl.col(f"{workload_code}_licensed").fill_null(False)
            & (pl.col(f"{workload_code}_licensed_as_of") == licensed_as_of)
            & ~pl.col("is_deleted").fill_null(False)
            & (last_activity.is_null() | (last_activity < start))
        )
        .select(
            "user_key",
            "display_name",
            "concealed",
            last_activity.alias("last_activity"),
            split_assigned_products(pl.col("assigned_products")).alias("assigned_products"),
        )
        .sort(["last_activity", "user_key"], nulls_last=False)
        .cast(INACTIVE_USER_SCHEMA)  # type: ignore[arg-type]
    )
