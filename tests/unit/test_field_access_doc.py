"""docs/field-access.md (ASVS 8.1.2) stays true to the code.

- Its table of endpoints names every route of the app once, each with exactly the people its
  ``@allow(...)`` admits (``audience_of``): a change to an audience, or a new route, fails here
  until the document says who may open it.
- Its matrix of fields by role names the workflow actions in the column of each role that may
  take them (``domain.workflow.TRANSITIONS``), every such pair, and none that is not; an endpoint
  named in a role's column admits that role.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.config import TestConfig
from portal.domain.workflow import TRANSITIONS, Action, Role
from portal.web.access import ANYONE, BACK_OFFICE, CITIZEN, STAFF, audience_of

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "field-access.md"
ENDPOINTS_HEADING = "## Endpoints by role"
MATRIX_HEADING = "## Fields of a case by role"

# The words the document uses for who may open an endpoint.
WORDS: dict[str, frozenset[str]] = {
    "anyone": frozenset({ANYONE}),
    "citizen": frozenset({CITIZEN}),
    "back office": frozenset(r.value for r in BACK_OFFICE),
    "every staff role": frozenset(r.value for r in STAFF),
    **{r.value: frozenset({r.value}) for r in STAFF},
}
# The matrix's columns: the first word of each heading cell names the role (public: anyone).
COLUMNS = {"citizen": Role.CITIZEN.value, "public": ANYONE,
           **{r.value: r.value for r in Role if r is not Role.CITIZEN}}
ACTIONS = {a.value for a in Action}


@pytest.fixture(scope="module")
def app_no_db(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The url map and the views' audiences need no database."""
    return create_app(TestConfig(), instance_path=str(tmp_path_factory.mktemp("instance")))


def _section(heading: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    assert heading in text, f"{DOC.name} has no section {heading!r}"
    body = text.split(heading, 1)[1]
    return body.split("\n## ", 1)[0].splitlines()


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _audience(app_no_db: Flask, endpoint: str) -> frozenset[str]:
    found = audience_of(app_no_db.view_functions[endpoint]) or frozenset()
    return frozenset(str(a.value) if isinstance(a, Role) else str(a) for a in found)


def _people(cell: str) -> frozenset[str]:
    people: set[str] = set()
    for word in (w.strip() for w in cell.split(",")):
        assert word in WORDS, f"unknown word for who may open it: {word!r}"
        people |= WORDS[word]
    return frozenset(people)


def _endpoint_rows() -> Iterator[tuple[list[str], frozenset[str], str]]:
    for line in _section(ENDPOINTS_HEADING):
        if not line.startswith("| `"):
            continue
        cells = _cells(line)
        yield _ticked(cells[0]), _people(cells[1]), line


def test_each_endpoint_in_the_document_admits_exactly_the_people_it_names(app_no_db: Flask) -> None:
    wrong = []
    for endpoints, people, line in _endpoint_rows():
        assert endpoints, line
        for endpoint in endpoints:
            if endpoint not in app_no_db.view_functions:
                wrong.append(f"{endpoint}: no such endpoint")
            elif _audience(app_no_db, endpoint) != people:
                wrong.append(f"{endpoint}: the document says {sorted(people)}, "
                             f"@allow says {sorted(_audience(app_no_db, endpoint))}")
    assert wrong == []


def test_every_route_of_the_app_is_in_the_document_once(app_no_db: Flask) -> None:
    named = [e for endpoints, _people, _line in _endpoint_rows() for e in endpoints]
    routes = {rule.endpoint for rule in app_no_db.url_map.iter_rules() if rule.endpoint != "static"}
    assert len(routes) > 100
    assert sorted(e for e in set(named) if named.count(e) > 1) == []
    assert sorted(routes - set(named)) == [], "say in docs/field-access.md who may open these"


def _matrix() -> tuple[list[str], list[list[str]]]:
    lines = [line for line in _section(MATRIX_HEADING) if line.startswith("|")]
    head = _cells(lines[0])
    columns = [COLUMNS[cell.split()[0].lower()] if cell and cell.split()[0].lower() in COLUMNS
               else "" for cell in head]
    assert {c for c in columns if c} == set(COLUMNS.values()), head
    rows = [_cells(line) for line in lines[2:]]
    assert all(len(row) == len(columns) for row in rows)
    assert len(rows) >= 14
    return columns, rows


def test_the_matrix_names_each_action_in_the_columns_of_exactly_the_roles_that_take_it() -> None:
    columns, rows = _matrix()
    named: set[tuple[str, str]] = set()
    for row in rows:
        for who, cell in zip(columns, row, strict=True):
            if who:
                named |= {(token, who) for token in _ticked(cell) if token in ACTIONS}
    taken = {(t.action.value, role.value) for t in TRANSITIONS for role in t.roles}
    assert sorted(named - taken) == [], "the matrix gives an action to a role that may not take it"
    assert sorted(taken - named) == [], "the matrix leaves out who takes these actions"


def test_an_endpoint_named_in_a_roles_column_admits_that_role(app_no_db: Flask) -> None:
    columns, rows = _matrix()
    wrong, seen = [], 0
    for row in rows:
        for who, cell in zip(columns, row, strict=True):
            for token in _ticked(cell):
                if "." not in token or token.split(".")[0] not in app_no_db.blueprints:
                    continue
                seen += 1
                if token not in app_no_db.view_functions:
                    wrong.append(f"{token}: no such endpoint")
                elif who not in _audience(app_no_db, token):
                    wrong.append(f"{token} is in the {who} column but does not admit {who}")
    assert wrong == []
    assert seen >= 30


def test_security_md_points_to_the_field_access_document() -> None:
    security = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    row = next(line for line in security.splitlines() if line.startswith("| 8.1.2 |"))
    assert "| met |" in row and "field-access.md" in row
