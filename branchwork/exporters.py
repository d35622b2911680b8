"""One base for every export: an exporter yields a header and rows; this renders them.

Members, the 三会一课 ledger, the assistance ledger and the pledge ledger all export
through `Exporter` (STYLE.md habit 11). Every cell that a spreadsheet would read as a
formula (starting with = + - @, a tab or a carriage return) is escaped with a leading
apostrophe, so that exported data cannot run in the recipient's Excel (CSV injection).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def escape_formula(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Exporter:
    """Subclasses set `title` and implement `header()` and `rows()`."""

    title: str = "export"

    def header(self) -> Sequence[str]:
        raise NotImplementedError

    def rows(self) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def filename(self, fmt: str) -> str:
        return f"{self.title}.{fmt}"

    def render(self, fmt: str) -> bytes:
        if fmt == "xlsx":
            return render_xlsx(self.title, self.header(), self.rows())
        if fmt == "csv":
            return render_csv(self.header(), self.rows())
        raise ValueError(f"unknown export format {fmt!r}")

    def response(self, fmt: str) -> HttpResponse:
        response = HttpResponse(self.render(fmt), content_type=FORMATS[fmt])
        response["Content-Disposition"] = content_disposition(self.filename(fmt))
        return response


def content_disposition(filename: str) -> str:
    """attachment with an ASCII fallback and the real (Chinese) name per RFC 5987."""
    fallback = filename.encode("ascii", "ignore").decode() or "download"
    fallback = fallback.replace('"', "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        value = timezone.localtime(value).replace(tzinfo=None)
    return escape_formula(value)


def render_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_cell(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    # The BOM lets Excel on Chinese Windows open UTF-8 CSV without mojibake.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    header_cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=_cell(value))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
