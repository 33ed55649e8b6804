"""Faults (#14): a submission survives its gunicorn workers being killed mid-request and the
database dropping every connection mid-journey; SMS queued while the Celery worker is down are
delivered once it is back. Afterwards nothing is lost and nothing is done twice.

The portal runs as production runs it — gunicorn with two workers, Redis for limits and the
broker — on the test's database; the drafts are filled in-process on the same database and with
the same secrets, so the signed-in cookie works on both sides.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text

from portal import db
from portal.models import Application, Event, Signature, SmsMessage, SmsPurpose, SmsStatus
from portal.services.events import verify_chain
from tests.integration.faults import Portal
from tests.integration.workers import real_worker
from tests.pages import check_page
from tests.web.test_apply import KEY_PASSWORD, _csrf, _fill_to_check, _start, make_applicant

pytestmark = [pytest.mark.db, pytest.mark.fault]


def _ready_to_sign(portal: Portal) -> tuple[str, dict[str, str]]:
    """A complete draft at the signing step, filled in-process; the number and the request's
    cookie and form for the final POST."""
    applicant = make_applicant(portal.app) if not hasattr(portal, "applicant") else portal.applicant
    portal.applicant = applicant  # type: ignore[attr-defined]
    number = _start(portal.client, applicant)
    _fill_to_check(portal.client, portal.app, number)
    client = portal.client.client
    base = f"/cabinet/applications/{number}"
    check = check_page(client.get(f"{base}/check"))
    sign_page = check_page(client.post(f"{base}/check", data={"csrf_token": _csrf(check),
                                                               "signer": "keyfile"}))
    cookie = client.get_cookie("session")
    assert cookie is not None
    return number, {"cookie": f"session={cookie.value}", "csrf": _csrf(sign_page)}


def _sign(portal: Portal, number: str, form: dict[str, str],
          sent: Callable[[int], None] | None = None) -> int | None:
    """The final POST through gunicorn; None when the connection was cut."""
    return portal.post(f"/cabinet/applications/{number}/sign",
                       f"csrf_token={form['csrf']}&password={KEY_PASSWORD}", form["cookie"], sent)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _sign_into(portal: Portal, number: str, form: dict[str, str],
               outcome: list[int | None], ports: queue.Queue[int]) -> None:
    outcome.append(_sign(portal, number, form, ports.put))


def _accepted(portal: Portal, ports: queue.Queue[int]) -> None:
    """Wait until a worker has accepted the request sent from the port put in ``ports``: from
    then on it is that worker's (until then it waits in the listening socket, which outlives
    the workers, and a new worker would serve it whole)."""
    client_port = ports.get(timeout=30)
    deadline = time.monotonic() + 30
    while portal.worker_of(client_port, remote=True) is None:
        assert time.monotonic() < deadline, "no worker accepted the request"
        time.sleep(0.002)


def _submitted_once(app: Flask, number: str) -> None:
    with app.app_context():
        session = db.session()
        application = session.scalar(select(Application).where(Application.number == number))
        assert application is not None and application.submitted_at is not None
        signatures = session.scalar(select(func.count()).select_from(Signature).where(
            Signature.application_id == application.id))
        submits = session.scalar(select(func.count()).select_from(Event).where(
            Event.application_id == application.id, Event.action == "submit"))
        assert (signatures, submits) == (1, 1), "submitted exactly once"
        assert verify_chain(session) is None


def test_a_submission_survives_its_workers_being_killed_mid_request(portal: Portal) -> None:
    """SIGKILL every worker at a different moment of the signing request (the key store is
    opened with Argon2id, so the request is in flight): the person's retry — the same form,
    as a reload or a second tap sends it — submits the application exactly once. The moments
    count from a worker's accepting the request: at once (cut, on any machine) and later."""
    cut = 0
    for delay in (0.0, 0.3):
        number, form = _ready_to_sign(portal)
        outcome: list[int | None] = []
        ports: queue.Queue[int] = queue.Queue()
        sender = threading.Thread(target=_sign_into, args=(portal, number, form, outcome, ports))
        sender.start()
        _accepted(portal, ports)
        time.sleep(delay)
        portal.kill_workers()
        sender.join(timeout=60)
        cut += outcome == [None]
        portal.wait_ready()
        # The person presses "sign" again. If the killed request had already reserved a try of
        # the key store, the store is busy until that lease runs out (signing/attempts.py,
        # LEASE) and the page says to try again in a moment — which they do.
        retried, deadline = _sign(portal, number, form), time.monotonic() + 90
        while retried == 422 and time.monotonic() < deadline:
            time.sleep(5)
            retried = _sign(portal, number, form)
        assert retried == 303, (retried, _text(portal.last_body)[:600])
        _submitted_once(portal.app, number)
    assert cut >= 1, "at least one request was cut by the kill"


def test_a_journey_goes_on_after_the_database_dropped_every_connection(
    pg_portal: Portal, database_url: str
) -> None:
    """A PostgreSQL restart, as the clients see it: every connection of the portal's database is
    terminated between two steps; the next request finds a fresh connection (pool pre-ping)."""
    portal = pg_portal
    number, form = _ready_to_sign(portal)
    for _ in range(8):  # warm every worker's pool
        assert portal.request("GET", "/readyz")[0] == 200
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        dropped = conn.scalar(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    admin.dispose()
    assert dropped >= 1
    assert _sign(portal, number, form) == 303
    _submitted_once(portal.app, number)


def test_sms_queued_while_the_worker_is_down_are_delivered_once_it_is_back(
    redis_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    from portal import notify
    from tests.integration.workers import configured_app

    app = configured_app(tmp_path, sqlite_template, CELERY_BROKER_URL=redis_url,
                         CELERY_TASK_ALWAYS_EAGER=False)
    with app.app_context():
        session = db.session()
        ids = [notify.sms().queue(session, f"+7701000000{i}", f"SA-2026-TEST-000{i}",
                                  SmsPurpose.SUBMISSION).id for i in range(5)]
        session.commit()  # queued to Redis after commit; no worker is running
        time.sleep(0.5)
        session.expire_all()
        assert {m.status for m in session.scalars(select(SmsMessage))} == {SmsStatus.QUEUED}
    with real_worker(app), app.app_context():
        session = db.session()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            session.expire_all()
            if all(session.get(SmsMessage, i).status is SmsStatus.SENT for i in ids):
                break
            time.sleep(0.2)
        messages = [session.get(SmsMessage, i) for i in ids]
        assert [(m.status, m.attempts) for m in messages] == [(SmsStatus.SENT, 1)] * 5
