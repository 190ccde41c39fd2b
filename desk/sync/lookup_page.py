"""What the citizens' lookup page (``GET /tra-cuu``, docs/lookup.md) knows: the receipt's verdict and the
little of the dossier a receipt's holder may see.

The page answers the receipt QR's own URL (``printing.lookup_url`` pointing at the hub): its query is the
QR's payload, read by :func:`desk.rules.receipt_qr.parse_payload` and checked by the same code as
``desk verify-receipt``: :func:`~desk.rules.receipt_qr.verify_public` with the receipt keys the hub
publishes (``GET /v1/keys``), and, for a receipt printed with the older HMAC, :func:`verify_payload` with
the hub's own agency key (another agency's HMAC receipt cannot be checked here).

Nothing of a dossier is read unless the signature holds: a made-up code, an edited field and a missing
``sig`` get the same answer, whether or not the code exists, so codes cannot be tried one after another
(a valid signature needs the agency's key). The dossier is read through :func:`lookup` alone, which
returns a :class:`LookupRecord` holding only what the page may show (initials, not the name; no ID
number, address, phone or e-mail), on either store: the queries it runs are the store's
(:class:`~desk.sync.store.HubQueries`), and :func:`store_reader` is what the hub's server calls.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from desk.config import read_agency_key
from desk.dossier.events import row_to_record
from desk.dossier.rows import row_to_dossier
from desk.errors import DeskError
from desk.models import Dossier, Status
from desk.rules import receipt_key
from desk.rules.receipt_qr import (
    FIELDS,
    ReceiptClaim,
    Verdict,
    agency_of,
    dossier_fields,
    parse_payload,
    verify_payload,
    verify_public,
)
from desk.rules.status import CHECKLIST_OPEN
from desk.sync.receipt_keys import published
from desk.sync.store import POSTGRESQL, SQLITE_QUERIES, HubQueries, HubStore
from desk.text import clean

SUPPLEMENT_EVENT = "dossier.supplement_requested"


@dataclass(frozen=True)
class MissingPaper:
    """A paper the citizen still has to bring: its name and, when the clerk gave one, why."""

    name: str
    reason: str = ""


@dataclass(frozen=True)
class LookupRecord:
    """What the lookup page may tell a receipt's holder about a dossier; nothing that identifies a person."""

    code: str
    procedure_name: str
    status: Status
    received_at: datetime
    due_at: datetime | None
    initials: str
    """The applicant's initials ("N. V. Đ."), never the name."""
    paused: bool = False
    """A supplement request is outstanding: the processing clock stands still."""
    missing: tuple[MissingPaper, ...] = ()
    """The papers still missing: the latest supplement request's list and required papers not handed in."""
    receipt_fields: tuple[str, ...] = field(default=(), repr=False)
    """The five signed fields a receipt printed now would carry (``dossier_fields``): compared with the
    scanned ones to tell a superseded receipt, never shown (one is the ID number)."""


def initials(name: str) -> str:
    """A name's initials, "Nguyễn Văn Đức" → "N. V. Đ.": the holder recognises them, a passer-by learns nothing."""
    words = clean(name).split()
    return " ".join(f"{w[0].upper()}." for w in words if w[0].isalnum())


def record_of(dossier: Dossier, supplement_items: list[dict]) -> LookupRecord:
    """The page's view of a stored dossier and its latest supplement request's items."""
    missing: list[MissingPaper] = []
    if dossier.status in CHECKLIST_OPEN:
        if dossier.status is Status.SUPPLEMENT:
            for item in supplement_items:
                name = str(item.get("name") or item.get("component") or "").strip()
                if name:
                    missing.append(MissingPaper(name, str(item.get("reason") or "").strip()))
        listed = {m.name for m in missing}
        missing += [
            MissingPaper(c.name) for c in dossier.components if c.required and not c.received and c.name not in listed
        ]
    return LookupRecord(
        code=dossier.code,
        procedure_name=dossier.procedure_name,
        status=dossier.status,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        initials=initials(dossier.applicant.name),
        paused=dossier.status is Status.SUPPLEMENT,
        missing=tuple(missing),
        receipt_fields=dossier_fields(dossier),
    )


def lookup(db, code: str, q: HubQueries = SQLITE_QUERIES) -> LookupRecord | None:
    """The dossier ``code`` as the lookup page sees it, or None: the one read of the hub's store here
    (``db`` a handle of the store whose queries are ``q``: the home's SQLite unless said)."""
    row = q.dossier_row(db, code.strip().upper())
    if row is None:
        return None
    dossier = row_to_dossier(row, q.dossier_lines(db, row["id"]))
    items: list[dict] = []
    if dossier.status is Status.SUPPLEMENT:
        requests = [r for r in q.events_for_dossier(db, dossier.code) if r["type"] == SUPPLEMENT_EVENT]
        if requests:
            details = row_to_record(requests[-1])["payload"].get("details", {})
            items = [m for m in details.get("missing", []) if isinstance(m, dict)]
    return record_of(dossier, items)


