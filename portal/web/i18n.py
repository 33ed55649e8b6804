"""Languages: Kazakh by default, Russian and English; locale-aware dates in Asia/Almaty time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask_babel import Domain, format_date, format_datetime, get_locale
from jinja2 import pass_context
from markupsafe import Markup

from portal.domain.calendar import ALMATY

LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
API_PREFIX = "/api/"  # systems: the language of labels follows Accept-Language


def lang_cookie() -> str:
    """`lang`, or `__Host-lang` where cookies are Secure (production)."""
    name: str = current_app.config.get("LANG_COOKIE_NAME", "lang")
    return name


def select_locale() -> str:
    """The page's language from the language cookie; for the API (systems, no cookie of
    theirs), from the request's Accept-Language. Kazakh otherwise."""
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    default: str = current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith(API_PREFIX):
        best: str = request.accept_languages.best_match(languages, default)
        return best
    chosen = request.cookies.get(lang_cookie(), "")
    return chosen if chosen in languages else default


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only same-site relative paths: an open redirect would help phishing.

    Control characters are refused too: CR/LF cannot go into a Location header (a 500 before),
    and browsers drop tabs and newlines from URLs, so `/<TAB>/evil.example` would become
    `//evil.example`."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


# People in Kazakhstan read dates as 27.11.2026 and times on the 24-hour clock in every language
# (CLDR gives English the US order and Kazakh a two-digit year), so the numeric forms are fixed
# here; the long form ("27 қараша 2026 ж.") only where a page asks for it with fmt="long".
DATE_FORMAT = "%d.%m.%Y"
TIME_FORMATS = {"short": "%H:%M", "medium": "%H:%M:%S"}


def _almaty(value: dt.datetime) -> dt.datetime:
    # Naive datetimes are UTC throughout the portal (db.UtcDateTime).
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(ALMATY)


def local_date(value: dt.date | dt.datetime | None, fmt: str = "short") -> str:
    """``27.11.2026`` (Almaty's day for a moment); ``fmt="long"`` writes the month in words."""
    if value is None:
        return ""
    day = _almaty(value).date() if isinstance(value, dt.datetime) else value
    if fmt == "long":
        return str(format_date(day, "long"))
    return day.strftime(DATE_FORMAT)


def local_time(value: dt.datetime | None, fmt: str = "short") -> str:
    """``14:05`` in Almaty time; ``fmt="medium"`` adds the seconds."""
    if value is None:
        return ""
    return _almaty(value).strftime(TIME_FORMATS.get(fmt, TIME_FORMATS["short"]))


def local_datetime(value: dt.datetime | None, fmt: str = "medium") -> str:
    """``27.11.2026 14:05`` (``short``) or ``27.11.2026 14:05:09`` (``medium``), Almaty time."""
    if value is None:
        return ""
    if fmt == "long":
        return str(format_datetime(value, "long"))
    return f"{local_date(value)} {local_time(value, fmt)}"


def tenge(tiyn: int | None) -> str:
    """Amounts are integers in tiyn; shown in tenge with the locale's grouping."""
    from flask_babel import format_decimal

    if tiyn is None:
        return ""
    pattern = "#,##0.00" if tiyn % 100 else "#,##0"
    return f"{format_decimal(Decimal(tiyn) / 100, format=pattern)} ₸"


def file_size(size: int | None) -> str:
    """Bytes as a person reads them: "850 KB", "2,4 MB" with the locale's decimal sign."""
    from flask_babel import format_decimal, gettext

    if size is None:
        return ""
    if size < 1024 * 1024:
        return str(gettext("%(size)s KB", size=format_decimal(max(1, round(size / 1024)))))
    return str(gettext("%(size)s MB", size=format_decimal(round(size / 1024 / 1024, 1))))


def translations() -> Any:
    """The request's message catalogue, found once per request and locale.

    Flask-Babel's own lookup walks its context, its domain and the locale (formatting the locale's
    name as a string) for every string: a third of the home page's time went there. The answer is
    kept on Flask-Babel's request namespace next to the locale it was made for, so
    ``force_locale`` (SMS texts, PDFs in the person's language) still gets its own catalogue."""
    return _DOMAIN.get_translations()


