"""Text hygiene: everything typed or scanned passes through here (SPEC §5 "Text").

``sanitise`` cleans and bounds one field; ``fold`` makes the search key that
lets "nguyen van duc" find "Nguyễn Văn Đức".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from desk.errors import InvalidInput

LIMITS: dict[str, int] = {
    "name": 100,
    "org_name": 250,
    "address": 300,
    "email": 254,
    "phone": 20,
    "note": 1000,
    "reason": 1000,
    "id_number": 20,
    "tax_code": 20,
    "passport": 20,
    "clerk": 100,
    "collected_by": 100,
    "reuse_source": 200,
    "procedure_name": 500,
    "component_name": 500,
    "search": 200,
    "scan": 1000,
}
"""Maximum length, in characters after cleaning, of each kind of field."""

# terminal escape sequences, 7-bit and 8-bit forms; what is left of a broken one
# (an unterminated OSC, say) is plain printable text and harmless
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"  # CSI
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]"  # any other escape (ESC 7, ESC ( B, ESC c ...)
)
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_BLANKS = re.compile(r"[^\S\n]+")  # whitespace other than the newline
_MANY_NEWLINES = re.compile(r"\n{3,}")


def strip_escapes(value: str) -> str:
    """``value`` without terminal escape sequences, nor any ESC left of a broken one; nothing else changed."""
    return _ESCAPES.sub("", value).replace("\x1b", "")


def _drop(char: str) -> bool:
    """True for characters that never belong in stored text.

    Cc covers C0, DEL and C1; Cf covers bidi overrides/isolates/marks, zero-width
    space/joiners, word joiner, BOM and soft hyphen; Cs are lone surrogates that
    SQLite and UTF-8 files cannot hold.
    """
    return unicodedata.category(char) in ("Cc", "Cf", "Cs")


def clean(value: str, *, multiline: bool = False) -> str:
    """Clean text without bounding it: escapes and invisible characters removed,
    NFC, blanks collapsed, stripped. Prefer ``sanitise`` for a field."""
    text = _ESCAPES.sub("", value)
    text = _LINE_BREAKS.sub("\n" if multiline else " ", text)
    text = text.replace("\t", " ")
    text = "".join(ch for ch in text if ch == "\n" or not _drop(ch))
    text = unicodedata.normalize("NFC", text)
    if multiline:
        lines = (_BLANKS.sub(" ", line).strip() for line in text.split("\n"))
        text = _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()
    else:
        text = _BLANKS.sub(" ", text).strip()
    return text


def sanitise(
    value: str,
    *,
    field: str,
    max_len: int,
    multiline: bool = False,
    required: bool = False,
) -> str:
    """Clean one typed or scanned field and check it is present and short enough.

    Line breaks become spaces unless ``multiline``. The length is counted in
    characters after cleaning. Raises ``InvalidInput(field=field)``.
    """
    text = clean(value, multiline=multiline)
    if required and not text:
        raise InvalidInput("text.required", field=field)
    if len(text) > max_len:
        raise InvalidInput("text.too_long", field=field, length=len(text), limit=max_len)
    return text


def fold(value: str) -> str:
    """Search key: no case, no diacritics, đ/Đ as d, single spaces.

    >>> fold("Nguyễn  Văn Đức")
    'nguyen van duc'
    """
    # casefold first: it can itself produce combining marks ("İ" -> "i̇")
    text = unicodedata.normalize("NFD", value.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and not _drop(ch) or ch.isspace())
    text = text.replace("đ", "d")
    return " ".join(text.split())


def closest(word: str, known: Iterable[str]) -> tuple[str, ...]:
    """The known word closest to ``word``: none or one (a problem's ``did_you_mean``)."""
    import difflib  # only on the error path

    return tuple(difflib.get_close_matches(word, list(known), n=1))
