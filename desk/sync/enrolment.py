"""Enrolment of desks at a hub, the hub's registry, and the hub's key as a desk pins it (docs/keys.md).

A desk writes a request (``desk enrol --out FILE``): its agency, desk number, desk id and public key,
self-signed, with the fingerprint its supervisor reads aloud. The hub registers it (``desk hub enrol``)
once the supervisor has compared the fingerprint; one active desk per (agency, desk number), only for
the agencies the hub serves (``hub.agencies``, else its own). ``desk hub revoke`` ends a desk's right
to send: what it sent before stays. The hub's own key (its home's desk key) goes back to the desk in a
hub key file (``desk hub key``), which the desk pins (``desk hub-key set``): a push then trusts only
answers signed by that key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from db import queries
from desk import clock, keys
from desk.config import update_settings
from desk.errors import IntegrityFailure, InvalidInput, NotFound
from desk.fsio import atomic_write
from desk.sync.store import hub_store

REQUEST_FORMAT = "motcua-desk-enrolment/1"
HUB_KEY_FORMAT = "motcua-desk-hub-key/1"
MAX_FILE_BYTES = 64 * 1024


def served_agencies(settings) -> tuple[str, ...]:
    """The agencies whose desks a hub takes: ``hub.agencies``, else its own agency."""
    return tuple(settings.hub_agencies) or (settings.agency.code,)


# --- the desk's request --------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    agency: str
    agency_name: str
    desk_no: int
    desk_id: str
    public_key: bytes
    next_seq: int = 1
    """The seq the desk's next event takes (its key signs from there on when it replaces a lost one)."""

    @property
    def fingerprint(self) -> str:
        return keys.fingerprint(self.public_key)


def _request_bytes(agency: str, desk_no: int, desk_id: str, public_key: bytes, next_seq: int) -> bytes:
    """What the desk's key signs in its request (proof that the desk holds the key it enrols)."""
    fields = [REQUEST_FORMAT, agency, str(desk_no), desk_id, keys.public_text(public_key), str(next_seq)]
    return "\n".join(fields).encode("utf-8")


def make_request(desk) -> dict:
    """The enrolment request of this desk, signed by its key."""
    key = keys.load_desk_key(desk.home)
    agency = desk.settings.agency
    public = keys.public_bytes(key)
    head = queries.last_event(desk.db, desk.desk_id)
    next_seq = (head["seq"] if head else 0) + 1
    return {
        "format": REQUEST_FORMAT,
        "agency": agency.code,
        "agency_name": agency.name,
        "desk_no": agency.desk_no,
        "desk_id": desk.desk_id,
        "public_key": keys.public_text(public),
        "fingerprint": keys.fingerprint(public),
        "next_seq": next_seq,
        "created_at": clock.now().isoformat(timespec="seconds"),
        "signature": keys.b64(
            keys.sign(key, _request_bytes(agency.code, agency.desk_no, desk.desk_id, public, next_seq))
        ),
    }


