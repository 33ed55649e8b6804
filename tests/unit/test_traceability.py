"""docs/traceability.md names real tests, and every rule of docs/rules.md appears in it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_the_traceability_table_cites_exists() -> None:
    table = (ROOT / "docs" / "traceability.md").read_text(encoding="utf-8")
    cited = re.findall(r"`((?:unit|integration|web|browser)/[\w/]+\.py)::(test_\w+)`", table)
    assert len(cited) > 50
    missing = [f"{path}::{name}" for path, name in cited
               if f"def {name}" not in (ROOT / "tests" / path).read_text(encoding="utf-8")]
    assert missing == []


def test_every_rule_of_the_catalogue_has_a_row_in_the_traceability_table() -> None:
    rules = re.findall(r"^\| ([RLFO][0-9.\-]+) \|", (ROOT / "docs" / "rules.md").read_text("utf-8"),
                       re.MULTILINE)
    rows = set(re.findall(r"^\| ([RLFO][0-9.\-]+) \|",
                          (ROOT / "docs" / "traceability.md").read_text("utf-8"), re.MULTILINE))
    assert len(rules) > 40
    assert [rule for rule in rules if rule not in rows] == []
