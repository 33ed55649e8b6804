"""A :class:`~portal.documents.model.FormDocument` as an A4 PDF (fpdf2, DejaVu Sans for every
Kazakh letter), with the QR code of its electronic signature drawn as vector squares by segno.

Same page furniture as the F1-1 (portal/documents/f1_1.py): a pale TEST across each page and a
footer that says the signatures of this installation are simulated.
"""

from __future__ import annotations

import datetime as dt

import segno
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from portal.documents.fonts import font_paths
from portal.documents.model import (
    Choice,
    Field,
    FormDocument,
    Item,
    Seal,
    SignatureLine,
    Table,
    Text,
)

__all__ = ["FONT", "draw_qr", "render_pdf"]

FONT = "DejaVu"

_WIDTH = 174  # mm between the margins (A4 210 − 2 × 18)
# A fixed creation date keeps the bytes of a PDF a function of the document alone (the cache and
# the tests rely on it); the document's own dates are printed in it.
_EPOCH = dt.datetime(2025, 2, 7, tzinfo=dt.UTC)  # Order No. 36 registered


class _Pdf(FPDF):
    def __init__(self, test_mark: str, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.test_mark = test_mark
        self.footer_text = footer_text
        for style, path in font_paths().items():
            self.add_font(FONT, style, str(path))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)

    def header(self) -> None:
        # A pale TEST across the page, drawn first so the text stays on top of it.
        with self.local_context(text_color=(225, 225, 225)):
            self.set_font(FONT, "B", 72)
            with self.rotation(45, x=self.w / 2, y=self.h / 2):
                self.text(self.w / 2 - 40, self.h / 2 + 10, self.test_mark)
        self.set_font(FONT, "", 10)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def render_pdf(document: FormDocument) -> bytes:
    """The form as PDF bytes, in the document's language. Needs an app context (translations,
    PDF_FONT_DIR); :class:`~portal.documents.fonts.FontMissing` without the font."""
    with force_locale(document.language):
        return _build(document)


def _next(pdf: _Pdf, height: float, text: str, align: str = "L") -> None:
    pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align=align)


def _build(doc: FormDocument) -> bytes:
    pdf = _Pdf(_("TEST"), _("TEST document: the electronic signatures of this installation are "
                            "simulated and have no legal force."))
    pdf.set_title(doc.title)
    pdf.set_creator("social-assistance-portal")
    pdf.set_creation_date(_EPOCH)
    pdf.set_lang(doc.language)
    if doc.seal is not None and doc.seal.keywords:
        pdf.set_keywords(doc.seal.keywords)
    pdf.alias_nb_pages()
    pdf.add_page()

    if doc.addressee:
        pdf.set_font(FONT, "", 9.5)
        _next(pdf, 5, "\n".join(doc.addressee), align="R")
        pdf.ln(3)
    pdf.set_font(FONT, "B", 12.5)
    _next(pdf, 6.5, doc.title, align="C")
    pdf.set_font(FONT, "", 9.5)
    if doc.subtitle:
        _next(pdf, 5, doc.subtitle, align="C")
    for line in doc.intro:
        _next(pdf, 5, line, align="C")
    if doc.notice:
        pdf.ln(1)
        pdf.set_font(FONT, "B", 10)
        pdf.set_text_color(160, 0, 0)
        _next(pdf, 5, doc.notice, align="C")
        pdf.set_text_color(0, 0, 0)
    for section in doc.sections:
        if section.heading:
            pdf.ln(2)
            pdf.set_font(FONT, "B", 10.5)
            heading = f"{section.number} {section.heading}" if section.number else section.heading
            _next(pdf, 5.5, heading)
        _items(pdf, section.items)
    if doc.seal is not None:
        _seal(pdf, doc.seal)
    return bytes(pdf.output())


def _items(pdf: _Pdf, items: tuple[Item, ...]) -> None:
    fields: list[Field] = []
    for item in (*items, None):
        if isinstance(item, Field):
            fields.append(item)
            continue
        if fields:
            _fields(pdf, fields)
            fields = []
        match item:
            case Text():
                pdf.set_font(FONT, "B" if item.strong else "", 9.5)
                _next(pdf, 4.8, item.text)
                pdf.ln(0.8)
            case Choice():
                pdf.set_font(FONT, "", 9.5)
                for text, chosen in item.options:
                    _next(pdf, 5, f"{'☒' if chosen else '☐'} {text}")
                if item.hint:
                    pdf.set_font(FONT, "", 7.5)
                    _next(pdf, 4, item.hint)
            case Table():
                _table(pdf, item)
            case SignatureLine():
                _signature(pdf, item)
    pdf.set_font(FONT, "", 9.5)


