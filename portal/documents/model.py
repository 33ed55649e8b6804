"""An official form as data: title, numbered fields (label and value), tables, the form's own
sentences, signature lines and the electronic signature with its QR code.

One :class:`FormDocument` is built per form from the case's rows (portal/documents/forms.py) in
the reader's language; the same object is drawn as a printable HTML page
(templates/documents/form.html) and as a PDF (portal/documents/pdf.py), so the page and the PDF
cannot disagree about what the form holds. Its :meth:`FormDocument.digest` keys the PDF cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

__all__ = ["Choice", "Field", "FormDocument", "Item", "Seal", "Section", "SignatureLine",
           "Table", "Text"]


@dataclass(frozen=True)
class Field:
    """``label: value``; ``number`` is the form's own item number ("5."), ``hint`` the small
    print the form puts under its blank ("(surname, name, patronymic (if any))"), ``words`` an
    amount written out ("(in words)")."""

    label: str
    value: str
    number: str = ""
    hint: str = ""
    words: str = ""
    kind: str = "field"


@dataclass(frozen=True)
class Text:
    """A sentence of the form's own wording (a consent, the refusal sentence)."""

    text: str
    strong: bool = False
    kind: str = "text"


@dataclass(frozen=True)
class Choice:
    """The form's "underline whichever applies": every option printed, the chosen ones marked."""

    options: tuple[tuple[str, bool], ...]
    hint: str = ""
    kind: str = "choice"


@dataclass(frozen=True)
class Table:
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]  # relative column widths (the PDF; the page lets the browser decide)
    empty: str = "—"  # printed instead of the rows when there are none
    kind: str = "table"


@dataclass(frozen=True)
class SignatureLine:
    """A paper signature: who signs (role), their name, and the line for the hand signature."""

    role: str
    name: str
    hint: str = ""
    kind: str = "signature"


Item = Field | Text | Choice | Table | SignatureLine


@dataclass(frozen=True)
class Section:
    heading: str
    items: tuple[Item, ...]
    number: str = ""


@dataclass(frozen=True)
class Seal:
    """The electronic signature a document carries: who signed, when, with which certificate,
    and where anyone can check it (the QR code opens ``url``; ``code`` is typed by hand)."""

    heading: str
    rows: tuple[tuple[str, str], ...]
    code: str | None = None
    url: str | None = None
    note: str = ""
    keywords: str = ""  # the PDF's keywords, by which an uploaded copy names its signature
    signature_id: int | None = None


@dataclass(frozen=True)
class FormDocument:
    form: str  # "F5", "coupon" …
    slug: str  # the URL's name of the form
    language: str
    title: str
    subtitle: str = ""
    addressee: tuple[str, ...] = ()  # the lines above the title, right-aligned
    intro: tuple[str, ...] = ()  # the lines under the title
    sections: tuple[Section, ...] = ()
    seal: Seal | None = None
    notice: str = ""  # e.g. "not signed yet": shown prominently on the page and the PDF
    filename: str = "document"

    def digest(self) -> str:
        """SHA-256 of everything the document shows (the signed content's digest included, when
        it is signed): the same digest, the same PDF."""
        data = json.dumps(dataclasses.asdict(self), ensure_ascii=False, sort_keys=True,
                          separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()
