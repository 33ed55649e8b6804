"""The F1-1 statements the applicant agrees to (seed lines 274–280), with their wording version.

The Kazakh text is the order's own (F1-1); Russian and English are the portal's renderings. What
a person agreed to is stored with the version, the language and the digest of the exact text.
"""

from __future__ import annotations

from typing import Final

from flask_babel import lazy_gettext as _l

from portal.domain.forms import ConsentKind

WORDING_VERSION: Final = "F1-1 / No. 36 / 06.02.2025"  # the order that set the wording

CONSENT_TEXTS = {
    ConsentKind.PERSONAL_DATA: _l(
        "I consent to the collection and processing of my personal data needed when the "
        "authorised body for social assistance fulfils its obligations under the legislation of "
        "the Republic of Kazakhstan and when the payment is assigned (recalculated), under the "
        "Law of the Republic of Kazakhstan \"On personal data and their protection\", and to the "
        "storage and use of information constituting a secret protected by law held in "
        "information systems."),
    ConsentKind.BANK_INFORMATION: _l(
        "As the holder of a bank account, I consent to information about me and about my bank "
        "account number being obtained from second-tier banks, organisations licensed by the "
        "authorised body for the regulation and supervision of the financial market and "
        "financial organisations for the relevant kinds of banking operations, and territorial "
        "branches of Kazpost JSC."),
    ConsentKind.REPORT_CHANGES: _l(
        "I undertake to inform the authorised body for social assistance within 10 (ten) working "
        "days of every change of my place of residence (including leaving the Republic of "
        "Kazakhstan), of my personal details and of my bank details."),
    ConsentKind.SEPARATE_ACCOUNT: _l(
        "I am aware that a separate bank account may be opened for crediting social assistance "
        "paid from the local budget, and that third parties may not levy execution on the money "
        "in such an account."),
}

# Form F1 (the paper application, seed L184–190) words the same four statements a little
# differently from F1-1 (docs/seed-notes.md §3.4): its printout uses its own wording.
F1_CONSENT_TEXTS = {
    ConsentKind.PERSONAL_DATA: _l(
        "Under the Law of the Republic of Kazakhstan \"On personal data and their protection\", I "
        "consent to the collection and processing of my personal data needed when the payment is "
        "assigned (recalculated) and when the authorised body for social assistance fulfils its "
        "obligations under the legislation of the Republic of Kazakhstan, and to the storage and "
        "use of information constituting a secret protected by law held in information systems."),
    ConsentKind.BANK_INFORMATION: _l(
        "As the holder of a bank account, I consent to obtaining information about me and about "
        "the number of my bank account in second-tier banks, in organisations licensed by the "
        "authorised body for the regulation and supervision of the financial market and "
        "financial organisations for the relevant kinds of banking operations, and in the "
        "territorial branches of Kazpost JSC."),
    ConsentKind.REPORT_CHANGES: _l(
        "I undertake to inform the authorised body for social assistance within 10 (ten) working "
        "days of a change of my place of residence (including leaving the Republic of "
        "Kazakhstan), personal details and bank details."),
    ConsentKind.SEPARATE_ACCOUNT: _l(
        "I am aware of the possibility of opening a separate bank account for crediting social "
        "assistance paid from the local budget, and that third parties may not levy execution "
        "on the money in such an account."),
}
