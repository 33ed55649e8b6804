"""The rows the dashboard counts by district carry their case's district (models.application
.InCaseDistrict, migration 0011_dashdistrict): receipts, preliminary refusals, notifications —
as the services write them, as any other writer leaves them, and as the migration fills the
rows made before it; on both databases."""

from __future__ import annotations

import datetime as dt
import secrets

from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from portal import db, migrate, notify
from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.forms import NotificationChannel, NotificationForm, NotificationStatus
from portal.domain.grounds import GroundCategory
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.workflow import Role, Status
from portal.models import (
    Application,
    Decision,
    Notification,
    PreliminaryDecision,
    Receipt,
    Signature,
)
from portal.models.application import ReceiptKind
from portal.services import decisions, drafts, notifications
from portal.services import intake as intake_service
from portal.services.decisions import DecisionDraft
from tests.factories import (
    almaty,
    create_application,
    create_citizen,
    create_desk,
    create_district,
    create_staff,
)

CAL = WorkingCalendar()
MONDAY = dt.date(2026, 11, 23)


def _districts(session: Session) -> list[int]:
    """Every row's district next to its case's, for each of the three tables."""
    found = []
    for model in (Receipt, PreliminaryDecision, Notification):
        found += [(model.__tablename__, own, case) for own, case in session.execute(
            select(model.district_id, Application.district_id)
            .join(Application, Application.id == model.application_id))]
    return found


def test_the_services_give_each_row_its_cases_district(session: Session) -> None:
    create_district(session)  # a district of nobody here: the ids of the two differ
    district = create_district(session)
    desk = create_desk(session, district, Channel.PROVIDER)
    intake = create_staff(session, district, Role.INTAKE, desk=desk)
    specialist = create_staff(session, district, Role.SPECIALIST)
    head = create_staff(session, district, Role.HEAD, iin="760212350620")
    session.commit()
    # R6.1: a package accepted at the desk gets its coupon.
    citizen = create_citizen(session)
    draft = intake_service.start(session, intake, desk, citizen, queued_at=almaty(MONDAY, 9),
                                 now=almaty(MONDAY, 9, 30))
    drafts.choose_ground(session, draft, citizen, next(
        g for g in draft.district.grounds if g.category is GroundCategory.ORPHAN), None)
    intake_service.save_documents(session, draft, [intake_service.DocumentEntry(
        item=item, title=item.kind.value, provided=True, original_compared=True, sheets=1)
        for item in intake_service.checklist(draft)], intake, now=almaty(MONDAY, 9, 40))
    coupon = intake_service.accept(session, draft, intake, now=almaty(MONDAY, 10), cal=CAL)
    assert coupon.kind is ReceiptKind.COUPON
    # R15.1, R15.7, R15.10: a refused paper case, its preliminary refusal and the printed F7.
    case = create_application(session, district=district, channel=Channel.PROVIDER,
                              status=Status.COMMISSION_CONCLUDED, term_started_on=MONDAY,
                              registered_on=MONDAY, citizen=create_citizen(session,
                                                                           iin="900101300017"))
    session.commit()
    decisions.issue_preliminary_refusal(
        session, case, specialist, ground=RefusalGround.NEGATIVE_CONCLUSION, reasons="F4",
        hearing_at=almaty(CAL.add_working_days(MONDAY, 2), 11),
        mode=HearingMode.VIDEO_OR_COMMUNICATION, link="https://meet.example/h-1",
        now=almaty(MONDAY, 10), cal=CAL)
    decisions.deliver_notice(session, case, specialist, via=NotificationChannel.PRINT,
                             delivered_at=almaty(MONDAY, 11), now=almaty(MONDAY, 11), cal=CAL)
    decisions.hold_hearing(session, case, specialist, held_at=almaty(dt.date(2026, 11, 25), 11),
                           text="Heard.", now=almaty(dt.date(2026, 11, 25), 12), cal=CAL)
    signature = Signature(application_id=case.id, document_kind="decision",
                          signer_iin="760212350620", signer_role="head",
                          certificate_serial="01", document=b"{}", document_digest="0" * 64,
                          envelope="x", verification_code=secrets.token_urlsafe(12))
    session.add(signature)
    session.commit()
    day = almaty(dt.date(2026, 11, 26), 12)
    decisions.decide(session, case, head, DecisionDraft(
        granted=False, refusal_ground=RefusalGround.NEGATIVE_CONCLUSION, reasons="No need"),
        number=decisions.next_decision_number(session, case, day), signature=signature,
        now=day, cal=CAL)
    made = notifications.issue(session, case, sms=notify.sms(), now=day, cal=CAL)
    assert [n.channel for n in made] == [NotificationChannel.PRINT]
    session.expire_all()
    rows = _districts(session)
    assert sorted(table for table, _own, _case in rows) == [
        "notifications", "preliminary_decisions", "receipts"]
    assert all(own == case_district == district.id for _t, own, case_district in rows), rows


