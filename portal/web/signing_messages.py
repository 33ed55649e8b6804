"""What each signing refusal code means to a person, in their language."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext
from flask_babel.speaklater import LazyString

from signing import SigningError
from signing.base import LockedOut, PinLength, WrongSecret
from signing.sms import ResendTooSoon, WrongCode

MESSAGES: dict[str, LazyString] = {
    "signer.not_enrolled": lazy_gettext("You have no TEST signing key yet."),
    "signer.already_enrolled": lazy_gettext("A TEST signing key has already been issued to you."),
    "secret.weak": lazy_gettext("Choose a longer password: at least 8 characters, or a PIN of 4 to 8 digits."),
    "secret.length": lazy_gettext("A key password needs at least 8 characters; a PIN needs 4 to 8 digits."),
    "secret.trivial": lazy_gettext("This PIN or password is too easy to guess (for example 0000, 1234 or one character repeated). Choose another."),
    "secret.blocked": lazy_gettext("Too many wrong attempts: your TEST signing key is blocked. Ask for a new key to be issued."),
    "secret.busy": lazy_gettext("Another try with your key is being checked. Try again in a moment."),
    "secret.digits_only": lazy_gettext("The PIN must consist of digits only."),
    "secret.required": lazy_gettext("Enter your key password or PIN."),
    "challenge.unknown": lazy_gettext("This signing has already finished or was cancelled. Start again."),
    "signing.pending": lazy_gettext("Waiting for confirmation on your phone."),
    "signing.cancelled": lazy_gettext("The signing was cancelled. Nothing was signed."),
    "signing.timeout": lazy_gettext("The time for signing ran out. Start again."),
    "token.unknown": lazy_gettext("This signing link is not valid."),
    "token.expired": lazy_gettext("This signing link has expired (it is valid for 5 minutes). Start again on the other device."),
    "token.used": lazy_gettext("This signing link has already been used."),
    "certificate.unusable": lazy_gettext("Your signing certificate cannot be used (expired, not yet valid or revoked)."),
    "certificate.expired": lazy_gettext("Your signing certificate has expired."),
    "certificate.not_yet_valid": lazy_gettext("Your signing certificate is not valid yet."),
    "certificate.unknown": lazy_gettext("The signing certificate is unknown."),
    "envelope.malformed": lazy_gettext("The signature could not be read."),
    "sms.no_phone": lazy_gettext("No mobile number is registered to your IIN in the mobile citizens database, so a code cannot be sent. Sign with an EDS key, or register your number with your mobile operator."),
    "sms.not_sent": lazy_gettext("The SMS with the code could not be sent. Try again later or sign with an EDS key."),
    "sms.code_shape": lazy_gettext("The code has 6 digits. Enter the 6 digits from the SMS."),
    "sms.code_expired": lazy_gettext("This code has expired (a code is valid for 5 minutes). Ask for a new code."),
    "sms.code_exhausted": lazy_gettext("The code was entered wrongly 3 times, so this confirmation was stopped. Start signing again."),
    "sms.too_many_codes": lazy_gettext("Too many codes were sent. Wait an hour or sign with an EDS key."),
}


REJECTED_MESSAGE = lazy_gettext(
    "The signature did not pass the checks (certificate, owner or document), so it was not "
    "accepted. Start again; if it happens again, call 1414."
)

# Why a signature was refused, by the check that failed, in words a person can act on.
REFUSALS: dict[str, LazyString] = {
    "revocation": lazy_gettext("The certificate has been revoked or its status cannot be confirmed."),
    "validity": lazy_gettext("The certificate was not valid at the time of signing."),
    "iin": lazy_gettext("The certificate belongs to another person, not to the one who must sign."),
    "policy": lazy_gettext("This kind of certificate cannot sign this document."),
    "chain": lazy_gettext("The certificate was not issued by a certification authority the portal trusts."),
    "key_usage": lazy_gettext("The certificate is not meant for signing."),
    "signature": lazy_gettext("The signature does not match the document."),
    "digest": lazy_gettext("The signature does not match the document."),
    "purpose": lazy_gettext("The signature was made for another purpose."),
}


def refusal_reasons(codes: list[str]) -> list[str]:
    """Each distinct reason once, in the order of the checks (``revocation.revoked`` → words)."""
    sentences: list[str] = []
    for code in codes:
        check = code.split(".", 1)[0]
        sentence = str(REFUSALS.get(check, REJECTED_MESSAGE))
        if sentence not in sentences:
            sentences.append(sentence)
    return sentences


PURPOSES: dict[str, LazyString] = {
    "application": lazy_gettext("Application for social assistance with the data from state registers"),
    "decision": lazy_gettext("Decision to grant or refuse social assistance"),
    "notification": lazy_gettext("Notification of the decision"),
    "sign_in": lazy_gettext("Sign-in to the social assistance portal"),
    "staff_sign_in": lazy_gettext("Staff sign-in to the social assistance portal"),
}


def purpose_label(code: str) -> str:
    """The purpose in words: ``application.submit`` is read by its prefix, ``application``."""
    label = PURPOSES.get(code) or PURPOSES.get(code.split(".", 1)[0])
    return str(label) if label is not None else str(gettext("Other document"))


# The same refusals told about a PIN (the phone) rather than a key password.
PIN_MESSAGES: dict[str, LazyString] = {
    "secret.required": lazy_gettext("Enter your PIN."),
    "secret.length": lazy_gettext("The PIN has 4 to 8 digits."),
    "secret.digits_only": lazy_gettext("The PIN must consist of digits only."),
}


def describe(error: SigningError, *, asked_for: str = "any") -> str:
    """A sentence for the person; never the internal message. ``asked_for="pin"`` where only a
    PIN is asked for (the phone), so the sentence does not speak of a password."""
    if isinstance(error, WrongCode):
        return str(gettext("Wrong code. Attempts left: %(n)d.", n=error.attempts_left))
    if isinstance(error, PinLength):
        return str(gettext("The PIN has %(n)d digits. Enter the whole PIN.", n=error.length))
    if isinstance(error, ResendTooSoon):
        from portal.web.i18n import local_time

        return str(gettext("You can ask for a new code at %(time)s.",
                           time=local_time(error.until, "medium")))
    if isinstance(error, WrongSecret) and asked_for == "pin":
        return str(gettext("Wrong PIN. Attempts left: %(n)d.", n=error.attempts_left))
    if asked_for == "pin" and error.code in PIN_MESSAGES:
        return str(PIN_MESSAGES[error.code])
    if isinstance(error, WrongSecret):
        return str(gettext("Wrong password or PIN. Attempts left: %(n)d.", n=error.attempts_left))
    if isinstance(error, LockedOut):
        from portal.web.i18n import local_datetime

        return str(gettext("Too many wrong attempts. Try again after %(time)s.",
                           time=local_datetime(error.until, "short")))
    message = MESSAGES.get(error.code)
    return str(message) if message is not None else str(gettext("The document could not be signed."))
