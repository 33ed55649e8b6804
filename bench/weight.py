"""Bytes a phone downloads, compressed, for a first and a repeat visit of a page. Not a test.

Usage: python bench/weight.py [PATH ...]   (default: /, /operator/, /apply)
First visit: the HTML and every stylesheet, script and icon it links. Repeat visit: the static
files are cached (immutable, content-hashed URLs), so only the HTML travels again. Then, signed in
as a citizen with a draft: the task list, a question page, and an htmx autosave of a field
(targets of the application issue: first visit <= 30 KB, a later page <= 8 KB, a save <= 4 KB).
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it off the import path so the standard library's
# http package is the one imported.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import re
import tempfile

sys.path.insert(0, str(_HERE.parent))

from portal import create_app, db, migrate
from portal.config import TestConfig

ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def _weigh(client, path: str, headers: dict[str, str]) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(first visit, repeat visit) bytes sent for one page, printing each part."""
    first = repeat = 0
    response = client.get(path, headers=headers)
    html_sent = len(response.data)
    raw = len(client.get(path).data)
    print(f"{path[:40]:<40} {'html':<6} {raw:>8} {html_sent:>8}  {response.headers.get('Content-Encoding')}")
    first += html_sent
    repeat += html_sent
    for asset in sorted(set(ASSET.findall(client.get(path).get_data(as_text=True)))):
        with client.get(asset, headers=headers) as r:
            sent = len(r.data)
            encoding = r.headers.get("Content-Encoding")
        with client.get(asset) as r:
            raw = len(r.data)
        kind = asset.rsplit(".", 1)[-1].split("?")[0]
        print(f"{'':<40} {kind:<6} {raw:>8} {sent:>8}  {encoding}")
        first += sent
    print(f"{path[:40]:<40} first visit {first} B ({first / 1024:.1f} KiB), repeat visit {repeat} B")
    return first, repeat


def _signed_in(app, client, headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """A citizen with a draft: the task list, a question page and an htmx save."""
    import re as _re

    from portal.db import utcnow
    from tests.factories import create_citizen, create_district
    from tests.pages import ClientRequest

    with app.app_context():
        session = db.session()
        create_district(session, code="astana-esil")
        citizen = create_citizen(session, iin="850321301238", confirmed_at=utcnow(),
                                 phone="+77011234567")
        session.commit()
        session.expunge(citizen)
    ClientRequest(app, client).login(citizen)
    page = client.get("/cabinet/applications/new").get_data(as_text=True)
    csrf = _re.search(r'"X-CSRFToken": "([^"]+)"', page)
    assert csrf is not None
    location = client.post("/cabinet/applications/new",
                           data={"csrf_token": csrf.group(1)}).headers["Location"]
    base = location.rstrip("/")
    print()
    _weigh(client, base + "/", headers)
    _weigh(client, base + "/contacts", headers)
    save = client.post(base + "/contacts", headers={**headers, "HX-Request": "true"},
                       data={"csrf_token": csrf.group(1), "phone": "+77011234567",
                             "email": "a@example.kz"})
    print(f"{'htmx save of a field':<40} status {save.status_code}, {len(save.data)} B sent "
          f"({save.headers.get('Content-Encoding')})")


def main() -> None:
    pages = sys.argv[1:] or ["/", "/operator/", "/apply"]
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{tempfile.mkdtemp()}/weight.db"
    app = create_app(config)
    migrate.upgrade(db.engine_of(app))
    client = app.test_client()
    headers = {"Accept-Encoding": "br, gzip"}
    print(f"{'page':<40} {'kind':<6} {'raw B':>8} {'sent B':>8}  encoding")
    for path in pages:
        _weigh(client, path, headers)
    if not sys.argv[1:]:
        _signed_in(app, client, headers)


if __name__ == "__main__":
    main()
