"""The signed QR payload of the receipt (SPEC §6): built, parsed and verified here only.

Payload::

    <lookup URL or "motcua:">?mhs=<dossier code>&tthc=<procedure code>&dd=<ID number>
        &gt=01&ten=<document name>&hen=<due yyyyMMddHHmm>&sig=<signature>

``ten`` names the document (TT 01/2023/TT-VPCP: the QR carries the dossier code,
the procedure code, the ID number and the document's name), percent-encoded
UTF-8: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" for ``gt=01``. The QR starts with
the lookup URL of the settings (``printing.lookup_url``), so a citizen's phone
opens the portal's lookup page; with the bare ``motcua:`` prefix it opens nothing
(:func:`lookup_problem` is the warning).

The signature is Ed25519 by the agency's receipt key (``desk.rules.receipt_key``: derived
from the agency key every desk of one agency holds), over the five fields in this fixed
order, as the JSON array ``["<mhs>","<tthc>","<dd>","<gt>","<hen>"]`` (NFC, no spaces)
behind the domain tag ``motcua-desk/receipt-ed25519/1`` and a NUL byte, written in base32
without padding (103 characters of ``A-Z2-7``). Anyone holding the agency's public key
checks it (:func:`verify_public`, ``desk verify-receipt --public-key``), no secret needed.

Receipts printed before carry a 16-character ``sig``: HMAC-SHA256 keyed with the agency
key over the same array behind ``motcua-desk/receipt/1`` and a NUL byte, truncated to 80
bits. They still verify at their agency (the length tells which kind a ``sig`` is); a
public key cannot check them. The lookup URL is not signed:
desks may point at different portals, and a scanner may mangle it harmlessly. Nor is
``ten``, so receipts printed before it was added verify as they did; it is bound to the
signed ``gt`` instead: a ``ten`` that is not the name of the document ``gt`` says is forged.

Verdicts, in the order they are decided:

* ``forged``: the signature does not match the fields as scanned under this
  agency's key, or ``ten`` does not name the document ``gt`` signs. Covers a made-up QR, any field edited on a genuine QR (a moved due
  date included) and a receipt signed by another agency's key. The scanned fields
  cannot be trusted at all.
* ``unknown``: the signature is good (a desk of this agency printed it) but the
  dossier code is not in this desk's database, e.g. another desk's bundle has not
  been imported yet.
* ``altered``: the signature is good but the printed fields no longer match the
  stored dossier (due date moved by a supplement or an apology, ID number
  corrected): a genuine but superseded receipt. ``mismatched`` names the fields.
* ``genuine``: signature good and every field matches the stored dossier.

No reportlab or textual here: the CLI's ``verify-receipt`` and the TUI's search box
call this without loading the printing stack.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import parse_qsl, quote

from desk.models import Dossier
from desk.rules import receipt_key
from desk.rules.forms import FORMS
from desk.rules.problems import Problem, problem

DEFAULT_PREFIX = "motcua:"
RECEIPT_DOC_TYPE = "01"  # gt: Mẫu 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả
SIG_BYTES = 10  # 80 bits -> 16 base32 characters
DUE_FORMAT = "%Y%m%d%H%M"
FIELDS = ("mhs", "tthc", "dd", "gt", "hen")
NAME_FIELD = "ten"  # the document's name: not signed, bound to gt
DOC_NAMES = {RECEIPT_DOC_TYPE: FORMS["receipt"].title}
"""The name each document type (``gt``) carries in its QR."""
_DOMAIN_TAG = b"motcua-desk/receipt/1\x00"
_SIGNED_TAG = b"motcua-desk/receipt-ed25519/1\x00"
_MAX_SCAN = 2000  # a receipt QR is ~150 characters; anything longer is not one
_UNRESERVED = "-._~"
_MHS_RE = re.compile(r"(?:^|[?&;:])mhs=")
# a Vietnamese input method (Telex) left on turns the scanner's "dd" into "đ"
_TELEX_DD_RE = re.compile(r"(^|[?&;])[đĐ]=")
_NOISE_RE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff\x00-\x1f\x7f]+")


class Verdict(StrEnum):
    """What a scanned receipt turned out to be."""

    GENUINE = "genuine"
    ALTERED = "altered"
    FORGED = "forged"
    UNKNOWN = "unknown"
    NOT_RECEIPT = "not_receipt"


@dataclass(frozen=True)
class ReceiptClaim:
    """The fields a scanned receipt QR claims, exactly as scanned (NFC, trimmed)."""

    code: str
    """mhs: the dossier code."""
    procedure_code: str
    """tthc: the procedure code."""
    id_number: str
    """dd: the applicant's identification number (may be empty)."""
    doc_type: str
    """gt: the document type, ``01`` for the receipt."""
    due: str
    """hen: the due date as printed, ``yyyyMMddHHmm`` (empty when the dossier had none)."""
    sig: str
    """sig: the base32 signature, upper case, no padding."""
    doc_name: str = ""
    """ten: the document's name as scanned ("" on receipts printed before the QR named it)."""
    repeated: tuple[str, ...] = ()
    """Signed fields (or ``sig``, ``ten``) the QR holds more than once: such a QR is never genuine, since a
    reader taking the other occurrence would see values nobody signed."""

    def fields(self) -> tuple[str, str, str, str, str]:
        """The signed fields in canonical order."""
        return (self.code, self.procedure_code, self.id_number, self.doc_type, self.due)

    @property
    def names_its_document(self) -> bool:
        """False when ``ten`` is there but is not the name of the document type ``gt`` signs."""
        return not self.doc_name or self.doc_name == DOC_NAMES.get(self.doc_type)

    @property
    def due_at(self) -> datetime | None:
        """The due date as a datetime, or None if it is missing or malformed."""
        try:
            return datetime.strptime(self.due, DUE_FORMAT)
        except ValueError:
            return None


