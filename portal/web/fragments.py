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

from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app, request, url_for
from jinja2 import pass_context
from markupsafe import Markup

from portal.web.i18n import context_locale

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


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = {}
    app.jinja_env.globals["cached"] = cached
    app.jinja_env.globals["static_url"] = static_url
