"""CSV downloads that Excel opens right: UTF-8 with a byte-order mark (Cyrillic and Kazakh
letters intact), and no cell a spreadsheet would run as a formula (CSV injection, OWASP)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Final

from flask import Response

BOM: Final = "\ufeff"
# A spreadsheet reads a cell starting with one of these as a formula (or a DDE command).
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def safe_cell(value: object) -> str | int | float:
    """Numbers as they are; text that a spreadsheet would run gets a leading apostrophe."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return BOM + out.getvalue()


def csv_response(filename: str, header: Sequence[object],
                 rows: Iterable[Sequence[object]]) -> Response:
    """A CSV attachment; ``filename`` is ASCII made by the caller (no user input)."""
    response = Response(csv_text(header, rows).encode("utf-8"),
                        mimetype="text/csv", content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
