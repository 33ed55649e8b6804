"""The floor: the least a page can cost on the portal's fixed stack, for bench/http.py to measure
beside the portal and bare Flask. Not the portal and not served anywhere.

A ratio target to bare Flask ("the lookup at 0.30x bare Flask's requests per second") is only
reachable if the work the page cannot skip fits in it. This app does exactly that work and
nothing else, each part with the cheapest call the fixed stack (DESIGN.md: Flask 3, Flask-WTF's
CSRF, Flask-Babel, SQLAlchemy 2, gunicorn, compressed responses) offers:

- ``POST /status`` (the 1414 lookup): Flask-WTF's CSRF check of the form, the page's language
  from the cookie through Flask-Babel, the case by number and second factor in one SQLAlchemy
  Core statement on the same database, the portal's own page for that answer (kept as it is,
  bytes and all) with a fresh CSP nonce and a fresh CSRF token, the portal's security headers,
  Brotli at the portal's quality.
- ``GET /case/<number>`` (a signed-in application page with 30 events): the signed session
  cookie, the web-session row, the case row and its events (three Core statements, as the
  portal), the timeline and "who looked" lists rendered by Jinja with translated labels and
  Almaty times, inside the portal's own page (kept, the two lists cut out), nonce, CSRF token,
  headers, Brotli.

Left out, though the portal must do them: the deadlines on the Kazakh calendar, the rate limits'
check, the request id and access log, host pinning, the audit of who looked, the htmx variant,
the access check of every object. So the portal cannot be cheaper than this; if the floor's own
ratio to bare Flask is under a target, the target cannot be met on the fixed stack on this
machine.

Environment: ``DATABASE_URL`` (the portal's database, as the bench made it), ``FLOOR_PAGES``
(a folder with ``lookup.html`` and ``case.html``: the portal's own pages, saved by bench/http.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo

import brotli
from flask import Flask, Response, abort, request, session
from flask_babel import Babel, gettext
from flask_wtf.csrf import CSRFProtect, generate_csrf
from jinja2 import Environment
from sqlalchemy import DateTime, create_engine, text

ALMATY = ZoneInfo("Asia/Almaty")
PAGES = Path(os.environ.get("FLOOR_PAGES", "."))
BROTLI_QUALITY = int(os.environ.get("FLOOR_BROTLI", "3"))  # 3: portal/web/compression.py

app = Flask(__name__)
app.config.update(SECRET_KEY=os.environ.get("SECRET_KEY", "floor"), BABEL_DEFAULT_LOCALE="kk")
CSRFProtect(app)
Babel(app, locale_selector=lambda: request.cookies.get("lang", "kk"))
engine = create_engine(os.environ["DATABASE_URL"])

CSP = ("default-src 'self'; script-src 'self' 'nonce-{}'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "object-src 'none'; base-uri 'none'")
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
           "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
           "Cross-Origin-Opener-Policy": "same-origin", "Vary": "Accept-Encoding, Cookie",
           "Content-Type": "text/html; charset=utf-8"}


def _page(name: str) -> list[str]:
    """The portal's page cut where a request puts its own: the nonce and CSRF token (wherever
    they are) and, for the case page, the two lists of events."""
    path = PAGES / name
    html = path.read_text() if path.exists() else "<html><head></head><body></body></html>"
    html = re.sub(r'<(ol|ul) class="(timeline|looks)">.*?</\1>', "\x00", html, flags=re.S)
    html = re.sub(r'nonce="[^"]+"', 'nonce="\x01"', html)
    html = re.sub(r'(name="csrf_token"[^>]*value=|"X-CSRFToken": )"[^"]+"',
                  lambda found: found.group(1) + '"\x02"', html)
    return re.split("([\x00\x01\x02])", html)


KEPT = {"lookup": _page("lookup.html"), "case": _page("case.html")}


def _respond(kept: list[str], answer: str) -> Response:
    nonce, token = secrets.token_urlsafe(18), generate_csrf()
    fill = {"\x00": answer, "\x01": nonce, "\x02": token}
    body = "".join(fill.get(part, part) for part in kept).encode()
    headers = {**HEADERS, "Content-Security-Policy": CSP.format(nonce)}
    if "br" in request.headers.get("Accept-Encoding", ""):
        body = brotli.compress(body, quality=BROTLI_QUALITY)
        headers["Content-Encoding"] = "br"
    return Response(body, headers=headers)


LOOKUP = text("SELECT status, registered_on, result_due_on, result_issued_at, form, "
              "applicant_iin FROM applications WHERE number = :number")


@app.route("/status", methods=["GET", "POST"])
def status() -> Response:
    answer = ""
    if request.method == "POST":
        with engine.connect() as connection:
            row = connection.execute(LOOKUP, {"number": request.form.get("number", "")}).first()
        found = row is not None and secrets.compare_digest(
            (row.applicant_iin or "").encode(), request.form.get("factor", "").encode())
        answer = gettext("Registered") if found else gettext("Not found")
    return _respond(KEPT["lookup"], answer)


SESSION_ROW = text("SELECT subject_kind, subject_id, last_seen_at, ended_at FROM web_sessions "
                   "WHERE id = :id")
CASE = text("SELECT id, number, status, registered_on, result_due_on FROM applications "
            "WHERE number = :number AND citizen_id = :citizen")
EVENTS = text("SELECT events.at, events.action, events.role FROM events "
              "LEFT OUTER JOIN staff_users ON events.actor_kind = 'staff' "
              "AND staff_users.id = events.actor_id "
              "LEFT OUTER JOIN desks ON desks.id = staff_users.desk_id "
              "WHERE events.application_id = :id ORDER BY events.seq").columns(at=DateTime())
def _almaty(at: dt.datetime) -> str:
    return at.replace(tzinfo=dt.UTC).astimezone(ALMATY).strftime("%d.%m.%Y %H:%M")


# The rows come translated (each distinct label once a request, as the portal's labels do) and
# with their times written, so the template only places and escapes them.
LISTS = Environment(autoescape=True).from_string(
    '<ol class="timeline">{% for at, shown, what in steps %}<li><time datetime="{{ at }}">'
    '{{ shown }}</time> {{ what }}</li>{% endfor %}</ol>'
    '<ul class="looks">{% for at, shown, who, what in looks %}<li><time datetime="{{ at }}">'
    '{{ shown }}</time> — {{ who }}: {{ what }}</li>{% endfor %}</ul>')


@app.get("/start/<sid>/<int:citizen>")
def start(sid: str, citizen: int) -> str:
    """For the bench only: a signed session naming a web-session row and its citizen."""
    session["sid"], session["citizen"] = sid, citizen
    return "ok"


@app.get("/case/<number>")
def case(number: str) -> Response:
    with engine.connect() as connection:
        row = connection.execute(SESSION_ROW, {"id": session.get("sid", "")}).first()
        if row is None or row.ended_at is not None or row.subject_id != session.get("citizen"):
            abort(404)
        found = connection.execute(CASE, {"number": number,
                                          "citizen": row.subject_id}).first()
        if found is None:
            abort(404)
        events = connection.execute(EVENTS, {"id": found.id}).all()
    words: dict[str, str] = {}

    def word(key: str) -> str:
        found = words.get(key)
        if found is None:
            found = words[key] = gettext(key)
        return found

    times = [(e.at.isoformat(), _almaty(e.at)) for e in events]
    steps = [(*at, word(e.action)) for e, at in zip(events, times, strict=True)
             if e.action != "case_viewed"]
    looks = [(*at, word(e.role), word(e.action)) for e, at in zip(events, times, strict=True)
             if e.role]
    return _respond(KEPT["case"], LISTS.render(steps=steps, looks=looks))

