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

from desk.catalog.schema import PLACED_CODES, place_of
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
    "calendar_file.not_found": "{file}: no such file ({path})",
    "calendar_file.unreadable": "{file}: cannot be read ({detail})",
    "calendar_file.too_big": "{file}: larger than {max_kb} KB; not a calendar file",
    "calendar_file.not_utf8": "{file}: not UTF-8 text",
    "calendar_file.not_toml": "{file}: not valid TOML ({detail})",
    "calendar_file.format": '{file}: not a motcua-desk calendar (format = "{format}" expected, found "{value}")',
    "calendar_file.unknown_key": "{file}: unknown key {key}; the keys are {known}",
    "calendar_file.issued": "{file}: issued = {value} is not a date (YYYY-MM-DD)",
    "calendar_file.years": "{file}: years = {value} must list the years the file settles (e.g. [2027])",
    "calendar_file.no_days": "{file}: lists no [[days]]",
    "calendar_file.day_not_table": "{file}: day {position} is not a [[days]] table",
    "calendar_file.day_date": "{file}: day {position}: date = {value} is not a date (YYYY-MM-DD)",
    "calendar_file.day_outside_years": "{file}: day {day} is outside the years the file settles ({years})",
    "calendar_file.day_kind": "{file}: day {day}: kind = {value} is not one of {choices}",
    "calendar_file.day_status": "{file}: day {day}: status = {value} is not one of {choices}",
    "calendar_file.day_text": "{file}: day {day}: {key} is missing, empty or longer than 300 characters",
    "calendar_file.day_twice": "{file}: day {day} is listed twice",
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
    "intake.reused_format": "--reused {value!r}: write it as COMPONENT=SOURCE (e.g. giay_khai_sinh=VNeID)",
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
    "sync.redirect_refused": (
        "the hub answered {status} sending the push to {location}; a redirect to another address is not followed and the token was not sent there: set [sync] endpoint to the hub's real address"
    ),
    "sync.certificate_refused": (
        "the hub's HTTPS certificate is not trusted ({reason}); nothing was sent. Set [sync] ca_file to the CA that signed it, or check the endpoint"
    ),
    "sync.ca_file_unreadable": "[sync] ca_file {path} is not a readable PEM file of certificates",
    "sync.plain_http": (
        "{url} is plain HTTP to another machine: the token and the dossiers can be read on the way; use https://"
    ),
    "hub.tls_pair": "--tls-cert and --tls-key go together: give both, or neither for plain HTTP",
    "hub.tls_file_missing": "{path}: no such file (--tls-cert/--tls-key)",
    "hub.cannot_listen": "the hub could not start listening on {url}",
    "sync.gap_expected": (
        "desk {desk}: events {first}–{last} have not arrived yet (a bundle still on its way); import it when it comes"
    ),
    "desk.restored": (
        "this desk was restored from the backup of {taken_at} (events up to seq {last_seq}) and issues nothing until its later events are known: run `desk recover --hub` or `desk recover --bundle FILE`, or ask the supervisor for `desk recover --new-identity` (docs/recovery.md)"
    ),
    "recover.other_desk": "{source} holds the events of desk {desk}, not of this desk: give this desk's own bundle",
    "recover.fork": (
        "{source} holds another event at seq {seq} than this home: the chains already differ; ask the supervisor for `desk recover --new-identity`"
    ),
    "recover.no_hub": "no hub to ask: set [sync] endpoint and token in desk.toml, or pass --endpoint URL",
    "recover.hub_refused": "the hub refused to say what it holds of this desk ({status}: {message})",
    "recover.hub_unreachable": (
        "cannot ask the hub what it holds of this desk ({reason}); try again, or use `desk recover --bundle FILE`"
    ),
    "recover.not_a_head": (
        "cannot ask the hub what it holds of this desk (the answer is not a chain head); try again, or use `desk recover --bundle FILE`"
    ),
    "chain.recovered_gap": (
        "desk {desk}: events {first}–{last} are at the hub, not here (this home was restored from a backup and recovered)"
    ),
    "clock.behind_last_event": (
        "this PC's clock says {at}, before the desk's last event ({last}): the dossier was saved after it, but check the PC's date and time now"
    ),
    # reports (desk.reports.indicators)
    "indicator.unknown": "unknown indicator '{name}'; one of {names}",
    "period.unknown": "period '{value}': one of {periods}",
    "period.not_dates": "give the period as dates, not date-times",
    "period.reversed": "the period ends ({end}) before it starts ({start})",
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
    "file.not_stored": "'{value}' is not the name of a file in the store",
    "file.unsupported": "{name}: {seems}; only PDF, JPEG and PNG files can be attached (save the scan as PDF or JPEG and try again)",
    "file.not_found": "{path}: no such file",
    "file.unreadable": "{name} cannot be read ({detail}); check its permissions",
    "file.is_folder": "{path} is a folder, not a file; choose one scanned file",
    "file.not_regular": "{path} is not a regular file (a device or a pipe?)",
    "file.empty": "{name} is empty (0 bytes); scan it again",
    "file.too_large": "{name} is {size_mb} MB, more than the {max_mb} MB allowed (files.max_file_mb in desk.toml); scan it at a lower resolution or in black and white",
    "file.grew": "{name} grew past {max_mb} MB while being read; try again",
    "file.save_failed": "the scan could not be saved in {folder} ({detail}); if the disk is full, free some space and try again",
    "file.not_pdf": "{name} is not a PDF file",
    "file.cut_short": "{name} is cut short (the PDF has no end); wait until the scanner has finished and try again",
    "file.no_pages": "{name}: no page could be found in this PDF; it may be damaged or protected by a password. Scan it again, or save it again without a password",
    "file.too_many_pages": "{name} claims {pages} pages; it is probably damaged",
    "file.image_too_large": "{name} is {width}×{height} pixels, too large to attach; scan it at a lower resolution",
    "file.image_damaged": "{name} cannot be read as a {kind} image ({detail}); it may be damaged or cut short. Scan or copy it again",
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
    "bundle.line_not_canonical": "{bundle}: line {line} of events.jsonl is not in canonical form ({reason}); the bundle was altered or not written by a desk",
    "canonical.value_unsupported": "a value of type {type} cannot be written into an event (no desk writes one)",
    "bundle.member_corrupt": "{bundle}: member {member} is corrupt or truncated; refused",
    "bundle.member_size": "{bundle}: member {member} is not the size it declares; refused",
    "bundle.reader_stopped": "{bundle}: the events could not be read to the end (the reading process stopped); nothing was imported, try again",
    "bundle.events_beyond_count": "{bundle}: events.jsonl holds more than the {declared:# event|# events} the manifest says; refused",
    "bundle.members_declared": "{bundle}: the zip declares {count} members, more than the {limit} a bundle may hold; refused",
    "bundle.not_a_desk_zip": "{bundle}: not a zip as a desk writes it (an archive comment, a ZIP64 record or a damaged end record); refused",
    "bundle.events_count": "{bundle}: events.jsonl holds {count:# event|# events}, the manifest says {declared} for seq {first}–{last}; refused",
    "bundle.events_not_contiguous": "{bundle}: events.jsonl is not the contiguous seq run {first}–{last}; refused",
    "bundle.last_hash": "{bundle}: the last event's hash differs from the manifest's last_hash; refused",
    "bundle.first_prev_hash": "{bundle}: the first event's prev_hash differs from the manifest's; refused",
    "bundle.member_checksum": "{bundle}: {member} does not match its checksum in the manifest (altered?); refused",
    "bundle.too_many_members": "{bundle}: {count:# member|# members}, more than the {limit} a bundle may hold; refused",
    "bundle.member_absolute": "{bundle}: member {member!r} is an absolute or Windows path; refused",
    "bundle.member_dotted": "{bundle}: member {member!r} is a path with '..' or empty parts; refused",
    "bundle.member_foreign": "{bundle}: member {member!r} is not a member of a bundle; refused",
    "bundle.member_twice": "{bundle}: member {member!r} appears twice; refused",
    "bundle.member_encrypted": "{bundle}: member {member!r} is encrypted; refused",
    "bundle.member_link": "{bundle}: member {member!r} is a link or a folder; refused",
    "bundle.member_compression": "{bundle}: member {member!r} uses an unsupported compression; refused",
    "bundle.member_ratio": "{bundle}: member {member!r} expands {ratio}-fold (a zip bomb?); refused",
    "bundle.member_too_large": "{bundle}: member {member!r} is {size:# byte|# bytes}, over the limit; refused",
    "bundle.too_large_uncompressed": "{bundle}: {size:# byte|# bytes} uncompressed, over the {limit:# byte|# bytes} limit; refused",
    "bundle.member_missing": "{bundle}: {member} is missing; not a complete bundle",
    "bundle.manifest_not_json": "{bundle}: manifest.json is not valid JSON ({detail}); refused",
    "bundle.manifest_not_object": "{bundle}: manifest.json is not an object; refused",
    "bundle.format": "{bundle}: bundle format {format!r} is not {expected!r}, the one this desk reads; update motcua-desk, or re-export with the same version",
    "bundle.manifest_keys": "{bundle}: manifest.json: {keys:# is missing or malformed|# are missing or malformed}; refused",
    "bundle.not_found": "no bundle at {path}",
    "bundle.not_a_file": "{path} is not a file",
    "bundle.too_large": "{bundle}: {size:# byte|# bytes}, larger than any bundle may be; refused",
    "bundle.not_a_zip": "{bundle}: not a readable bundle (truncated, or not a zip): {detail}",
    "bundle.members_differ": "{bundle}: members differ from the manifest (not listed: {extra:none|#|#}; missing: {missing:none|#|#}); refused",
    "bundle.member_size_differs": "{bundle}: {member} is {size:# byte|# bytes}, the manifest says {declared}; refused",
    "bundle.dossiers_not_list": "{bundle}: {member} is not a JSON list of dossier records; refused",
    "bundle.file_outside": "{bundle}: {member} would land outside the files folder; refused",
    # writing a bundle (desk.sync.bundle_write)
    "export.chain_broken": "the event chain of this desk is broken at seq {seq}; run `desk verify` before exporting",
    "export.gap": "events {first}–{last} of this desk should be {total} but {found:# was|# were} found (a gap in the log); run `desk verify`",
    "export.scan_missing": "the scan of component {component} of {code} is missing ({path}); restore it, or export without --with-files",
    "export.scan_changed": "the scan {path} of {code} changed since it was stored (sha256 differs)",
    "export.no_folder": "the folder {path} does not exist (is the USB stick plugged in?)",
    "export.not_folder": "{path} is not a folder; give the folder to write the bundle into",
    "export.write_failed": "cannot write the bundle to {path}: {reason}. Nothing was marked as exported; free some space or check the USB stick, then export again.",
    "sync.stopped": "stopped ({kind})",
    "sync.cancelled": "stopped by the person at the desk",
    # pushing to a hub, and the hub (desk.sync.push, desk.sync.hub)
    "sync.endpoint_not_url": "sync endpoint {endpoint!r} is not an http:// or https:// URL",
    "sync.no_endpoint": "no sync endpoint: pass --endpoint URL or set [sync] endpoint in desk.toml",
    "sync.no_token": "no sync token: set [sync] token in desk.toml (the hub's `desk hub token add` makes one)",
    "sync.batch_size": "batch size {value}: must be 1–{maximum}",
    "sync.hub_answered": "the hub answered {status}: {message}",
    "sync.hub_unreachable": "cannot reach the hub ({detail})",
    "sync.answer_not_json": "the hub's answer is not JSON (a proxy in the way?)",
    "sync.answer_no_acknowledged": "the hub's answer lacks the list of acknowledged events",
    "sync.token_refused": "the hub refused the token ({status}: {message}); check [sync] token in desk.toml",
    "sync.events_refused": "the hub refused the events ({status}: {message})",
    "sync.batch_refused": "the hub refused the batch ({status}: {message})",
    "sync.gave_up": "the hub at {url} could not take the events after {attempts:# attempt|# attempts} ({reason}); {pushed:# event was|# events were} pushed, the rest stay pending — try again later or export a bundle",
    "sync.still_failing": "the hub at {url} is still failing after {waited} s of retries ({reason}); {pushed:# event was|# events were} pushed, the rest stay pending",
    "sync.no_progress": "the hub at {url} acknowledged none of events {first}–{last} {times:once|# times}; they stay pending. Ask the hub's administrator.",
    "hub.no_tokens": "this hub has no tokens yet: run `desk hub token add` and give the token to each desk",
    "hub.listen_failed": "cannot listen on {host}:{port} ({detail})",
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
    "sync.dossier_identity": "{where}: dossier {code} (id {dossier_id}, desk {desk_id}) disagrees with dossier {other_code} (id {other_id}, desk {other_desk_id}) already known here{more:| and # more| and # more}: two desks may share one desk number, or the events name another desk's dossier; nothing was imported",
    "sync.own_desk_id": "{where}: the events carry this home's own desk id ({desk_id}); a home never imports its own events (do two homes share one desk identity?); nothing was imported",
    "event.no_dossier": "desk {desk}: event {seq} is about dossier {code}, which this home does not hold",
    "event.other_dossier": "desk {desk}: event {seq} is about dossier {code} with id {snapshot_id}, but {code} here is the dossier with id {dossier_id}",
    "dossier.no_desk_events": "dossier {code} belongs to desk {desk}, which has no event about it here",
    "event.type_unknown": "{where}: event {seq} is of type {type}, which no desk writes; refused",
    "event.too_large": "{where}: event {seq} ({type}) carries {size:# byte|# bytes}, more than the {limit:# byte|# bytes} any event may carry; refused",
    "event.fields": "{where}: event {seq} ({type}) lacks or adds the fields {fields}, unlike every event of its type; refused",
    "event.value": "{where}: event {seq} ({type}) holds in {name} a value no desk writes (its type or size); refused",
    "event.status_jump": "{where}: event {seq} ({type}) moves dossier {code} from status {from_status:none|#|#} to {to_status}, which the status machine does not allow; refused",
    "bundle.too_deep": "{bundle}: {member} nests arrays or objects deeper than any bundle; refused",
    "file.active_content": "{name} is a PDF that acts when opened ({what}); a scan never does. Scan the paper again, or print it to a new PDF",
    "file.encrypted": "{name} is protected by a password; save it again without one",
    "file.unreadable_pdf": "{name} cannot be read as a PDF; it may be damaged. Scan it again",
    "bundle.file_name": "{bundle}: member {member} is not named as a desk stores a scan (files/aa/<SHA-256>.pdf); refused",
    "bundle.file_too_large": "{bundle}: member {member} is larger than the {limit:# byte|# bytes} a scan may be; refused",
    "bundle.files_too_large": "{bundle}: its scans hold {size:# byte|# bytes}, more than the {limit:# byte|# bytes} one bundle may carry; refused",
    "bundle.file_hash": "{bundle}: member {member} does not hold the file its name says (its SHA-256 differs); refused",
    "bundle.file_unreferenced": "{bundle}: member {member} is not the scan of any event of the bundle; refused",
    "bundle.file_refused": "{bundle}: member {member} is not a scan a desk would accept ({reason}); refused",
    "event.status_continues": "{where}: dossier {code} is {from_status:not received|#|#} at this home, but the bundle's first event about it starts from {expected}, a move the status machine does not allow; refused",
    # the records check and a hub's chains (desk.sync.records, desk.sync.ingest)
    "records.refused": "{where}: {findings}{more:| (and # more)| (and # more)}. Nothing was imported.",
    "records.conflict": "{where} (desk {desk_no}, {desk_id}): {findings}{more:| (and # more)| (and # more)}. Nothing was imported.",
    "records.codes_collide": "dossier codes collide (two desks of the agency may share one desk number): {findings}{more:| (and # more)| (and # more)}. Nothing was imported.",
    "records.event": "event #{event}{seq:| (seq #)| (seq #)}: {finding}",
    "records.block_refused": "events #{first}–{last}: refused by the records check",
    "records.not_an_event": "not an event object",
    "records.fields": "fields differ from an event's",
    "records.seq": "seq is not a positive integer",
    "records.other_desk": "an event of another desk in a run of desk {desk_id}",
    "records.not_text": "a field that should be text is not",
    "records.event_id": "event_id is not an id",
    "records.type": "type is not an event type",
    "records.too_long": "dossier code or clerk too long",
    "records.hash_shape": "hash or prev_hash is not a SHA-256 hex digest",
    "records.at": "at is not an ISO 8601 date-time",
    "records.payload": "payload is not an object",
    "records.snapshot_malformed": "the dossier snapshot is malformed",
    "records.snapshot_fields": "the dossier snapshot lacks fields",
    "records.snapshot_types": "a field of the dossier snapshot has the wrong type, or is too long or too large",
    "records.snapshot_value": "{name} of the dossier snapshot is not a known value",
    "records.snapshot_dates": "a date of the dossier snapshot is not ISO 8601",
    "records.snapshot_other_dossier": "the snapshot is of another dossier than the event's",
    "records.line_malformed": "a component line of the snapshot is malformed",
    "records.line_types": "a component line of the snapshot has a field of the wrong type",
    "records.line_state": "a component line of the snapshot has an unknown form or digitisation state",
    "records.line_path": "a component file path is not a safe relative path",
    "records.number": "holds a value no desk writes (a number with a fraction, or beyond 64 bits)",
    "records.hostile_text": "holds control or invisible characters a desk never stores",
    "records.altered": "altered (its hash does not match its content)",
    "records.out_of_order": "out of order after seq {previous}",
    "records.chain_broken": "does not follow seq {previous} (chain broken)",
    "records.not_genesis": "the first event of a desk must start the chain",
    "records.code_taken": "dossier code {code} already belongs to another dossier at this home",
    "records.differs": "seq {seq} differs from the event this home already has for that desk",
    "records.id_taken": "seq {seq}: event id {event_id} is already stored as another event",
    "records.follows_not": "seq {seq} does not follow seq {previous} already at this home (chain broken)",
    "records.followed_not": "seq {seq} already at this home does not follow seq {previous} (chain broken)",
    "sync.missing_event": "desk {desk}{agency_code:| of #| of #}: event {seq} has not arrived (a bundle or batch is missing)",
    "sync.missing_events": "desk {desk}{agency_code:| of #| of #}: events {first}–{last} have not arrived (a bundle or batch is missing)",
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
    # a catalogue's codes, and a value shown as JSON (desk.catalog.schema.shown)
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
"""How a catalogue problem's place is said (``desk.catalog.schema.place_of``)."""


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
