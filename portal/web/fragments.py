"""Markup that is the same for everyone who sees it: the layout's menus, language links, footer and
static URLs, rendered once per language (and per what else they depend on) and kept by the app.

A page of the portal spent half its time on these: dozens of gettext look-ups and a dozen
``url_for`` builds that give the same answer on every request. Only what is named in a fragment's
key may vary inside it, so nothing personal and nothing per request (the CSP nonce, the CSRF
token, the unread count) ever goes into one: those stay outside the ``{% call cached(...) %}``
blocks. The cache is per app (its config is part of what the markup says) and bounded (a key may
hold a path).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any, Final

from flask import Flask, current_app, g, render_template, request, session, url_for
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup

from portal.web.i18n import context_locale, locale_code
from portal.web.security import csp_nonce

_KEY = "portal_fragments"
# Enough for every language × path × menu shape the portal has; a flood of odd paths (404s
# render the layout too) only empties it, which costs a re-render, never a wrong answer.
MAX_ENTRIES = 4096


def _store() -> dict[Hashable, Any]:
    store: dict[Hashable, Any] = current_app.extensions[_KEY]
    return store


def _remember(key: Hashable, make: Callable[[], Any]) -> Any:
    store = _store()
    found = store.get(key)
    if found is None:
        found = make()
        if len(store) >= MAX_ENTRIES:
            store.clear()
        store[key] = found
    return found


@pass_context
def cached(context: Any, name: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
    """``{% call cached("menu", principal.kind, request.endpoint) %}…{% endcall %}``: the block's
    markup for this language and these key parts, rendered the first time only. Everything the
    block reads besides the language and the app's config must be among the key parts."""
    return Markup(_remember((name, context_locale(context), *key), caller))  # noqa: S704 — rendered by Jinja with autoescape


def static_url(filename: str) -> str:
    """``url_for('static', filename=…)`` with its content hash, built once per file: the answer
    depends only on the file and the application's root path."""
    return str(
        _remember(("static", request.script_root, filename), lambda: url_for("static", filename=filename))
    )


# Kept pages: a whole page rendered once per language with stand-ins for the three things that
# differ between two anonymous visitors (the CSP nonce, the CSRF token, and the page's own answer
# when it has one), filled in on every answer. The stand-ins are plain text that escaping leaves
# alone, so the filled page is byte for byte what a full render gives.
_NONCE: Final = "@@portal-nonce@@"
_CSRF: Final = "@@portal-csrf@@"
_SLOT: Final = "@@portal-slot@@"
_MARKS: Final = re.compile(f"({_NONCE}|{_CSRF}|{_SLOT})")
_CSRF_NAME: Final = "csrf_token"  # Flask-WTF keeps the request's signed token in g under this
_MISSING: Final = object()


def layout_is_shared() -> bool:
    """Whether this request's layout is the one every anonymous visitor in its language sees:
    nobody signed in and no flashed message waiting (a session that just ended leaves one)."""
    from portal.web.access import current

    return not current().signed_in and "_flashes" not in session


def _with_stand_ins(make: Callable[[], str]) -> list[str]:
    """``make()``'s markup with the stand-ins in place of this request's nonce and CSRF token,
    cut at every stand-in: [text, mark, text, mark, ..., text]."""
    saved = {name: g.get(name, _MISSING) for name in ("csp_nonce", _CSRF_NAME)}
    g.csp_nonce = _NONCE
    setattr(g, _CSRF_NAME, _CSRF)  # generate_csrf() and csrf_token() answer this for the render
    try:
        markup = make()
    finally:
        for name, value in saved.items():
            if value is _MISSING:
                g.pop(name, None)
            else:
                setattr(g, name, value)
    return _MARKS.split(markup)


def _fill(parts: list[str], slot: str = "") -> str:
    values = {_SLOT: slot}
    for mark in parts[1::2]:
        if mark not in values:
            values[mark] = csp_nonce() if mark == _NONCE else generate_csrf()
    return "".join(values.get(part, part) if n % 2 else part for n, part in enumerate(parts))


def kept(name: str, *key: Hashable, make: Callable[[], str]) -> str:
    """``make()``'s markup, rendered once per language and ``key`` for an anonymous visitor's
    request, with this request's nonce and CSRF token filled in. Everything ``make`` reads besides
    the language, the endpoint, the path and the app's config must be among the key parts, and
    nothing personal may be (the same markup goes to everyone)."""
    parts = _remember(("kept", name, locale_code(), request.endpoint, request.path, *key),
                      lambda: _with_stand_ins(make))
    return _fill(parts)


def page(template: str, *key: Hashable, slot: str | None = None, **context: Any) -> str:
    """The page ``template`` renders, kept per language and ``key`` (:func:`kept`) when the
    layout is the shared one, else rendered. ``slot``: markup of this request (the lookup's
    answer) that the template shows where it writes ``{{ slot }}``; the template renders it as
    given either way."""
    if not layout_is_shared():
        return render_template(template, slot=Markup(slot or ""), **context)  # noqa: S704 — markup rendered by the caller
    parts = _remember(("page", template, locale_code(), request.endpoint, request.path, *key),
                      lambda: _with_stand_ins(lambda: render_template(
                          template, slot=Markup(_SLOT), **context)))  # noqa: S704 — our stand-in
    return _fill(parts, slot or "")


# Kept with facts: markup whose wording is the same for everyone in a language once it is known
# which facts it states (its shape), rendered once per language and shape with a stand-in in
# each fact's place; the facts (markup, escaped by the caller) are put in on every call and
# never kept.
_FACT_MARK: Final = "@@portal-fact-"
_FACTS: Final = re.compile(f"({_FACT_MARK}[a-z_]+@@)")


def _stand_in_facts(make: Callable[[], str]) -> list[str]:
    parts = _with_stand_ins(make)
    if len(parts) != 1:  # a nonce or a CSRF token in it: it would go to someone else
        raise ValueError("markup kept with facts may hold no nonce and no CSRF token")
    return _FACTS.split(parts[0])


def with_facts(name: str, facts: dict[str, Markup], *shape: Hashable,
               make: Callable[[dict[str, Markup]], str]) -> str:
    """``make(facts)`` for these ``facts`` (name → markup): ``make`` is called once per
    language, fact names and ``shape`` (what else the markup depends on: flags, never a
    personal value) with stand-ins for the facts, and the result kept; each call fills in its
    own facts. The result is byte for byte ``make(facts)`` provided ``make`` only places each
    fact (tests/web/test_status_lookup_kept.py)."""
    parts = _remember(
        ("facts", name, locale_code(), request.script_root, tuple(sorted(facts)), *shape),
        lambda: _stand_in_facts(lambda: make(
            {key: Markup(f"{_FACT_MARK}{key}@@") for key in facts})))  # noqa: S704 — our stand-ins
    cut = len(_FACT_MARK)
    return "".join(facts[part[cut:-2]] if n % 2 else part for n, part in enumerate(parts))


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = {}
    app.jinja_env.globals["cached"] = cached
    app.jinja_env.globals["static_url"] = static_url
