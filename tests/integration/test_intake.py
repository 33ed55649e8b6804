"""Intake services and the case page's intake actions, on SQLite and PostgreSQL: accepting at
each desk (R6.1, R7.1, L3.1), refusing (R6.2), the times (L3.2, L3.3), and the REGISTER and
REFUSE_ACCEPTANCE handlers for submitted applications."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask, render_template
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from portal import db
from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.deadlines import service_term_due
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Action, IllegalTransition, Role, Status
from portal.models import Application, Desk, StaffUser
from portal.models.application import ReceiptKind
from portal.services import drafts, events
from portal.services import intake as intake_service
from tests.factories import (
    almaty,
    create_application,
    create_citizen,
    create_desk,
    create_district,
    create_staff,
)

CAL = WorkingCalendar()
FRIDAY = dt.date(2026, 11, 27)


def _desk(session: Session, channel: Channel) -> tuple[StaffUser, Desk]:
    district = create_district(session)
    desk = create_desk(session, district, channel)
    staff = create_staff(session, district, role=Role.INTAKE, desk=desk, full_name="Ким Ольга",
                         position="Маман")
    session.commit()
    return staff, desk


def _draft(session: Session, staff: StaffUser, desk: Desk, *,
           ground: GroundCategory = GroundCategory.ORPHAN) -> Application:
    citizen = create_citizen(session)
    draft = intake_service.start(session, staff, desk, citizen, queued_at=almaty(FRIDAY, 9, 40),
                                 now=almaty(FRIDAY, 10))
    offer = next(g for g in draft.district.grounds if g.category is ground)
    drafts.choose_ground(session, draft, citizen, offer, None)
    return draft


def _show(session: Session, draft: Application, staff: StaffUser, *, skip: tuple[str, ...] = (),
          expired: tuple[str, ...] = ()) -> None:
    entries = [intake_service.DocumentEntry(
        item=item, title=item.kind.value, provided=item.key not in skip, original_compared=True,
        sheets=1, valid_until=dt.date(2020, 1, 1) if item.key in expired else None)
        for item in intake_service.checklist(draft)]
    intake_service.save_documents(session, draft, entries, staff, now=almaty(FRIDAY, 10, 10))


@pytest.mark.parametrize("channel", [Channel.PROVIDER, Channel.RURAL_AKIM])
def test_r6_1_r7_1_l3_1_a_local_desk_registers_with_a_coupon_and_the_result_date(
        db_app: Flask, channel: Channel) -> None:
    with db_app.app_context():
        session = db.session()
        staff, desk = _desk(session, channel)
        draft = _draft(session, staff, desk)
        _show(session, draft, staff)
        receipt = intake_service.accept(session, draft, staff, now=almaty(FRIDAY, 10, 25),
                                        cal=CAL)
        assert draft.status is Status.REGISTERED and draft.registered_on == FRIDAY
        assert receipt.kind is ReceiptKind.COUPON
        assert receipt.result_due_on == service_term_due(FRIDAY, CAL) == draft.result_due_on
        assert draft.term_started_on == FRIDAY
        # L3.2 / L3.3: 20 minutes in the queue, 25 at the desk
        assert (receipt.wait_seconds, receipt.service_seconds) == (1200, 1500)
        assert receipt.issued_by_name == "Ким Ольга" and receipt.issued_by_position == "Маман"


def test_r6_1_the_state_corporation_accepts_and_forwards_without_registering(
        db_app: Flask) -> None:
    with db_app.app_context():
        session = db.session()
        staff, desk = _desk(session, Channel.STATE_CORP)
        draft = _draft(session, staff, desk)
        _show(session, draft, staff)
        receipt = intake_service.accept(session, draft, staff, now=almaty(FRIDAY, 10, 25),
                                        cal=CAL)
        assert receipt.kind is ReceiptKind.ELECTRONIC_RECEIPT
        assert draft.status is Status.SUBMITTED and draft.registered_on is None
        assert receipt.result_due_on == service_term_due(FRIDAY, CAL)
        # R7.1: the provider registers it from the case page
        provider = create_staff(session, draft.district, role=Role.SPECIALIST)
        session.commit()
        intake_service.register_submitted(
            session, draft, provider.actor, intake_service.staff_actor(provider),
            now=almaty(FRIDAY, 11), cal=CAL)
        assert draft.status is Status.REGISTERED and draft.registered_on == FRIDAY


def test_r6_2_an_incomplete_package_is_not_accepted_and_gets_the_f2_1(db_app: Flask) -> None:
    with db_app.app_context():
        session = db.session()
        staff, desk = _desk(session, Channel.PROVIDER)
        draft = _draft(session, staff, desk)
        _show(session, draft, staff, skip=("ground_proof",))
        with pytest.raises(intake_service.PackageIncomplete):
            intake_service.accept(session, draft, staff, now=almaty(FRIDAY, 10, 25), cal=CAL)
        session.rollback()
        assert draft.status is Status.DRAFT
        receipt = intake_service.refuse(session, draft, staff, now=almaty(FRIDAY, 10, 30),
                                        cal=CAL)
        assert draft.status is Status.REFUSED_ACCEPTANCE
        assert receipt.kind is ReceiptKind.REFUSAL_TO_ACCEPT and receipt.incomplete
        assert receipt.missing_documents == ["ground_proof"]
        assert receipt.application_date == FRIDAY


def test_r6_2_an_expired_document_gets_the_f2_1_and_a_complete_package_cannot_be_refused(
        db_app: Flask) -> None:
    with db_app.app_context():
        session = db.session()
        staff, desk = _desk(session, Channel.RURAL_AKIM)
        draft = _draft(session, staff, desk)
        _show(session, draft, staff)
        with pytest.raises(intake_service.PackageComplete):
            intake_service.refuse(session, draft, staff, now=almaty(FRIDAY, 10, 25), cal=CAL)
        _show(session, draft, staff, expired=("ground_proof",))
        receipt = intake_service.refuse(session, draft, staff, now=almaty(FRIDAY, 10, 30),
                                        cal=CAL)
        assert receipt.expired and receipt.expired_documents == ["ground_proof"]


@pytest.mark.parametrize("role", [Role.PRECINCT, Role.HEAD, Role.OPERATOR])
def test_r6_1_only_intake_accepts_a_paper_package(db_app: Flask, role: Role) -> None:
    with db_app.app_context():
        session = db.session()
        staff, desk = _desk(session, Channel.PROVIDER)
        draft = _draft(session, staff, desk)
        _show(session, draft, staff)
        other = create_staff(session, draft.district, role=role)
        session.commit()
        with pytest.raises(IllegalTransition):
            intake_service.accept(session, draft, other, now=almaty(FRIDAY, 10, 25), cal=CAL)


# -- the case page's handlers -------------------------------------------------------------------

def _ctx(session: Session, application: Application, staff: StaffUser, now: dt.datetime,
         form: dict[str, list[str]] | None = None) -> object:
    from portal.views.staff.actions import CaseContext

    return CaseContext(application=application, staff=staff, actor=staff.actor,
                       who=events.Actor("staff", staff.id, staff.role.value), now=now, cal=CAL,
                       session=session, form=MultiDict([(k, v) for k, vs in (form or {}).items()
                                                        for v in vs]),
                       files=MultiDict())


def _portal_case(session: Session) -> tuple[Application, StaffUser]:
    district = create_district(session)
    application = create_application(session, district=district, status=Status.SUBMITTED,
                                     ground=GroundCategory.ORPHAN,
                                     submitted_at=almaty(FRIDAY, 8), arrived_at=almaty(FRIDAY, 8))
    desk = create_desk(session, district, Channel.PROVIDER)
    staff = create_staff(session, district, role=Role.INTAKE, desk=desk)
    session.commit()
    return application, staff


def test_r7_1_the_register_handler_registers_a_submitted_portal_application(
        db_app: Flask) -> None:
    from portal.views.staff.actions import ACTION_FORMS

    with db_app.app_context(), db_app.test_request_context():
        session = db.session()
        application, staff = _portal_case(session)
        outcome = ACTION_FORMS[Action.REGISTER].handler(
            _ctx(session, application, staff, almaty(FRIDAY, 9, 30)))  # type: ignore[arg-type]
        assert outcome.errors is None and outcome.message
        assert application.status is Status.REGISTERED and application.registered_on == FRIDAY


def test_r6_2_the_refuse_acceptance_handler_needs_what_is_missing_and_issues_the_f2_1(
        db_app: Flask) -> None:
    from portal.views.staff.actions import ACTION_FORMS

    handler = ACTION_FORMS[Action.REFUSE_ACCEPTANCE].handler
    with db_app.app_context(), db_app.test_request_context():
        session = db.session()
        application, staff = _portal_case(session)
        empty = handler(_ctx(session, application, staff, almaty(FRIDAY, 9, 30)))  # type: ignore[arg-type]
        assert empty.errors and "missing" in empty.errors
        assert application.status is Status.SUBMITTED
        done = handler(_ctx(session, application, staff, almaty(FRIDAY, 9, 31),  # type: ignore[arg-type]
                            {"missing": ["ground_proof"], "expired": ["identity", "bogus"]}))
        assert done.redirect and "/receipts/" in done.redirect
        assert application.status is Status.REFUSED_ACCEPTANCE
        [receipt] = application.receipts
        assert receipt.missing_documents == ["ground_proof"]
        assert receipt.expired_documents == ["identity"]
        assert receipt.application_date == FRIDAY


def test_the_state_corporation_may_not_refuse_a_submitted_application(db_app: Flask) -> None:
    from portal.views.staff.actions import ACTION_FORMS

    with db_app.app_context(), db_app.test_request_context():
        session = db.session()
        application, _staff = _portal_case(session)
        corp = create_staff(session, application.district, role=Role.INTAKE,
                            desk=create_desk(session, application.district, Channel.STATE_CORP))
        session.commit()
        with pytest.raises(IllegalTransition):
            ACTION_FORMS[Action.REFUSE_ACCEPTANCE].handler(_ctx(
                session, application, corp, almaty(FRIDAY, 9, 30),  # type: ignore[arg-type]
                {"missing": ["identity"]}))


def test_the_intake_partials_render(db_app: Flask) -> None:
    from portal.views.staff.actions import ACTION_FORMS

    if "staff.act" not in db_app.view_functions:  # the case page's route, on another branch
        db_app.add_url_rule("/staff/cases/<number>/actions/<action>", "staff.act",
                            lambda number, action: "")
    with db_app.app_context(), db_app.test_request_context():
        session = db.session()
        application, _staff = _portal_case(session)
        for action in (Action.ACCEPT_PAPER, Action.REGISTER, Action.REFUSE_ACCEPTANCE):
            html = render_template(ACTION_FORMS[action].template, application=application,
                                   values=MultiDict(), errors={}, seen=0)
            assert "csrf_token" in html or action is Action.ACCEPT_PAPER
