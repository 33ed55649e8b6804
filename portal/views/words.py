"""A page's labels worked out once per distinct code instead of once per row: a list of 30
events has a handful of distinct actions, and each label filter is a gettext call."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app

from portal.web.i18n import translations

# The labels already worked out, kept per catalogue (on the catalogue object, as the templates'
# strings are, portal/web/i18n.py): a label filter's answer depends on the code and the language
# only, so a page asks the filter once per code and language in the process's life, not once
# per request. Bounded all the same.
_WORDS_ATTR = "_portal_words"
MAX_WORDS = 4096


def words(filter_name: str, codes: Iterable[str]) -> dict[str, str]:
    """``{code: label}`` by the Jinja filter ``filter_name`` (portal/web/labels.py), for the
    request's locale; the template reads ``labels[code]``."""
    label = current_app.jinja_env.filters[filter_name]
    catalog = translations()
    memo: dict[tuple[Callable[[str], str], str], str] | None = \
        catalog.__dict__.get(_WORDS_ATTR)
    if memo is None:
        memo = {}
        setattr(catalog, _WORDS_ATTR, memo)
    found = {}
    for code in codes:
        text = memo.get((label, code))
        if text is None:
            text = label(code)
            if len(memo) >= MAX_WORDS:
                memo.clear()
            memo[label, code] = text
        found[code] = text
    return found
