"""The desk's L8 checklist, its gaps (R6.2) and the L3.2 / L3.3 times, without a database."""

from __future__ import annotations

import datetime as dt

from portal.domain.apply import NeededDocument
from portal.domain.forms import ApplicantCapacity
from portal.domain.grounds import DEFAULT_GROUND_RULES, GroundCategory
from portal.domain.intake import DeskTimes, ShownDocument, desk_checklist, desk_gaps
from portal.domain.package import DocumentKind
from portal.domain.registers import GatewayOutcome, GatewayQuery

ON = dt.date(2026, 11, 27)
ME, SPOUSE = "850321301238", "910415399015"
ORPHAN = DEFAULT_GROUND_RULES[GroundCategory.ORPHAN]
LOW_INCOME = DEFAULT_GROUND_RULES[GroundCategory.LOW_INCOME]


def _kinds(items: tuple[NeededDocument, ...]) -> list[str]:
    return [i.key for i in items]


def test_l8_the_desk_always_checks_the_applicants_identity_document_and_the_ground_proof() -> None:
    found = {(ME, GatewayQuery.IDENTITY): GatewayOutcome.FOUND}
    items = desk_checklist(ORPHAN, ApplicantCapacity.SELF, ME, [], found)
    assert _kinds(items) == [f"identity-{ME}", "ground_proof"]


def test_l8_r3_4_a_member_the_register_did_not_confirm_shows_an_identity_document() -> None:
    outcomes = {(SPOUSE, GatewayQuery.IDENTITY): GatewayOutcome.NO_DATA}
    items = desk_checklist(ORPHAN, ApplicantCapacity.ATTORNEY, ME, [SPOUSE], outcomes)
    assert _kinds(items) == [f"identity-{ME}", f"identity-{SPOUSE}", "ground_proof",
                             "power_of_attorney"]


def test_l8_2_low_income_asks_for_income_papers_and_no_other_proof() -> None:
    items = desk_checklist(LOW_INCOME, ApplicantCapacity.FAMILY, ME, [SPOUSE], {})
    assert _kinds(items) == [f"identity-{ME}", "income"]


def _shown(items: tuple[NeededDocument, ...], **valid: dt.date) -> list[ShownDocument]:
    return [ShownDocument(i, provided=True, valid_until=valid.get(i.kind.value),
                          proves=GroundCategory.ORPHAN) for i in items]


def test_r6_1_a_complete_package_has_no_gaps() -> None:
    items = desk_checklist(ORPHAN, ApplicantCapacity.SELF, ME, [], {})
    assert desk_gaps(ORPHAN, _shown(items), ON, representative=False).complete


def test_r6_2_a_document_not_shown_is_missing() -> None:
    outcomes = {(SPOUSE, GatewayQuery.IDENTITY): GatewayOutcome.NO_DATA}
    items = desk_checklist(ORPHAN, ApplicantCapacity.SELF, ME, [SPOUSE], outcomes)
    shown = [ShownDocument(i, provided=i.kind is not DocumentKind.IDENTITY or i.subject == ME,
                           proves=GroundCategory.ORPHAN) for i in items]
    gaps = desk_gaps(ORPHAN, shown, ON, representative=False)
    assert gaps.missing == (f"identity-{SPOUSE}",) and gaps.expired == ()


def test_r6_2_an_expired_document_is_named_expired() -> None:
    items = desk_checklist(ORPHAN, ApplicantCapacity.SELF, ME, [], {})
    gaps = desk_gaps(ORPHAN, _shown(items, ground_proof=ON - dt.timedelta(days=1)), ON,
                     representative=False)
    assert gaps.expired == ("ground_proof",) and gaps.missing == ()
    assert desk_gaps(ORPHAN, _shown(items, ground_proof=ON), ON, representative=False).complete


def test_r6_2_low_income_income_papers_prove_the_ground() -> None:
    items = desk_checklist(LOW_INCOME, ApplicantCapacity.SELF, ME, [], {})
    shown = [ShownDocument(i, provided=True) for i in items]
    assert desk_gaps(LOW_INCOME, shown, ON, representative=False).complete
    shown = [ShownDocument(i, provided=i.kind is DocumentKind.IDENTITY) for i in items]
    assert desk_gaps(LOW_INCOME, shown, ON, representative=False).missing == ("income",)


def test_r6_2_l8_a_disease_the_dispensary_register_proved_needs_no_paper_at_the_desk() -> None:
    disease = DEFAULT_GROUND_RULES[GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE]
    items = desk_checklist(disease, ApplicantCapacity.SELF, ME, [], {},
                           ground_proved_by_registers=True)
    assert _kinds(items) == [f"identity-{ME}"]
    shown = [ShownDocument(i, provided=True) for i in items]
    assert desk_gaps(disease, shown, ON, representative=False,
                     ground_proved_by_registers=True).complete
    # Without the register's proof the paper is still asked for.
    assert desk_gaps(disease, shown, ON, representative=False).missing == ("ground_proof",)


def test_l3_2_l3_3_wait_and_service_are_measured_against_30_minutes() -> None:
    t = dt.datetime(2026, 11, 27, 5, 0, tzinfo=dt.UTC)
    times = DeskTimes(t, t + dt.timedelta(minutes=31), t + dt.timedelta(minutes=50))
    assert times.wait == dt.timedelta(minutes=31) and times.wait_too_long
    assert times.service == dt.timedelta(minutes=19) and not times.service_too_long
    assert DeskTimes(None, t, None).wait is None
