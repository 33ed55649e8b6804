"""Faults (#14): the head's signed decision (F5, R15.7) survives the gunicorn worker being
killed at the worst moments of recording it; the notification's SMS, queued while no Celery
worker runs, is delivered once when the worker is back.

Each moment is held, not guessed: the test locks one table against writes (reads go on), so the
request stops exactly at its first write there; the test sees it waiting in
``pg_stat_activity``, SIGKILLs the workers, releases the lock, and the head presses "sign"
again with the same form — as a reload or a second tap sends it.

- ``events``: the key store was opened and the single-use key-file exchange used up, the
  signature not yet stored — the retry has no exchange left to complete;
- ``decisions``: the signature is stored, the decision not recorded;
- ``notifications``: the decision is recorded and numbered, the notification (and its SMS)
  not made.

Afterwards each case has exactly one decision, one number, one signature, one notification, one
SMS and one of each event, the audit chain verifies, and the flash tells the head it is done.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import create_engine, func, select, text

from portal import db
from portal.domain.forms import NotificationStatus
from portal.domain.workflow import Status
from portal.models import (
    Application,
    Decision,
    Event,
    Notification,
    Signature,
    SmsMessage,
    SmsStatus,
    StaffUser,
)
from portal.notify import mobile
from portal.services.events import verify_chain
from tests.integration.faults import Portal, blocked_backends, gone, in_process_app
from tests.integration.workers import real_worker
from tests.web.case_helpers import Office, act, make_office
from tests.web.test_staff_decisions import KEY_PASSWORD, _enrol_head, _new_case, token

pytestmark = [pytest.mark.db, pytest.mark.fault]

PHONE = "+77011234567"
APPLICANT_IIN = "850321301238"  # a valid IIN, whose phone the mobile database knows
MOMENTS = ("events", "decisions", "notifications")


def _count(s: object, model: type, *where: object) -> int:
    return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[attr-defined]


def _ready_to_complete(portal: Portal, office: Office, head_id: int) -> tuple[str, str, str]:
    """A PROVIDER case whose applicant's phone is in the mobile database, the head's grant
    filled in and the key-file signing begun, in-process; the number, the form and cookie of
    the final POST that gunicorn answers."""
    number = _new_case(office)
    with office.app.app_context():
        s = db.session()
        application = s.scalar(select(Application).where(Application.number == number))
        assert application is not None
        application.phone, application.applicant_iin = PHONE, APPLICANT_IIN
        s.commit()
    client_request = portal.client
    client_request.set_language("en")
    client_request.login(StaffUser(id=head_id))
    granted = act(
        client_request,
        number,
        "decide_grant",
        {"amount": "45 000", "frequency": "monthly", "paid_from": "2026-12-01"},
    )
    assert granted.status_code == 303, granted.get_data(as_text=True)[:500]
    target = f"/staff/cases/{number}/decision/sign"
    page = client_request.get_url(target)
    started = client_request.client.post(target, data={"csrf_token": token(str(page)), "signer": "keyfile"})
    assert started.status_code == 200
    panel = BeautifulSoup(started.get_data(as_text=True), "html.parser")
    challenge = panel.select_one("input[name=challenge_id]")
    assert challenge is not None
    cookie = client_request.client.get_cookie("session")
    assert cookie is not None
    body = (
        f"csrf_token={quote(token(str(panel)))}&challenge_id={quote(str(challenge['value']))}"
        f"&password={quote(KEY_PASSWORD)}"
    )
    return number, body, f"session={cookie.value}; lang=en"


def _half_done(office: Office, number: str, moment: str) -> None:
    """What the killed request left: exactly the state of the moment it was held at."""
    with office.app.app_context():
        s = db.session()
        application = s.scalar(select(Application).where(Application.number == number))
        assert application is not None
        signatures = _count(
            s, Signature, Signature.application_id == application.id, Signature.document_kind == "decision"
        )
        decisions = _count(s, Decision, Decision.application_id == application.id)
        notified = _count(s, Notification, Notification.application_id == application.id)
        sms = _count(s, SmsMessage, SmsMessage.text.contains(number))
        state = {"events": (0, 0, 0, 0), "decisions": (1, 0, 0, 0), "notifications": (1, 1, 0, 0)}[moment]
        assert (signatures, decisions, notified, sms) == state, moment


def _done_once(office: Office, number: str) -> None:
    with office.app.app_context():
        s = db.session()
        application = s.scalar(select(Application).where(Application.number == number))
        assert application is not None and application.status is Status.GRANTED
        decision = application.decision
        assert decision is not None and decision.signature_id is not None
        signature = s.get(Signature, decision.signature_id)
        assert signature is not None and decision.number.encode() in signature.document
        counts = {
            "signatures": _count(
                s,
                Signature,
                Signature.application_id == application.id,
                Signature.document_kind == "decision",
            ),
            "decisions": _count(s, Decision, Decision.application_id == application.id),
            "notifications": _count(s, Notification, Notification.application_id == application.id),
            "sms": _count(s, SmsMessage, SmsMessage.text.contains(number)),
            "decide events": _count(
                s, Event, Event.application_id == application.id, Event.action == "decide_grant"
            ),
            "notification events": _count(
                s, Event, Event.application_id == application.id, Event.action == "notification_prepared"
            ),
        }
        assert set(counts.values()) == {1}, counts
        assert verify_chain(s) is None


def _kill_at(portal: Portal, admin_url: str, table: str, number: str, body: str, cookie: str) -> None:
    """Send the final POST while ``table`` is locked against writes; when the request waits on
    the lock, SIGKILL the workers, then let the lock go and the orphaned backend end."""
    admin = create_engine(admin_url)
    try:
        with admin.connect() as holder:
            holder.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
            outcome: list[int | None] = []
            sender = threading.Thread(
                target=lambda: outcome.append(
                    portal.post(f"/staff/cases/{number}/decision/complete", body, cookie)
                )
            )
            sender.start()
            deadline, waiting = time.monotonic() + 30, {}
            while not waiting and time.monotonic() < deadline and sender.is_alive():
                time.sleep(0.05)
                waiting = blocked_backends(admin)
            assert len(waiting) == 1, f"the request never reached {table}: {outcome}"
            # Only the worker in the middle of the decision dies; the other one serves on.
            worker = portal.worker_of(*waiting.values())
            assert worker is not None
            os.kill(worker, signal.SIGKILL)  # no clean-up, as when the OOM killer strikes
            sender.join(timeout=30)
            assert outcome == [None], "the request was cut by the kill"
            holder.rollback()  # the lock goes; the dead request's backend finds no client
        assert gone(admin, list(waiting)), "the killed request's transaction ended"
    finally:
        admin.dispose()


def test_a_decision_survives_its_worker_being_killed_at_the_worst_moments(
    pg_portal: Portal, database_url: str, redis_url: str, tmp_path: Path
) -> None:
    portal = pg_portal  # the moments are held by PostgreSQL table locks
    office = make_office(portal.app)
    head_id = _enrol_head(office)
    with office.app.app_context():
        mobile.register(db.session(), APPLICANT_IIN, PHONE)
        db.session().commit()
    numbers = []
    for moment in MOMENTS:
        number, body, cookie = _ready_to_complete(portal, office, head_id)
        numbers.append(number)
        _kill_at(portal, database_url, moment, number, body, cookie)
        _half_done(office, number, moment)
        portal.wait_ready()
        status, headers = portal.request(
            "POST",
            f"/staff/cases/{number}/decision/complete",
            body,
            {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 303, (moment, portal.last_body[:800])
        assert headers["Location"].endswith(f"/staff/cases/{number}")
        # The head is told it is done — not asked to decide again.
        cookie = "; ".join([headers["Set-Cookie"].split(";")[0], "lang=en"])
        assert portal.request("GET", f"/staff/cases/{number}", "", {"Cookie": cookie})[0] == 200
        said = " ".join(BeautifulSoup(portal.last_body, "html.parser").get_text(" ").split())
        assert "was signed and the notification sent" in said, (moment, said[:800])
        _done_once(office, number)
    with office.app.app_context():
        s = db.session()
        made = list(s.scalars(select(Decision.number).order_by(Decision.id)))
        assert len(made) == len(set(made)) == len(MOMENTS), made  # one number each
        assert {m.status for m in s.scalars(select(SmsMessage))} == {SmsStatus.QUEUED}
    _delivered_once_the_worker_is_back(database_url, redis_url, tmp_path, numbers)


def _delivered_once_the_worker_is_back(
    database_url: str, redis_url: str, tmp_path: Path, numbers: list[str]
) -> None:
    """No Celery worker ran while the decisions were made: their SMS wait, queued in Redis.
    A worker comes back: each is sent once, and each notification is settled (R15.9)."""
    app = in_process_app(
        database_url, tmp_path / "worker", CELERY_BROKER_URL=redis_url, CELERY_TASK_ALWAYS_EAGER=False
    )
    with real_worker(app), app.app_context():
        s = db.session()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            s.expire_all()
            if all(n.status is NotificationStatus.SENT for n in s.scalars(select(Notification))):
                break  # sent, then settled: the job's last step
            time.sleep(0.2)
        s.expire_all()
        sent = [(m.status, m.attempts) for m in s.scalars(select(SmsMessage))]
        assert sent == [(SmsStatus.SENT, 1)] * len(numbers), sent
        for number in numbers:
            application = s.scalar(select(Application).where(Application.number == number))
            assert application is not None and application.status is Status.NOTIFIED
            assert [n.status.value for n in application.notifications] == ["sent"]
        assert verify_chain(s) is None
