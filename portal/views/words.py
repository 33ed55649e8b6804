"""A page's labels worked out once per distinct code instead of once per row: a list of 30
events has a handful of distinct actions, and each label filter is a gettext call."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app


def words(filter_name: str, codes: Iterable[str]) -> dict[str, str]:
    """``{code: label}`` by the Jinja filter ``filter_name`` (portal/web/labels.py, whose labels
    are translated once per catalogue), for the request's locale; the template reads
    ``labels[code]``."""
    label = current_app.jinja_env.filters[filter_name]
    return {code: label(code) for code in codes}
