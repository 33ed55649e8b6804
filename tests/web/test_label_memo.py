"""The labels kept per catalogue (portal/web/labels.py::translated, read by the filters and so by
portal/views/words.py::words) say what Flask-Babel's lazy strings say, in every language and
after another language was asked in the same process."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale

from portal.views.words import words
from portal.web import labels

TABLES = [labels.EVENT_LABELS, labels.ROLE_LABELS, labels.DESK_LABELS, labels.STATUS_LABELS,
          labels.DEADLINE_LABELS, labels.DEADLINE_STATE_LABELS, labels.REFUSAL_GROUND_LABELS]


@pytest.mark.parametrize("order", [("kk", "ru", "en"), ("en", "ru", "kk")])
def test_kept_labels_are_the_lazy_strings_in_each_language(app: Flask,
                                                           order: tuple[str, ...]) -> None:
    for _ in range(2):  # the second round reads the kept answers
        for lang in order:
            with app.test_request_context(), force_locale(lang):
                for table in TABLES:
                    for label in table.values():
                        assert labels.translated(label) == str(label)
                for name, table in (("event_label", labels.EVENT_LABELS),
                                    ("role_label", labels.ROLE_LABELS),
                                    ("desk_label", labels.DESK_LABELS)):
                    codes = [*table, "no-such-code"]
                    expected = {code: str(table[code]) for code in table}
                    assert words(name, codes) == {**expected, "no-such-code": "no-such-code"}


def test_the_languages_differ_so_the_check_above_means_something(app: Flask) -> None:
    said = {}
    for lang in ("kk", "ru", "en"):
        with app.test_request_context(), force_locale(lang):
            said[lang] = words("event_label", ["register"])["register"]
    assert len(set(said.values())) == 3
    assert said["en"] == "The application was registered"
