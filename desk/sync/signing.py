"""Who wrote it: the desk's signature on bundles and pushed batches, checked at the hub before any event
is read, and the hub's signature on its answers, checked at the desk (docs/keys.md).

A bundle's ``signature.json`` signs the exact bytes of its ``manifest.json`` (which holds the chain
head, ``last_hash``, and the SHA-256 of ``events.jsonl`` and of every other member); a push signs the
exact bytes of its body. One Ed25519 signature per bundle or batch, never per event: the hash chain
ties every event to the signed head.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from desk import keys
from desk.errors import IntegrityFailure
from desk.sync.enrolment import served_agencies
from desk.sync.store import HubStore, hub_store

SIGNATURE_FORMAT = "motcua-desk-signature/1"
REPLY_FORMAT = b"motcua-desk-hub-reply/1"
MAX_ROTATIONS = 100

# the HTTP headers of a signed push and of the hub's signed answer
DESK_KEY_HEADER = "Desk-Key"
DESK_SIGNATURE_HEADER = "Desk-Signature"
DESK_ROTATIONS_HEADER = "Desk-Key-Rotations"
HUB_SIGNATURE_HEADER = "Hub-Signature"


@dataclass
class Signed:
    """What a bundle or a push presents: the key it says signed it, the signature, the desk's rotations."""

    key: bytes | None = None
    signature: bytes | None = None
    rotations: list = field(default_factory=list)
    """Rotation statements as JSON values (checked when applied)."""


# --- the desk's side ------------------------------------------------------------------------


class Signer:
    """The desk's key (of the home ``home``), loaded once for an export or a push, and its rotation statements."""

    def __init__(self, home):
        self.key = keys.load_desk_key(home)
        self.public = keys.public_bytes(self.key)
        self.rotations = [r.to_json() for r in keys.rotations(home)]

    def signature_member(self, desk_id: str, manifest: bytes) -> bytes:
        """``signature.json`` of a bundle whose ``manifest.json`` is ``manifest``."""
        return json.dumps(
            {
                "format": SIGNATURE_FORMAT,
                "algorithm": keys.ALGORITHM,
                "desk_id": desk_id,
                "key": keys.public_text(self.public),
                "signature": keys.b64(keys.sign(self.key, manifest)),
                "rotations": self.rotations,
            },
            indent=2,
        ).encode("ascii")

    def push_headers(self, body: bytes) -> dict[str, str]:
        """The signature headers of a batch whose body (which names the desk) is ``body``."""
        headers = {
            DESK_KEY_HEADER: keys.public_text(self.public),
            DESK_SIGNATURE_HEADER: keys.b64(keys.sign(self.key, body)),
        }
        if self.rotations:
            text = json.dumps(self.rotations, separators=(",", ":")).encode("ascii")
            headers[DESK_ROTATIONS_HEADER] = keys.b64(text)
        return headers


def reply_bytes(request_body: bytes, answer: bytes) -> bytes:
    """What the hub signs: its answer, bound to the request it answers (no replay of an old answer)."""
    return reply_bytes_of(hashlib.sha256(request_body).hexdigest(), answer)


def reply_bytes_of(request_sha256: str, answer: bytes) -> bytes:
    """:func:`reply_bytes` of a request whose SHA-256 (hex) the hub computed already."""
    return REPLY_FORMAT + b"\n" + request_sha256.encode("ascii") + b"\n" + answer


def reply_genuine(hub_key: bytes, request_body: bytes, answer: bytes, signature_text: str | None) -> bool:
    return keys.verify(
        hub_key, keys.unb64(signature_text or "", size=keys.SIGNATURE_BYTES), reply_bytes(request_body, answer)
    )


# --- reading what was presented -------------------------------------------------------------------


def signed_from_member(data: bytes | None, desk_id: str) -> Signed:
    """A bundle's ``signature.json`` (None: absent); anything malformed presents no signature."""
    if data is None:
        return Signed()
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Signed()
    if not isinstance(value, dict) or value.get("format") != SIGNATURE_FORMAT or value.get("desk_id") != desk_id:
        return Signed()
    rotations = value.get("rotations")
    return Signed(
        keys.unb64(value.get("key"), size=keys.PUBLIC_KEY_BYTES),
        keys.unb64(value.get("signature"), size=keys.SIGNATURE_BYTES),
        rotations[:MAX_ROTATIONS] if isinstance(rotations, list) else [],
    )