def _fields(pdf: _Pdf, fields: list[Field]) -> None:
    pdf.set_font(FONT, "", 9.5)
    with pdf.table(col_widths=(66, 108), first_row_as_headings=False, line_height=4.8,
                   text_align=("LEFT", "LEFT"), borders_layout="HORIZONTAL_LINES") as table:
        for f in fields:
            row = table.row()
            label = f"{f.number} {f.label}" if f.number else f.label
            row.cell(f"{label}\n{f.hint}" if f.hint else label)
            value = f.value or "—"
            row.cell(f"{value}\n({f.words})" if f.words else value)


def _table(pdf: _Pdf, table: Table) -> None:
    if not table.rows:
        pdf.set_font(FONT, "", 9.5)
        _next(pdf, 5, table.empty)
        return
    total = sum(table.widths) or 1
    widths = tuple(max(1, round(w * _WIDTH / total)) for w in table.widths)
    pdf.set_font(FONT, "", 8.5)
    with pdf.table(col_widths=widths, line_height=4.4, text_align="LEFT",
                   headings_style=FontFace(emphasis="BOLD", fill_color=(238, 238, 238))) as grid:
        heading = grid.row()
        for text in table.head:
            heading.cell(text)
        for values in table.rows:
            row = grid.row()
            for text in values:
                row.cell(text or "—")
    pdf.set_font(FONT, "", 9.5)


def _signature(pdf: _Pdf, line: SignatureLine) -> None:
    pdf.ln(1.5)
    pdf.set_font(FONT, "B", 9.5)
    _next(pdf, 5, f"{line.role} {line.name or ''}".strip())
    pdf.set_font(FONT, "", 9.5)
    _next(pdf, 5, "_" * 34)
    if line.hint:
        pdf.set_font(FONT, "", 7.5)
        _next(pdf, 4, line.hint)
        pdf.set_font(FONT, "", 9.5)


def draw_qr(pdf: _Pdf, url: str, x: float, y: float, side: float = 30.0) -> float:
    """The QR code of ``url`` as filled squares in a ``side`` mm square at (x, y), a quiet zone
    of two modules included, one row's dark run as one rectangle; returns the side."""
    code = segno.make(url, error="m")
    border = 2
    module = side / (len(code.matrix) + 2 * border)
    with pdf.local_context(fill_color=(0, 0, 0)):
        for r, row in enumerate(code.matrix):
            c, n = 0, len(row)
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    pdf.rect(x + (start + border) * module, y + (r + border) * module,
                             (c - start) * module, module, style="F")
                else:
                    c += 1
    return side


def _seal(pdf: _Pdf, seal: Seal) -> None:
    pdf.ln(3)
    side = 30.0
    if pdf.will_page_break(side + 20):
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font(FONT, "B", 10.5)
    text_width = _WIDTH - (side + 6 if seal.url else 0)
    pdf.multi_cell(text_width, 5.5, seal.heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font(FONT, "", 9)
    for label, value in seal.rows:
        pdf.multi_cell(text_width, 4.6, f"{label}: {value}", new_x=XPos.LMARGIN, align="L",
                       new_y=YPos.NEXT)
    if seal.note:
        pdf.set_font(FONT, "B", 8.5)
        pdf.set_text_color(160, 0, 0)
        pdf.multi_cell(text_width, 4.4, seal.note, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        pdf.set_text_color(0, 0, 0)
    bottom = pdf.get_y()
    if seal.url:
        x = pdf.l_margin + _WIDTH - side
        drawn = draw_qr(pdf, seal.url, x, top, side)
        pdf.set_xy(x - 4, top + drawn)
        pdf.set_font(FONT, "B", 9)
        pdf.cell(side + 4, 5, seal.code or "", align="C")
        bottom = max(bottom, top + drawn + 6)
        pdf.set_xy(pdf.l_margin, bottom)
        pdf.set_font(FONT, "", 7.5)
        _next(pdf, 4, _("Check this document: scan the QR code or open %(url)s", url=seal.url))
    pdf.set_y(max(pdf.get_y(), bottom))
