"""Every message has Kazakh and Russian translations, and the catalogue matches the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "portal" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _source_messages() -> set[str]:
    method_map = [("portal/**.py", "python"), ("portal/templates/**.html", "jinja2")]
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalogue(lang: str):  # type: ignore[no-untyped-def]
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def test_the_template_catalogue_is_up_to_date_with_the_code() -> None:
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        pot = {m.id for m in read_po(f) if m.id}
    source = _source_messages()
    assert source - pot == set(), "run `make extract-messages`"
    assert pot - source == set(), "stale messages: run `make extract-messages`"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_message_is_translated(lang: str) -> None:
    catalogue = _catalogue(lang)
    missing = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
    assert missing == []
    ids = {m.id for m in catalogue if m.id}
    assert _source_messages() <= ids


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_translations_keep_the_placeholders(lang: str) -> None:
    for m in _catalogue(lang):
        if m.id and isinstance(m.id, str):
            assert set(PLACEHOLDER.findall(m.id)) == set(PLACEHOLDER.findall(m.string)), m.id


def test_kazakh_translations_are_not_copies_of_the_english() -> None:
    same = [m.id for m in _catalogue("kk") if m.id and m.string == m.id and m.id not in {"1414"}]
    assert same == []
