"""The signed F1-1 as a PDF (R6.4, Forms: F1-1): every field, Kazakh letters, the signing time."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale

from portal import create_app
from portal.config import TestConfig
from portal.documents import FontMissing, SignatureInfo, SignerKind, application_pdf
from portal.documents.f1_1 import signing_time

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) not installed; `make setup` installs it")

SIGNED_AT = dt.datetime(2026, 11, 27, 4, 5, 6, tzinfo=dt.UTC)  # 09:05:06 in Astana


def f1_1_document() -> dict[str, Any]:
    return {
        "form": "F1-1", "version": 1, "number": "SA-2026-000123", "language": "kk",
        "district": {"code": "astana-esil", "name": "Астана қаласы, Есіл ауданы",
                     "provider": "Есіл ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі"},
        "assistance": {"ground": "low_income", "frequency": "monthly",
                       "requested": "ай сайынғы әлеуметтік көмек (жиһаз үшін)"},
        "capacity": "self", "representative": None,
        "applicant": {"iin": "850321301238", "surname": "Қасымов", "given_name": "Бауыржан",
                      "patronymic": "Өмірұлы", "birth_date": "1985-03-21", "sex": "male",
                      "id_document": {"type": "жеке куәлік", "series": None, "number": "041234567",
                                      "issued_by": "ҚР ІІМ", "issued_on": "2019-05-14"}},
        "address": {"region": "Астана", "city": "Астана", "village": None,
                    "street": "Қабанбай батыр даңғылы", "house": "11", "flat": "45",
                    "from_register": True, "correction_reason": None},
        "family": [{"iin": "870101400123", "full_name": "Қасымова Гүлнұр Һадиқызы",
                    "relation": "spouse", "birth_date": "1987-01-01"},
                   {"iin": "150505500321", "full_name": "Қасымов Ұлан", "relation": "child",
                    "birth_date": "2015-05-05"}],
        "income": {"quarter": "2026-07-01/2026-09-30", "members": 3, "per_capita": "41152.00",
                   "records": [{"member": "Қасымов Бауыржан", "kind": "wages",
                                "amount": "370368.00", "source": "register"}]},
        "bank": {"bank_name": "Halyk Bank", "iban": "KZ86125KZT5004100100"},
        "contacts": {"phone": "+77011234567", "email": "b.kassymov@example.kz"},
        "documents": [{"kind": "income", "title": "Жалақы туралы анықтама", "files": 2}],
        "consents": [
            {"kind": "personal_data", "given": True, "version": "F1-1/2025-1", "locale": "kk",
             "text": "Дербес деректерді жинауға және өңдеуге келісемін."},
            {"kind": "bank_information", "given": True, "version": "F1-1/2025-1", "locale": "kk",
             "text": "Екінші деңгейдегі банктерден мәлімет алуға келісемін."},
        ],
        "state_bodies": [{"query": "identity", "source_system": "gbd_fl",
                          "subject_iin": "850321301238", "outcome": "found",
                          "answered_at": "2026-11-27T04:00:00+00:00", "sha256": "ab" * 32},
                         {"query": "residence", "source_system": "gbd_fl",
                          "subject_iin": "850321301238", "outcome": "no_data",
                          "answered_at": "2026-11-27T04:00:01+00:00", "sha256": "cd" * 32}],
        "prepared_at": "2026-11-27T04:04:00+00:00",
    }


SIGNATURE = SignatureInfo(signer_name="ҚАСЫМОВ БАУЫРЖАН", masked_iin="8503******38",
                          kind=SignerKind.KEY_FILE, signed_at=SIGNED_AT,
                          certificate_serial="4F1A2B", certificate_issuer="TEST ҰКО",
                          verification_code="A1B2-C3D4")

@pytest.fixture
def app_no_db(tmp_path: Path) -> Flask:
    """The PDF needs the translations and the config, not the database."""
    return create_app(TestConfig(), instance_path=str(tmp_path / "instance"))


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "f1-1.pdf"
    path.write_bytes(data)
    out = subprocess.run([PDFTOTEXT, "-raw", "-enc", "UTF-8", str(path), "-"],  # type: ignore[list-item]
                         check=True, capture_output=True, timeout=30)
    return " ".join(out.stdout.decode("utf-8").split())


def test_the_signing_time_is_printed_in_astana_time_as_the_form_asks() -> None:
    assert signing_time(SIGNED_AT) == "27.11.2026 09:05:06"
    with pytest.raises(ValueError, match="aware"):
        signing_time(dt.datetime(2026, 1, 1))


@needs_pdftotext
@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_f1_1_pdf_holds_every_field_the_signature_and_kazakh_letters(
        app_no_db: Flask, tmp_path: Path, locale: str) -> None:
    with app_no_db.app_context():
        data = application_pdf(f1_1_document(), SIGNATURE, locale)
        with force_locale(locale):
            from flask_babel import gettext as _

            labels = [_("Surname"), _("Given name"), _("Patronymic (if any)"), _("Date of birth"),
                      _("IIN"), _("Identity document"), _("Series"), _("Number"), _("Issued by"),
                      _("Date of issue"), _("Permanent address"), _("Region"),
                      _("City or district"), _("Village"), _("Street or microdistrict"),
                      _("House"), _("Flat"), _("Bank name"), _("Account number (IBAN)"),
                      _("Phone"), _("E-mail"), _("List of attached documents"),
                      _("Consents and undertakings"), _("Date and time of signing"),
                      _("Electronic digital signature of the applicant"),
                      _("Confirmation of state bodies: data received from the State database "
                        "\"Individuals\""),
                      _("TEST: signed with a TEST certificate of a simulated certification "
                        "authority.")]
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    for label in labels:
        assert " ".join(label.split()) in text, label
    for letter in "әғқңөұүһі":
        assert letter in text, letter
    assert "Қасымов" in text and "Бауыржан" in text
    assert "27.11.2026 09:05:06" in text
    assert "Дербес деректерді жинауға және өңдеуге келісемін." in text
    assert "KZ86125KZT5004100100" in text and "A1B2-C3D4" in text


def test_f1_1_pdf_is_the_same_for_the_same_document(app_no_db: Flask) -> None:
    with app_no_db.app_context():
        first = application_pdf(f1_1_document(), SIGNATURE, "ru")
        second = application_pdf(f1_1_document(), SIGNATURE, "ru")
    assert first == second


def test_without_the_font_the_error_names_the_package(app_no_db: Flask, tmp_path: Path) -> None:
    app_no_db.config["PDF_FONT_DIR"] = str(tmp_path)
    with app_no_db.app_context(), pytest.raises(FontMissing, match="fonts-dejavu-core"):
        application_pdf(f1_1_document(), SIGNATURE, "kk")


@needs_pdftotext
def test_f1_1_pdf_carries_the_qr_code_of_its_verification_page(
        app_no_db: Flask, tmp_path: Path) -> None:
    """Issue 12: every signed document carries a QR code and the link to /verify/<code>."""
    import dataclasses
    import io

    from pypdf import PdfReader

    url = "https://portal.example.kz/verify/K7P2-QX9M"
    with app_no_db.app_context():
        plain = application_pdf(f1_1_document(), SIGNATURE, "kk")
        with_qr = application_pdf(f1_1_document(),
                                  dataclasses.replace(SIGNATURE, verify_url=url), "kk")

    def squares(data: bytes) -> int:
        return sum(page.get_contents().get_data().count(b" re")  # type: ignore[union-attr]
                   for page in PdfReader(io.BytesIO(data)).pages)

    assert url in pdf_text(with_qr, tmp_path) and url not in pdf_text(plain, tmp_path)
    assert squares(with_qr) - squares(plain) > 100
