"""Strings of a clerk alone at the counter (issue 16), in English: the applicant's kind at intake
(công dân / tổ chức, doanh nghiệp / người nước ngoài), and failures said in English by an older version.

Merged into ``en.STRINGS``; ``applicant_kind.*`` say a kind inside a sentence (a problem's
``applicant_kind`` parameter), ``kind.*`` as a choice or a label.
"""

from __future__ import annotations

STRINGS: dict[str, str] = {
    "field.tax_code": "Tax code",
    "placeholder.id_number": "12 digits (old ID: 9)",
    "receipt.id_number": "ID number:",
    "field.passport": "Passport no.",
    "field.kind": "Applicant is",
    "field.org_name": "Organisation",
    "kind.citizen": "Citizen",
    "kind.business": "Organisation, business",
    "kind.state_agency": "State agency",
    "kind.other_org": "Other organisation",
    "kind.foreigner": "Foreigner",
    "applicant_kind.citizen": "a citizen",
    "applicant_kind.business": "an organisation or business",
    "applicant_kind.state_agency": "a state agency",
    "applicant_kind.other_org": "an organisation",
    "applicant_kind.foreigner": "a foreigner",
    "placeholder.org_name": "Công ty TNHH …",
    "placeholder.tax_code": "10 digits (branch: -3 more)",
    "placeholder.passport": "as printed in the passport",
    "receipt.tax_code": "Tax code:",
    "receipt.passport": "Passport no.:",
    "receipt.kind": "Applicant is:",
    # an export or push that failed under an older version, which recorded English words, not a problem
    "sync.error_old_version": "(recorded in words by an older version)",
    # Tab and Shift+Tab on the intake form (listed in the cheat-sheet)
    "key.next_field": "Next field",
    "key.previous_field": "Previous field",
    # the sync screen (F5): this desk's records the national portal refused, as the hub said (docs/forwarding.md)
    "sync.portal_rejections": "The national portal refused {n:# record|# records} of this desk (as the hub said at the last push):",
}
