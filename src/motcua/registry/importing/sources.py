"""Reading an import file: what kind it is, and its rows one at a time.

Nothing here holds more than one row plus a read buffer (1 MiB of CSV text) in memory,
whatever the file's size: CSV is decoded a chunk at a time (line by line where a chunk is
not valid UTF-8), XLSX sheets are streamed by openpyxl's read-only mode.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

# The columns of the import file, in the documented order.
COLUMNS = (
    "id_number",
    "full_name",
    "birth_date",
    "sex",
    "birth_province_code",
    "nationality",
    "ethnicity",
    "religion",
    "permanent_commune_code",
    "permanent_address",
    "temporary_commune_code",
    "temporary_address",
    "status",
    "death_date",
    "last_verified_at",
)
REQUIRED_COLUMNS = ("id_number", "full_name")
# Code columns and their width: a spreadsheet stores 022… as the number 22….
CODE_WIDTHS = {
    "id_number": 12,
    "birth_province_code": 3,
    "permanent_commune_code": 5,
    "temporary_commune_code": 5,
}
# Columns holding a day: a date-time cell there keeps only its date.
DAY_COLUMNS = ("birth_date", "death_date")
CSV = "csv"
XLSX = "xlsx"
SNIFF_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
_LONGEST_LINE = 8 * _CHUNK


class UnreadableFile(Exception):
    """The file cannot be imported at all; the message says why, for the person."""


@dataclass
class FileFacts:
    """What one pass over the bytes tells: fingerprint, size and (for CSV) line count."""

    sha256: str
    size: int
    lines: int


@dataclass
class Header:
    """The file's column names, and how many rows follow if the file says (XLSX)."""

    names: list[str]
    rows_hint: int | None = None


@dataclass(slots=True)
class SourceRow:
    """One data row: its number in the file (the header is row 1), its cells as text,
    one per header column, and why it cannot be read (then the cells may be partial)."""

    number: int
    cells: list[str]
    problem: str = ""


def scan_bytes(path: Path) -> FileFacts:
    """SHA-256, size and number of lines, in one streaming pass."""
    digest = hashlib.sha256()
    size = lines = 0
    last = b""
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if size and last != b"\n":
        lines += 1
    return FileFacts(digest.hexdigest(), size, lines)


def sniff(stream: IO[bytes]) -> str:
    """CSV or XLSX, judged by content; raise UnreadableFile with the reason otherwise.

    The stream must be seekable; it is left at its start.
    """
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head.strip().removeprefix(codecs.BOM_UTF8).strip():
        raise UnreadableFile(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as archive:
                is_workbook = "xl/workbook.xml" in archive.namelist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise UnreadableFile(_("The file is a damaged ZIP archive.")) from exc
        finally:
            stream.seek(0)
        if not is_workbook:
            raise UnreadableFile(_("The file is a ZIP archive but not an Excel workbook (XLSX)."))
        return XLSX
    first_line = head.removeprefix(codecs.BOM_UTF8).split(b"\n", 1)[0]
    try:
        text = first_line.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(first_line) == len(head) and len(head) == SNIFF_BYTES:
            # The sniff may have cut a character in two at the end of an over-long line.
            text = first_line.decode("utf-8", errors="ignore")
        else:
            raise UnreadableFile(not_csv_message()) from exc
    check_header(next(csv.reader([text], delimiter=delimiter(text))))
    return CSV


def delimiter(header_line: str) -> str:
    """Comma, unless the header is plainly separated by semicolons or tabs: spreadsheet
    programs set to Vietnamese (where the comma is the decimal mark) save CSV with ";"."""
    counts = {mark: header_line.count(mark) for mark in (",", ";", "\t")}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] > counts[","] else ","


def _first_line(path: Path) -> str:
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES).removeprefix(codecs.BOM_UTF8)
    return head.split(b"\n", 1)[0].decode("utf-8", errors="replace")


def not_csv_message() -> str:
    return _(
        "This is not a CSV or XLSX file of citizens. A CSV file must be UTF-8 text whose "
        "first line is the column header: %(header)s"
    ) % {"header": ",".join(COLUMNS)}


def check_header(cells: list[Any]) -> list[str]:
    """The header's column names (normalised), or UnreadableFile if it is not ours."""
    names = [str(cell or "").strip().lower() for cell in cells]
    while names and not names[-1]:
        names.pop()
    if "\x00" in "".join(names) or not all(column in names for column in REQUIRED_COLUMNS):
        raise UnreadableFile(not_csv_message())
    duplicated = sorted({name for name in names if name and names.count(name) > 1})
    if duplicated:
        raise UnreadableFile(
            _("The header names these columns more than once: %(columns)s")
            % {"columns": ", ".join(duplicated)}
        )
    return names


