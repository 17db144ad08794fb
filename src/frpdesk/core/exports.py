"""CSV and XLSX export of what a list shows, filtered exactly as on screen."""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_response(
    rows: Iterable[Sequence[Any]], *, export_format: str, name: str
) -> HttpResponse:
    """``rows`` starts with the header row; ``name`` becomes the file name's stem."""
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content_type=EXPORT_FORMATS[export_format])
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{export_format}"'
    if export_format == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerows(rows)
        # The BOM makes Excel read the file as UTF-8.
        response.write("\ufeff" + text.getvalue())
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=name[:31])
    for index, row in enumerate(rows):
        values = ["" if value is None else value for value in row]
        if index == 0:
            sheet.append([_bold(sheet, value) for value in values])
        else:
            sheet.append(values)
    workbook.save(response)
    return response


def _bold(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell
