"""The CLI's words: every problem code of the core, in English (the scripting interface's language).

One line per code: ``"code": "template"``. Templates are ``str.format`` over the
problem's parameters and ``field`` (see :mod:`desk.rules.problems`): a
sequence is listed with commas, and a spec holding ``|`` picks a form by a
count, ``{pages:# page|# pages}`` (two forms: one|other; three: zero|one|other;
``#`` is the value). A code raised anywhere under ``desk/`` must have a line
here and in the TUI's ``screens/i18n/vi.py`` and ``en.py`` (``tests/test_problems.py``
checks it, with the parameters each raise site gives).

Adding a code: raise it (``raise InvalidInput("bundle.member_unsafe", field="bundle",
member=name)``), add its line to ``ENGLISH`` below and to ``PROBLEMS`` in the
two TUI catalogues.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desk.rules.problems import Problem, fill, is_code

ENGLISH: dict[str, str] = {
    # text and time (desk.text, desk.clock)
    "text.required": "The field '{field}' is required; please fill it in.",
    "text.too_long": (
        "The field '{field}' is too long: {length} characters, at most {limit:# is|# are} allowed; please shorten it."
    ),
    "clock.bad_desk_now": "DESK_NOW='{value}' is not an ISO 8601 date-time",
    "datetime.not_iso": "{field}: '{value}' is not an ISO 8601 date-time (YYYY-MM-DDTHH:MM)",
    # working time (desk.rules.calendar)
    "calendar.not_datetime": "{field}: {value} is not a date-time",
    "calendar.has_offset": "{field}: {value} carries a UTC offset; the desk works in naive local time",
    "calendar.day_off_and_working": "{days}: listed both as extra day off and extra working day",
    "calendar.no_working_day": "no working day for years after {after}: check the calendar settings",
    "calendar.minutes_not_whole": "working minutes must be a whole number, not {value}",
    "calendar.minutes_negative": "working minutes cannot be negative ({minutes})",
    "calendar.not_processing_time": "not a processing time: {value}",
    "calendar.processing_not_whole": "processing time must be a whole number ≥ 0, not {value}",
    "calendar.unknown_unit": "unknown processing time unit {unit}",
    "calendar.resumed_before_pause": (
        "resumed {resumed:%Y-%m-%dT%H:%M:%S} before the pause began {paused:%Y-%m-%dT%H:%M:%S}"
    ),
    "hours.not_pairs": "office hours: morning and afternoon must each be [start, end]",
    "hours.not_local_time": "office hours: {setting} needs local times, not {value}",
    "hours.morning_order": "office hours: morning starts {start:%H:%M} but ends {end:%H:%M}",
    "hours.afternoon_order": "office hours: afternoon starts {start:%H:%M} but ends {end:%H:%M}",
    "hours.overlap": (
        "office hours: morning ends {morning_end:%H:%M}, after the afternoon starts {afternoon_start:%H:%M}"
    ),
    "hours.working_week": "office hours: working week {week} must list ISO weekdays 1 (Monday) to 7 (Sunday)",
    "hours.day_hours": "office hours: a working day of {value} hours is not possible",
    # codes (desk.rules.codes, desk.dossier.numbering)
    "desk_no.range": "desk number {desk_no}: must be 0–9",
    "codes.exhausted": (
        "desk {desk_no} has issued all {capacity} dossier codes for {day:%d/%m/%Y} ({first} … {last}); "
        "receive further dossiers at another desk number"
    ),
    # identity numbers (desk.rules.idnumbers, desk.rules.chipqr)
    "sex.invalid": "Sex must be 'Nam' or 'Nữ', not '{value}'.",
    "id_number.not_digits": "The ID number may contain only digits (spaces, dots and dashes are ignored): '{value}'.",
    "id_number.length": "An ID number has 12 digits (9 on an old ID card), but {number} has {length}.",
    "id_number.province": (
        "{number} starts with {province}, which is not a province code; check the first three digits."
    ),
    "id_number.century": (
        "The ID number {number} does not match the applicant: its 4th digit {digit} means born in the {century}s, "
        "but the birth date is in {year}."
    ),
    "id_number.year": (
        "The ID number {number} does not match the applicant: its 5th–6th digits {year_digits} mean born in "
        "{encoded_year}, but the birth date is in {year}."
    ),
    "id_number.sex": (
        "The ID number {number} does not match the applicant: its 4th digit {digit} means '{encoded_sex}', "
        "but the sex given is '{sex}'."
    ),
    "id_number.century_and_sex": (
        "The ID number {number} does not match the applicant: its 4th digit {digit} means born in the {century}s, "
        "but the birth date is in {year}; its 4th digit {digit} means '{encoded_sex}', but the sex given is '{sex}'."
    ),
    "id_number.year_and_sex": (
        "The ID number {number} does not match the applicant: its 5th–6th digits {year_digits} mean born in "
        "{encoded_year}, but the birth date is in {year}; its 4th digit {digit} means '{encoded_sex}', "
        "but the sex given is '{sex}'."
    ),
    "id_number.old_id": (
        "This is a 9-digit old ID card number (CMND), which is no longer valid; "
        "please ask the applicant for the 12-digit personal identification number."
    ),
    "birth_date.not_encodable": "A birth year of {year} cannot be encoded in a personal ID number.",
    "tax_code.shape": "A tax code has 10 digits, or 10 digits, a dash and 3 digits for a branch; got '{value}'.",
    "tax_code.check_digit": (
        "The tax code {number} is not valid: its check digit (the 10th) does not match; check for a mistyped digit."
    ),
    "tax_code.branch_zero": "A branch number runs from 001 to 999, not 000 ('{value}').",
    "phone.foreign": "Only Vietnamese phone numbers (+84) are accepted, not '{value}'.",
    "phone.not_digits": "A phone number may contain only digits: '{value}'.",
    "phone.mobile_length": "A mobile number has 10 digits starting with 0, but '{value}' has {length}.",
    "phone.landline_length": "A landline number has 10 or 11 digits with the area code, but '{value}' has {length}.",
    "phone.not_vietnamese": (
        "'{value}' is not a Vietnamese phone number: mobiles start with 03, 05, 07, 08 or 09 "
        "and landlines with 02 and the area code."
    ),
    "chip_qr.old_id": "The old ID number on the ID card QR code should have 9 digits: '{value}'.",
    "chip_qr.birth_date": "The date of birth on the ID card QR code is not a valid date (DDMMYYYY): '{value}'.",
    "chip_qr.issue_date": "The date of issue on the ID card QR code is not a valid date (DDMMYYYY): '{value}'.",
    # intake (desk.dossier.intake)
    "scan.not_chip_qr": "the scanned text is not a chip ID card QR code",
    "birth_date.format": "birth date '{value}': write it as YYYY-MM-DD or DD/MM/YYYY",
    "birth_date.implausible": "birth date {date:%d/%m/%Y} is not plausible",
    "email.invalid": "email '{value}' is not an e-mail address",
    "component.not_in_procedure": (
        "component '{component}' is not a component of {procedure}; its components are {components:none|#|#}"
    ),
    "quantity.range": "quantity of {component}: {value} is not between 1 and 999",
    "received_at.future": "received-at {at:%Y-%m-%d %H:%M} is in the future (now {now:%Y-%m-%d %H:%M})",
    "sets.range": "number of sets {sets} is not between 1 and 99",
    # dossiers and their lifecycle (desk.dossier.query, desk.rules.status, desk.dossier.lifecycle)
    "dossier.not_found": "no dossier '{code}' at this desk",
    "action.unknown": (
        "unknown action '{action}'; actions are {actions}. From {status}: {allowed:none (the dossier is "
        "closed)|#|#}"
    ),
    "action.not_allowed": (
        "cannot {action} a dossier that is {status}; allowed from {status}: {allowed:none (the dossier is closed)|#|#}"
    ),
    "action.result_needs_transfer": (
        "cannot result a dossier that is {status} (only same-day procedures get their result at the desk; "
        "transfer it first); allowed from {status}: {allowed:none (the dossier is closed)|#|#}"
    ),
    "action.wrong_option": "{action} does not take {options} (it takes {takes:nothing but a note|#|#})",
    "lifecycle.unknown_action": "unknown action '{action}'",
    "supplement.nothing_missing": "say what is missing: give at least one component (and reason) or a note",
    "supplement.bad_item": "missing item {item}: give (component, reason)",
    "clock.before_pause": (
        "the clock reads {now:%d/%m/%Y %H:%M}, before the supplement request of {paused:%d/%m/%Y %H:%M}; "
        "check this PC's date and time"
    ),
    "satisfaction.unknown": "satisfaction '{value}': answer {answers} (accents optional)",
    "refuse.needs_reason": "a refusal needs a reason (it is printed on the notice)",
    "stop.needs_reason": "stopping needs a reason (it is printed on the notice)",
    "apology.days": "extension of {value} working days: give a whole number from 1 to 365",
    "print.kind": "document kind '{value}': one of {kinds}",
    "print.paper": "paper '{value}': one of {papers}",
    "print.copies": "copies {value}: a whole number from 0 to 99",
    # the digitisation checklist (desk.dossier.checklist)
    "component.unknown": "dossier {code} has no component '{component}'; its components are {components:none|#|#}",
    "reuse.own_dossier": "{code} is this dossier; reuse needs another dossier's result",
    "reuse.unknown_source": (
        "reuse source '{value}': one of {sources}, or the code of another dossier (AGENCY-YYMMDD-NNNN)"
    ),
    "checklist.closed": "dossier {code} is {status}; its checklist can no longer change",
    "inbox.empty": "no scan in {folder}; scan the paper into that folder first",
    "component.must_digitise": "component {component} must be digitised; give a note saying why it is not required",
    "component.already_pending": "component {component} is already pending; nothing to undo",
    # the receipt's QR code (desk.rules.receipt_qr): verdicts, not errors
    "receipt.genuine": "Genuine receipt for dossier {code}.",
    "receipt.altered": "Receipt {code} was issued here but no longer matches the stored dossier ({fields}).",
    "receipt.forged": "Invalid QR: the signature is wrong; receipt {code} was altered or forged.",
    "receipt.unknown": "Signature valid, but dossier {code} is not in this desk's database.",
    "receipt.not_receipt": "Not a receipt QR code.",
    # desk verify (desk.dossier.events, desk.ops.verify)
    "chain.missing": "desk {desk}: events {first}–{last} are missing",
    "chain.out_of_order": "desk {desk}: event {seq} out of order (expected {expected})",
    "chain.broken": "desk {desk}: event {seq} does not follow event {previous} (chain broken)",
    "chain.altered": "desk {desk}: event {seq} was altered (hash mismatch)",
    "sqlite.integrity": "sqlite: {detail}",
    "sqlite.foreign_keys": "sqlite: component lines refer to missing dossiers",
    "dossier.no_events": "dossier {code} has no events",
    "clock.went_backwards": "the clock went backwards at least once ({detail}); check this PC's date and time",
    # files, backups, the home (desk.ops, desk.cli)
    "file.exists": "{path} exists; refusing to overwrite it",
    "file.write_failed": "cannot write {path}: {detail}",
    "backup.no_folder": "folder {folder} does not exist (is the USB stick mounted?)",
    "backup.write_failed": "cannot write the backup to {path}: {detail}; nothing was written",
    "home.has_desk": "{path} already holds a desk",
    "agency_key.unreadable": "agency key file {path}: cannot be read as an exported key ({error})",
    "catalog.no_file": "give a catalogue FILE, or --sample for the bundled sample catalogue",
    "missing.format": "--missing '{value}': write COMPONENT:REASON",
    # reports (desk.reports.indicators)
    "indicator.unknown": "unknown indicator '{name}'; one of {names}",
    "period.unknown": "period '{value}': one of {periods}",
    "period.not_dates": "give the period as dates, not date-times",
    "period.reversed": "the period ends ({end}) before it starts ({start})",
}
"""Code -> English template."""

VALUES: dict[str, Mapping[str, str]] = {
    # a receipt's signed fields, by their query names
    "fields": {
        "mhs": "dossier code",
        "tthc": "procedure code",
        "dd": "ID number",
        "gt": "document type",
        "hen": "due date",
    },
}
"""Parameters whose values are keys, and the English words of those keys."""


def _words(params: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(params)
    for name, words in VALUES.items():
        value = out.get(name)
        if isinstance(value, (list, tuple)):
            out[name] = tuple(words.get(v, v) for v in value)
        elif isinstance(value, str):
            out[name] = words.get(value, value)
    return out


def describe(problem: Problem) -> str:
    """One English sentence for ``problem``.

    A prose problem (a code that is not dotted, from a raise site not converted
    yet) is its own words; a code with no line in ``ENGLISH`` is shown as code
    and parameters, so that nothing is lost.
    """
    template = ENGLISH.get(problem.code)
    if template is None:
        return str(problem) if is_code(problem.code) else problem.code
    return fill(template, {"field": problem.field or "", **_words(problem.params)})


def error_json(problem: Problem) -> dict[str, Any]:
    """What ``--json`` prints on stdout for an error: ``{"error": {code, field, params, message}}``."""
    return {"error": {**problem.as_json(), "message": describe(problem)}}
