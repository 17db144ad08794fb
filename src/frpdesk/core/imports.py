"""The error contract shared by every file import: one clear message naming file, row, column."""


class ImportFailure(Exception):
    """A file that cannot be imported; nothing from it has been written."""

    def __init__(self, file_name: str, row: int | None, column: str | None, problem: str) -> None:
        self.file_name = file_name
        self.row = row
        self.column = column
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file_name]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.problem}"