def signed_from_headers(headers: dict[str, str]) -> Signed:
    """A push's signature headers (lower-cased names)."""
    rotations: list = []
    text = headers.get(DESK_ROTATIONS_HEADER.lower())
    if text:
        raw = keys.unb64(text)
        try:
            value = json.loads(raw.decode("ascii")) if raw else None
        except (UnicodeDecodeError, ValueError, RecursionError):
            value = None
        rotations = value[:MAX_ROTATIONS] if isinstance(value, list) else []
    return Signed(
        keys.unb64(headers.get(DESK_KEY_HEADER.lower(), ""), size=keys.PUBLIC_KEY_BYTES),
        keys.unb64(headers.get(DESK_SIGNATURE_HEADER.lower(), ""), size=keys.SIGNATURE_BYTES),
        rotations,
    )


# --- the hub's gate -------------------------------------------------------------------------------


def check_source(
    hub,
    *,
    desk_id: str,
    agency: str,
    desk_no: int,
    last_seq: int,
    signed: Signed,
    data: bytes,
    where: str,
    store: HubStore | None = None,
) -> None:
    """Refuse (IntegrityFailure, exit 5 / HTTP 403) what this hub must not take from a desk.

    In order: an agency the hub does not serve; a desk not enrolled (or a number enrolled to another desk);
    a revoked desk; no signature; a rotation not signed by the desk's key; a key not the desk's, or a
    signature that does not verify; a replaced key signing events past its last seq. Rotations that verify
    are recorded (they stand on the old key's signature alone). ``data``: the signed bytes. ``store``: the
    hub's registry (``desk.sync.store``; that of ``hub`` when not given).
    """
    store = store or hub_store(hub)
    with store.reading() as db:
        _check_source(hub, store, db, desk_id, agency, desk_no, last_seq, signed, data, where)


def _check_source(hub, store: HubStore, db, desk_id, agency, desk_no, last_seq, signed, data, where) -> None:
    settings, kq = hub.settings, store.q
    served = served_agencies(settings)
    ident = {"where": where, "desk_id": desk_id, "desk_no": desk_no, "agency": agency}
    if agency not in served:
        raise IntegrityFailure("keys.other_agency", field="bundle", where=where, agency=agency, agencies=served)
    row = kq.enrolled_desk(db, desk_id)
    if row is None:
        holder = kq.active_desk_by_number(db, agency, desk_no)
        if holder is not None:
            raise IntegrityFailure(
                "keys.number_taken",
                field="bundle",
                where=where,
                agency=agency,
                desk_no=desk_no,
                other_desk_id=holder["desk_id"],
            )
        if settings.hub_accept_unenrolled:
            return  # the transition setting: a desk not yet enrolled is taken unchecked
        raise IntegrityFailure("keys.unknown_desk", field="bundle", **ident)
    if row["revoked_at"]:
        raise IntegrityFailure("keys.revoked", field="bundle", **ident, at=row["revoked_at"])
    if (row["agency_code"], row["desk_no"]) != (agency, desk_no):
        raise IntegrityFailure(
            "keys.number_taken",
            field="bundle",
            where=where,
            agency=row["agency_code"],
            desk_no=row["desk_no"],
            other_desk_id=desk_id,
        )
    if signed.key is None or signed.signature is None:
        raise IntegrityFailure("keys.unsigned", field="bundle", where=where)
    if signed.rotations:
        _apply_rotations(store, db, desk_id, signed.rotations, where)
    key = kq.key_row(db, keys.public_text(signed.key))
    if key is None or key["desk_id"] != desk_id or not keys.verify(signed.key, signed.signature, data):
        raise IntegrityFailure("keys.bad_signature", field="bundle", **ident)
    if key["until_seq"] is not None and last_seq > key["until_seq"]:
        raise IntegrityFailure(
            "keys.key_retired",
            field="bundle",
            where=where,
            desk_id=desk_id,
            from_seq=key["until_seq"] + 1,
            last_seq=last_seq,
        )


def _apply_rotations(store: HubStore, db, desk_id: str, values: list, where: str) -> None:
    """Record the rotations this hub does not know yet, each signed by the key it replaces."""
    kq = store.q
    for value in values:
        rotation = keys.Rotation.from_json(value)
        refused = IntegrityFailure("keys.rotation_refused", field="bundle", where=where, desk_id=desk_id)
        if rotation.desk_id != desk_id:
            raise refused
        new = kq.key_row(db, keys.public_text(rotation.new))
        if new is not None:
            if new["desk_id"] != desk_id:
                raise refused
            continue  # known already
        old = kq.key_row(db, keys.public_text(rotation.old))
        if (
            old is None
            or old["desk_id"] != desk_id
            or old["until_seq"] is not None
            or rotation.from_seq < old["from_seq"]
            or not rotation.genuine()
        ):
            raise refused
        with store.writing(desk_id) as tx:
            kq.retire_key(tx, old["public_key"], rotation.from_seq - 1)
            kq.add_key(
                tx,
                desk_id,
                keys.public_text(rotation.new),
                keys.fingerprint(rotation.new),
                rotation.from_seq,
                rotation.at,
            )
