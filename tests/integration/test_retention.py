"""`flask retention purge --dry-run` (ASVS 14.2.4, docs/operations.md Retention): it lists what is
past each period, counts what is not, and deletes nothing."""

from __future__ import annotations

import datetime as dt
import io

from flask import Flask
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from portal import db
from portal.db import utcnow
from portal.domain.workflow import Status
from portal.models import (
    Application,
    SignInMethod,
    SmsMessage,
    SmsPurpose,
    SubjectKind,
    WebSession,
)
from portal.services import events
from portal.services.uploads import attach_files
from tests import samples
from tests.factories import create_application, create_document


def test_the_dry_run_lists_what_is_past_each_period_and_deletes_nothing(db_app: Flask) -> None:
    now = utcnow()
    old, recent = now - dt.timedelta(days=200), now - dt.timedelta(days=10)
    with db_app.test_request_context("/"):
        session = db.session()
        stale = create_application(session, status=Status.DRAFT)
        document = create_document(session, stale)
        session.commit()
        attach_files(
            session,
            document,
            [FileStorage(io.BytesIO(samples.pdf()), filename="a.pdf")],
            actor=events.Actor.system(),
        )
        fresh = create_application(session, status=Status.DRAFT)
        decided = create_application(session, status=Status.SUBMITTED)
        session.commit()
        session.execute(update(Application).where(Application.id == stale.id).values(updated_at=old))
        session.execute(update(Application).where(Application.id == fresh.id).values(updated_at=recent))
        session.execute(
            update(Application)
            .where(Application.id == decided.id)
            .values(result_issued_at=now - dt.timedelta(days=3 * 365 + 10))
        )
        for n, seen in enumerate((old, old, recent)):
            session.add(
                WebSession(
                    id=f"{n:064d}",
                    subject_kind=SubjectKind.CITIZEN,
                    subject_id=1,
                    method=SignInMethod.PASSWORD_SMS,
                    device_hash="0" * 64,
                    created_at=seen,
                    last_seen_at=seen,
                    ended_at=seen if n == 0 else None,
                )
            )
        for created in (old, recent):
            session.add(
                SmsMessage(
                    phone="+77011234567",
                    text="code",
                    backend="outbox",
                    purpose=SmsPurpose.SIGN_IN_CODE,
                    created_at=created,
                )
            )
        session.commit()
    runner = db_app.test_cli_runner()
    result = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "closed case files: 0 past not set (RETENTION_CASE_YEARS); oldest -" in lines
    day = old.date().isoformat()
    assert (
        f"drafts never handed in: 1 past 180 days (RETENTION_DRAFT_DAYS); oldest {day}, 1 uploaded files"
    ) in lines
    assert f"ended or idle web sessions: 2 past 90 days (RETENTION_SESSION_DAYS); oldest {day}" in lines
    assert f"SMS outbox messages: 1 past 180 days (RETENTION_SMS_DAYS); oldest {day}" in lines
    assert any("portal-rejected/<id>" in line for line in lines)
    db_app.config["RETENTION_CASE_YEARS"] = "3"
    counted = runner.invoke(args=["retention", "purge", "--dry-run"]).output
    assert "closed case files: 1 past 3 years" in counted
    with db_app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).select_from(Application)) == 3
        assert session.scalar(select(func.count()).select_from(WebSession)) == 3
        assert session.scalar(select(func.count()).select_from(SmsMessage)) == 2


def test_without_dry_run_nothing_is_deleted_and_it_says_why(db_app: Flask) -> None:
    result = db_app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code != 0 and "only --dry-run" in result.output