@dataclass(frozen=True)
class ReceiptVerdict:
    """The answer to "is this receipt genuine?"."""

    verdict: Verdict
    code: str
    """The dossier code the receipt names ("" when it is not a receipt)."""
    claim: ReceiptClaim | None = None
    dossier: Dossier | None = None
    """The stored dossier with that code, when there is one (even for a forged QR)."""
    mismatched: tuple[str, ...] = ()
    """For ``altered``: which fields (mhs/tthc/dd/gt/hen) differ from the stored dossier."""

    @property
    def genuine(self) -> bool:
        return self.verdict is Verdict.GENUINE

    @property
    def signature_valid(self) -> bool:
        return self.verdict in (Verdict.GENUINE, Verdict.ALTERED, Verdict.UNKNOWN)

    @property
    def problem(self) -> Problem:
        """The verdict for a formatter to word: ``receipt.<verdict>`` with the dossier code
        (and, for ``altered``, the ``fields`` that differ)."""
        if self.verdict is Verdict.GENUINE:
            return problem("receipt.genuine", code=self.code)
        if self.verdict is Verdict.ALTERED:
            return problem("receipt.altered", code=self.code, fields=self.mismatched)
        if self.verdict is Verdict.FORGED:
            return problem("receipt.forged", code=self.code)
        if self.verdict is Verdict.UNKNOWN:
            return problem("receipt.unknown", code=self.code)
        return problem("receipt.not_receipt")


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def dossier_fields(dossier: Dossier) -> tuple[str, str, str, str, str]:
    """The fields a receipt for this dossier carries, in canonical order."""
    due = dossier.due_at.strftime(DUE_FORMAT) if dossier.due_at else ""
    return (
        _clean(dossier.code),
        _clean(dossier.procedure_code),
        _clean(dossier.applicant.id_number),
        RECEIPT_DOC_TYPE,
        due,
    )


