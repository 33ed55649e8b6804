"""The review half of a case on the case page (issue #11): the precinct commission (R7.2, F3,
F4), the documents and the income (R11.1), the special commission — each action as an htmx swap
and as a plain POST, its errors keeping what was entered, each role seeing only its own."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Role, Status
from portal.models import StaffUser
from tests.pages import ClientRequest, check_page
from tests.web.case_helpers import Office, act, make_office, today


@pytest.fixture
def office(app: Flask) -> Office:
    return make_office(app)


def _login(client_request: ClientRequest, office: Office, role: Role) -> None:
    client_request.login(StaffUser(id=office.staff[role]))


def _signers(office: Office) -> list[str]:
    return [str(i) for i in office.precinct_ids]


def inspection_form(office: Office, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "inspected_on": today().isoformat(), "able_bodied": "2", "registered_unemployed": "1",
        "children": "2", "fee_paying_students": "1", "yearly_fee": "450000",
        "categories": ["pensioner", "other"], "other_category": "көп балалы ана",
        "housing": "rented", "housing_other": "", "housing_costs": "35 000",
        "income_member": ["Серіков Ерлан", "Серікова Айгүл", ""],
        "income_kind": ["жалақы", "", ""], "income_quarter": ["90000", "", ""],
        "income_farm": ["", "", ""],
        "car": "ВАЗ 2107, 1995", "other_housing": "",
        "prior_form": ["атаулы әлеуметтік көмек", ""], "prior_amount": ["20000", ""],
        "prior_source": ["аудан әкімдігі", ""],
        "other_form": ["", ""], "other_amount": ["", ""], "other_source": ["", ""],
        "school_supplies": "жеткілікті", "sanitary_state": "қанағаттанарлық",
        "signer": _signers(office), "applicant_has_read": "on",
    }
    form.update(changes)
    return form


def conclusion_form(office: Office, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "number": "12", "concluded_on": today().isoformat(), "needs": "yes",
        "reasons": "Отбасы табысы шектен төмен", "signer": _signers(office),
        "accepted_by_kind": "department", "accepted_by_name": "Нұрланова Гүлнар",
        "accepted_by_position": "бас маман", "copies": "2", "accepted_on": today().isoformat()}
    form.update(changes)
    return form


def test_r7_2_the_specialist_sends_to_the_precinct_commission_with_its_one_day_deadline(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case()
    _login(client_request, office, Role.SPECIALIST)
    page = client_request.get("staff.case", number=number)
    panel = page.select_one("#action-send_to_precinct")
    assert panel is not None and "R7.2" in panel.get_text()
    response = act(client_request, number, "send_to_precinct", {}, page=page)
    assert response.status_code == 303 and response.location.endswith(f"/staff/cases/{number}")
    case = office.application(number)
    assert case.status is Status.AT_PRECINCT and case.sent_to_precinct_on == today()
    assert case.version == 2
    assert [e.action for e in office.events(number)][-1] == "send_to_precinct"


def test_f3_the_precinct_commission_records_every_item_of_the_act_htmx(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.AT_PRECINCT)
    _login(client_request, office, Role.PRECINCT)
    response = act(client_request, number, "record_inspection", inspection_form(office),
                   htmx=True)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.headers["HX-Redirect"] == f"/staff/cases/{number}"
    act_row = office.application(number).inspection_act
    assert act_row is not None and act_row.housing is not None
    assert (act_row.able_bodied, act_row.registered_unemployed, act_row.children,
            act_row.fee_paying_students, act_row.yearly_fee_tiyn) == (2, 1, 2, 1, 45_000_000)
    assert act_row.housing.value == "rented" and act_row.housing_costs_tiyn == 3_500_000
    assert {c.category.value for c in act_row.categories} == {"pensioner", "other"}
    assert [(r.member_name, r.quarter_tiyn) for r in act_row.incomes] == [
        ("Серіков Ерлан", 9_000_000)]
    assert [(r.form, r.amount_tiyn) for r in act_row.support] == [
        ("атаулы әлеуметтік көмек", 2_000_000)]
    assert act_row.chair.startswith("Ахметов Қайрат") and act_row.members == [
        "Бекова Сәуле, Учаскелік инспектор"]
    assert act_row.applicant_has_read and act_row.sanitary_state == "қанағаттанарлық"
    assert office.application(number).status is Status.AT_PRECINCT


def test_f3_an_inconsistent_act_keeps_what_was_entered_plain_and_htmx(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.AT_PRECINCT)
    _login(client_request, office, Role.PRECINCT)
    bad = inspection_form(office, registered_unemployed="5", sanitary_state="", car="Нива 2010",
                          housing_costs="сорок")
    plain = act(client_request, number, "record_inspection", bad)
    assert plain.status_code == 422
    page = check_page(plain)
    panel = page.select_one("#action-record_inspection")
    assert panel is not None
    # every problem at once: the amount that did not read and the act's inconsistencies
    links = {a["href"] for a in panel.select(".error-summary a")}
    assert links == {"#record_inspection-housing_costs", "#record_inspection-registered_unemployed",
                     "#record_inspection-sanitary_state"}
    assert panel.select_one("input[name=car]")["value"] == "Нива 2010"
    assert panel.select_one("input[name=registered_unemployed]")["value"] == "5"
    htmx = act(client_request, number, "record_inspection",
               inspection_form(office, housing="", car="Нива 2010"), htmx=True)
    assert htmx.status_code == 422
    fragment = BeautifulSoup(htmx.get_data(as_text=True), "html.parser")
    assert fragment.select_one("h1") is None and fragment.select_one("form") is not None
    assert fragment.select_one("input[name=car]")["value"] == "Нива 2010"
    assert fragment.select_one("#record_inspection-housing-error") is not None
    assert office.application(number).inspection_act is None


def test_f4_the_conclusion_signed_by_the_members_present_and_who_accepted_it(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.AT_PRECINCT)
    _login(client_request, office, Role.PRECINCT)
    assert act(client_request, number, "record_inspection",
               inspection_form(office)).status_code == 303
    response = act(client_request, number, "conclude_precinct", conclusion_form(office))
    assert response.status_code == 303
    case = office.application(number)
    assert case.status is Status.PRECINCT_CONCLUDED
    pc = case.precinct_conclusion
    assert pc is not None and pc.needs_assistance and pc.number == "12"
    assert pc.chair.startswith("Ахметов") and len(pc.members) == 1
    assert (pc.copies, pc.accepted_by_name, pc.accepted_by_kind.value) == (  # type: ignore[union-attr]
        2, "Нұрланова Гүлнар", "department")
    assert office.events(number)[-1].reason == "Отбасы табысы шектен төмен"


def test_r11_1_documents_income_and_the_special_commission(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.AT_PRECINCT)
    _login(client_request, office, Role.PRECINCT)
    act(client_request, number, "record_inspection", inspection_form(office))
    act(client_request, number, "conclude_precinct", conclusion_form(office))
    _login(client_request, office, Role.SPECIALIST)
    page = client_request.get("staff.case", number=number)
    assert "receive_documents" in [str(s["id"]).removeprefix("action-")
                                   for s in page.select("section.action-panel[id]")]
    assert act(client_request, number, "receive_documents", {}).status_code == 303
    page = client_request.get("staff.case", number=number)
    # received once: no second form for it
    assert page.select_one("#action-receive_documents") is None
    boxes = page.select("#action-compute_income input[name=count]")
    # the register's wage counts; the act's line of the same member does not (counted once)
    assert [(b["value"].split("-")[0], b.has_attr("checked")) for b in boxes] == [
        ("register", True), ("act", False)]
    response = act(client_request, number, "compute_income",
                   {"count": [str(boxes[0]["value"])]}, page=page)
    assert response.status_code == 303
    computation = office.application(number).income_computation
    assert computation is not None
    # 90 000 tenge a quarter, 2 members, 3 months: 15 000 tenge a month per person
    assert (computation.total_tiyn, computation.members, computation.per_capita_tiyn) == (
        9_000_000, 2, 1_500_000)
    assert computation.below_threshold is (computation.per_capita_tiyn
                                           <= computation.threshold_tiyn)
    assert act(client_request, number, "submit_to_commission", {}).status_code == 303
    assert office.application(number).status is Status.AT_SPECIAL_COMMISSION
    _login(client_request, office, Role.COMMISSION)
    response = act(client_request, number, "conclude_commission", {
        "concluded_on": today().isoformat(), "needs": "yes", "model_rules_ground": "4",
        "recommended_amount": "", "reasons": ""}, htmx=True)
    assert response.status_code == 200 and "HX-Redirect" in response.headers
    case = office.application(number)
    assert case.status is Status.COMMISSION_CONCLUDED
    assert case.commission_conclusion is not None
    assert case.commission_conclusion.model_rules_ground == 4
    assert [e.action for e in office.events(number) if e.action != "case_viewed"] == [
        "record_inspection", "conclude_precinct", "receive_documents", "compute_income",
        "submit_to_commission", "conclude_commission"]


def test_f3_the_applicant_refuses_the_inspection_and_the_commission_concludes(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.AT_PRECINCT)
    _login(client_request, office, Role.PRECINCT)
    missing = act(client_request, number, "record_inspection_refusal",
                  {"inspected_on": today().isoformat(), "refused_by": "", "signer": []})
    assert missing.status_code == 422
    page = check_page(missing)
    errors = page.select_one("#action-record_inspection_refusal .error-summary")
    assert errors is not None and len(errors.select("li")) == 2
    response = act(client_request, number, "record_inspection_refusal", {
        "inspected_on": today().isoformat(), "refused_by": "Серіков Ерлан",
        "signer": _signers(office)}, htmx=True)
    assert response.status_code == 200 and "HX-Redirect" in response.headers
    case = office.application(number)
    assert case.status is Status.INSPECTION_REFUSED
    assert case.inspection_act is not None and case.inspection_act.refused
    assert case.inspection_act.refused_by == "Серіков Ерлан"
    response = act(client_request, number, "conclude_precinct",
                   conclusion_form(office, needs="no", accepted_by_kind=""))
    assert response.status_code == 303
    case = office.application(number)
    assert case.status is Status.PRECINCT_CONCLUDED
    assert case.precinct_conclusion is not None and case.precinct_conclusion.accepted_on is None


def test_f3_f4_no_conclusion_before_the_act_shows_the_rule(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.AT_PRECINCT)
    _login(client_request, office, Role.PRECINCT)
    response = act(client_request, number, "conclude_precinct", conclusion_form(office),
                   htmx=True)
    assert response.status_code == 422
    assert "F3" in BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text()
    assert office.application(number).status is Status.AT_PRECINCT
    assert office.application(number).version == 1


def test_f4_the_chair_must_sign_and_the_acceptance_is_complete(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.AT_PRECINCT)
    _login(client_request, office, Role.PRECINCT)
    act(client_request, number, "record_inspection", inspection_form(office))
    response = act(client_request, number, "conclude_precinct", conclusion_form(
        office, signer=[str(office.precinct_ids[1])], accepted_by_name="", copies="0",
        number=""))
    assert response.status_code == 422
    panel = check_page(response).select_one("#action-conclude_precinct")
    assert panel is not None
    for field in ("signer", "accepted_by_name", "copies", "number"):
        assert panel.select_one(f"#conclude_precinct-{field}-error") is not None, field
    # what was entered stays: the member ticked, the reasons
    ticked = [b["value"] for b in panel.select("input[name=signer][checked]")]
    assert ticked == [str(office.precinct_ids[1])]
    assert panel.select_one("textarea[name=reasons]").get_text() == "Отбасы табысы шектен төмен"


def test_r11_1_the_commission_recommendation_needs_its_ground_or_reasons(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.AT_SPECIAL_COMMISSION)
    _login(client_request, office, Role.COMMISSION)
    response = act(client_request, number, "conclude_commission", {
        "concluded_on": today().isoformat(), "needs": "no", "model_rules_ground": "3",
        "recommended_amount": "abc", "reasons": ""})
    assert response.status_code == 422
    panel = check_page(response).select_one("#action-conclude_commission")
    assert panel is not None
    for field in ("model_rules_ground", "recommended_amount", "reasons"):
        assert panel.select_one(f"#conclude_commission-{field}-error") is not None, field
    assert panel.select_one("input[name=recommended_amount]")["value"] == "abc"
    assert office.application(number).status is Status.AT_SPECIAL_COMMISSION


# Which of the review's forms each role gets, by status (allowed_actions and the registry).
REVIEW = {"send_to_precinct", "record_inspection", "record_inspection_refusal",
          "conclude_precinct", "receive_documents", "compute_income", "submit_to_commission",
          "conclude_commission"}
EXPECTED = {
    (Status.REGISTERED, Role.SPECIALIST): {"send_to_precinct"},
    (Status.REGISTERED, Role.INTAKE): {"send_to_precinct"},
    (Status.AT_PRECINCT, Role.PRECINCT): {"record_inspection", "record_inspection_refusal",
                                          "conclude_precinct"},
    (Status.PRECINCT_CONCLUDED, Role.SPECIALIST): {"receive_documents", "compute_income"},
    (Status.INCOME_COMPUTED, Role.SPECIALIST): {"submit_to_commission"},
    (Status.AT_SPECIAL_COMMISSION, Role.COMMISSION): {"conclude_commission"},
}


@pytest.mark.parametrize("status", [Status.REGISTERED, Status.AT_PRECINCT,
                                    Status.PRECINCT_CONCLUDED, Status.INCOME_COMPUTED,
                                    Status.AT_SPECIAL_COMMISSION])
def test_each_role_sees_only_its_own_actions(office: Office, client_request: ClientRequest,
                                             status: Status) -> None:
    number = office.case(status)
    for role in (Role.INTAKE, Role.PRECINCT, Role.SPECIALIST, Role.COMMISSION, Role.HEAD,
                 Role.ADMIN):
        _login(client_request, office, role)
        page = client_request.get("staff.case", number=number)
        shown = {str(s["id"]).removeprefix("action-")
                 for s in page.select("section.action-panel[id]")} & REVIEW
        assert shown == EXPECTED.get((status, role), set()), (status, role)


def test_another_roles_action_is_refused_with_why_and_nothing_changes(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(Status.AT_PRECINCT)
    _login(client_request, office, Role.PRECINCT)
    page = client_request.get("staff.case", number=number)
    _login(client_request, office, Role.SPECIALIST)
    # the precinct's form, posted by a specialist (a stale tab or a crafted request)
    response = act(client_request, number, "record_inspection", inspection_form(office),
                   page=page)
    assert response.status_code == 403
    assert check_page(response).select_one("[role=alert] p") is not None
    htmx = act(client_request, number, "record_inspection", inspection_form(office),
               page=page, htmx=True)
    assert htmx.status_code == 403 and htmx.headers["HX-Retarget"] == "#case"
    assert office.application(number).inspection_act is None
    assert client_request.client.post(
        f"/staff/cases/{number}/actions/no-such-action",
        data={"csrf_token": str(page.select_one("input[name=csrf_token]")["value"])}
    ).status_code == 404


def test_r7_2_a_ground_without_the_inspection_is_not_sent_to_the_precinct_commission(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case(ground=GroundCategory.ORPHAN)
    _login(client_request, office, Role.SPECIALIST)
    page = client_request.get("staff.case", number=number)
    assert page.select_one("#action-send_to_precinct") is None
    # a forged post of the form is refused with why (the ground's route, R7.2)
    csrf = str(page.select_one("input[name=csrf_token]")["value"])
    refused = client_request.client.post(
        f"/staff/cases/{number}/actions/send_to_precinct",
        data={"csrf_token": csrf, "version": "1", "seen": "0"})
    assert refused.status_code == 403
    assert "R7.2" in check_page(refused).get_text()
    assert office.application(number).status is Status.REGISTERED


def test_r11_1_the_specialists_steps_as_htmx_swaps(office: Office,
                                                   client_request: ClientRequest) -> None:
    number = office.case(Status.PRECINCT_CONCLUDED)
    _login(client_request, office, Role.SPECIALIST)
    for action, data in (("receive_documents", {}), ("compute_income", {"count": []}),
                         ("submit_to_commission", {})):
        response = act(client_request, number, action, data, htmx=True)
        assert response.status_code == 200, action
        assert response.headers["HX-Redirect"] == f"/staff/cases/{number}"
    case = office.application(number)
    assert case.status is Status.AT_SPECIAL_COMMISSION
    assert case.income_computation is not None and case.income_computation.total_tiyn == 0
    # the flashed message is on the page the redirect opens
    page = client_request.get("staff.case", number=number)
    assert page.select_one(".notice.ok") is not None
