"""The core's problems in the English TUI: one line per code, the keys and placeholders of ``problems_vi.py``.

Counts pick their form (``{length:# digit|# digits}``): no "1 pages".
"""

from __future__ import annotations

from screens.i18n.problems_en_files import PROBLEMS as _FILES
from screens.i18n.problems_en_hub import PROBLEMS as _HUB
from screens.i18n.problems_en_keys import PROBLEMS as _KEYS
from screens.i18n.problems_en_seal import PROBLEMS as _SEAL
from screens.i18n.problems_en_signing import PROBLEMS as _SIGNING
from screens.i18n.problems_en_sync import PROBLEMS as _SYNC

PROBLEMS: dict[str, str] = {
    # text and time
    "text.required": "{field} is required.",
    "text.too_long": "{field} is too long: {length} characters, at most {limit:# character|# characters}.",
    "clock.bad_desk_now": "DESK_NOW=“{value}” is not an ISO 8601 date-time.",
    "datetime.not_iso": "{field}: “{value}” is not an ISO 8601 date-time (YYYY-MM-DDTHH:MM).",
    # working time
    "calendar.not_datetime": "{field}: {value} is not a date-time.",
    "calendar.has_offset": "{field}: {value} carries a UTC offset; the desk works in local time without one.",
    "calendar.day_off_and_working": "{days}: listed both as an extra day off and an extra working day.",
    "calendar.no_working_day": "No working day in the years after {after:%d/%m/%Y}: check the calendar settings.",
    "calendar.minutes_not_whole": "Working minutes must be a whole number, not {value}.",
    "calendar.minutes_negative": "Working minutes cannot be negative ({minutes}).",
    "calendar.not_processing_time": "Not a processing time: {value}.",
    "calendar.processing_not_whole": "A processing time must be a whole number ≥ 0, not {value}.",
    "calendar.unknown_unit": "Unknown processing time unit: {unit}.",
    "calendar.resumed_before_pause": (
        "Resumed {resumed:%H:%M %d/%m/%Y}, before the pause began {paused:%H:%M %d/%m/%Y}."
    ),
    # the official calendar
    "calendar.crosses_expected": "The due date {due:%d/%m/%Y %H:%M} counts {days} as {days:a day off|days off} before the official notice; check the calendar and import the notice when it comes.",
    "calendar.crosses_pending": "The due date {due:%d/%m/%Y %H:%M} crosses {days:a pending day|pending days} ({days}), counted as {counted_off:a working day|a day off|a day off} until a law or notice decides (setting calendar.pending_days_off).",
    "calendar.year_range": "The year {year} is outside the calendar ({first}–{last}).",
    "hours.not_pairs": "Office hours: the morning and the afternoon each need a start and an end time.",
    "hours.not_local_time": "Office hours: {setting} needs local times, not {value}.",
    "hours.morning_order": "Office hours: the morning starts {start:%H:%M} but ends {end:%H:%M}.",
    "hours.afternoon_order": "Office hours: the afternoon starts {start:%H:%M} but ends {end:%H:%M}.",
    "hours.overlap": (
        "Office hours: the morning ends {morning_end:%H:%M}, after the afternoon starts {afternoon_start:%H:%M}."
    ),
    "hours.working_week": "Office hours: the working week {week} must list weekdays 1 (Monday) to 7 (Sunday).",
    "hours.day_hours": "Office hours: a working day of {value} hours is not possible.",
    # codes
    "desk_no.range": "Desk number {desk_no} is not valid: it must be 0 to 9.",
    "codes.exhausted": (
        "Desk {desk_no} has issued all {capacity} dossier codes of {day:%d/%m/%Y} ({first} … {last}); "
        "receive further dossiers at another desk."
    ),
    # identity numbers
    "sex.invalid": "Sex is Nam (male) or Nữ (female), not “{value}”.",
    "id_number.not_digits": "An ID number has only digits (spaces, dots and dashes are ignored): “{value}”.",
    "id_number.length": "An ID number has 12 digits (old ID: 9), but {number} has {length:# digit|# digits}.",
    "id_number.place_unknown": (
        "{number} starts with {place}, which is not a province code: it may be a country code (born abroad); "
        "check the first three digits on the ID card."
    ),
    "id_number.century_digit": (
        "ID number {number} is not valid: its 4th digit {digit} means born in {year} (from {century}); "
        "no one born from 2100 can hold an ID number yet."
    ),
    "id_number.born_later": (
        "ID number {number} is not valid: its 5th–6th digits {year_digits} mean born in {year}, "
        "after this year ({this_year}); check the number on the ID card."
    ),
    "id_number.century": (
        "ID number {number} does not match the applicant: its 4th digit {digit} means born "
        "{century}–{century_last}, but the birth year is {year}."
    ),
    "id_number.year": (
        "ID number {number} does not match the applicant: its 5th–6th digits {year_digits} mean born in "
        "{encoded_year}, but the birth year is {year}."
    ),
    "id_number.sex": (
        "ID number {number} does not match the applicant: its 4th digit {digit} means {encoded_sex}, "
        "but the sex given is {sex}."
    ),
    "id_number.century_and_sex": (
        "ID number {number} does not match the applicant: its 4th digit {digit} means born "
        "{century}–{century_last} and {encoded_sex}, but the birth year is {year} and the sex given is {sex}."
    ),
    "id_number.year_and_sex": (
        "ID number {number} does not match the applicant: its 5th–6th digits {year_digits} mean born in "
        "{encoded_year}, but the birth year is {year}; its 4th digit {digit} means {encoded_sex}, "
        "but the sex given is {sex}."
    ),
    "id_number.old_id": (
        "Old 9-digit ID card (CMND): it lapsed on {lapsed} (Luật Căn cước 2023); accepted, "
        "but ask for the 12-digit personal ID number."
    ),
    "birth_date.not_encodable": "A birth year of {year} cannot be written in a personal ID number.",
    "tax_code.shape": "A tax code has 10 digits, or 10 digits, a dash and 3 digits for a branch; got “{value}”.",
    "tax_code.check_digit": (
        "Tax code {number} is not valid: its check digit (the 10th) does not match; check for a typo."
    ),
    "tax_code.branch_zero": "A branch number runs from 001 to 999, not 000 (“{value}”).",
    "tax_code.sequence_zero": "The tax code {number} is not valid: its 3rd to 9th digits cannot all be 0.",
    "passport.shape": "A passport number has only the letters A–Z and digits; got “{value}”.",
    "birth_date.organisation": "The applicant is {applicant_kind}: no birth date; leave this box empty.",
    "sex.organisation": "The applicant is {applicant_kind}: no sex; leave this box empty.",
    "phone.foreign": "Only Vietnamese phone numbers (+84) are accepted, not “{value}”.",
    "phone.not_digits": "A phone number has only digits: “{value}”.",
    "phone.mobile_length": (
        "A mobile number has 10 digits starting with 0, but “{value}” has {length:# digit|# digits}."
    ),
    "phone.landline_length": (
        "A landline number has 10 or 11 digits with the area code, but “{value}” has {length:# digit|# digits}."
    ),
    "phone.not_vietnamese": (
        "“{value}” is not a Vietnamese phone number: mobiles start with 03, 05, 07, 08 or 09, "
        "landlines with 02 and the area code."
    ),
    "chip_qr.old_id": "The old ID number in the ID card's QR code should have 9 digits: “{value}”.",
    "chip_qr.birth_date": "The date of birth in the ID card's QR code is not a date (DDMMYYYY): “{value}”.",
    "chip_qr.issue_date": "The date of issue in the ID card's QR code is not a date (DDMMYYYY): “{value}”.",
    # intake
    "scan.not_chip_qr": "What was scanned is not the QR code of a chip ID card.",
    "birth_date.format": "Birth date “{value}”: write it as day/month/year (e.g. 01/01/1999).",
    "birth_date.implausible": "Birth date {date:%d/%m/%Y} is not plausible (before 1900 or after today).",
    "email.invalid": "“{value}” is not an e-mail address (e.g. name@example.vn).",
    "component.not_in_procedure": (
        "“{component}” is not a component of procedure {procedure}; its components are {components:none|#|#}."
    ),
    "intake.incomplete": (
        "The dossier lacks required {missing:component|components}: {missing:none|#|#}. No receipt for an "
        "incomplete dossier: print the guidance (Mẫu 02) for the citizen instead."
    ),
    "guidance.nothing_missing": "Say what is missing: at least one component or content.",
    "intake.same_open_today": (
        "{id_number} already has an open dossier of this procedure received that day here: {codes}. Not taken in twice?"
    ),
    "intake.day_off": "{day:%d/%m/%Y} is a day off in the desk's calendar: check the intake's date.",
    "intake.holiday": "{day:%d/%m/%Y} is a day off in the desk's calendar ({holiday}): check the intake's date.",
    "intake.reused_format": "“{value}”: write it as COMPONENT=SOURCE (e.g. giay_khai_sinh=VNeID).",
    "intake.scan_not_citizen": "A chip ID card is a citizen's; it cannot be used for {applicant_kind}.",
    "guidance.too_many": "{count} items to complete: at most {limit} on one guidance.",
    "quantity.range": "Copies of {component}: {value} is not between 1 and 999.",
    "received_at.future": (
        "Received at {at:%H:%M %d/%m/%Y} is in the future (it is {now:%H:%M %d/%m/%Y}); check this PC's clock."
    ),
    # honest times: a catch-up (desk.rules.received_time)
    "received_at.before_today": "The receipt time {at:%d/%m/%Y %H:%M} is before today's working day began ({day_start:%d/%m/%Y %H:%M}): a receipt is dated when it is taken in. A dossier received earlier (the PC was down) is entered as a catch-up, with a reason.",
    "catch_up.needs_reason": "A catch-up needs a reason: why the dossier is entered late.",
    "catch_up.not_earlier": "Catch-up: the receipt time {at:%d/%m/%Y %H:%M} is not earlier than now ({now:%d/%m/%Y %H:%M}); enter it as usual.",
    "catch_up.needs_received_at": "A catch-up needs the time the dossier was really received.",
    "catch_up.reason_alone": "A reason goes with a catch-up.",
    "dossier.caught_up": "Dossier {code} was entered at {entered_at} for a receipt at {claimed_at} (catch-up: {reason}).",
    "sets.range": "{sets:# set|# sets} is not between 1 and 99.",
    "fee.pages_range": "Pages: {value} is not between 1 and {maximum}; a per-page fee needs the pages of each copy.",
    "fee.copies_range": "Copies: {value} is not between 1 and {maximum}.",
    "fee.pages_not_counted": "This procedure's fee is counted per copy, not per page: leave out the pages ({value}).",
    "fee.no_tariff": "Procedure {procedure} has no per-page or per-copy fee: leave out the pages and copies.",
    "operator.supervisor_only": "Only a supervisor may {action}{name:|; # is signed in as a clerk|; # is signed in as a clerk}. Sign out and let a supervisor sign in.",
    "operator.first_supervisor": "The first operator account must be a supervisor ({name}).",
    "operator.exists": "An account named {existing} exists already (names are compared without case and accents); give {name} a distinct name.",
    "operator.last_supervisor": "{name} is the last supervisor: add another supervisor before removing this account.",
    "operator.secret_needed": "No terminal to ask the password or PIN: set {variable} (or, to sign in, a supervisor's token in {token}).",
    "operator.secret_length": "A password or PIN needs {minimum} to {maximum} characters.",
    "operator.secret_mismatch": "The two passwords typed differ; nothing was changed.",
    "operator.login_failed": "Wrong name or password ({left:no try left|# try left|# tries left} before the account locks).",
    "operator.locked": "The account of {name} is locked after repeated wrong passwords until {until}; a supervisor can unlock it by setting a new password.",
    "operator.token_days": "A token lasts 1 to 365 days, not {days}.",
    "operator.token_invalid": "The token in DESK_OPERATOR_TOKEN was not issued to {name}.",
    "operator.token_expired": "The token of {name} expired on {at}; a supervisor issues a new one.",
    "operator.unknown": "No operator account named {name}.",
    "operator.required": "This desk has operator accounts: sign in first.",
    "operator.no_accounts": "This desk has no operator accounts ({name}).",
    # dossiers and their lifecycle
    "dossier.not_found": "Dossier {code} is not at this desk.",
    "action.unknown": (
        "There is no action “{action}”; the actions are {actions}. From “{status}”: "
        "{allowed:none (the dossier is closed)|#|#}."
    ),
    "action.not_allowed": (
        "“{action}” is not possible for a dossier in status “{status}”; allowed: "
        "{allowed:none (the dossier is closed)|#|#}."
    ),
    "action.result_needs_transfer": (
        "A dossier in status “{status}” cannot have its result yet: only same-day procedures get their result "
        "at the desk, transfer it first. Allowed: {allowed:none (the dossier is closed)|#|#}."
    ),
    "action.wrong_option": "“{action}” does not take {options}; it takes {takes:only a note|#|#}.",
    "lifecycle.unknown_action": "There is no action “{action}”.",
    "supplement.nothing_missing": "Say what is missing: at least one paper (and why) or a note.",
    "supplement.bad_item": "Missing item {item} is not (paper, reason).",
    "clock.before_pause": (
        "This PC's clock reads {now:%H:%M %d/%m/%Y}, before the supplement request of {paused:%H:%M %d/%m/%Y}; "
        "check its date and time."
    ),
    "satisfaction.unknown": "Satisfaction “{value}”: answer one of {answers} (accents optional).",
    "refuse.needs_reason": "A refusal needs a reason (it is printed on the notice).",
    "stop.needs_reason": "Stopping needs a reason (it is printed on the notice).",
    "extend.status": "Dossier {code} is {status}: only a dossier still being processed can get a new appointment.",
    "extend.not_later": "The new appointment {new_due:%H:%M %d/%m/%Y} is not after the present one {due:%H:%M %d/%m/%Y}.",
    "apology.days": "An extension of {value} working days is not possible: give a whole number from 1 to 365.",
    "print.kind": "There is no document “{value}”; one of: {kinds}.",
    "print.paper": "There is no paper “{value}”; one of: {papers}.",
    "print.copies": "{value} copies is not possible: give a whole number from 0 to 99.",
    # the digitisation checklist
    "component.unknown": "Dossier {code} has no component “{component}”; its components are {components:none|#|#}.",
    "reuse.own_dossier": "{code} is this dossier; reuse needs another dossier's result.",
    "reuse.unknown_dossier": "There is no dossier {code} on this desk; check the code (reuse links an existing dossier).",
    "component.same_scan": "The scan {name} is already attached to “{other}” of this dossier; attach it to “{component}” as well?",
    "reuse.unknown_source": (
        "Reuse source “{value}”: one of {sources}, or the code of another dossier (AGENCY-YYMMDD-NNNN)."
    ),
    "checklist.closed": "Dossier {code} is “{status}”: its checklist can no longer change.",
    "inbox.empty": "No scan in {folder}; scan the paper into that folder first.",
    "component.must_digitise": "Component {component} must be digitised; give a note saying why it is not needed.",
    "component.already_pending": "Component {component} is already not digitised; nothing to undo.",
    # the receipt's QR code
    "receipt.genuine": "GENUINE receipt: dossier {code}.",
    "receipt.altered": (
        "Receipt {code} was issued here but is OUT OF DATE: it no longer matches the dossier ({fields})."
    ),
    "receipt.no_lookup_url": (
        "The receipt's QR starts with the bare “{prefix}”: citizens cannot look the dossier up with their phone; "
        "set printing.lookup_url in desk.toml to the portal's lookup page."
    ),
    "receipt.forged": "Receipt {code} is NOT VALID: wrong signature, altered or forged.",
    "receipt.unknown": (
        "The signature is valid but dossier {code} is not at this desk (another desk's bundle not imported?)."
    ),
    "receipt.not_receipt": "Not a receipt QR code.",
    # checking the home
    "sqlite.integrity": "The database is damaged: {detail}",
    "sqlite.foreign_keys": "The database has component lines of dossiers that do not exist.",
    "dossier.no_events": "Dossier {code} has no events.",
    "hub.lines_without_dossier": "{lines:# component line refers|# component lines refer} to dossier {dossier_id}, which is not stored.",
    "clock.went_backwards": "This PC's clock went backwards at least once ({detail}); check its date and time.",
    # files, backups, the home
    "backup.no_folder": "Folder {folder} does not exist (is the USB stick plugged in?).",
    "backup.write_failed": "Cannot write the backup to {path}: {detail}; nothing was written.",
    "home.has_desk": "{path} already holds a desk.",
    "agency_key.unreadable": "The agency key file {path} cannot be read as an exported key ({error}).",
    "catalog.no_file": "Give a catalogue file, or use the bundled sample catalogue (--sample).",
    "missing.format": "--missing “{value}”: write COMPONENT:REASON.",
    "desk.restored": (
        "This desk was restored from the backup of {taken_at} (events up to seq {last_seq}) and issues nothing until its later events are known: run `desk recover --hub` or `desk recover --bundle FILE`, or ask the supervisor for `desk recover --new-identity` (docs/recovery.md)."
    ),
    "clock.behind_last_event": (
        "This PC's clock says {at}, before the desk's last event ({last}): the dossier was saved after it, but check the PC's date and time now."
    ),
    # reports
    "indicators.sums_differ": "The QĐ 766 running sums of {day} (desk {desk_no}, clerk {clerk}, procedure {procedure}) differ from a recount ({side} side).",
    "report.filter_desk": "--desk “{value}”: a desk number (1–9, 0 for a single desk), or AGENCY/NUMBER at a hub.",
    "indicator.unknown": "There is no indicator “{name}”; one of: {names}.",
    "period.unknown": "There is no period “{value}”; one of: {periods}.",
    "period.not_dates": "A period is given as dates, without times.",
    "period.reversed": "The period ends ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y}).",
    # the settings, the home, scans and catalogues
    "config.not_toml": "{path}: not valid TOML ({detail})",
    "config.unreadable": "{path} cannot be read ({detail})",
    "config.unknown_section": "desk.toml: unknown section {section}{did_you_mean:| — did you mean #?| — did you mean #?}",
    "config.unknown_setting": "desk.toml: unknown setting {section}.{key}{did_you_mean:| — did you mean #?| — did you mean #?}",
    "config.not_a_section": "desk.toml: {section} must be a section, not a value",
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
    # printing a dossier's documents
    "print.kind_unknown": "document '{kind}': one of {choices}",
    "print.no_supplement_request": "dossier {code} has no supplement request to print; request one first (`desk advance CODE supplement --missing COMPONENT:REASON`)",
    "print.not_stopped": "dossier {code} was not stopped; stop it first (`desk advance CODE stop --reason …`)",
    "print.not_transferred": "dossier {code} was not transferred; Mẫu 06 travels with a transferred dossier",
    "print.not_refused": "dossier {code} was not refused; refuse it first (`desk advance CODE refuse --reason …`)",
    "print.apology_needs_new_due": "the apology letter needs the new appointment date",
    "print.apology_needs_reason": "the apology letter needs the reason for the delay",
    "print.write_failed": "cannot write {path}: {reason}",
    # the canonical codec and the bundle reader
    "canonical.value_unsupported": "a value of type {type} cannot be written into an event (no desk writes one)",
    # printing's own problems
    "print.paper_unknown": "paper '{paper}': choose one of {choices}",
    "print.copies_too_few": "copies {copies}: print at least one copy (liên)",
    "print.font_missing": "font file {path} ({setting}) does not exist: fix printing.{setting} in desk.toml or leave it empty",
    "print.font_unusable": "font file {path} ({setting}) is not a usable TrueType font ({detail}); use a .ttf file (OpenType/CFF .otf files are not supported)",
    "print.font_lacks_vietnamese": "font file {path} ({setting}) lacks Vietnamese letters ({letters}…); choose a font with Vietnamese support",
    # a hub's register and hostile bundles (issue 12)
    # bundles, export, push and the hub (desk.sync), the CLI's own options
    "cli.date_format": "--{field} “{value}”: write the date as YYYY-MM-DD.",
    "print.days_needed": "Give the extension with --days N (working days).",
    "print.range_reversed": "--to {last} is before --date {first}.",
    "report.out_suffix": "--out {path}: name a .pdf or a .csv file.",
    "report.to_needs_date": "--to needs --date (the first day of the range).",
    # the records check and a hub's chains
}
"""Code -> English template of the TUI."""

PROBLEMS.update(_SYNC)
PROBLEMS.update(_HUB)
PROBLEMS.update(_FILES)
PROBLEMS.update(_KEYS)
PROBLEMS.update(_SEAL)
PROBLEMS.update(_SIGNING)
