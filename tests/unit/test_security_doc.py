"""docs/security.md (#14) names real tests, one row per ASVS requirement, and requirements.lock
pins every dependency pyproject.toml names."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| (\d+\.\d+\.\d+) \| [^|]+ \| (met|partly|not met|n\.a\.) \|", re.MULTILINE)


def _doc() -> str:
    return (ROOT / "docs" / "security.md").read_text(encoding="utf-8")


def test_every_test_the_security_table_cites_exists() -> None:
    cited = re.findall(r"`((?:unit|integration|web|browser)/[\w/]+\.py)::(test_\w+)`", _doc())
    assert len(cited) > 80
    missing = [f"{path}::{name}" for path, name in cited
               if not (ROOT / "tests" / path).exists()
               or f"def {name}(" not in (ROOT / "tests" / path).read_text(encoding="utf-8")]
    assert missing == []


def test_the_security_table_has_one_row_per_asvs_level_1_and_2_requirement() -> None:
    ids = [match.group(1) for match in ROW.finditer(_doc())]
    assert len(ids) == len(set(ids)) == 253  # ASVS 5.0.0: 70 at level 1 and 183 at level 2
    chapters = {int(i.split(".")[0]) for i in ids}
    assert chapters == set(range(1, 18))


def test_a_met_requirement_names_where_it_is_implemented() -> None:
    for line in _doc().splitlines():
        match = ROW.match(line)
        if match and match.group(2) == "met":
            cells = [c.strip() for c in line.strip("|").split("|")]
            assert len(cells) == 5 and cells[3] not in {"", "—"}, line


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0].lower().replace("_", "-")
            for r in requirements}


def test_every_dependency_is_pinned_in_requirements_lock() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = _names(project["dependencies"]) | _names(project["optional-dependencies"]["dev"])
    lines = [line for line in (ROOT / "requirements.lock").read_text(encoding="utf-8")
             .splitlines() if line and not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", line) for line in lines), (
        "requirements.lock holds exact pins only (pip freeze --exclude-editable)")
    pinned = {line.split("==")[0].lower().replace("_", "-") for line in lines}
    assert sorted(wanted - pinned) == [], "refresh requirements.lock (docs/security.md)"