def _fields_json(fields: tuple[str, ...]) -> bytes:
    return json.dumps([_clean(f) for f in fields], ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign_fields(fields: tuple[str, ...], key: bytes) -> str:
    """The truncated, base32-encoded HMAC-SHA256 of the fields under the agency key (receipts printed
    before the Ed25519 signature: still verified, no longer printed)."""
    if not key:
        raise ValueError("the agency key is empty: receipts cannot be signed or verified")
    digest = hmac.new(key, _DOMAIN_TAG + _fields_json(fields), hashlib.sha256).digest()[:SIG_BYTES]
    return base64.b32encode(digest).decode("ascii").rstrip("=")


def signed_message(fields: tuple[str, ...]) -> bytes:
    """What the agency's receipt key signs (Ed25519)."""
    return _SIGNED_TAG + _fields_json(fields)


def _signature_valid(claim: ReceiptClaim, key: bytes) -> bool:
    """The claim's ``sig`` under this agency: Ed25519 by its receipt key, or a legacy HMAC (16 characters)."""
    if len(claim.sig) == receipt_key.SIGNATURE_CHARS:
        return receipt_key.verify(receipt_key.public_key(key), claim.sig, signed_message(claim.fields()))
    expected = sign_fields(claim.fields(), key)
    # constant-time: the scanned signature is attacker-controlled
    return hmac.compare_digest(expected.encode("ascii"), claim.sig.encode("utf-8"))


def build_payload(dossier: Dossier, key: bytes, lookup_url: str = "") -> str:
    """The text of the receipt's QR code for this dossier."""
    fields = dossier_fields(dossier)
    sig = receipt_key.sign(key, signed_message(fields))
    prefix = lookup_url.strip() or DEFAULT_PREFIX
    if prefix.endswith(("?", "&")):
        sep = ""
    else:
        sep = "&" if "?" in prefix else "?"
    pairs = list(zip(FIELDS, fields, strict=True))
    pairs.insert(FIELDS.index("gt") + 1, (NAME_FIELD, DOC_NAMES[RECEIPT_DOC_TYPE]))
    query = "&".join(f"{name}={quote(value, safe=_UNRESERVED)}" for name, value in pairs)
    return f"{prefix}{sep}{query}&sig={sig}"


def lookup_problem(lookup_url: str) -> Problem | None:
    """``receipt.no_lookup_url`` when the QR would start with the bare ``motcua:``: a citizen's phone
    cannot look such a receipt up (set ``printing.lookup_url`` to the portal's lookup page)."""
    if lookup_url.strip():
        return None
    return problem("receipt.no_lookup_url", field="lookup_url", prefix=DEFAULT_PREFIX)


def parse_payload(text: str) -> ReceiptClaim | None:
    """The claim of a scanned receipt QR, or None if the text is not a receipt at all.

    Tolerates what scanners and keyboards do to it: surrounding whitespace and line
    ends, NFD text, a different or missing lookup URL, extra query parameters, a
    URL fragment, a lower-case signature, and a Telex input method turning ``dd=`` into ``đ=``.
    """
    if not isinstance(text, str) or not text or len(text) > _MAX_SCAN:
        return None
    text = _NOISE_RE.sub("", unicodedata.normalize("NFC", text))
    text = _TELEX_DD_RE.sub(r"\1dd=", text)
    m = _MHS_RE.search(text)
    if m is None:
        return None
    mhs_at = m.end() - len("mhs=")
    # our fields follow "mhs="; a portal may have put parameters of its own (or
    # reordered ours) between the URL's first "?" and there
    segments = [text[mhs_at:]]
    qmark = text.find("?")
    if 0 <= qmark < mhs_at:
        segments.append(text[qmark + 1 : mhs_at])
    values: dict[str, str] = {}
    repeated: list[str] = []
    for segment in segments:
        for name, value in parse_qsl(segment.split("#", 1)[0], keep_blank_values=True):
            name = name.strip().lower()
            if name in FIELDS or name in ("sig", NAME_FIELD):
                if name in values and name not in repeated:
                    repeated.append(name)
                values.setdefault(name, _clean(value))
    code = values.get("mhs", "")
    if not code:
        return None
    return ReceiptClaim(
        code=code,
        procedure_code=values.get("tthc", ""),
        id_number=values.get("dd", ""),
        doc_type=values.get("gt", ""),
        due=values.get("hen", ""),
        sig=values.get("sig", "").upper().rstrip("="),
        doc_name=values.get(NAME_FIELD, ""),
        repeated=tuple(repeated),
    )


def verify_payload(text: str, key: bytes, lookup: Callable[[str], Dossier | None]) -> ReceiptVerdict:
    """Check a scanned receipt: its signature under the agency key, then the stored dossier.

    ``lookup`` maps a dossier code to the stored dossier (None when unknown).
    """
    claim = parse_payload(text)
    if claim is None:
        return ReceiptVerdict(Verdict.NOT_RECEIPT, "")
    sig_ok = _signature_valid(claim, key)
    dossier = lookup(claim.code)
    if not sig_ok or claim.repeated or not claim.names_its_document:
        return ReceiptVerdict(Verdict.FORGED, claim.code, claim, dossier)
    if dossier is None:
        return ReceiptVerdict(Verdict.UNKNOWN, claim.code, claim)
    stored = dossier_fields(dossier)
    mismatched = tuple(
        name for name, printed, now in zip(FIELDS, claim.fields(), stored, strict=True) if printed != now
    )
    if mismatched:
        return ReceiptVerdict(Verdict.ALTERED, claim.code, claim, dossier, mismatched)
    return ReceiptVerdict(Verdict.GENUINE, claim.code, claim, dossier)


def agency_of(code: str) -> str:
    """The agency code a dossier code starts with (``<agency>-<YYMMDD>-<XXXX>``)."""
    return code.rsplit("-", 2)[0] if code.count("-") >= 2 else ""


def verify_public(text: str, keys: dict[str, tuple[str, bytes]]) -> tuple[bool, Problem]:
    """Check a scanned receipt with public keys alone (agency code -> (name, raw Ed25519 key)), on a machine
    holding no secret: (genuine, the verdict's problem). Genuine means the receipt's agency signed these
    fields; whether the dossier's state still matches is the agency's to say."""
    claim = parse_payload(text)
    if claim is None:
        return False, problem("receipt.not_receipt")
    agency = agency_of(claim.code)
    if agency not in keys:
        if len(keys) == 1:
            (other,) = keys
            return False, problem("receipt.other_agency", code=claim.code, agency=agency, key_agency=other)
        return False, problem(
            "receipt.other_agency", code=claim.code, agency=agency, key_agency=", ".join(sorted(keys))
        )
    name, public = keys[agency]
    if len(claim.sig) != receipt_key.SIGNATURE_CHARS and len(claim.sig) == -(-SIG_BYTES * 8 // 5):
        return False, problem("receipt.agency_only", code=claim.code)
    ok = (
        receipt_key.verify(public, claim.sig, signed_message(claim.fields()))
        and not claim.repeated
        and claim.names_its_document
    )
    if not ok:
        return False, problem("receipt.forged", code=claim.code)
    return True, problem("receipt.signed", code=claim.code, agency=f"{name} ({agency})" if name else agency)
