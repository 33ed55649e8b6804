"""Serving an official form (portal/documents/forms.py) as a printable page or a PDF, for the
staff and the citizen views alike: the language, the QR code's SVG and the response headers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Response, current_app, make_response, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from portal.documents.cache import issued_pdf
from portal.documents.model import FormDocument
from portal.models import Application
from portal.web.htmx import no_store

__all__ = ["FormLink", "form_links", "language", "page_response", "pdf_response", "qr_svg"]



def language() -> str:
    """The document's language: ``?lang=`` (kk, ru, en) when given, else the reader's own."""
    chosen = request.args.get("lang", "")
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    return chosen if chosen in languages else str(get_locale() or "kk")


def qr_svg(url: str) -> Markup:
    import segno

    svg = segno.make(url, error="m").svg_inline(
        scale=3, svgclass="qr-code", lineclass=None,
        title=str(_l("QR code: opens the page that checks this document")))
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 — segno's own SVG


def page_response(document: FormDocument, *, back_url: str, pdf_endpoint: str,
                  **url_values: str) -> Response:
    """The printable page: A4 print stylesheet, no navigation, the PDF and the other language
    one link away (those links are hidden when printing)."""
    with force_locale(document.language):
        html = render_template(
            "documents/form.html", document=document, back_url=back_url,
            pdf_endpoint=pdf_endpoint, url_values=url_values,
            qr=qr_svg(document.seal.url) if document.seal and document.seal.url else None)
    return no_store(make_response(html))


def pdf_response(document: FormDocument) -> Response:
    """The PDF as an attachment; a signed one is remembered as issued (/verify knows it)."""
    from portal import db

    data = issued_pdf(db.session(), document)
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"{document.filename}-{document.language}.pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return no_store(response)


@dataclass(frozen=True)
class FormLink:
    title: str
    page: str
    pdf: str


def form_links(application: Application, *, citizen: bool) -> list[FormLink]:
    """The forms the case has, as links to their page and PDF: for a template's list."""
    from portal.documents import labels
    from portal.documents.forms import available

    page, pdf = ("citizen.form_page", "citizen.form_pdf") if citizen else (
        "staff.form_page", "staff.form_pdf")
    return [FormLink(labels.word(labels.FORM_TITLES, spec.slug),
                     url_for(page, number=application.number, form=spec.slug),
                     url_for(pdf, number=application.number, form=spec.slug))
            for spec in available(application, citizen=citizen)]