def store_reader(
    desk, store: HubStore, lock: contextlib.AbstractContextManager
) -> Callable[[str], LookupRecord | None]:
    """``read(code)`` for :func:`check` at this hub: :func:`lookup` on its store (``lock`` held around the
    home's SQLite, shared by the server's threads). At a PostgreSQL hub the desks' dossiers are there, the hub's
    own counter's in its home's SQLite: the store is asked first, then the home."""

    def read(code: str) -> LookupRecord | None:
        if store.kind == POSTGRESQL:
            with store.reading() as db:
                found = lookup(db, code, store.q)
            if found is not None:
                return found
        with lock:
            return lookup(desk.db, code)

    return read


# --- the verdict ------------------------------------------------------------------------------------


class Answer(StrEnum):
    """What the page says of the receipt."""

    GENUINE = "genuine"
    """Signed by its agency, and the dossier here matches it."""
    SUPERSEDED = "superseded"
    """Signed by its agency, but the dossier changed since (a moved due date, a corrected ID number)."""
    NOT_HERE = "not_here"
    """Signed by its agency, but this hub does not hold the dossier (yet)."""
    FORGED = "forged"
    """The signature does not hold (or is missing): nothing of any dossier is shown."""
    UNCHECKABLE = "uncheckable"
    """An agency this hub holds no key of, or an HMAC receipt of another agency."""
    NOT_RECEIPT = "not_receipt"
    """No dossier code in the URL."""


@dataclass(frozen=True)
class Outcome:
    answer: Answer
    record: LookupRecord | None = None
    changed: tuple[str, ...] = ()
    """For a superseded receipt: the fields (mhs/tthc/dd/gt/hen) that changed."""
    printed_code: str = ""
    """The dossier code the receipt shows (from a checked signature only)."""
    printed_due: datetime | None = None
    """The due date the receipt shows (from a checked signature only)."""


@dataclass(frozen=True)
class HubKeys:
    """The keys the hub checks receipts with: the published public keys and its own agency key (or none)."""

    public: dict[str, tuple[str, bytes]]
    own_agency: str = ""
    own_key: bytes = b""


def hub_keys(desk) -> HubKeys:
    """The hub home's receipt keys, read now (a key registered while serving counts)."""
    public = {
        k["agency"]: (k["agency_name"], receipt_key.unb64u(k["public_key"], receipt_key.PUBLIC_BYTES) or b"")
        for k in published(desk)["keys"]
    }
    try:
        own = read_agency_key(desk.home)
    except DeskError:
        own = b""
    return HubKeys(public, desk.settings.agency.code, own)


def signature_holds(text: str, claim: ReceiptClaim, keys: HubKeys) -> Answer | None:
    """None when the receipt's signature holds, else the answer (forged, uncheckable, not a receipt)."""
    genuine, verdict = verify_public(text, keys.public)
    if genuine:
        return None
    if verdict.code == "receipt.agency_only":  # an HMAC receipt: only its agency's key checks it
        if not keys.own_key or agency_of(claim.code) != keys.own_agency:
            return Answer.UNCHECKABLE
        # the signature holds exactly when the only thing verify_payload misses is the dossier
        checked = verify_payload(text, keys.own_key, lambda code: None)
        return None if checked.verdict is Verdict.UNKNOWN else Answer.FORGED
    if verdict.code == "receipt.other_agency":
        return Answer.UNCHECKABLE
    if verdict.code == "receipt.not_receipt":
        return Answer.NOT_RECEIPT
    return Answer.FORGED


def check(text: str, keys: HubKeys, read) -> Outcome:
    """The page's answer for the scanned ``text``; ``read(code)`` is :func:`lookup` on the hub's store,
    called only once the signature holds."""
    claim = parse_payload(text)
    if claim is None:
        return Outcome(Answer.NOT_RECEIPT)
    refused = signature_holds(text, claim, keys)
    if refused is not None:
        return Outcome(refused)
    record = read(claim.code)
    if record is None:
        return Outcome(Answer.NOT_HERE, printed_code=claim.code, printed_due=claim.due_at)
    changed = tuple(
        name for name, printed, now in zip(FIELDS, claim.fields(), record.receipt_fields, strict=True) if printed != now
    )
    answer = Answer.SUPERSEDED if changed else Answer.GENUINE
    return Outcome(answer, record, changed, printed_code=claim.code, printed_due=claim.due_at)
