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

from desk.catalog.values import PLACED_CODES, place_of
from desk.cli.wording_files import ENGLISH as _FILES
from desk.cli.wording_hub import ENGLISH as _HUB
from desk.cli.wording_keys import ENGLISH as _KEYS
from desk.cli.wording_seal import ENGLISH as _SEAL
from desk.cli.wording_signing import ENGLISH as _SIGNING
from desk.cli.wording_sync import ENGLISH as _SYNC
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
    # the official calendar (desk.official_calendar) and the warnings it gives at intake
    "calendar.crosses_expected": "the due date {due:%d/%m/%Y %H:%M} counts {days:# as a day off|# as days off} before the notice confirmed {days:it|them}; check `desk calendar show` and import the notice when it comes (`desk calendar import FILE`)",
    "calendar.crosses_pending": "the due date {due:%d/%m/%Y %H:%M} crosses {days:a pending day|pending days} ({days}), counted as {counted_off:a working day|a day off|a day off} until a law or notice decides (setting calendar.pending_days_off)",
    "calendar.year_range": "--year {year}: the calendar covers the years {first}–{last}",
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
    "id_number.place_unknown": (
        "{number} starts with {place}, which is not a province code: it may be a country code (born abroad); "
        "check the first three digits on the ID card."
    ),
    "id_number.century_digit": (
        "The ID number {number} is not valid: its 4th digit {digit} means born in {year} (from {century}); "
        "no one born from 2100 can hold an ID number yet."
    ),
    "id_number.born_later": (
        "The ID number {number} is not valid: its 5th–6th digits {year_digits} mean born in {year}, "
        "after this year ({this_year}); check the number on the ID card."
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
        "This is a 9-digit old ID card number (CMND), which lapsed on {lapsed} (Luật Căn cước 2023); "
        "it is accepted, but please ask the applicant for the 12-digit personal identification number."
    ),
    "birth_date.not_encodable": "A birth year of {year} cannot be encoded in a personal ID number.",
    "tax_code.shape": "A tax code has 10 digits, or 10 digits, a dash and 3 digits for a branch; got '{value}'.",
    "tax_code.check_digit": (
        "The tax code {number} is not valid: its check digit (the 10th) does not match; check for a mistyped digit."
    ),
    "tax_code.branch_zero": "A branch number runs from 001 to 999, not 000 ('{value}').",
    "tax_code.sequence_zero": "The tax code {number} is not valid: its 3rd to 9th digits cannot all be 0.",
    "passport.shape": "A passport number has only the letters A-Z and digits; got '{value}'.",
    "birth_date.organisation": (
        "An organisation ({applicant_kind}) has no birth date: leave --birth-date out, or use --kind citizen or foreigner."
    ),
    "sex.organisation": "An organisation ({applicant_kind}) has no sex: leave --sex out, or use --kind citizen or foreigner.",
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
    "intake.incomplete": (
        "the dossier lacks required {missing:component|components} {missing}: no receipt for an "
        "incomplete dossier; guide the citizen with Mẫu 02 "
        "(`desk print guidance --procedure {procedure} --missing COMPONENT:REASON`)"
    ),
    "guidance.nothing_missing": "say what is missing: give at least one --missing COMPONENT[:REASON]",
    "intake.same_open_today": (
        "{id_number} already has an open dossier of this procedure received that day at this desk: {codes}; "
        "check it is not the same dossier taken in twice"
    ),
    "intake.day_off": "{day:%d/%m/%Y} is a day off in the desk's calendar; check the intake's date",
    "intake.holiday": "{day:%d/%m/%Y} is a day off in the desk's calendar ({holiday}); check the intake's date",
    "intake.reused_format": "--reused {value!r}: write it as COMPONENT=SOURCE (e.g. giay_khai_sinh=VNeID)",
    "intake.scan_not_citizen": "--scan reads a citizen's chip ID card; it cannot go with --kind {applicant_kind}",
    "guidance.too_many": "{count} items to complete: at most {limit} on one guidance",
    "quantity.range": "quantity of {component}: {value} is not between 1 and 999",
    "received_at.future": "received-at {at:%Y-%m-%d %H:%M} is in the future (now {now:%Y-%m-%d %H:%M})",
    # honest times: a catch-up (desk.rules.received_time)
    "received_at.before_today": "received-at {at:%Y-%m-%d %H:%M} is before today's working day began ({day_start:%Y-%m-%d %H:%M}): a receipt is dated when it is taken in. To enter a dossier received earlier (the PC was down), add --catch-up --reason TEXT",
    "catch_up.needs_reason": "a catch-up needs a reason (--reason TEXT): why the dossier is entered late",
    "catch_up.not_earlier": "catch-up: received-at {at:%Y-%m-%d %H:%M} is not earlier than now ({now:%Y-%m-%d %H:%M}); enter it without --catch-up",
    "catch_up.needs_received_at": "--catch-up needs --received-at: when the dossier was really received",
    "catch_up.reason_alone": "--reason goes with --catch-up",
    "dossier.caught_up": "dossier {code} was entered at {entered_at} for a receipt at {claimed_at} (catch-up: {reason})",
    "sets.range": "number of sets {sets} is not between 1 and 99",
    "fee.pages_range": "pages {value}: a per-page fee needs 1 to {maximum} pages per copy",
    "fee.copies_range": "copies {value}: must be 1 to {maximum}",
    "fee.pages_not_counted": "pages {value}: this procedure's fee is counted per copy, not per page; leave out the pages",
    "fee.no_tariff": "procedure {procedure} has no per-page or per-copy fee: leave out --pages and --copies",
    "operator.supervisor_only": "only a supervisor may do this ({action}){name:| — # is signed in as a clerk| — # is signed in as a clerk}; sign in as a supervisor (desk --operator NAME)",
    "operator.first_supervisor": "the first operator account must be a supervisor ({name}): --role supervisor",
    "operator.exists": "an operator account named {existing} exists already (names are compared without case and accents); give {name} a distinct name",
    "operator.last_supervisor": "{name} is the last supervisor: add another supervisor before removing this account",
    "operator.secret_needed": (
        "no terminal to ask the password or PIN: set {variable} (or, to sign in, a supervisor's token in {token})"
    ),
    "operator.secret_length": "a password or PIN needs {minimum} to {maximum} characters",
    "operator.secret_mismatch": "the two passwords typed differ; nothing was changed",
    "operator.login_failed": "wrong name or password ({left:no try left|# try left|# tries left} before the account locks)",
    "operator.locked": "the account of {name} is locked after repeated wrong passwords until {until}; a supervisor can unlock it (desk operator passwd)",
    "operator.token_days": "a token lasts 1 to 365 days, not {days}",
    "operator.token_invalid": "the token in DESK_OPERATOR_TOKEN was not issued to {name}",
    "operator.token_expired": "the token of {name} expired on {at}; a supervisor issues a new one (desk operator token)",
    "operator.unknown": "no operator account named {name} (desk operator list)",
    "operator.required": "this desk has operator accounts: say who is acting with desk --operator NAME",
    "operator.no_accounts": "--operator {name}: this desk has no operator accounts (desk operator add NAME --role supervisor)",
    # dossiers and their lifecycle (desk.dossier.query, desk.rules.status, desk.dossier.lifecycle)
    "dossier.not_found": "no dossier '{code}' at this desk",
    "action.unknown": (
        "unknown action '{action}'; actions are {actions}. From {status}: {allowed:none (the dossier is closed)|#|#}"
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
    "extend.status": "dossier {code} is {status}: only a dossier still being processed can get a new appointment",
    "extend.not_later": "the new appointment {new_due:%Y-%m-%d %H:%M} is not after the present one {due:%Y-%m-%d %H:%M}",
    "apology.days": "extension of {value} working days: give a whole number from 1 to 365",
    "print.kind": "document kind '{value}': one of {kinds}",
    "print.paper": "paper '{value}': one of {papers}",
    "print.copies": "copies {value}: a whole number from 0 to 99",
    # the digitisation checklist (desk.dossier.checklist)
    "component.unknown": "dossier {code} has no component '{component}'; its components are {components:none|#|#}",
    "reuse.own_dossier": "{code} is this dossier; reuse needs another dossier's result",
    "reuse.unknown_dossier": "no dossier {code} on this desk; reuse from another dossier needs its exact code",
    "component.same_scan": "the scan {name} is already attached to “{other}” of this dossier, not attaching it to “{component}” too (--same-scan attaches it anyway)",
    "reuse.unknown_source": (
        "reuse source '{value}': one of {sources}, or the code of another dossier (AGENCY-YYMMDD-NNNN)"
    ),
    "checklist.closed": "dossier {code} is {status}; its checklist can no longer change",
    "inbox.empty": "no scan in {folder}; scan the paper into that folder first",
    "component.must_digitise": "component {component} must be digitised; give a note saying why it is not required",
    "component.already_pending": "component {component} is already pending; nothing to undo",
    "receipt.no_lookup_url": (
        "the receipt's QR starts with the bare {prefix!r}: citizens cannot look the dossier up with their phone; "
        "set lookup_url under [printing] in desk.toml to the portal's lookup page"
    ),
    # the receipt's QR code (desk.rules.receipt_qr): verdicts, not errors
    "receipt.genuine": "Genuine receipt for dossier {code}.",
    "receipt.altered": "Receipt {code} was issued here but no longer matches the stored dossier ({fields}).",
    "receipt.forged": "Invalid QR: the signature is wrong; receipt {code} was altered or forged.",
    "receipt.unknown": "Signature valid, but dossier {code} is not in this desk's database.",
    "receipt.not_receipt": "Not a receipt QR code.",
    # desk verify (desk.dossier.events, desk.ops.verify)
    "sqlite.integrity": "sqlite: {detail}",
    "sqlite.foreign_keys": "sqlite: component lines refer to missing dossiers",
    "dossier.no_events": "dossier {code} has no events",
    "hub.lines_without_dossier": "{lines:# component line refers|# component lines refer} to dossier {dossier_id}, which is not stored",
    "clock.went_backwards": "the clock went backwards at least once ({detail}); check this PC's date and time",
    # files, backups, the home (desk.ops, desk.cli)
    "backup.no_folder": "folder {folder} does not exist (is the USB stick mounted?)",
    "backup.write_failed": "cannot write the backup to {path}: {detail}; nothing was written",
    "home.has_desk": "{path} already holds a desk",
    "agency_key.unreadable": "agency key file {path}: cannot be read as an exported key ({error})",
    "catalog.no_file": "give a catalogue FILE, or --sample for the bundled sample catalogue",
    "missing.format": "--missing '{value}': write COMPONENT:REASON",
    "desk.restored": (
        "this desk was restored from the backup of {taken_at} (events up to seq {last_seq}) and issues nothing until its later events are known: run `desk recover --hub` or `desk recover --bundle FILE`, or ask the supervisor for `desk recover --new-identity` (docs/recovery.md)"
    ),
    "clock.behind_last_event": (
        "this PC's clock says {at}, before the desk's last event ({last}): the dossier was saved after it, but check the PC's date and time now"
    ),
    # reports (desk.reports.indicators)
    "indicator.unknown": "unknown indicator '{name}'; one of {names}",
    "period.unknown": "period '{value}': one of {periods}",
    "period.not_dates": "give the period as dates, not date-times",
    "period.reversed": "the period ends ({end}) before it starts ({start})",
    "indicators.sums_differ": "the QĐ 766 running sums of {day} (desk {desk_no}, clerk {clerk}, procedure {procedure}) differ from a recount ({side} side): run `desk verify` again after the next change, or report it",
    "report.filter_desk": "--desk '{value}': a desk number (1–9, 0 for a single desk), or AGENCY/NUMBER at a hub",
    # the settings, the home, scans and catalogues (desk.config, desk.dossier.files, desk.catalog)
    "config.not_toml": "{path}: not valid TOML ({detail})",
    "config.unreadable": "{path} cannot be read ({detail})",
    "config.unknown_section": "desk.toml: unknown section [{section}]{did_you_mean:| — did you mean [#]?| — did you mean [#]?}",
    "config.unknown_setting": "desk.toml: unknown setting [{section}] {key}{did_you_mean:| — did you mean #?| — did you mean #?}",
    "config.not_a_section": "desk.toml: {section} must be a section [{section}], not a value",
    "config.missing": "desk.toml: {key} is missing",
    "config.type": "desk.toml: {key} = {value} is not {expected}",
    "config.range": "desk.toml: {key} = {value} is out of range: from {minimum} to {maximum}",
    "home.missing": "no desk here: {path} has no {config}. Run `desk init --agency-code CODE --agency-name NAME` first, or pass --home DIR.",
    "home.exists": "{path} already holds a desk ({config}); refusing to overwrite it",
    "home.create_failed": "cannot create the home at {path}: {detail}",
    "home.write_failed": "cannot write the settings in {path}: {detail}",
    "agency_code.invalid": "agency code '{value}': up to 35 characters of 0-9, A-Z and dots (for example 000.00.12.H29 or H56.14)",
    "agency_name.empty": "agency name is empty",
    "agency_key.too_short": "the agency key file is too short ({length:# byte|# bytes}; at least {minimum})",
    "agency_key.missing": "{path} is missing: receipts cannot be signed or verified",
    "agency_key.invalid": "{path} is not a valid agency key",
    "catalog.suffix": "{file}: a catalogue must be a .json or .csv file",
    "catalog.not_found": "{file}: no such file ({path})",
    "catalog.is_folder": "{file}: is a folder, not a catalogue file",
    "catalog.unreadable": "{file}: cannot be read ({detail})",
    "catalog.too_big": "{file}: is larger than {max_mb} MB; not a catalogue",
    "catalog.no_procedures": "{file}: lists no procedures",
    "catalog.empty": "{file}: the file is empty",
    "catalog.binary": "{file}: is a binary file, not a catalogue (save it as UTF-8 text)",
    "catalog.not_utf8": "{file} line {line}: is not UTF-8 text (save the file as UTF-8; Excel: CSV UTF-8)",
    "catalog.json_invalid": "{file} line {line}: not valid JSON ({detail}, column {column})",
    "catalog.json_duplicate_key": "{file}: key {key} appears twice in one object",
    "catalog.json_unusable": "{file}: not a usable JSON document ({detail})",
    "catalog.json_not_object": '{file}: must be a JSON object with "format" and "procedures", not {value}',
    "catalog.not_a_catalogue": '{file}: not a motcua-desk catalogue (no "format": "{format}")',
    "catalog.csv_cells": "{file} line {line}: has {cells} cells but the header has {columns} columns",
    "catalog.csv_invalid": "{file} line {line}: not valid CSV ({detail})",
    "catalog.csv_unknown_column": '{file} line {line}: unknown column {value}{did_you_mean:| (did you mean "#"?)| (did you mean "#"?)}',
    "catalog.csv_column_twice": "{file} line {line}: column {value} appears twice",
    "catalog.csv_missing_columns": "{file} line {line}: missing {columns:column #|columns #} (the first line must name the columns)",
    "catalog.csv_no_components": "{file} line {line} ({procedure_code}): the procedure has no component rows",
    "catalog.unknown_procedure": "procedure '{code}' is not in this desk's catalogue; see `desk catalog list` or import one with `desk catalog import FILE`",
    "catalog.required": "is required",
    "catalog.required_choice": "is required (one of {choices})",
    "catalog.required_example": "is required, e.g. {example}",
    "catalog.required_list": "is required: a list with at least one {noun}",
    "catalog.required_first_row": "is required on a procedure's first row",
    "catalog.not_text": "must be text, not {value}",
    "catalog.no_visible_text": "{value} has no visible text",
    "catalog.too_long": "is too long: {length} characters, at most {maximum}",
    "catalog.code_too_long": "{value} is too long: {length} characters, at most {maximum}",
    "catalog.bad_code": "{value} is not a valid code ({code_kind})",
    "catalog.too_large": "{value} is too large (at most {maximum})",
    "catalog.not_whole": "{value} is not a whole number ≥ {minimum}{quoted:| (write it without quotes)|}",
    "catalog.not_amount": "{value} is not an amount in đồng ≥ {minimum}{quoted:| (write it without quotes)|}",
    "catalog.not_flag": "{value} is not true or false",
    "catalog.not_choice": "{value} is not one of {choices}",
    "catalog.not_choice_list": "must be a list of {choices}, not {value}",
    "catalog.no_choice": "must name at least one of {choices}",
    "catalog.listed_twice": "{value} is listed twice",
    "catalog.not_list": "must be a list, not {value}",
    "catalog.not_procedure_list": "must be a list of procedures, not {value}",
    "catalog.empty_list": "must list at least one {noun}",
    "catalog.item_not_object": "{noun} {position} must be an object {{...}}, not {value}",
    "catalog.not_object": "must be an object {shape}, not {value}",
    "catalog.tariff_rate_order": "{value} must be 1 for the first rate, else more than the previous rate's {after}",
    "catalog.duplicate_procedure": "{value} is already used by procedure {earlier}",
    "catalog.duplicate_component": "{value} is already used by component {earlier}",
    "catalog.duplicate_on_line": "{value} is already used on line {earlier}",
    "catalog.csv_rows_apart": "{value} is already used on line {earlier} (keep each procedure's rows together)",
    "catalog.csv_empty_row": "the row has neither a component nor a fee",
    "catalog.csv_differs": "{value} differs from line {first_line} of procedure {first_procedure} (leave it empty or repeat the same value)",
    "catalog.unknown_key": 'unknown key{did_you_mean:| (did you mean "#"?)| (did you mean "#"?)}; the keys are {known}',
    "catalog.unsupported_format": "{value} is not supported; this desk reads {supported}",
    # printing a dossier's documents (desk.dossier.documents)
    "print.kind_unknown": "document '{kind}': one of {choices}",
    "print.no_supplement_request": "dossier {code} has no supplement request to print; request one first (`desk advance CODE supplement --missing COMPONENT:REASON`)",
    "print.not_stopped": "dossier {code} was not stopped; stop it first (`desk advance CODE stop --reason …`)",
    "print.not_transferred": (
        "dossier {code} was not transferred; Mẫu 06 travels with a transferred dossier (`desk advance CODE transfer`)"
    ),
    "print.not_refused": "dossier {code} was not refused; refuse it first (`desk advance CODE refuse --reason …`)",
    "print.apology_needs_new_due": "the apology letter needs the new appointment date",
    "print.apology_needs_reason": "the apology letter needs the reason for the delay",
    "print.write_failed": "cannot write {path}: {reason}",
    # the canonical codec and the bundle reader (desk.rules.canonical, desk.sync.bundle_read)
    "canonical.value_unsupported": "a value of type {type} cannot be written into an event (no desk writes one)",
    # writing a bundle (desk.sync.bundle_write)
    # pushing to a hub, and the hub (desk.sync.push, desk.sync.hub)
    # the CLI's own options (desk.cli)
    "cli.date_format": "--{field} {value!r}: write the date as YYYY-MM-DD",
    "print.days_needed": "give the extension with --days N (working days)",
    "print.range_reversed": "--to {last} is before --date {first}",
    "report.out_suffix": "--out {path}: name a .pdf or a .csv file",
    "report.to_needs_date": "--to needs --date (the first day of the range)",
    # printing's own problems (printing.paper, printing.fonts, printing.receipt)
    "print.paper_unknown": "paper '{paper}': choose one of {choices}",
    "print.copies_too_few": "copies {copies}: print at least one copy (liên)",
    "print.font_missing": "font file {path} ({setting}) does not exist: fix printing.{setting} in desk.toml or leave it empty",
    "print.font_unusable": "font file {path} ({setting}) is not a usable TrueType font ({detail}); use a .ttf file (OpenType/CFF .otf files are not supported)",
    "print.font_lacks_vietnamese": "font file {path} ({setting}) lacks Vietnamese letters ({letters}…); choose a font with Vietnamese support",
    # a hub's register and hostile bundles (issue 12)
    # the records check and a hub's chains (desk.sync.records, desk.sync.ingest)
}
"""Code -> English template."""
ENGLISH.update(_SYNC)
ENGLISH.update(_HUB)
ENGLISH.update(_FILES)
ENGLISH.update(_KEYS)
ENGLISH.update(_SEAL)
ENGLISH.update(_SIGNING)

