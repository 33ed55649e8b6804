"""Every submitted demo application's cabinet page, in kk, ru and en, saved as its owner sees it
(the CSP nonce and CSRF token replaced by stand-ins): run before and after a change to the page
and compare the two folders with ``diff -r``. Not a test.

Usage: python bench/case_pages.py OUTDIR   (the app's environment, a database with the demo data:
``flask db upgrade && flask demo load``)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

_STANDINS = (
    (re.compile(r'nonce="[^"]+"'), 'nonce="N"'),
    (re.compile(r'(name="csrf_token" value=")[^"]+'), r"\1C"),
    (re.compile(r'("X-CSRFToken": ")[^"]+'), r"\1C"),
    (re.compile(r'(name="csrf-token" content=")[^"]+'), r"\1C"),
)


def main() -> None:
    from sqlalchemy import select

    from portal import create_app, db
    from portal.domain.workflow import Status
    from portal.models import Application, Citizen
    from tests.pages import ClientRequest

    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app = create_app()
    with app.app_context():
        session = db.session()
        cases = session.execute(select(Application.number, Application.citizen_id).where(
            Application.status != Status.DRAFT, Application.citizen_id.is_not(None))).all()
        people = {c.id: c for c in session.scalars(select(Citizen))}
        for person in people.values():
            session.expunge(person)
    saved = 0
    for owner in sorted({citizen_id for _, citizen_id in cases}):
        client = app.test_client()
        ClientRequest(app, client).login(people[owner])
        for number in sorted(n for n, citizen_id in cases if citizen_id == owner):
            for lang in ("kk", "ru", "en"):
                client.set_cookie("lang", lang)
                response = client.get(f"/cabinet/applications/{number}")
                html = response.get_data(as_text=True)
                for pattern, standin in _STANDINS:
                    html = pattern.sub(standin, html)
                (out / f"{number}-{lang}.html").write_text(f"{response.status_code}\n{html}")
                saved += 1
    print(f"{saved} pages in {out}")


if __name__ == "__main__":
    main()