class _CsvText:
    """Decodes a CSV file for the csv module a chunk at a time, one str per line.

    A chunk that is valid UTF-8 (the usual case) is decoded at once; otherwise its lines
    are decoded one by one, and those that are not UTF-8 (or hold NUL characters, which
    PostgreSQL cannot store) are remembered by number so only their rows are rejected.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.produced = 0
        # Line number → why the row holding that line cannot be used.
        self.bad: dict[int, str] = {}

    def chunks(self) -> Iterator[list[str]]:
        rest = b""
        first = True
        while True:
            try:
                block = self.stream.read(_CHUNK)
            except OSError as exc:
                raise UnreadableFile(
                    _("The file could not be read after line %(line)s: %(error)s")
                    % {"line": self.produced, "error": exc.strerror or exc}
                ) from exc
            data = rest + block
            if first:
                data = data.removeprefix(codecs.BOM_UTF8)
                first = False
            if block:
                cut = data.rfind(b"\n") + 1
                if not cut and len(data) < _LONGEST_LINE:
                    rest = data  # a line longer than a chunk: read on
                    continue
                if cut:
                    data, rest = data[:cut], data[cut:]
                else:  # no line ends at all: let the csv module refuse the field
                    rest = b""
            if not data:
                return
            yield self._lines(data)
            if not block:
                return

    def _lines(self, data: bytes) -> list[str]:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = ""
        if text and "\x00" not in text:
            lines = list(io.StringIO(text, newline=""))
            self.produced += len(lines)
            return lines
        lines = []
        for raw in data.splitlines(keepends=True):
            try:
                decoded, reason = raw.decode("utf-8"), ""
            except UnicodeDecodeError:
                decoded, reason = raw.decode("utf-8", errors="replace"), _("not UTF-8 text")
            if "\x00" in decoded:
                decoded, reason = (
                    decoded.replace("\x00", ""),
                    reason or _("the row contains a NUL character"),
                )
            for line in io.StringIO(decoded, newline=""):
                self.produced += 1
                if reason:
                    self.bad[self.produced] = reason
                lines.append(line)
        return lines

    def problem(self, first: int, last: int) -> str:
        """Why the record on lines first..last cannot be used, or ""."""
        if not self.bad:
            return ""
        reasons = [self.bad.pop(number) for number in range(first, last + 1) if number in self.bad]
        return reasons[0] if reasons else ""


def csv_rows(path: Path) -> Generator[SourceRow | Header, None, None]:
    """The header first, then each non-blank data row."""
    with path.open("rb") as stream:
        text = _CsvText(stream)
        reader = csv.reader(
            chain.from_iterable(text.chunks()),
            delimiter=delimiter(_first_line(path)),
            strict=False,
        )
        header: list[str] | None = None
        width = 0
        done = 0  # lines consumed by the records read so far
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                start, done = done + 1, reader.line_num
                if header is None:
                    raise UnreadableFile(not_csv_message()) from exc
                text.problem(start, done)
                yield SourceRow(
                    start, [""] * width, _("unreadable CSV row: %(error)s") % {"error": exc}
                )
                continue
            start, done = done + 1, reader.line_num
            problem = text.problem(start, done)
            if header is None:
                if problem:
                    raise UnreadableFile(not_csv_message())
                header = check_header(cells)
                width = len(header)
                yield Header(header)
                continue
            if len(cells) == width and not problem:
                yield SourceRow(start, cells)
            elif "".join(cells).strip():
                yield _source_row(start, header, cells, problem)


def xlsx_rows(path: Path) -> Generator[SourceRow | Header, None, None]:
    """The header of the first sheet, then each non-blank data row, its cells turned into
    the text a CSV file would hold."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise UnreadableFile(
            _("The Excel workbook cannot be read: %(error)s") % {"error": exc}
        ) from exc
    try:
        if not workbook.worksheets:
            raise UnreadableFile(_("The file is empty."))
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        number = (sheet.min_row or 1) - 1
        for cells in _guarded(sheet.iter_rows(values_only=True)):
            number += 1
            if header is None:
                if not any(cell not in (None, "") for cell in cells):
                    continue  # blank lines above the header
                header = check_header(list(cells))
                # Per column: the code width, or -1 for a day column.
                widths = [
                    -1 if name in DAY_COLUMNS else CODE_WIDTHS.get(name, 0) for name in header
                ]
                yield Header(header, sheet.max_row - number if sheet.max_row else None)
                continue
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue
            texts = [
                _cell_text(cell, widths[index] if index < len(widths) else 0)
                for index, cell in enumerate(cells)
            ]
            yield _source_row(number, header, texts, "")
        if header is None:
            raise UnreadableFile(_("The file is empty."))
    finally:
        workbook.close()


def _guarded(cells: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """openpyxl's rows, with any failure to read on (a workbook damaged part-way
    through) turned into UnreadableFile."""
    count = 0
    while True:
        try:
            row = next(cells)
        except StopIteration:
            return
        except Exception as exc:  # zipfile, XML and value errors alike
            raise UnreadableFile(
                _("The file could not be read after row %(row)s: %(error)s")
                % {"row": count, "error": exc}
            ) from exc
        count += 1
        yield row


def _cell_text(value: Any, width: int) -> str:
    """A spreadsheet cell as CSV text. Numbers in code columns (width > 0) get back the
    leading zeros a spreadsheet drops; dates become ISO dates, or ISO date-times when they
    have a time outside a day column (width -1)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:0{width}d}" if width > 0 and 0 <= value < 10**width else str(value)
    if isinstance(value, dt.datetime):
        if width < 0 or value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _source_row(number: int, header: list[str], cells: list[str], problem: str) -> SourceRow:
    width = len(header)
    if len(cells) == width:
        return SourceRow(number, cells, problem)
    # Trailing empty cells are common in spreadsheets; they are not extra values.
    while len(cells) > width and not cells[-1].strip():
        cells.pop()
    if len(cells) != width and not problem:
        problem = _("the row has %(values)s values but the header has %(columns)s") % {
            "values": len(cells),
            "columns": width,
        }
    cells = (cells + [""] * width)[:width]
    return SourceRow(number, cells, problem)


def rows(path: Path, kind: str) -> Generator[SourceRow | Header, None, None]:
    """The header, then the data rows of a CSV or XLSX file."""
    return xlsx_rows(path) if kind == XLSX else csv_rows(path)
