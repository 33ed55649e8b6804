"""What each signing refusal code means to a person, in their language."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext
from flask_babel.speaklater import LazyString

from signing import SigningError
from signing.base import LockedOut, WrongSecret

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
}


REJECTED_MESSAGE = lazy_gettext(
    "The signature did not pass the checks (certificate, owner or document), so it was not "
    "accepted. Start again; if it happens again, call 1414."
)

PURPOSES: dict[str, LazyString] = {
    "application": lazy_gettext("Application for social assistance with the data from state registers"),
    "decision": lazy_gettext("Decision to grant or refuse social assistance"),
    "notification": lazy_gettext("Notification of the decision"),
    "sign_in": lazy_gettext("Sign-in to the social assistance portal"),
    "staff_sign_in": lazy_gettext("Staff sign-in to the social assistance portal"),
}


def purpose_label(code: str) -> str:
    label = PURPOSES.get(code)
    return str(label) if label is not None else code


def describe(error: SigningError) -> str:
    """A sentence for the person; never the internal message."""
    if isinstance(error, WrongSecret):
        return str(gettext("Wrong password or PIN. Attempts left: %(n)d.", n=error.attempts_left))
    if isinstance(error, LockedOut):
        from portal.web.i18n import local_datetime

        return str(gettext("Too many wrong attempts. Try again after %(time)s.",
                           time=local_datetime(error.until, "short")))
    message = MESSAGES.get(error.code)
    return str(message) if message is not None else str(gettext("The document could not be signed."))
