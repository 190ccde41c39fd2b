"""The core's problems in the English TUI: one line per code, the keys and placeholders of ``problems_vi.py``.

Counts pick their form (``{length:# digit|# digits}``): no "1 pages".
"""

from __future__ import annotations

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
    "calendar_file.not_found": "{file}: no such file ({path})",
    "calendar_file.unreadable": "{file}: cannot be read ({detail})",
    "calendar_file.too_big": "{file}: larger than {max_kb} KB; not a calendar file",
    "calendar_file.not_utf8": "{file}: not UTF-8 text",
    "calendar_file.not_toml": "{file}: not valid TOML ({detail})",
    "calendar_file.format": '{file}: not a motcua-desk calendar (format = "{format}" expected, found "{value}")',
    "calendar_file.unknown_key": "{file}: unknown key {key}; the keys are {known}",
    "calendar_file.issued": "{file}: issued = {value} is not a date (YYYY-MM-DD)",
    "calendar_file.years": "{file}: years = {value} must list the years the file settles (e.g. 2027)",
    "calendar_file.no_days": "{file}: lists no days",
    "calendar_file.day_not_table": "{file}: day {position} is not a days table",
    "calendar_file.day_date": "{file}: day {position}: date = {value} is not a date (YYYY-MM-DD)",
    "calendar_file.day_outside_years": "{file}: day {day} is outside the years the file settles ({years})",
    "calendar_file.day_kind": "{file}: day {day}: kind = {value} is not one of {choices}",
    "calendar_file.day_status": "{file}: day {day}: status = {value} is not one of {choices}",
    "calendar_file.day_text": "{file}: day {day}: {key} is missing, empty or longer than 300 characters",
    "calendar_file.day_twice": "{file}: day {day} is listed twice",
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
    "intake.reused_format": "“{value}”: write it as COMPONENT=SOURCE (e.g. giay_khai_sinh=VNeID).",
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
    "chain.missing": "Desk {desk}: events {first}–{last} are missing.",
    "chain.out_of_order": "Desk {desk}: event {seq} is out of order (expected {expected}).",
    "chain.broken": "Desk {desk}: event {seq} does not follow event {previous} (chain broken).",
    "chain.altered": "Desk {desk}: event {seq} was altered (hash mismatch).",
    "sqlite.integrity": "The database is damaged: {detail}",
    "sqlite.foreign_keys": "The database has component lines of dossiers that do not exist.",
    "dossier.no_events": "Dossier {code} has no events.",
    "clock.went_backwards": "This PC's clock went backwards at least once ({detail}); check its date and time.",
    # files, backups, the home
    "file.exists": "{path} exists; it is not overwritten.",
    "file.write_failed": "Cannot write {path}: {detail}",
    "backup.no_folder": "Folder {folder} does not exist (is the USB stick plugged in?).",
    "backup.write_failed": "Cannot write the backup to {path}: {detail}; nothing was written.",
    "home.has_desk": "{path} already holds a desk.",
    "agency_key.unreadable": "The agency key file {path} cannot be read as an exported key ({error}).",
    "catalog.no_file": "Give a catalogue file, or use the bundled sample catalogue (--sample).",
    "missing.format": "--missing “{value}”: write COMPONENT:REASON.",
    "sync.redirect_refused": (
        "The hub answered {status}, sending the push to {location}; a redirect to another address is not followed and the token was not sent there: set sync.endpoint in the settings to the hub's real address."
    ),
    "sync.certificate_refused": (
        "The hub's HTTPS certificate is not trusted ({reason}); nothing was sent. Set sync.ca_file in the settings to the CA that signed it, or check the endpoint."
    ),
    "sync.ca_file_unreadable": "The sync.ca_file setting {path} is not a readable PEM file of certificates.",
    "sync.plain_http": (
        "{url} is plain HTTP to another machine: the token and the dossiers can be read on the way; use https://."
    ),
    "hub.tls_pair": "--tls-cert and --tls-key go together: give both, or neither for plain HTTP.",
    "hub.tls_file_missing": "{path}: no such file (--tls-cert/--tls-key).",
    "hub.cannot_listen": "The hub could not start listening on {url}.",
    "sync.gap_expected": (
        "Desk {desk}: events {first}–{last} have not arrived yet (a bundle still on its way); import it when it comes."
    ),
    "desk.restored": (
        "This desk was restored from the backup of {taken_at} (events up to seq {last_seq}) and issues nothing until its later events are known: run `desk recover --hub` or `desk recover --bundle FILE`, or ask the supervisor for `desk recover --new-identity` (docs/recovery.md)."
    ),
    "recover.other_desk": "{source} holds the events of desk {desk}, not of this desk: give this desk's own bundle.",
    "recover.fork": (
        "{source} holds another event at seq {seq} than this home: the chains already differ; ask the supervisor for `desk recover --new-identity`."
    ),
    "recover.no_hub": "No hub to ask: set sync.endpoint and sync.token in the settings, or pass --endpoint URL.",
    "recover.hub_refused": "The hub refused to say what it holds of this desk ({status}{code:|, code #|, code #}).",
    "recover.hub_unreachable": (
        "Cannot ask the hub what it holds of this desk ({reason}); try again, or use `desk recover --bundle FILE`."
    ),
    "recover.not_a_head": (
        "Cannot ask the hub what it holds of this desk (its answer is not a chain head); try again, or use `desk recover --bundle FILE`."
    ),
    "chain.recovered_gap": (
        "Desk {desk}: events {first}–{last} are at the hub, not here (this home was restored from a backup and recovered)."
    ),
    "clock.behind_last_event": (
        "This PC's clock says {at}, before the desk's last event ({last}): the dossier was saved after it, but check the PC's date and time now."
    ),
    # reports
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
    # printing's own problems
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
    # bundles, export, push and the hub (desk.sync), the CLI's own options
    "bundle.too_many_members": "{bundle}: {count:# member|# members}, more than the {limit} a bundle may hold; refused.",
    "bundle.member_absolute": "{bundle}: member “{member}” is an absolute or Windows path; refused.",
    "bundle.member_dotted": "{bundle}: member “{member}” is a path with '..' or empty parts; refused.",
    "bundle.member_foreign": "{bundle}: member “{member}” is not a member of a bundle; refused.",
    "bundle.member_twice": "{bundle}: member “{member}” appears twice; refused.",
    "bundle.member_encrypted": "{bundle}: member “{member}” is encrypted; refused.",
    "bundle.member_link": "{bundle}: member “{member}” is a link or a folder; refused.",
    "bundle.member_compression": "{bundle}: member “{member}” uses an unsupported compression; refused.",
    "bundle.member_ratio": "{bundle}: member “{member}” expands {ratio}-fold (a zip bomb?); refused.",
    "bundle.member_too_large": "{bundle}: member “{member}” is {size:# byte|# bytes}, over the limit; refused.",
    "bundle.too_large_uncompressed": "{bundle}: {size:# byte|# bytes} uncompressed, over the {limit:# byte|# bytes} limit; refused.",
    "bundle.member_missing": "{bundle}: {member} is missing; not a complete bundle.",
    "bundle.manifest_not_json": "{bundle}: manifest.json is not valid JSON ({detail}); refused.",
    "bundle.manifest_not_object": "{bundle}: manifest.json is not an object; refused.",
    "bundle.format": "{bundle}: bundle format “{format}” is not “{expected}”, the one this desk reads; update motcua-desk, or re-export with the same version.",
    "bundle.manifest_keys": "{bundle}: manifest.json: {keys:# is missing or malformed|# are missing or malformed}; refused.",
    "bundle.not_found": "No bundle at {path}.",
    "bundle.not_a_file": "{path} is not a file.",
    "bundle.too_large": "{bundle}: {size:# byte|# bytes}, larger than any bundle may be; refused.",
    "bundle.not_a_zip": "{bundle}: not a readable bundle (truncated, or not a zip): {detail}.",
    "bundle.members_differ": "{bundle}: members differ from the manifest (not listed: {extra:none|#|#}; missing: {missing:none|#|#}); refused.",
    "bundle.member_size_differs": "{bundle}: {member} is {size:# byte|# bytes}, the manifest says {declared}; refused.",
    "bundle.dossiers_not_list": "{bundle}: {member} is not a JSON list of dossier records; refused.",
    "bundle.file_outside": "{bundle}: {member} would land outside the files folder; refused.",
    "export.chain_broken": "The event chain of this desk is broken at seq {seq}; run `desk verify` before exporting.",
    "export.gap": "Events {first}–{last} of this desk should be {total} but {found:# was|# were} found (a gap in the log); run `desk verify`.",
    "export.scan_missing": "The scan of component {component} of {code} is missing ({path}); restore it, or export without --with-files.",
    "export.scan_changed": "The scan {path} of {code} changed since it was stored (sha256 differs).",
    "export.no_folder": "The folder {path} does not exist (is the USB stick plugged in?).",
    "export.not_folder": "{path} is not a folder; give the folder to write the bundle into.",
    "export.write_failed": "Cannot write the bundle to {path}: {reason}. Nothing was marked as exported; free some space or check the USB stick, then export again.",
    "sync.stopped": "Stopped ({kind}).",
    "sync.cancelled": "Stopped by the clerk.",
    "sync.endpoint_not_url": "Sync endpoint “{endpoint}” is not an http:// or https:// URL.",
    "sync.no_endpoint": "No hub address: set sync.endpoint in the settings, or pass --endpoint URL.",
    "sync.no_token": "No access token: set sync.token in the settings (the hub's `desk hub token add` makes one).",
    "sync.batch_size": "Batch size {value}: must be 1–{maximum}.",
    "sync.hub_answered": "the hub answered {status}{code:|, code #|, code #}",
    "sync.hub_unreachable": "cannot reach the hub ({detail})",
    "sync.answer_not_json": "the hub's answer is not JSON (a proxy in the way?)",
    "sync.answer_no_acknowledged": "the hub's answer lacks the list of acknowledged events",
    "sync.token_refused": "The hub refused the token ({status}{code:|, code #|, code #}); check sync.token in the settings.",
    "sync.events_refused": "The hub refused the events ({status}{code:|, code #|, code #}).",
    "sync.batch_refused": "The hub refused the batch ({status}{code:|, code #|, code #}).",
    "sync.gave_up": "The hub at {url} could not take the events after {attempts:# attempt|# attempts} ({reason}); {pushed:# event was|# events were} pushed, the rest stay pending — try again later or export a bundle.",
    "sync.still_failing": "The hub at {url} is still failing after {waited} s of retries ({reason}); {pushed:# event was|# events were} pushed, the rest stay pending.",
    "sync.no_progress": "The hub at {url} acknowledged none of events {first}–{last} {times:once|# times}; they stay pending. Ask the hub's administrator.",
    "hub.no_tokens": "This hub has no tokens yet: run `desk hub token add` and give the token to each desk.",
    "hub.listen_failed": "Cannot listen on {host}:{port} ({detail}).",
    "cli.date_format": "--{field} “{value}”: write the date as YYYY-MM-DD.",
    "print.days_needed": "Give the extension with --days N (working days).",
    "print.range_reversed": "--to {last} is before --date {first}.",
    "report.out_suffix": "--out {path}: name a .pdf or a .csv file.",
    "report.to_needs_date": "--to needs --date (the first day of the range).",
    # the records check and a hub's chains
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
"""Code -> English template of the TUI."""
