"""The closed vocabularies of the order and the small rules tied to them (R3.1, R15.2, R15.8,
L9, F1-2)."""

from __future__ import annotations

import pytest

from portal.domain.forms import (
    ApplicantCapacity,
    ConsentKind,
    NotificationForm,
    notification_form,
)
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.registers import QUERY_SOURCE, GatewayQuery, SourceSystem


def test_the_gateway_queries_are_numbered_as_the_nine_items_of_f1_2_F1_2() -> None:
    assert [q.f1_2_item for q in GatewayQuery] == [1, 2, 3, 4, 5, 6, 7, 8, 9, None]
    assert GatewayQuery.DISPENSARY.f1_2_item == 9


def test_the_disability_look_up_comes_from_l8_not_from_f1_2_L8() -> None:
    assert GatewayQuery.DISABILITY.f1_2_item is None
    assert QUERY_SOURCE[GatewayQuery.DISABILITY] is SourceSystem.DISABILITY_DATABASE


def test_every_query_names_the_system_that_answers_it_F1_2() -> None:
    assert set(QUERY_SOURCE) == set(GatewayQuery)
    people = [q for q, source in QUERY_SOURCE.items() if source is SourceSystem.GBD_FL]
    assert people == [GatewayQuery.IDENTITY, GatewayQuery.RESIDENCE, GatewayQuery.WARD_RESIDENCE]
    assert QUERY_SOURCE[GatewayQuery.MARRIAGE] is SourceSystem.CIVIL_REGISTRY


@pytest.mark.parametrize(
    ("ground", "item"),
    [
        (RefusalGround.NEGATIVE_APPROVAL_ANSWER, 1),
        (RefusalGround.NEGATIVE_CONCLUSION, 1),
        (RefusalGround.NO_PERSONAL_DATA_CONSENT, 2),
    ],
)
def test_each_refusal_ground_names_its_item_of_l9_L9(ground: RefusalGround, item: int) -> None:
    assert ground.l9_item == item


def test_missing_personal_data_consent_is_the_f1_consent_1_L9() -> None:
    assert ConsentKind.PERSONAL_DATA.value == "personal_data"
    assert RefusalGround.NO_PERSONAL_DATA_CONSENT.l9_item == 2


def test_a_hearing_is_held_in_one_of_three_ways_R15_2() -> None:
    assert [m.value for m in HearingMode] == [
        "video_or_communication", "information_systems", "other_means",
    ]


@pytest.mark.parametrize(
    ("capacity", "needs"),
    [
        (ApplicantCapacity.SELF, False),
        (ApplicantCapacity.FAMILY, False),
        (ApplicantCapacity.LEGAL_REPRESENTATIVE, False),
        (ApplicantCapacity.ATTORNEY, True),
    ],
)
def test_only_an_attorney_needs_a_power_of_attorney_R3_1(
    capacity: ApplicantCapacity, needs: bool
) -> None:
    assert capacity.needs_power_of_attorney is needs


def test_a_grant_is_notified_on_f6_and_a_refusal_on_f7_R15_8() -> None:
    assert notification_form(granted=True) is NotificationForm.F6
    assert notification_form(granted=False) is NotificationForm.F7