VALUES: dict[str, Mapping[str, str]] = {
    # a receipt's signed fields, by their query names
    "fields": {
        "mhs": "dossier code",
        "tthc": "procedure code",
        "dd": "ID number",
        "gt": "document type",
        "hen": "due date",
    },
    # a catalogue's codes, and a value shown as JSON (desk.catalog.values.shown)
    "code_kind": {"procedure": "letters and digits joined by dots", "local": "letters and digits joined by . _ or -"},
    "value": {"[…]": "a list", "{…}": "an object"},
}
"""Parameters whose values are keys, and the English words of those keys."""


def _described(value: Any) -> Any:
    """A parameter that is a problem (why a push gave up), or a list of them (an event's findings), in words."""
    if isinstance(value, Problem):
        return describe(value)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Problem) for v in value):
        return "; ".join(describe(v) for v in value)
    return value


def _words(params: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: _described(v) for k, v in params.items()}
    for name, words in VALUES.items():
        value = out.get(name)
        if isinstance(value, (list, tuple)):
            out[name] = tuple(words.get(v, v) for v in value)
        elif isinstance(value, str):
            out[name] = words.get(value, value)
    return out


PLACE_WORDS = {"stored": "stored procedure", "line": "line", "procedure": "procedure"}
"""How a catalogue problem's place is said (``desk.catalog.values.place_of``)."""


def describe(problem: Problem) -> str:
    """One English sentence for ``problem``.

    A prose problem (a code that is not dotted, from a raise site not converted
    yet) is its own words; a code with no line in ``ENGLISH`` is shown as code
    and parameters, so that nothing is lost.
    """
    template = ENGLISH.get(problem.code)
    if template is None:
        return str(problem) if is_code(problem.code) else problem.code
    words = fill(template, {"field": problem.field or "", **_words(problem.params)})
    if problem.code not in PLACED_CODES:
        return words
    # a catalogue's fault: where first (file, line, procedure, item), then the field
    where = place_of(problem.params, PLACE_WORDS)
    if problem.field is None:
        return f"{where}: {words}"
    return f'{where}, field "{problem.field}": {words}'


def error_json(problem: Problem) -> dict[str, Any]:
    """What ``--json`` prints on stdout for an error: ``{"error": {code, field, params, message}}``."""
    return {"error": {**problem.as_json(), "message": describe(problem)}}
