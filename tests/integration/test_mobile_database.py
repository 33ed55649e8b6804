"""The simulated mobile citizens database: which number is registered to which IIN (R15.9)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.cli import demo
from portal.domain.iin import InvalidIin
from portal.models import MobileRegistration
from portal.notify.mobile import is_registered, phone_for, register, sms_possible
from portal.notify.phones import InvalidPhone

IIN = "850321301238"
OTHER_IIN = "921231445671"


def test_a_registered_number_is_found_by_iin_in_any_spelling_R15_9(session: Session) -> None:
    register(session, IIN, "8 (701) 123-45-67")
    session.commit()
    assert phone_for(session, IIN) == "+77011234567"
    assert is_registered(session, IIN, "+7 701 123 45 67")
    assert not is_registered(session, IIN, "+77029876543")
    assert not is_registered(session, OTHER_IIN, "+77011234567")
    assert not is_registered(session, IIN, "not a number")
    assert phone_for(session, OTHER_IIN) is None


def test_a_new_number_replaces_the_old_and_a_reissued_number_changes_owner(
    session: Session,
) -> None:
    register(session, IIN, "+77011234567")
    register(session, IIN, "+77029876543")
    assert phone_for(session, IIN) == "+77029876543"
    register(session, OTHER_IIN, "+77029876543")  # the SIM card was reissued to someone else
    session.commit()
    assert phone_for(session, IIN) is None
    assert phone_for(session, OTHER_IIN) == "+77029876543"
    assert session.scalar(select(func.count()).select_from(MobileRegistration)) == 1


def test_registering_refuses_a_bad_iin_or_number(session: Session) -> None:
    with pytest.raises(InvalidIin):
        register(session, "850321301239", "+77011234567")
    with pytest.raises(InvalidPhone):
        register(session, IIN, "+79161234567")


def test_sms_is_possible_only_for_the_registered_number_the_application_gives_R15_9_R15_10(
    session: Session,
) -> None:
    register(session, IIN, "+77011234567")
    assert sms_possible(session, IIN, "87011234567")
    assert not sms_possible(session, IIN, "+77051112233")  # R15.10: printed instead
    assert not sms_possible(session, IIN, None)


def test_demo_data_registers_the_demo_citizens_numbers_except_the_one_without(
    db_app: Flask, session: Session,
) -> None:
    db_app.config["LOAD_DEMO_DATA"] = True
    result = db_app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    for iin, *_names, phone in demo.CITIZENS:
        assert phone_for(session, iin) == phone
    assert phone_for(session, "500706400099") is None
