"""Kazakh EDS certificate names and OIDs: building subjects and reading them back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing.base import CertificateInfo, is_iin_shaped

# 1.3.6.1.5.5.7.3.4 (emailProtection in RFC 5280 naming) is what NCA RK puts in signing keys.
SIGNING_EKU = ExtendedKeyUsageOID.EMAIL_PROTECTION
AUTH_EKU = ExtendedKeyUsageOID.CLIENT_AUTH  # 1.3.6.1.5.5.7.3.2
INDIVIDUAL_POLICY = x509.ObjectIdentifier("1.2.398.3.3.4.1.1")
# Legal-entity employee policy as NCA RK numbers it; not in our spec, so treat as unverified.
EMPLOYEE_POLICY = x509.ObjectIdentifier("1.2.398.3.3.4.1.2")
# Ours, not NCA RK's: a UUID OID (ITU-T X.667, arc 2.25) needs no registration and cannot clash.
SMS_CONFIRMATION_POLICY = x509.ObjectIdentifier("2.25.243171939519861342935373834934586532689")
SMS_CONFIRMATION_NAME = "TEST portal SMS confirmation"


class Policy(StrEnum):
    """Whom a signing certificate is for; a verifier may require one (``verify(expected_policy=)``)."""

    INDIVIDUAL = INDIVIDUAL_POLICY.dotted_string  # a citizen signing for themselves
    EMPLOYEE = EMPLOYEE_POLICY.dotted_string  # staff signing for their organisation
    # The portal's own key that seals a citizen's one-time SMS confirmation (signing/sms.py).
    SMS_CONFIRMATION = SMS_CONFIRMATION_POLICY.dotted_string


TEST_MARK = "TEST"
TEST_NOTICE = "TEST certificate of a simulated CA: no legal force, not issued by NCA RK"

_IIN_PREFIX = "IIN"
_BIN_PREFIX = "BIN"
_BIN = re.compile(r"\d{12}")


@dataclass(frozen=True)
class Holder:
    """A person a certificate is issued to; staff carry a position and an organisation."""

    iin: str
    surname: str
    name: str
    patronymic: str = ""
    position: str | None = None
    organisation: str | None = None
    bin: str | None = None

    def __post_init__(self) -> None:
        if not is_iin_shaped(self.iin):
            raise ValueError("IIN must be 12 digits")
        if not self.surname or not self.name:
            raise ValueError("surname and name are required")
        staff_fields = (self.position, self.organisation, self.bin)
        if any(staff_fields) and not all(staff_fields):
            raise ValueError("staff need position, organisation and BIN together")
        if self.bin is not None and _BIN.fullmatch(self.bin) is None:
            raise ValueError("BIN must be 12 digits")

    @property
    def is_staff(self) -> bool:
        return self.bin is not None


def subject_for(holder: Holder) -> x509.Name:
    """``CN=SURNAME NAME, SURNAME=, SERIALNUMBER=IIN…, C=KZ, G=PATRONYMIC`` (+ O, OU=BIN, T)."""
    surname = holder.surname.upper()
    name = holder.name.upper()
    attributes = [
        x509.NameAttribute(NameOID.COMMON_NAME, f"{surname} {name}"),
        x509.NameAttribute(NameOID.SURNAME, surname),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, f"{_IIN_PREFIX}{holder.iin}"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    ]
    if holder.patronymic:
        # NCA RK puts the patronymic in G (givenName), not the first name.
        attributes.append(x509.NameAttribute(NameOID.GIVEN_NAME, holder.patronymic.upper()))
    if holder.is_staff:
        assert holder.organisation is not None and holder.position is not None
        attributes += [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, holder.organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"{_BIN_PREFIX}{holder.bin}"),
            x509.NameAttribute(NameOID.TITLE, holder.position),
        ]
    return x509.Name(attributes)


def ca_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{TEST_MARK} — not NCA RK"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        ]
    )


def _first(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _prefixed(value: str | None, prefix: str) -> str | None:
    if value is None or not value.startswith(prefix):
        return None
    rest = value[len(prefix) :]
    return rest if rest.isascii() and rest.isdigit() and len(rest) == 12 else None


def certificate_iin(certificate: x509.Certificate) -> str | None:
    """The IIN from ``SERIALNUMBER=IIN<12 digits>``, or None when absent or malformed."""
    return _prefixed(_first(certificate.subject, NameOID.SERIAL_NUMBER), _IIN_PREFIX)


def certificate_policies(certificate: x509.Certificate) -> set[str] | None:
    """Dotted policy OIDs of ``certificatePolicies``; empty when absent, None when unreadable."""
    try:
        policies = certificate.extensions.get_extension_for_class(x509.CertificatePolicies).value
    except x509.ExtensionNotFound:
        return set()
    except ValueError:
        return None
    return {info.policy_identifier.dotted_string for info in policies}


def is_test_certificate(certificate: x509.Certificate) -> bool:
    issuer_org = _first(certificate.issuer, NameOID.ORGANIZATION_NAME) or ""
    return issuer_org.startswith(TEST_MARK)


def is_sms_confirmation_certificate(certificate: x509.Certificate) -> bool:
    """The portal's SMS-confirmation certificate: its policy, and no person's IIN in it."""
    policies = certificate_policies(certificate)
    return (
        policies is not None
        and SMS_CONFIRMATION_POLICY.dotted_string in policies
        and certificate_iin(certificate) is None
    )


def sms_confirmation_subject() -> x509.Name:
    """The portal as the holder of the key that seals SMS confirmations (no IIN: not a person)."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, SMS_CONFIRMATION_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{TEST_MARK} social assistance portal"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        ]
    )


def describe_certificate(certificate: x509.Certificate) -> CertificateInfo:
    subject = certificate.subject
    common_name = _first(subject, NameOID.COMMON_NAME) or ""
    surname = _first(subject, NameOID.SURNAME) or ""
    given = common_name[len(surname) :].strip() if common_name.startswith(surname) else ""
    return CertificateInfo(
        serial=format(certificate.serial_number, "x"),
        iin=certificate_iin(certificate),
        common_name=common_name,
        surname=surname,
        given_name=given,
        patronymic=_first(subject, NameOID.GIVEN_NAME) or "",
        issuer=_first(certificate.issuer, NameOID.COMMON_NAME) or "",
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        position=_first(subject, NameOID.TITLE),
        organisation=_first(subject, NameOID.ORGANIZATION_NAME),
        bin=_prefixed(_first(subject, NameOID.ORGANIZATIONAL_UNIT_NAME), _BIN_PREFIX),
        is_test=is_test_certificate(certificate),
    )


def holder_from_certificate(certificate: x509.Certificate) -> Holder:
    info = describe_certificate(certificate)
    if info.iin is None:
        raise ValueError("certificate carries no IIN")
    return Holder(
        iin=info.iin,
        surname=info.surname,
        name=info.given_name,
        patronymic=info.patronymic,
        position=info.position,
        organisation=info.organisation,
        bin=info.bin,
    )
