"""Languages: Kazakh by default, Russian and English; locale-aware dates in Asia/Almaty time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime, get_locale

from portal.domain.calendar import ALMATY

LANG_COOKIE = "lang"
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def select_locale() -> str:
    chosen = request.cookies.get(LANG_COOKIE, "")
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only same-site relative paths: an open redirect would help phishing."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target


def local_date(value: dt.date | dt.datetime | None, fmt: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return str(format_date(value.astimezone(ALMATY).date(), fmt))
    return str(format_date(value, fmt))


def local_datetime(value: dt.datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return str(format_datetime(value, fmt))


def tenge(tiyn: int | None) -> str:
    """Amounts are integers in tiyn; shown in tenge with the locale's grouping."""
    from flask_babel import format_decimal

    if tiyn is None:
        return ""
    pattern = "#,##0.00" if tiyn % 100 else "#,##0"
    return f"{format_decimal(Decimal(tiyn) / 100, format=pattern)} ₸"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["tenge"] = tenge
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "kk")
