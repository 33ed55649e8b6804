"""Password, code and session rules (ASVS 5.0 V6.2, V6.6, V7.3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.domain.accounts import (
    CODE_LIFETIME,
    CODE_MAX_TRIES,
    CodeState,
    CodeVerdict,
    PasswordProblem,
    SessionVerdict,
    code_verdict,
    may_send_code,
    password_problems,
    session_verdict,
)

COMMON = frozenset({"password1", "qwertyuiop", "12345678"})
NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
ME = ["850321301238", "Қасымов", "Бауыржан", None, "+77011234567"]


def problems(password: str) -> list[PasswordProblem]:
    return password_problems(password, common=COMMON, personal=ME)


@pytest.mark.parametrize("password", ["бір екі үш төрт", "correct horse battery", "Ж" * 8,
                                      "pass word with spaces and ünïcödé 😀", "x" * 128])
def test_any_characters_from_eight_to_128_are_accepted_without_composition_rules(
    password: str,
) -> None:
    assert problems(password) == []


def test_length_counts_characters_not_bytes_and_normalises_first() -> None:
    assert problems("ә" * 8) == []  # 16 bytes in UTF-8, 8 characters
    assert problems("ﬁ" * 4) == []  # NFKC: each ligature becomes two letters
    assert problems("a" * 7) == [PasswordProblem.TOO_SHORT]
    assert problems("a" * 129) == [PasswordProblem.TOO_LONG]


def test_a_common_or_breached_password_is_refused_whatever_its_case() -> None:
    assert problems("PASSWORD1") == [PasswordProblem.COMMON]
    assert problems("qwertyuiop") == [PasswordProblem.COMMON]


@pytest.mark.parametrize("password", ["my850321301238pw", "kasymov-Қасымов-2026",
                                      "бауыржан1985", "7011234567xx"])
def test_a_password_with_the_persons_iin_name_or_phone_is_refused(password: str) -> None:
    assert problems(password) == [PasswordProblem.PERSONAL]


def test_short_or_missing_personal_data_does_not_forbid_ordinary_words() -> None:
    assert password_problems("annapurna trek", common=COMMON, personal=["Ann", None, ""]) == []
    assert password_problems("my code 123456", common=COMMON, personal=["+7 01"]) == []


def test_a_code_works_once_for_ten_minutes_and_five_tries() -> None:
    fresh = CodeState(NOW)
    assert code_verdict(fresh, NOW + CODE_LIFETIME - timedelta(seconds=1)) is CodeVerdict.VALID
    assert code_verdict(fresh, NOW + CODE_LIFETIME) is CodeVerdict.EXPIRED
    assert code_verdict(CodeState(NOW, used_at=NOW), NOW) is CodeVerdict.USED
    assert code_verdict(CodeState(NOW, tries=CODE_MAX_TRIES - 1), NOW) is CodeVerdict.VALID
    assert code_verdict(CodeState(NOW, tries=CODE_MAX_TRIES), NOW) is CodeVerdict.LOCKED


def test_codes_to_one_number_wait_a_minute_and_stop_at_five_an_hour() -> None:
    assert may_send_code([], NOW).allowed
    half = [NOW - timedelta(seconds=30)]
    just = may_send_code(half, NOW, same_purpose=half)
    assert not just.allowed and just.retry_at == NOW + timedelta(seconds=30)
    assert may_send_code(half, NOW).allowed  # a reset code does not hold up the sign-in code
    hour = [NOW - timedelta(minutes=m) for m in (50, 40, 30, 20, 10)]
    full = may_send_code(hour, NOW)
    assert not full.allowed and full.retry_at == NOW + timedelta(minutes=10)
    older = [NOW - timedelta(minutes=m) for m in (70, 40, 30, 20, 10)]
    assert may_send_code(older, NOW).allowed  # the one 70 minutes ago no longer counts


def test_a_session_ends_after_15_idle_minutes_12_hours_or_a_sign_out() -> None:
    start = NOW - timedelta(hours=1)
    assert session_verdict(start, NOW - timedelta(minutes=14), None, NOW) is SessionVerdict.ACTIVE
    assert session_verdict(start, NOW - timedelta(minutes=15), None, NOW) is SessionVerdict.IDLE
    assert session_verdict(NOW - timedelta(hours=12), NOW, None, NOW) is SessionVerdict.TOO_OLD
    assert session_verdict(start, NOW, NOW, NOW) is SessionVerdict.ENDED


def test_an_authenticator_code_is_taken_within_one_step_and_never_twice() -> None:
    import pyotp

    from portal.domain.accounts import TOTP_STEP_SECONDS, matching_step, totp_step

    secret = "JRC4ARS23VXRFA3MEVW7SAQVES2SRETT"
    code = pyotp.TOTP(secret).at(NOW)
    step = totp_step(NOW)
    assert matching_step(secret, code, NOW, None) == step
    assert matching_step(secret, f" {code[:3]} {code[3:]} ", NOW, None) == step  # as typed
    later = NOW + timedelta(seconds=TOTP_STEP_SECONDS)
    assert matching_step(secret, code, later, None) == step  # one step of drift
    assert matching_step(secret, code, later + timedelta(seconds=TOTP_STEP_SECONDS), None) is None
    assert matching_step(secret, code, NOW, last_step=step) is None  # replayed
    for wrong in ("12345", "1234567", "12a456", ""):
        assert matching_step(secret, wrong, NOW, None) is None


def test_recovery_codes_and_secrets_are_written_for_people_to_retype() -> None:
    from portal.domain.accounts import group_secret, normalise_recovery_code

    assert normalise_recovery_code(" ABCDE-fghjk ") == "abcdefghjk"
    assert group_secret("JRC4ARS23VXRFA3M") == "JRC4 ARS2 3VXR FA3M"


@pytest.mark.parametrize("password", ["egov2026!", "Әлеуметтік көмек 1", "ПОРТАЛ 12345",
                                      "password-1414", "komek-2026!!", "Құпиясөз 2026",
                                      "социальная помощь", "e-gov.kz 12", "qazaqstan2026"])
def test_a_password_of_the_services_words_digits_and_symbols_only_is_refused(
    password: str,
) -> None:
    """ASVS 6.1.2 / 6.2.11: the documented context words (CONTEXT_WORDS, docs/security.md)."""
    assert problems(password) == [PasswordProblem.CONTEXT]


@pytest.mark.parametrize("password", ["көмек сұраған жақсы адам", "egov and my own words",
                                      "менің порталым жасыл", "12345678 жасыл алма"])
def test_a_context_word_among_words_of_ones_own_is_accepted(password: str) -> None:
    assert problems(password) == []


def test_every_context_word_is_documented_in_docs_security() -> None:
    from pathlib import Path

    from portal.domain.accounts import CONTEXT_WORDS

    doc = (Path(__file__).resolve().parents[3] / "docs" / "security.md").read_text("utf-8")
    section = doc.split("## Context words", 1)[1].split("\n## ", 1)[0]
    assert [w for w in CONTEXT_WORDS if f"`{w}`" not in section] == []
    assert all(w == w.casefold() for w in CONTEXT_WORDS)
