"""A desk's name in the page's language wherever a page prints it: the receipt a desk issues
(R6.1), the desk's intake page, the staff case page and the administrator's staff list; the
Kazakh name where a language has none."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db
from portal.cli import demo, demo_config
from portal.domain.calendar import Channel
from portal.domain.workflow import Role
from portal.models import Desk, District, StaffUser
from tests.factories import create_desk, create_district, create_staff, load_registers
from tests.pages import ClientRequest, check_page
from tests.web.test_staff_intake import _documents, _fill, _finish, _start

NAMES = {"kk": "Есіл ауданы әкімдігі, қабылдау", "ru": "Акимат района Есиль, приёмная",
         "en": "Esil district akimat, reception"}


def _people(app: Flask) -> tuple[StaffUser, StaffUser]:
    """An intake official at a desk named in three languages, and the district's admin."""
    with app.app_context():
        s = db.session()
        load_registers(s)
        district = create_district(s, code="astana-esil")
        desk = create_desk(s, district, Channel.PROVIDER, name_kk=NAMES["kk"],
                           name_ru=NAMES["ru"], name_en=NAMES["en"])
        intake = create_staff(s, district, role=Role.INTAKE, desk=desk, full_name="Сейткали А.",
                              position="Бас маман")
        admin = create_staff(s, district, role=Role.ADMIN)
        s.commit()
        s.expunge_all()
        return intake, admin


def _text(page: BeautifulSoup, selector: str) -> str:
    found = page.select_one(selector)
    assert found is not None, selector
    return found.get_text(" ", strip=True)


def test_r6_1_the_receipt_and_the_desk_pages_name_the_desk_in_the_page_language(
        client_request: ClientRequest) -> None:
    app = client_request.app
    intake, admin = _people(app)
    client_request.login(intake)
    number = _start(client_request)
    _fill(client_request, number)
    _documents(client_request, number)
    receipt = _finish(client_request, number, "accept").headers["Location"]
    for language, name in NAMES.items():
        client_request.set_language(language)
        page = check_page(client_request.client.get(receipt))
        assert name in page.get_text(), language
        assert all(other not in page.get_text() for other in NAMES.values() if other != name)
        start = check_page(client_request.client.get("/staff/intake/"))
        assert _text(start, "p.lead").startswith(name), language
    client_request.login(admin)
    for language, name in NAMES.items():
        client_request.set_language(language)
        people = check_page(client_request.client.get("/staff/admin/people"))
        assert name in people.get_text(), language
        person = check_page(client_request.client.get(f"/staff/admin/people/{intake.id}"))
        options = [o.get_text(strip=True) for o in person.select("select[name=desk] option")]
        assert name in options, (language, options)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_desk_without_a_translation_shows_its_kazakh_name(db_app: Flask,
                                                             language: str) -> None:
    with db_app.app_context():
        s = db.session()
        district = create_district(s)
        create_desk(s, district, name_kk=NAMES["kk"], name_ru="", name_en="")
        s.commit()
        desk = s.scalar(select(Desk).join(District).where(District.id == district.id))
        assert desk is not None
        assert desk.name_in(language) == NAMES["kk"]
        assert desk.name_in("de") == NAMES["kk"]


def test_the_demo_desks_are_named_in_three_languages_also_on_an_older_database(
        session: Session) -> None:
    """`demo load` names its desks in kk, ru and en; on a database migration 0010 filled with
    the Kazakh name, a second load adds the Russian and English ones, and keeps a translation
    an administrator made."""
    demo.load(session)
    desks = list(session.scalars(select(Desk).order_by(Desk.id)))
    expected = {kk: (ru, en) for _c, (kk, ru, en), _d in (*demo.DESKS, *demo_config.SECOND_DESKS)}
    assert {d.name_kk: (d.name_ru, d.name_en) for d in desks} == expected
    assert all(len({d.name_kk, d.name_ru, d.name_en}) == 3 for d in desks)
    for desk in desks:  # as 0010 leaves a desk that had one name
        desk.name_ru = desk.name_en = desk.name_kk
    desks[0].name_ru = "Приёмная"
    session.commit()
    demo.load(session)
    session.expire_all()
    names = {d.name_kk: (d.name_ru, d.name_en) for d in session.scalars(select(Desk))}
    first = desks[0].name_kk
    assert names.pop(first) == ("Приёмная", expected.pop(first)[1])
    assert names == expected