class _RequestDomain(Domain):  # type: ignore[misc]  # Flask-Babel has no type hints
    """Flask-Babel's message domain with :func:`translations`' once-per-request catalogue, so
    that Python's ``gettext`` and every lazy string (labels, form fields, flashed messages) find
    it the same quick way the templates do."""

    def get_translations(self) -> Any:
        if not g:  # outside an application context: Flask-Babel's own answer
            return super().get_translations()
        ctx = g.get("_flask_babel")
        if ctx is not None:
            cached = getattr(ctx, "portal_translations", None)
            locale = getattr(ctx, "babel_locale", None)
            if cached is not None and locale is not None and cached[0] is locale:
                return cached[1]
        found = super().get_translations()
        ctx = g.get("_flask_babel")
        if ctx is not None:
            ctx.portal_translations = (getattr(ctx, "babel_locale", None), found)
        return found


_DOMAIN = _RequestDomain()


# The request's catalogue and language code, put into every template's context once per render
# (a context processor), so that the dozens of ``_()`` of a page and the kept fragments' keys
# need not find them again each.
CATALOG = "_portal_catalog"
LOCALE = "_portal_locale"
# A catalogue's strings as template markup, kept on the catalogue object itself: they are what
# the catalogue says (a reloaded catalogue is a new object with none kept), only the msgids the
# templates ask for, and bounded all the same (a template may translate a value it was given).
_MARKUP_ATTR = "_portal_markup"
MAX_MARKUP = 4096


def locale_code() -> str:
    """``str(get_locale())``, without Babel formatting the identifier again for the portal's
    plain language codes (kk, ru, en); ``kk`` outside a request."""
    locale = get_locale()
    if locale is None:
        return "kk"
    if (locale.territory is None and locale.script is None and locale.variant is None
            and getattr(locale, "modifier", None) is None):
        code: str = locale.language
        return code
    return str(locale)


@pass_context
def context_locale(context: Any) -> str:
    """:func:`locale_code` as the template's context has it (the global ``current_locale()``)."""
    found: str | None = context.get(LOCALE)
    return found if found is not None else locale_code()


def _catalog(context: Any) -> Any:
    found = context.get(CATALOG)
    return found if found is not None else translations()


def catalog_memo(catalog: Any, attr: str) -> dict[Any, Any]:
    """A memo kept on the catalogue object itself under ``attr``: what it holds is what that
    catalogue says (a reloaded catalogue is a new object with none kept). Callers bound it
    (:data:`MAX_MARKUP` entries, then emptied)."""
    memo: dict[Any, Any] | None = catalog.__dict__.get(attr)
    if memo is None:
        memo = {}
        setattr(catalog, attr, memo)
    return memo


def _markup(catalog: Any, string: str) -> tuple[Markup, bool]:
    """The translation of ``string`` as markup, and whether it has a ``%`` to format."""
    memo = catalog_memo(catalog, _MARKUP_ATTR)
    found: tuple[Markup, bool] | None = memo.get(string)
    if found is None:
        text = Markup(catalog.ugettext(string))  # noqa: S704 — the catalogue is ours, as in Jinja's own gettext
        found = (text, "%" in text)
        if len(memo) >= MAX_MARKUP:
            memo.clear()
        memo[string] = found
    return found


@pass_context
def _gettext(context: Any, string: str, /, **variables: Any) -> str:
    """Jinja's new-style ``_()`` (autoescaped, always %-formatted) in one call: Jinja's own
    wraps it twice more in ``Context.call``, which cost as much again as the lookup. A text
    without ``%`` is what formatting would give, so it is not formatted."""
    catalog = _catalog(context)
    if not context.eval_ctx.autoescape:
        plain: str = catalog.ugettext(string) % variables
        return plain
    text, formats = _markup(catalog, string)
    return text % variables if formats else text


@pass_context
def _ngettext(context: Any, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = _catalog(context).ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 — the catalogue is ours, as in Jinja's own gettext
    result: str = text % variables
    return result


def _install_fast_gettext(app: Flask) -> None:
    """Templates' ``_()``, ``gettext()`` and ``ngettext()`` through :func:`translations`."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)


def init_app(app: Flask) -> None:
    from portal.extensions import babel

    # Flask-Babel's gettext and lazy strings ask this domain (a cached property, set here).
    babel.domain_instance = _DOMAIN
    _install_fast_gettext(app)
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["tenge"] = tenge
    from portal.notify.phones import mask_phone

    app.jinja_env.filters["mask_phone"] = mask_phone
    from portal.web import labels

    labels.init_app(app)
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_locale"] = context_locale

    @app.context_processor
    def _request_catalog() -> dict[str, Any]:
        return {CATALOG: translations(), LOCALE: locale_code()}
