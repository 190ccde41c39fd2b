"""A passport number: how a foreigner (người nước ngoài) is identified at intake (SPEC §5: "passport free text").

Passports of other countries follow no one numbering the desk could check:
the number is kept as the passport prints it, in upper case, without spaces or
dashes, and only the alphabet of a machine-readable passport's document number
(ICAO Doc 9303: the letters A–Z and the digits) is allowed, so that a name or a
Vietnamese ID typed into the wrong box is caught.
"""

from __future__ import annotations

import re

from desk.errors import InvalidInput
from desk.text import LIMITS, sanitise

_ALPHABET = re.compile(r"[A-Z0-9]+")
_IGNORED = re.compile(r"[\s\-]")


def check_passport(number: str) -> str:
    """The passport number as stored ("C1234567"), or ``InvalidInput("passport.shape", field="passport")``."""
    cleaned = sanitise(number, field="passport", max_len=LIMITS["id_number"], required=True)
    compact = _IGNORED.sub("", cleaned).upper()
    if not _ALPHABET.fullmatch(compact):
        raise InvalidInput("passport.shape", field="passport", value=cleaned)
    return compact
