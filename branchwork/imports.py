"""Two-phase spreadsheet imports (STYLE.md habit 5, after pretix's modelimport).

Phase 1 reads the whole file and validates every row, collecting every error with its
spreadsheet row number and column header, in the user's language. Phase 2 runs only if
there was no error, and writes everything in one transaction. An import with any error
changes nothing.

An app describes its columns (`Column`: accepted header spellings and a parser) and
subclasses `Importer` with `prepare()` (one batch of look-ups before the rows),
`build_row()` (turn one row's parsed values into what will be written, or report
errors) and `commit()` (bulk writes). Reading xlsx goes through openpyxl in read-only
mode (defusedxml is installed, so openpyxl parses the sheet XML with it); csv is read as
UTF-8 or, as Chinese Excel saves it, GB18030.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from branchwork.exporters import FORMULA_STARTS

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# An xlsx is a zip: refuse one whose declared uncompressed size is absurd (zip bomb).
MAX_UNCOMPRESSED = 100 * 1024 * 1024


class CellError(ValueError):
    """A parser's complaint about one cell (message already translated)."""


# --- Parsers for what real spreadsheets contain ---------------------------------------


def clean_text(value: Any) -> str:
    """Strip ordinary and full-width spaces; normalise full-width letters and digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).replace("\u3000", " ").strip()
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        # Our own exports escape formula cells with an apostrophe: read them back as written.
        text = text[1:]
    return text


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value: Any) -> datetime.date | None:
    """2019-07-01, 2019/7/1, 2019.07.01, 2019年7月1日, 20190701, Excel cells and serials."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial day numbers
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("“%(value)s” is not a date.") % {"value": value})
    text = clean_text(value).replace(" ", "")
    if not text:
        return None
    text = re.sub(r"(\d)\s*00:00(:00)?$", r"\1", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                break
    raise CellError(
        _("“%(value)s” is not a date; write it like 2019-07-01 or 2019年7月1日.") % {"value": value}
    )


def parse_choice(mapping: dict[str, str]) -> Callable[[Any], str]:
    """A parser accepting any of the spellings in `mapping` (spelling → stored value)."""
    normalised = {clean_text(k).lower(): v for k, v in mapping.items()}

    def parse(value: Any) -> str:
        text = clean_text(value).lower()
        if not text:
            return ""
        try:
            return normalised[text]
        except KeyError:
            allowed = "、".join(dict.fromkeys(k for k in mapping if not k.isascii()))
            raise CellError(
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": clean_text(value), "allowed": allowed}
            ) from None

    return parse


def parse_bool(value: Any) -> bool | None:
    text = clean_text(value).lower()
    if text in {"", "none"}:
        return None
    if text in {"是", "y", "yes", "true", "1", "√", "✓"}:
        return True
    if text in {"否", "n", "no", "false", "0", "×", "x"}:
        return False
    raise CellError(_("“%(value)s” should be 是 or 否.") % {"value": clean_text(value)})


def parse_decimal(value: Any) -> Decimal | None:
    text = clean_text(value)
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from None


# --- Columns, errors and the import itself --------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    headers: tuple[str, ...]
    parse: Callable[[Any], Any] = clean_text
    required: bool = False

    @property
    def label(self) -> str:
        return self.headers[0]


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # the header as written in the file, or "" for a whole-row problem
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    preview: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class FileRefused(ValidationError):
    """The file as a whole cannot be imported (not a spreadsheet, empty, too large)."""


def read_table(data: bytes, filename: str) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """Headers and (row number, values) of the first sheet of an xlsx or a csv file."""
    if len(data) == 0:
        raise FileRefused(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise FileRefused(
            _("The file is %(size)s; at most %(limit)s can be imported.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(MAX_BYTES)}
        )
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if filename.lower().endswith((".csv", ".txt")):
        return _read_csv(data)
    raise FileRefused(_("This is not a spreadsheet: upload an .xlsx or .csv file."))


def estimate_rows(data: bytes, filename: str) -> int | None:
    """Roughly how many rows a file has (for a progress bar): the sheet's recorded
    dimension for xlsx, the line count for csv."""
    if data.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True)
            rows = workbook.worksheets[0].max_row
            workbook.close()
        except Exception:  # read_table reports unreadable files properly
            return None
        return rows or None
    return data.count(b"\n") or None


def _read_xlsx(data: bytes):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                raise FileRefused(_("The spreadsheet is too large when unpacked."))
            if not any(name.startswith("xl/") for name in archive.namelist()):
                raise FileRefused(_("This is not a spreadsheet: upload an .xlsx or .csv file."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(
            _("The spreadsheet cannot be read (%(reason)s).") % {"reason": type(exc).__name__}
        ) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    headers: list[str] = []
    for header_row in rows:
        if any(cell not in (None, "") for cell in header_row):
            headers = [clean_text(cell) for cell in header_row]
            break
    if not headers:
        raise FileRefused(_("The spreadsheet has no header row."))
    header_row_number = sheet.min_row

    def body():
        number = header_row_number
        for values in rows:
            number += 1
            yield number, list(values)
        workbook.close()

    return headers, body()


def _read_csv(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused(_("The CSV file is neither UTF-8 nor GBK text."))
    if "\x00" in text:
        raise FileRefused(_("This is not a spreadsheet: upload an .xlsx or .csv file."))
    reader = csv.reader(io.StringIO(text))
    headers: list[str] = []
    number = 0
    for values in reader:
        number += 1
        if any(cell.strip() for cell in values):
            headers = [clean_text(cell) for cell in values]
            break
    if not headers:
        raise FileRefused(_("The file has no header row."))

    def body():
        nonlocal number
        for values in reader:
            number += 1
            yield number, values

    return headers, body()


class Importer:
    """Base of every import. Subclasses set `columns` and implement the three hooks."""

    columns: list[Column] = []
    key_description: str = ""  # how a row finds the record it updates (for the docs/page)
    max_rows: int = MAX_ROWS
    preview_size: int = 20

    # --- hooks --------------------------------------------------------------------
    def prepare(self) -> None:
        """Load everything rows will be matched against, in a few queries."""

    def build_row(self, number: int, values: dict[str, Any], errors: list[RowError]) -> Any:
        """Turn one row's parsed values into a planned write, appending any errors."""
        raise NotImplementedError

    def commit(self, planned: list[Any], result: ImportResult) -> None:
        """Write every planned row (inside the import's transaction)."""
        raise NotImplementedError

    def describe(self, planned_row: Any) -> dict[str, Any]:
        """What the preview shows of a planned row."""
        return {}

    # --- the two phases -----------------------------------------------------------
    def run(self, data: bytes, filename: str, *, commit: bool, progress=None) -> ImportResult:
        """Check every row, then (commit=True, no errors) write them all. `progress`, if
        given, is called with a percentage as rows are checked (0-90) and written."""
        result = ImportResult()
        headers, body = read_table(data, filename)
        expected = estimate_rows(data, filename) if progress else None
        positions, header_errors = self._map_headers(headers)
        if header_errors:
            result.errors.extend(header_errors)
            return result
        self.prepare()
        planned: list[Any] = []
        for number, raw in body:
            if not any(clean_text(cell) for cell in raw):
                continue  # blank lines in the middle of real sheets
            result.rows += 1
            if expected and result.rows % 200 == 0:
                progress(min(90 * result.rows // expected, 90) if commit else
                         min(100 * result.rows // expected, 99))  # fmt: skip
            if result.rows > self.max_rows:
                result.errors = [
                    RowError(
                        number,
                        "",
                        _("The file has more than %(limit)s rows; split it into smaller files.")
                        % {"limit": self.max_rows},
                    )
                ]
                return result
            values, row_errors = self._parse_row(number, raw, positions)
            if not row_errors:
                plan = self.build_row(number, values, row_errors)
                if not row_errors:
                    planned.append(plan)
            result.errors.extend(row_errors)
        if result.rows == 0:
            result.errors.append(RowError(2, "", _("The file has a header row but no data.")))
        result.preview = [self.describe(p) for p in planned[: self.preview_size]]
        if result.errors or not commit:
            self.count_planned(planned, result)
            return result
        if progress:
            progress(90)
        with transaction.atomic():
            self.commit(planned, result)
        result.committed = True
        return result

    def count_planned(self, planned: list[Any], result: ImportResult) -> None:
        """Fill created/updated/unchanged for a preview (subclasses know how)."""

    def _map_headers(self, headers: list[str]) -> tuple[dict[str, tuple[int, str]], list]:
        lookup = {}
        for column in self.columns:
            for spelling in column.headers:
                lookup[clean_text(spelling).replace(" ", "")] = column
        positions: dict[str, tuple[int, str]] = {}
        errors = []
        for index, header in enumerate(headers):
            column = lookup.get(header.replace(" ", ""))
            if column is not None and column.field not in positions:
                positions[column.field] = (index, header)
        for column in self.columns:
            if column.required and column.field not in positions:
                errors.append(
                    RowError(
                        1,
                        column.label,
                        _("The required column “%(column)s” is missing.")
                        % {"column": column.label},
                    )
                )
        return positions, errors

    def _parse_row(self, number: int, raw: list[Any], positions) -> tuple[dict, list]:
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        for column in self.columns:
            if column.field not in positions:
                continue
            index, header = positions[column.field]
            cell = raw[index] if index < len(raw) else None
            try:
                value = column.parse(cell)
            except CellError as exc:
                errors.append(RowError(number, header, str(exc)))
                continue
            if column.required and value in (None, ""):
                errors.append(RowError(number, header, _("This cell must not be empty.")))
                continue
            values[column.field] = value
        values["_headers"] = {field: header for field, (_i, header) in positions.items()}
        return values, errors


def column_of(values: dict[str, Any], field_name: str, default: str = "") -> str:
    """The header under which a field was found in this file (for error messages)."""
    return values.get("_headers", {}).get(field_name, default)


def validation_errors(
    number: int, exc: ValidationError, values: dict[str, Any], labels: dict[str, str]
) -> Iterable[RowError]:
    """A model's ValidationError as row errors, each under the column it came from."""
    if hasattr(exc, "error_dict"):
        for field_name, messages in exc.message_dict.items():
            column = column_of(values, field_name, labels.get(field_name, ""))
            for message in messages:
                yield RowError(number, column, message)
    else:
        for message in exc.messages:
            yield RowError(number, "", message)
