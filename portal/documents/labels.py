"""Words for the values an F1-1 document holds (its JSON keeps codes), in the reader's language."""

from __future__ import annotations

from typing import Any, Final

from flask_babel import lazy_gettext as _l

from portal.web.labels import ID_DOCUMENT_LABELS

GROUNDS: Final[dict[str, Any]] = {
    "natural_disaster": _l("damage from a natural disaster"),
    "fire": _l("damage from a fire"),
    "socially_significant_disease": _l("a socially significant disease"),
    "low_income": _l("low income"),
    "orphan": _l("orphanhood or lack of parental care"),
    "old_age_self_care": _l("inability to look after oneself due to old age"),
    "released_from_prison": _l("release from a place of deprivation of liberty or probation"),
}
FREQUENCIES: Final[dict[str, Any]] = {
    "one_off": _l("one-off"), "monthly": _l("monthly"), "quarterly": _l("quarterly"),
    "yearly": _l("yearly"),
}
CAPACITIES: Final[dict[str, Any]] = {
    "self": _l("on my own behalf"),
    "family": _l("on behalf of my family"),
    "legal_representative": _l("as a legal representative"),
    "attorney": _l("under a power of attorney"),
}
ID_DOCUMENTS: Final[dict[str, Any]] = dict(ID_DOCUMENT_LABELS)
SEXES: Final[dict[str, Any]] = {"male": _l("male"), "female": _l("female")}
RELATIONS: Final[dict[str, Any]] = {
    "spouse": _l("spouse"), "child": _l("child"), "parent": _l("parent"), "ward": _l("ward"),
    "sibling": _l("brother or sister"), "other": _l("other relative"),
}
INCOME_KINDS: Final[dict[str, Any]] = {
    "wages": _l("wages"), "pension": _l("pension"), "benefit": _l("benefit"),
    "farm": _l("personal subsidiary farm"), "other": _l("other income"),
}
INCOME_SOURCES: Final[dict[str, Any]] = {"register": _l("from the register"),
                                         "declared": _l("declared")}
DOCUMENT_KINDS: Final[dict[str, Any]] = {
    "identity": _l("identity document"), "income": _l("income"),
    "ground_proof": _l("document proving the ground"),
    "power_of_attorney": _l("power of attorney"), "other": _l("other document"),
}
CONSENTS: Final[dict[str, Any]] = {
    "personal_data": _l("Consent to the collection and processing of personal data"),
    "bank_information": _l("Consent to obtaining information from banks"),
    "report_changes": _l("Undertaking to report changes"),
    "separate_account": _l("Acknowledgement of a separate bank account"),
}
QUERIES: Final[dict[str, Any]] = {
    "identity": _l("identity"),
    "residence": _l("registration at the place of residence"),
    "bank_details": _l("bank details"),
    "real_estate": _l("real estate"),
    "birth_records": _l("birth records of children"),
    "marriage": _l("marriage certificate"),
    "guardianship": _l("guardianship documents"),
    "ward_residence": _l("residence of a ward child"),
    "dispensary": _l("dispensary registration"),
    "disability": _l("disability"),
}
SOURCES: Final[dict[str, Any]] = {
    "gbd_fl": _l("State database \"Individuals\""),
    "paying_organisation": _l("organisation that pays social assistance"),
    "real_estate_cadastre": _l("Unified state real estate cadastre"),
    "civil_registry": _l("civil registry"),
    "education_database": _l("National education database"),
    "dispensary_register": _l("Electronic register of dispensary patients"),
    "disability_database": _l("disability database"),
    "second_tier_banks": _l("second-tier banks"),
}
OUTCOMES: Final[dict[str, Any]] = {
    "found": _l("data received"), "no_data": _l("no data"), "mismatch": _l("data do not match"),
    "timeout": _l("no answer in time"), "unavailable": _l("system unavailable"),
}


def word(table: dict[str, Any], code: str | None) -> str:
    """The label of ``code`` in the current language; an unknown code as it is; None as a dash."""
    if code is None:
        return "—"
    label = table.get(code)
    return str(label) if label is not None else code


# -- forms F3, F4, F5 (portal/documents/forms.py) ------------------------------------------------
# F3 item 5 (seed L415): how the family lives.
HOUSING: Final[dict[str, Any]] = {
    "dormitory": _l("dormitory"), "rented": _l("rented housing"),
    "privatised": _l("privatised housing"), "service": _l("service housing"),
    "cooperative": _l("housing cooperative"), "private_house": _l("private house"),
    "other": _l("other"),
}
# F3 (seed L413): the categories present in the family.
CATEGORIES_PRESENT: Final[dict[str, Any]] = {
    "war_veteran": _l("veterans of the Great Patriotic War"),
    "equated_veteran": _l("veterans equated in benefits to veterans of the Great Patriotic War"),
    "combat_veteran": _l("veterans of combat operations on the territory of other states"),
    "pensioner": _l("pensioners"),
    "over_80": _l("elderly people over 80"),
    "socially_significant_disease": _l("people with socially significant diseases"),
    "disability": _l("people with disabilities"),
    "child_with_disability": _l("children with disabilities"),
    "other": _l("another category"),
}
# F4 (seed L506): who accepted the conclusion with the documents.
ACCEPTORS: Final[dict[str, Any]] = {
    "rural_akim": _l("akim of the settlement, village or rural district"),
    "department": _l("employee of the authorised body for social assistance"),
}
# F5 title (seed L523): whose akimat decides, as the title's genitive needs it.
AKIMAT_LEVELS: Final[dict[str, Any]] = {
    "republican_city": _l("a city of republican significance"),
    "capital": _l("the capital"),
    "district": _l("a district"),
    "regional_city": _l("a city of regional significance"),
}
# The forms as a list of links names them (templates/documents/_links.html).
FORM_TITLES: Final[dict[str, Any]] = {
    "coupon": _l("Tear-off coupon"),
    "receipt": _l("Electronic receipt of acceptance of documents"),
    "f1": _l("Application (form F1)"),
    "f1-1": _l("Application as signed (form F1-1)"),
    "f2-1": _l("Receipt of refusal to accept the application (form F2-1)"),
    "f3": _l("Act of inspection of the material situation (form F3)"),
    "f4": _l("Conclusion of the precinct commission (form F4)"),
    "f5": _l("Decision on social assistance (form F5)"),
    "f6": _l("Notification of granting (form F6)"),
    "f7": _l("Notification of refusal (form F7)"),
}
