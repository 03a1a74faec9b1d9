"""Turn pasted handles or an uploaded CSV into invitation rows, or refuse with a clear reason.

Problems with the file as a whole (wrong columns, not UTF-8, empty, too many rows) raise
``CsvError`` and nothing is created. Problems with one line (a handle that cannot be valid, an
unknown platform, a duplicate) become that row's failure reason; the other rows go ahead.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from core.errors import ChorusError
from discovery.models import BATCH_MAX_ROWS, RAW_INPUT_MAX_CHARS
from platforms.handles import parse_handle
from platforms.types import Platform

CSV_MAX_BYTES = 2_000_000
MESSAGE_MAX_CHARS = 1000
CSV_COLUMNS = ("handle", "platform", "message")
CSV_TEMPLATE = (
    "handle,platform,message\r\n"
    "@maya.makes,tiktok,\r\n"
    "https://www.instagram.com/leo.cooks/,instagram,Loved your pasta reel!\r\n"
    "priya.travels,youtube,\r\n"
)

_SPLIT = re.compile(r"[\s,;]+")
_PLATFORM_NAMES: dict[str, str] = {
    **{p.value: p.value for p in Platform},
    **{p.label.lower(): p.value for p in Platform},
    "ig": Platform.INSTAGRAM.value,
    "yt": Platform.YOUTUBE.value,
    "tt": Platform.TIKTOK.value,
}


class CsvError(ChorusError):
    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__("invalid_csv", message, fields={field: [message]})


@dataclass
class ParsedRow:
    line_number: int
    raw_input: str
    platform: str = ""
    handle: str = ""
    message: str = ""
    error: str = ""  # set when this row cannot be invited; the batch records it as failed


def _too_many(count: int, what: str) -> str:
    return f"{count:,} {what}: at most {BATCH_MAX_ROWS:,} per upload. Split the list and send it in parts."


def platform_from_text(text: str) -> str | None:
    return _PLATFORM_NAMES.get(text.strip().lower())


def _resolve(row: ParsedRow, platform: str | None, text: str) -> ParsedRow:
    if not platform:
        row.error = "No platform: add a 'platform' column or choose a platform for the upload."
        return row
    row.platform = platform
    try:
        row.handle = parse_handle(platform, text)
    except ValueError as exc:
        row.error = str(exc)
    return row


def _mark_duplicates(rows: list[ParsedRow], unit: str) -> list[ParsedRow]:
    first_seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.error or not row.handle:
            continue
        key = (row.platform, row.handle)
        if key in first_seen:
            row.error = f"Duplicate of {unit} {first_seen[key]} (@{row.handle})."
        else:
            first_seen[key] = row.line_number
    return rows


def parse_handles_text(text: str, *, platform: str) -> list[ParsedRow]:
    """Pasted text: handles or profile links, one per line or separated by commas."""
    entries = [e for e in _SPLIT.split(text or "") if e.strip()]
    if not entries:
        raise CsvError("Paste at least one handle or profile link.", field="handles")
    if len(entries) > BATCH_MAX_ROWS:
        raise CsvError(_too_many(len(entries), "handles"), field="handles")
    rows = [
        _resolve(ParsedRow(line_number=n, raw_input=entry[:RAW_INPUT_MAX_CHARS]), platform, entry)
        for n, entry in enumerate(entries, start=1)
    ]
    return _mark_duplicates(rows, "entry")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvError(
            f"The file is not UTF-8: line {line} has a byte (0x{data[exc.start]:02X}) that is not "
            'valid UTF-8. Save it as "CSV UTF-8" from your spreadsheet and upload it again.'
        ) from exc


def _delimiter(text: str) -> str:
    """Comma, semicolon (spreadsheets in much of Europe) or tab: whichever the header row uses
    most; a one-column header ("handle") reads the same with any of them."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_invite_csv(data: bytes, *, default_platform: str | None = None) -> list[ParsedRow]:
    """A CSV with a header row: ``handle`` (required), ``platform`` and ``message`` (optional).

    Line numbers are the file's own (the header is line 1), as a spreadsheet shows them.
    """
    if len(data) > CSV_MAX_BYTES:
        raise CsvError(
            f"The file is {len(data) / 1_000_000:.1f} MB: upload at most "
            f"{CSV_MAX_BYTES // 1_000_000} MB."
        )
    text = _decode(data)
    if not text.strip():
        raise CsvError(
            "The file is empty: it needs a header row with a 'handle' column, then one creator "
            "per row."
        )
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CsvError(f"Line {line} contains a NUL byte: is this really a CSV file?")

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader)
        columns = [c.strip().lower() for c in header]
        body = [(reader.line_num, record) for record in reader]
    except csv.Error as exc:
        raise CsvError(f"Line {reader.line_num} is not valid CSV: {exc}.") from exc

    found = ", ".join(c or "(blank)" for c in columns) or "nothing"
    if "handle" not in columns:
        raise CsvError(f"The CSV needs a 'handle' column; found: {found}.")
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if unknown:
        raise CsvError(
            f"Unknown column {unknown[0] or '(blank)'!r}; the columns are handle, platform "
            f"(optional) and message (optional). Found: {found}."
        )
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise CsvError(f"The column {repeated[0]!r} appears twice in the header.")

    records = [(n, r) for n, r in body if any(cell.strip() for cell in r)]
    if not records:
        raise CsvError("The CSV has a header but no rows: add one creator per row under it.")
    if len(records) > BATCH_MAX_ROWS:
        raise CsvError(_too_many(len(records), "rows"))

    index = {name: columns.index(name) for name in CSV_COLUMNS if name in columns}
    rows: list[ParsedRow] = []
    for line_number, record in records:

        def cell(name: str, record: list[str] = record) -> str:
            i = index.get(name)
            return record[i].strip() if i is not None and i < len(record) else ""

        handle_text = cell("handle")
        row = ParsedRow(line_number=line_number, raw_input=handle_text[:RAW_INPUT_MAX_CHARS])
        rows.append(row)
        if len(record) > len(columns) and any(c.strip() for c in record[len(columns) :]):
            row.raw_input = ",".join(record)[:RAW_INPUT_MAX_CHARS]
            row.error = (
                f"This line has {len(record)} fields but the header has {len(columns)}: "
                "is there an unquoted comma in it?"
            )
            continue
        message = cell("message")
        if len(message) > MESSAGE_MAX_CHARS:
            row.error = (
                f"The message is {len(message):,} characters: at most {MESSAGE_MAX_CHARS:,}."
            )
            continue
        row.message = message
        platform = default_platform or None
        if cell("platform"):
            platform = platform_from_text(cell("platform"))
            if platform is None:
                row.error = (
                    f"Unknown platform {cell('platform')!r}: use tiktok, instagram or youtube."
                )
                continue
        if not handle_text:
            row.error = "The handle is empty."
            continue
        _resolve(row, platform, handle_text)
    return _mark_duplicates(rows, "line")