def _read_json(path: Path) -> dict | str:
    """A small JSON object from a file, or why it is not one (words for the problem's ``detail``)."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return "too large"
        value = json.loads(data.decode("utf-8"))
    except OSError as exc:
        return exc.strerror or str(exc)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return str(exc)[:120]
    return value if isinstance(value, dict) else "not a JSON object"


def read_request(path: str | Path) -> Request:
    """A request file checked whole, its self-signature included (``keys.request_*``)."""
    path = Path(path)
    value = _read_json(path)
    if isinstance(value, str):
        raise InvalidInput("keys.request_unreadable", field="file", path=str(path), detail=value)

    def bad(detail: str) -> InvalidInput:
        return InvalidInput("keys.request_invalid", field="file", path=str(path), detail=detail)

    if value.get("format") != REQUEST_FORMAT:
        raise bad(f"format {str(value.get('format'))[:40]!r}")
    agency, desk_no, desk_id = value.get("agency"), value.get("desk_no"), value.get("desk_id")
    if not isinstance(agency, str) or not 0 < len(agency) <= 35:
        raise bad("agency")
    if type(desk_no) is not int or not 0 <= desk_no <= 9:
        raise bad("desk_no")
    if not isinstance(desk_id, str) or not 0 < len(desk_id) <= 64:
        raise bad("desk_id")
    public = keys.unb64(value.get("public_key"), size=keys.PUBLIC_KEY_BYTES)
    if public is None:
        raise bad("public_key")
    next_seq = value.get("next_seq")
    if type(next_seq) is not int or next_seq < 1:
        raise bad("next_seq")
    signature = keys.unb64(value.get("signature"), size=keys.SIGNATURE_BYTES)
    if not keys.verify(public, signature, _request_bytes(agency, desk_no, desk_id, public, next_seq)):
        raise bad("its signature does not match its key")
    name = value.get("agency_name")
    return Request(agency, name[:200] if isinstance(name, str) else "", desk_no, desk_id, public, next_seq)


# --- the hub's registry ------------------------------------------------------------------------


def enrol(hub, request: Request, *, where: str = "request", replace: bool = False) -> tuple[dict, bool]:
    """Register the desk of ``request`` at this hub; returns (its registry row, whether it was new).

    Enrolling the same desk with the same key again changes nothing; anything else that clashes is refused
    (``keys.other_agency``, ``keys.number_taken``, ``keys.revoked``, ``keys.key_in_use``). With ``replace``,
    an enrolled desk that lost its key (a desk restored from a backup, which holds no key) gets the new
    one: its old key signs up to the last seq this hub holds of it, the new one from the next.
    """
    store = hub_store(hub)
    kq = store.q
    served = served_agencies(hub.settings)
    if request.agency not in served:
        raise IntegrityFailure("keys.other_agency", field="agency", where=where, agency=request.agency, agencies=served)
    public = keys.public_text(request.public_key)
    with store.writing(request.desk_id) as db:
        row = kq.enrolled_desk(db, request.desk_id)
        if row is not None:
            if row["revoked_at"]:
                raise IntegrityFailure(
                    "keys.revoked",
                    field="desk",
                    where=where,
                    desk_id=row["desk_id"],
                    desk_no=row["desk_no"],
                    agency=row["agency_code"],
                    at=row["revoked_at"],
                )
            key = kq.key_row(db, public)
            if key is not None and key["desk_id"] == row["desk_id"] and key["until_seq"] is None:
                return row, False
            if replace and key is None and (row["agency_code"], row["desk_no"]) == (request.agency, request.desk_no):
                head = kq.event_head(db, request.desk_id)
                last = max(head["seq"] if head else 0, request.next_seq - 1)
                for old in kq.desk_keys(db, request.desk_id):
                    if old["until_seq"] is None:
                        kq.retire_key(db, old["public_key"], last)
                at = clock.now().isoformat(timespec="seconds")
                kq.add_key(db, request.desk_id, public, request.fingerprint, last + 1, at)
                return row, True
            raise IntegrityFailure(
                "keys.number_taken",
                field="desk",
                where=where,
                agency=row["agency_code"],
                desk_no=row["desk_no"],
                other_desk_id=row["desk_id"],
            )
        holder = kq.active_desk_by_number(db, request.agency, request.desk_no)
        if holder is not None:
            raise IntegrityFailure(
                "keys.number_taken",
                field="desk",
                where=where,
                agency=request.agency,
                desk_no=request.desk_no,
                other_desk_id=holder["desk_id"],
            )
        if kq.key_row(db, public) is not None:
            raise IntegrityFailure("keys.key_in_use", field="desk", where=where, fingerprint=request.fingerprint)
        kq.enrol_desk(
            db,
            request.desk_id,
            request.agency,
            request.desk_no,
            request.agency_name,
            public,
            request.fingerprint,
            clock.now().isoformat(timespec="seconds"),
        )
    with store.reading() as db:
        row = kq.enrolled_desk(db, request.desk_id)
    assert row is not None
    return row, True


def registry(hub) -> list[dict]:
    """Every desk enrolled at this hub (revoked ones too), with its current key's fingerprint."""
    store = hub_store(hub)
    with store.reading() as db:
        return store.q.enrolled_desks(db)


