"""A document's title in the page's language.

The portal names the papers a person attaches (R3.4) and the attachments of an objection in the
language of the page they were made on, and stores that name; a desk fills in the same names. A
stored title that starts with one of those names, in any of the portal's languages, is shown
with the name in the reader's language (the rest, such as a family member's name, as stored); a
title an official typed in their own words is shown as typed."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale

from portal.domain.package import DocumentKind


def _names(document: Any) -> list[Any]:
    from portal.services.statements import TITLES
    from portal.web.labels import DOCUMENT_LABELS, GROUND_PROOF_LABELS

    if getattr(document, "statement", None) is not None:
        return [TITLES[document.statement]]
    names = []
    if document.kind is DocumentKind.GROUND_PROOF and document.proves in GROUND_PROOF_LABELS:
        names.append(GROUND_PROOF_LABELS[document.proves])
    if document.kind in DOCUMENT_LABELS:
        names.append(DOCUMENT_LABELS[document.kind])
    return names


def document_title(document: Any) -> str:
    title = str(document.title or "")
    for name in _names(document):
        for language in current_app.config["LANGUAGES"]:
            with force_locale(language):
                stored = str(name)
            if stored and title.startswith(stored):
                return str(name) + title[len(stored) :]
    return title


def init_app(app: Flask) -> None:
    app.jinja_env.filters["document_title"] = document_title