def test_a_row_written_without_its_district_gets_its_cases(session: Session) -> None:
    """Any other writer (a script, a test's own rows) may leave the district out: the row is
    given its case's, from the case it names by id or holds."""
    create_district(session)
    district = create_district(session)
    by_id = create_application(session, district=district, channel=Channel.PROVIDER)
    held = create_application(session, district=district, channel=Channel.PROVIDER)
    decision = Decision(application_id=by_id.id, number="D-1", decided_on=MONDAY, granted=False,
                        refusal_ground="L9 1)")
    session.add(decision)
    session.flush()
    session.add(Receipt(application_id=by_id.id, kind=ReceiptKind.COUPON, number="R-1",
                        issued_by_name="—"))
    held.preliminary_decisions.append(PreliminaryDecision(
        refusal_ground=RefusalGround.NEGATIVE_CONCLUSION, reasons="—",
        hearing_at=almaty(MONDAY), hearing_mode=HearingMode.OTHER_MEANS))
    session.add(Notification(
        application_id=by_id.id, decision_id=decision.id, decision_granted=False,
        form=NotificationForm.F7, assistance_type="—", channel=NotificationChannel.PRINT,
        status=NotificationStatus.PENDING, responsible_name="—", responsible_position="—"))
    session.commit()
    rows = _districts(session)
    assert len(rows) == 3
    assert all(own == case_district == district.id for _t, own, case_district in rows), rows


# Rows as they stood before 0011: two districts, a case in each, a receipt, a preliminary
# refusal and a notification of each case.
BEFORE_0011 = (
    "INSERT INTO districts (code, name_kk, name_ru, name_en, provider_name_kk, provider_name_ru,"
    " provider_name_en, provider_bin, threshold_numerator, threshold_denominator)"
    " VALUES ('d1', 'a', 'a', 'a', 'p', 'p', 'p', '1', 1, 1),"
    " ('d2', 'b', 'b', 'b', 'p', 'p', 'p', '1', 1, 1)",
    "INSERT INTO citizens (iin, surname, given_name, birth_date, sex, locale, created_at)"
    " VALUES ('850321301238', 'A', 'B', '1985-03-21', 'male', 'kk', CURRENT_TIMESTAMP)",
    "INSERT INTO applications (id, number, citizen_id, district_id, channel, form, status,"
    " version, created_at, updated_at) VALUES"
    " (1, 'SA-1', 1, 2, 'provider', 'F1', 'notified', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
    " (2, 'SA-2', 1, 1, 'provider', 'F1', 'notified', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "INSERT INTO receipts (application_id, kind, number, issued_at, issued_by_name, incomplete,"
    " expired, missing_documents, expired_documents) VALUES"
    " (1, 'coupon', 'R-1', CURRENT_TIMESTAMP, 'n', false, false, '[]', '[]'),"
    " (2, 'coupon', 'R-2', CURRENT_TIMESTAMP, 'n', false, false, '[]', '[]')",
    "INSERT INTO preliminary_decisions (application_id, refusal_ground, reasons, issued_at,"
    " hearing_at, hearing_mode) VALUES"
    " (1, 'negative_conclusion', 'r', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'other_means'),"
    " (2, 'negative_conclusion', 'r', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'other_means')",
    "INSERT INTO decisions (id, application_id, number, decided_on, granted, refusal_ground)"
    " VALUES (1, 1, 'D1', '2026-11-20', false, 'L9'), (2, 2, 'D2', '2026-11-20', false, 'L9')",
    "INSERT INTO notifications (application_id, decision_id, decision_granted, form,"
    " assistance_type, channel, status, responsible_name, responsible_position, created_at)"
    " VALUES (1, 1, false, 'F7', 't', 'print', 'pending', 'n', 'p', CURRENT_TIMESTAMP),"
    " (2, 2, false, 'F7', 't', 'print', 'failed', 'n', 'p', CURRENT_TIMESTAMP)",
)


def test_0011_fills_each_rows_district_from_its_case_and_goes_down_again(
        db_app: Flask) -> None:
    engine = db.engine_of(db_app)
    migrate.downgrade(engine, "0010_desknames")
    with engine.begin() as conn:
        for statement in BEFORE_0011:
            conn.execute(text(statement))
    migrate.upgrade(engine)
    assert migrate.drift(engine) == []
    with engine.connect() as conn:
        for table in ("receipts", "preliminary_decisions", "notifications"):
            assert [tuple(row) for row in conn.execute(text(
                f"SELECT application_id, district_id FROM {table}"  # noqa: S608 (the three)
                " ORDER BY application_id"))] == [(1, 2), (2, 1)], table
    migrate.downgrade(engine, "0010_desknames")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notifications")).scalar_one() == 2
    migrate.upgrade(engine)
    assert migrate.drift(engine) == []
