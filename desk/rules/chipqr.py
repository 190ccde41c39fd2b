"""The QR code on the chip ID card, as a keyboard-wedge scanner types it.

``<12-digit ID>|<old ID or empty>|<full name>|<DDMMYYYY birth>|<Nam/Nữ>|<address>|<DDMMYYYY issue>``
followed, on newer cards, by more fields (kept in ``extra``). Callers may try
``parse_chip_qr`` on anything typed: it returns None for text that is clearly
not such a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desk.errors import InvalidInput
from desk.models import Applicant, ApplicantKind, IdKind
from desk.rules.idnumbers import check_id_number, sex_from_text
from desk.text import LIMITS, clean, sanitise

MIN_FIELDS = 6  # the issue date is missing on some scans
_LOOKS_LIKE = re.compile(r"\s*[0-9]{12}\s*\|")
_DATE_SEPARATORS = re.compile(r"[\s/.\-]")


@dataclass(frozen=True)
class ChipCard:
    """What the chip ID card's QR code says about its holder."""

    id_number: str
    """The 12-digit personal identification number."""
    old_id: str
    """The old ID card number printed in the QR, or "" when there is none."""
    name: str
    """Full name, NFC, as on the card."""
    birth_date: date | None
    """Date of birth; None when the field is empty."""
    sex: str
    """"Nam", "Nữ", or "" when the field is empty."""
    address: str
    """Permanent address (nơi thường trú)."""
    issue_date: date | None
    """Date of issue; None when the scan has no such field or it is empty."""
    extra: tuple[str, ...] = ()
    """Fields after the issue date that newer cards add, cleaned, in order."""

    def to_applicant(self) -> Applicant:
        """The applicant fields this card fills at intake."""
        return Applicant(
            name=self.name,
            kind=ApplicantKind.CITIZEN,
            id_number=self.id_number,
            id_kind=IdKind.PERSONAL_ID,
            birth_date=self.birth_date,
            sex=self.sex,
            address=self.address,
        )


def looks_like_chip_qr(text: str) -> bool:
    """Cheap test: 12 digits, a '|', and at least six '|'-separated fields."""
    return bool(_LOOKS_LIKE.match(text)) and text.count("|") >= MIN_FIELDS - 1


def _parse_date(text: str) -> date | None:
    """A DDMMYYYY date (separators ignored), None when empty; ValueError when it is not a date."""
    compact = _DATE_SEPARATORS.sub("", text)
    if not compact:
        return None
    if not re.fullmatch(r"[0-9]{8}", compact):
        raise ValueError(text)
    return date(int(compact[4:]), int(compact[2:4]), int(compact[:2]))


def parse_chip_qr(line: str) -> ChipCard | None:
    """Parse one scanned chip ID card line, or return None if it is not one.

    Tolerates a trailing CR/LF, NFD text from the scanner, an empty old ID, a
    missing issue date and extra trailing fields. Raises
    ``InvalidInput(field=...)`` when the line is a chip QR with a broken field.
    """
    # clean the whole line first so that an escape sequence cannot hide a '|'
    text = clean(line)
    if not looks_like_chip_qr(text):
        return None
    fields = [part.strip() for part in text.split("|")]
    id_number, old_id, name, birth, sex_text, address = fields[:6]
    issue = fields[6] if len(fields) > 6 else ""

    old_id = re.sub(r"[\s.\-]", "", old_id)
    if old_id and not re.fullmatch(r"[0-9]{9}|[0-9]{12}", old_id):
        raise InvalidInput("chip_qr.old_id", field="old_id", value=old_id)
    try:
        birth_date = _parse_date(birth)
    except ValueError:
        raise InvalidInput("chip_qr.birth_date", field="birth_date", value=birth) from None
    sex = sex_from_text(sex_text) if sex_text else ""
    # the card's own number must agree with its birth date and sex
    check_id_number(id_number, birth_date=birth_date, sex=sex or None)
    name = sanitise(name, field="name", max_len=LIMITS["name"], required=True)
    address = sanitise(address, field="address", max_len=LIMITS["address"])
    try:
        issue_date = _parse_date(issue)
    except ValueError:
        raise InvalidInput("chip_qr.issue_date", field="issue_date", value=issue) from None
    return ChipCard(
        id_number=id_number,
        old_id=old_id,
        name=name,
        birth_date=birth_date,
        sex=sex,
        address=address,
        issue_date=issue_date,
        extra=tuple(sanitise(value, field="extra", max_len=LIMITS["address"]) for value in fields[7:]),
    )