def find_desk(hub, ref: str) -> dict:
    """The enrolled desk ``ref`` names: its desk id, its number in the hub's agency (``3``), or
    ``AGENCY:3``; the active one when a number was enrolled more than once."""
    ref = ref.strip()
    rows = registry(hub)
    found = [r for r in rows if r["desk_id"] == ref]
    if not found:
        agency, _, number = ref.rpartition(":")
        agency = agency or hub.settings.agency.code
        if number.isdigit():
            same = [r for r in rows if r["agency_code"] == agency and r["desk_no"] == int(number)]
            found = [r for r in same if not r["revoked_at"]] or same
    if not found:
        raise NotFound("keys.not_enrolled", field="desk", desk=ref)
    if len(found) > 1:
        raise InvalidInput("keys.desk_ambiguous", field="desk", desk=ref)
    return found[0]


def revoke(hub, row: dict) -> dict:
    """Revoke an enrolled desk now: from this moment the hub refuses whatever its keys sign."""
    if row["revoked_at"]:
        raise InvalidInput(
            "keys.already_revoked",
            field="desk",
            desk_id=row["desk_id"],
            desk_no=row["desk_no"],
            agency=row["agency_code"],
            at=row["revoked_at"],
        )
    store = hub_store(hub)
    with store.writing(row["desk_id"]) as db:
        store.q.revoke_desk(db, row["desk_id"], clock.now().isoformat(timespec="seconds"))
    with store.reading() as db:
        revoked = store.q.enrolled_desk(db, row["desk_id"])
    assert revoked is not None
    return revoked


# --- the hub's key, as a desk pins it ---------------------------------------------------------------


def hub_key_document(hub) -> dict:
    """The hub key file given to each desk it enrols: the hub's public key (its home's desk key), which
    signs its answers, and the public half of its sealing key (made here at first need), which the
    desk's bundles are sealed to (docs/keys.md, docs/bundle-format.md)."""
    from desk.sync.seal import ensure_hub_identity

    public = keys.desk_public_key(hub.home)
    agency = hub.settings.agency
    return {
        "format": HUB_KEY_FORMAT,
        "agency": agency.code,
        "agency_name": agency.name,
        "hub_desk_id": hub.desk_id,
        "public_key": keys.public_text(public),
        "fingerprint": keys.fingerprint(public),
        "seal_key": str(ensure_hub_identity(hub.home).to_public()),
    }


def write_json(path: str | Path, value: dict) -> Path:
    out = Path(path).expanduser()
    try:
        atomic_write(out, json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8") + b"\n", mode=0o644)
    except OSError as exc:
        raise InvalidInput("keys.write_failed", field="out", path=str(out), detail=exc.strerror or str(exc)) from None
    return out


def read_hub_key(path: str | Path) -> tuple[bytes, dict]:
    """The public key of a hub key file (and the file), ``keys.hub_key_file_invalid`` otherwise."""
    path = Path(path)
    value = _read_json(path)
    if isinstance(value, str):
        raise InvalidInput("keys.hub_key_file_invalid", field="file", path=str(path), detail=value)
    if value.get("format") != HUB_KEY_FORMAT:
        raise InvalidInput(
            "keys.hub_key_file_invalid",
            field="file",
            path=str(path),
            detail=f"format {str(value.get('format'))[:40]!r}",
        )
    public = keys.unb64(value.get("public_key"), size=keys.PUBLIC_KEY_BYTES)
    if public is None:
        raise InvalidInput("keys.hub_key_file_invalid", field="file", path=str(path), detail="public_key")
    if "seal_key" in value:  # files of hubs before sealed bundles have none
        from desk.sync.seal import parse_recipient

        if not isinstance(value["seal_key"], str):
            raise InvalidInput("keys.hub_key_file_invalid", field="file", path=str(path), detail="seal_key")
        parse_recipient(value["seal_key"], path=str(path))
    return public, value


def pin_hub_key(home, public: bytes) -> None:
    """Keep the hub's key in ``[sync] hub_key``: pushes then accept only answers it signed."""
    update_settings(home, sync_hub_key=keys.public_text(public))
