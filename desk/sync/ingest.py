"""The hub's side of sync, shared by bundle import and the HTTP receiver.

:func:`check_records` validates a run of one desk's events on its own (shape,
hostile text, every hash, the links inside the run); :func:`ingest` then, in
one transaction, checks continuity with that desk's events already at this
home, skips known event ids, inserts the new events, rebuilds the dossiers they
touch from their snapshots, and records the import and any seq gap. Bundles
(``desk.sync.bundle``) and pushed batches (``desk.sync.hub``) both go through here, so
the two paths cannot drift apart.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import re
from json.encoder import c_make_encoder, encode_basestring
from json.scanner import c_make_scanner
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter

import orjson

from db import sync_queries as sq
from db import queries, write_transaction
from desk import clock
from desk.errors import DeskError, IntegrityFailure
from desk.dossier.events import GENESIS, HASHED_FIELDS, canonical_text
from desk.models import ApplicantKind, Channel, Delivery, Digitisation, Form, IdKind, Status
from desk.dossier.rows import from_snapshot

Progress = Callable[[int, int], None]
"""``progress(done, total)``; it may raise (for example :class:`Cancelled`) to stop the work."""

RECORD_KEYS = frozenset((*HASHED_FIELDS, "hash"))
MAX_SEQ = 2**53
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_EVENT_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
_EVENT_TYPE = re.compile(r"^[a-z0-9_.-]{1,64}$")
_SAFE_PATH = re.compile(r"^[0-9A-Za-z_.-]+(/[0-9A-Za-z_.-]+)*$")
# a stored text may hold the newline but no other control character; in
# canonical JSON those appear escaped, while DEL, C1, bidi controls, zero-width
# characters and the BOM appear raw
_HOSTILE_RAW = re.compile(
    "[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_ESCAPE = re.compile(r"\\(u00[01][0-9a-fA-F]|u007[fF]|.)")
# the same characters as _HOSTILE_RAW in UTF-8 (valid UTF-8 is self-synchronising: these bytes mean those
# characters wherever they occur), by lead byte: one pass over a whole events member (a byte search, then a
# regex only when the lead byte is there at all) instead of one regex search per event
_HOSTILE_UTF8 = tuple(
    (lead, re.compile(p))
    for lead, p in (
        (b"\x7f", rb"\x7f"),  # DEL
        (b"\xc2", rb"\xc2[\x80-\x9f\xad]"),  # C1, soft hyphen
        (b"\xd8", rb"\xd8\x9c"),  # U+061C
        # U+200B–200F, U+202A–202E, U+2060–2064, U+2066–206F
        (b"\xe2", rb"\xe2(?:\x80[\x8b-\x8f\xaa-\xae]|\x81[\xa0-\xa4\xa6-\xaf])"),
        (b"\xef", rb"\xef(?:\xbb\xbf|\xbf[\xb9-\xbb])"),  # BOM, U+FFF9–FFFB
    )
)
MAX_PROBLEMS_SHOWN = 5


@contextlib.contextmanager
def gc_paused():
    """The cyclic garbage collector paused while a bundle's events are read or written.

    Parsing or building tens of thousands of events allocates millions of
    dicts and lists, none in a cycle; each allocation burst otherwise sets off
    collections that walk every object of the process (the TUI's included).
    Reference counting still frees everything; the collector resumes after.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Cancelled(DeskError):
    """The person stopped the work; nothing was changed."""

    exit_code = 130


class ChainConflict(IntegrityFailure):
    """The events disagree with those of the same desk already at this home (fork or tampering)."""


@dataclass(frozen=True)
class Gap:
    """A run of a desk's events this home has not received (a bundle or batch in between is missing)."""

    desk_id: str
    desk_no: int | None
    agency_code: str
    first_seq: int
    last_seq: int

    def to_json(self) -> dict:
        return {
            "desk_id": self.desk_id,
            "desk_no": self.desk_no,
            "agency_code": self.agency_code,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
        }

    def describe(self) -> str:
        who = f"desk {self.desk_no} of {self.agency_code}" if self.desk_no is not None else f"desk {self.desk_id}"
        span = f"event {self.first_seq}" if self.first_seq == self.last_seq else f"events {self.first_seq}–{self.last_seq}"
        return f"{who}: {span} have not arrived (a bundle or batch is missing)"


@dataclass
class IngestResult:
    imported: int
    skipped: int
    acknowledged: list[str] = field(default_factory=list)
    """Every event id of the run this home now holds (new and already known)."""
    gaps: list[Gap] = field(default_factory=list)
    """Open gaps of the desk after the import."""
    dossiers: int = 0
    """Dossiers rebuilt."""


@dataclass(slots=True)
class CheckedRecord:
    """A validated event record with the text to store (as UTF-8 bytes when read by :func:`parse_trusted_line`)."""

    record: dict
    payload_text: str | bytes


def hostile_text(canonical: str) -> bool:
    """True when canonical JSON text holds a control or invisible character (other than the newline)."""
    if _HOSTILE_RAW.search(canonical):
        return True
    if "\\" not in canonical:
        return False
    # pairs are consumed left to right, so an escaped backslash never starts an escape
    return any(m.group(1) not in ('"', "\\", "/", "n") for m in _ESCAPE.finditer(canonical))


def hostile_bytes(data: bytes) -> bool:
    """True when UTF-8 ``data`` holds a character :func:`hostile_text` refuses raw (escapes aside)."""
    return any(lead in data and p.search(data) for lead, p in _HOSTILE_UTF8)


_dumps = encode_basestring  # json.dumps(str, ensure_ascii=False), without building an encoder each time


def hashed_text(r: dict, payload_text: str) -> str:
    """``canonical_json`` of the hashed fields, built around the payload's canonical text (one encoding, not two)."""
    return (
        '{"at":' + _dumps(r["at"]) + ',"clerk":' + _dumps(r["clerk"]) + ',"desk_id":' + _dumps(r["desk_id"])
        + ',"dossier_code":' + _dumps(r["dossier_code"]) + ',"event_id":' + _dumps(r["event_id"])
        + ',"payload":' + payload_text + ',"prev_hash":' + _dumps(r["prev_hash"]) + ',"seq":' + str(r["seq"])
        + ',"type":' + _dumps(r["type"]) + "}"
    )


def record_line(r: dict, payload_text: str) -> str:
    """``canonical_json`` of a whole record (with its hash), built around the payload's canonical text."""
    return event_line(r["seq"], r["event_id"], r["desk_id"], r["dossier_code"], r["type"], r["at"], r["clerk"],
                      payload_text, r["prev_hash"], r["hash"])


def event_line(seq: int, event_id: str, desk_id: str, dossier_code: str, type: str, at: str, clerk: str,
               payload_text: str, prev_hash: str, hash: str) -> str:
    """:func:`record_line` from the stored columns (a bundle's events.jsonl line, without the newline)."""
    before, after = event_line_ends(seq, event_id, desk_id, dossier_code, type, at, clerk, prev_hash, hash)
    return before + payload_text + after


def event_line_ends(seq: int, event_id: str, desk_id: str, dossier_code: str, type: str, at: str, clerk: str,
                    prev_hash: str, hash: str) -> tuple[str, str]:
    """What comes before and after the payload's text in :func:`event_line`."""
    return (
        f'{{"at":{_dumps(at)},"clerk":{_dumps(clerk)},"desk_id":{_dumps(desk_id)},'
        f'"dossier_code":{_dumps(dossier_code)},"event_id":{_dumps(event_id)},"hash":{_dumps(hash)},"payload":',
        f',"prev_hash":{_dumps(prev_hash)},"seq":{seq},"type":{_dumps(type)}}}',
    )


# the keys of an event record around its hash and payload, in canonical order
_OUTER_KEYS = ("at", "clerk", "desk_id", "dossier_code", "event_id", "prev_hash", "seq", "type")
_HASH_KEY = ',"hash":"'
_HASH_END = len(_HASH_KEY) + 64 + 1  # ,"hash":"<64 hex digits>"
_PAYLOAD_KEY = ',"payload":'
_PAYLOAD_AT = _HASH_END + len(_PAYLOAD_KEY)
_TAIL_KEY = ',"prev_hash":"'
_COMPONENTS_KEY = '{"components":'
_DOSSIER_KEY = '],"dossier":{'
_TEXTS = (str,) * 7


def _not_json(value):
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


if c_make_encoder is not None and c_make_scanner is not None:
    # the C encoder and scanner behind canonical_text and json.loads, called directly (each call of those
    # builds an encoder or goes through two Python layers); no cycle check: only parsed JSON goes in
    _c_encode = c_make_encoder(None, _not_json, _dumps, None, ":", ",", True, False, False)
    _c_scan = c_make_scanner(json.JSONDecoder())

    def _encode_parsed(value) -> str:
        return "".join(_c_encode(value, 0))

    def _parse_whole(text: str):
        try:
            value, end = _c_scan(text, 0)
        except (StopIteration, ValueError, RecursionError):
            return None
        return value if end == len(text) else None
else:  # pragma: no cover — CPython always has them
    _encode_parsed = canonical_text

    def _parse_whole(text: str):
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            return None


def _canonical_or_none(text: str, verify: bool = True):
    """The value of JSON ``text`` when ``text`` is its canonical encoding, else None.

    With ``verify=False``, the value of any JSON text: for a caller that has
    the encoding checked elsewhere (see ``desk.sync.bundle``'s checker process).
    """
    value = _parse_whole(text)
    if value is None or not verify:
        return value
    try:
        return value if _encode_parsed(value) == text else None
    except (ValueError, RecursionError):  # NaN or infinity; too deep
        return None


def _canonical_payload(text: str, known: dict[str, list], verify: bool = True):
    """The payload ``text`` holds when it is canonical JSON of an object, else None.

    A snapshot's component list is looked up in ``known`` (lists already read
    and found canonical, by their text): the events of a day repeat them.
    Splitting ``{"components":C,"dossier":D}`` at the first ``],"dossier":{``
    is safe: a canonical string never holds a bare ``"``, a wrong split leaves
    C or D unparsable or not canonical, and then the whole text is read.
    """
    if text.startswith(_COMPONENTS_KEY + "[") and text.endswith("}"):
        m = text.find(_DOSSIER_KEY)
        if m > 0:
            c_text = text[len(_COMPONENTS_KEY) : m + 1]
            components = known.get(c_text)
            if components is None:
                components = _canonical_or_none(c_text, verify)
                if type(components) is list:
                    known[c_text] = components
                else:
                    components = None
            if components is not None:
                dossier = _canonical_or_none(text[m + len(_DOSSIER_KEY) - 1 : -1], verify)
                if type(dossier) is dict:
                    return {"components": components, "dossier": dossier}
    value = _canonical_or_none(text, verify)
    return value if type(value) is dict else None


def parse_canonical_line(line: str, known: dict[str, list], *,
                         verify: bool = True) -> tuple[dict, tuple[str, str, str]] | None:
    """The event record a bundle line holds, with its canonical texts, or None.

    Only when the line is exactly ``canonical_json`` of the record (as
    :func:`record_line` writes it): every piece is parsed and checked to be the
    canonical encoding of what it parses to. Returns the record and (payload
    text, before, after): the payload's canonical JSON, and what surrounds it in
    the hashed text (the line without its hash), as ``canonical_json`` gives them.
    Anything else returns None, and the caller reads the line the ordinary way
    (:func:`check_records` then hashes the canonical re-encoding). ``known``:
    see :func:`_canonical_payload`; one dict per bundle.

    The line is ``{H,"hash":"<digest>","payload":P,T}`` where H holds the keys
    before "hash" and T those after "payload": ``{H,T}`` is read as one object.

    ``verify=False`` reads the pieces without checking that each is the
    canonical encoding of its value (about half the work): only for lines
    whose canonical form is being checked by someone else.
    """
    k = line.find(_HASH_KEY)
    if k < 0 or not line.startswith('{"at":'):
        return None
    digest = line[k + len(_HASH_KEY) : k + _HASH_END - 1]
    if line[k + _HASH_END - 1 : k + _PAYLOAD_AT] != '"' + _PAYLOAD_KEY or not _HEX64.fullmatch(digest):
        return None
    j = line.rfind(_TAIL_KEY)
    if j < k + _PAYLOAD_AT:
        return None
    outer = _canonical_or_none(line[:k] + line[j:], verify)
    if type(outer) is not dict or tuple(outer) != _OUTER_KEYS:
        return None
    at, clerk, desk_id, dossier_code, event_id, prev_hash, seq, type_ = outer.values()
    # texts and a number only: then neither key searched for can occur inside a value, and the line
    # was split where canonical JSON puts "hash" and "payload"
    texts = (at, clerk, desk_id, dossier_code, event_id, prev_hash, type_)
    if type(seq) is not int or tuple(map(type, texts)) != _TEXTS:
        return None
    payload_text = line[k + _PAYLOAD_AT : j]
    payload = _canonical_payload(payload_text, known, verify)
    if payload is None:
        return None
    record = {
        "at": at, "clerk": clerk, "desk_id": desk_id, "dossier_code": dossier_code, "event_id": event_id,
        "hash": digest, "payload": payload, "prev_hash": prev_hash, "seq": seq, "type": type_,
    }
    return record, (payload_text, line[:k] + _PAYLOAD_KEY, line[j:])


_TRUSTED_HEAD = re.compile(
    rb'\{"at":"([^"\\]*)","clerk":"([^"\\]*)","desk_id":"([^"\\]*)","dossier_code":"([^"\\]*)",'
    rb'"event_id":"([^"\\]*)","hash":"([0-9a-f]{64})","payload":'
)
_TRUSTED_TAIL = re.compile(rb',"prev_hash":"([^"\\]*)","seq":(0|-?[1-9][0-9]{0,17}),"type":"([^"\\]*)"\}')
_TRUSTED_TAIL_KEY = _TAIL_KEY.encode()
_COMPONENTS_START = (_COMPONENTS_KEY + "[").encode()
_DOSSIER_SPLIT = _DOSSIER_KEY.encode()


def parse_trusted_line(line: bytes, known: dict) -> tuple[dict, bytes | str] | None:
    """The record of a bundle line whose encoding someone else checks, and its payload's text; or None.

    For ``desk.sync.bundle``'s import with the check in another process: the line
    is read from its UTF-8 bytes, plain texts by a pattern and the payload by
    orjson, without decoding it whole or checking that it is canonical (the
    other process does). The payload comes back as the line's bytes (stored
    as text by ``CAST(? AS TEXT)``), or as text when the line was read the
    other way: a line with an escape in a field (a clerk's name with a
    quote) or a float in its payload (orjson reads an integer beyond 64 bits
    as one, json does not) is read as :func:`parse_canonical_line` reads it,
    which gives the same record as json. None when the line cannot be read;
    ``known``: as for that function.
    """
    head = _TRUSTED_HEAD.match(line)
    j = line.rfind(_TRUSTED_TAIL_KEY)
    tail = _TRUSTED_TAIL.fullmatch(line, j) if head is not None and j >= head.end() else None
    payload = None
    if tail is not None:
        try:
            at, clerk, desk_id, dossier_code, event_id, digest = (g.decode("utf-8") for g in head.groups())
            prev_hash, type_ = tail[1].decode("utf-8"), tail[3].decode("utf-8")
            payload = _trusted_payload(line[head.end() : j], known)
        except (UnicodeDecodeError, orjson.JSONDecodeError):
            return None
    if payload is None:
        try:
            parsed = parse_canonical_line(line.decode("utf-8"), known, verify=False)
        except UnicodeDecodeError:
            return None
        return None if parsed is None else (parsed[0], parsed[1][0])
    record = {
        "at": at, "clerk": clerk, "desk_id": desk_id, "dossier_code": dossier_code, "event_id": event_id,
        "hash": digest, "payload": payload, "prev_hash": prev_hash, "seq": int(tail[2]), "type": type_,
    }
    return record, line[head.end() : j]


def _trusted_payload(data: bytes, known: dict) -> dict | None:
    """The object a payload's UTF-8 holds, read by orjson; None if not an object or it holds a float.

    A snapshot's component list is looked up in ``known``, where only lists
    without a float are kept. Raises orjson.JSONDecodeError on what is not JSON.
    """
    if data.startswith(_COMPONENTS_START) and data.endswith(b"}"):
        m = data.find(_DOSSIER_SPLIT)
        if m > 0:
            c_data = data[len(_COMPONENTS_KEY) : m + 1]
            components = known.get(c_data)
            if components is None:
                components = orjson.loads(c_data)
                if type(components) is not list or _holds_float(components):
                    return None
                known[c_data] = components
            dossier = orjson.loads(data[m + len(_DOSSIER_KEY) - 1 : -1])
            if type(dossier) is not dict or _holds_float(dossier):
                return None
            return {"components": components, "dossier": dossier}
    value = orjson.loads(data)
    return value if type(value) is dict and not _holds_float(value) else None


def read_payload(data: bytes, known: dict) -> dict:
    """``json.loads`` of a payload's UTF-8 (a stored one, as export reads it), by orjson where that is the same.

    A snapshot's component list is read once per distinct text and shared
    through ``known``: callers only read it. Raises ValueError on what is not JSON.
    """
    try:
        value = _trusted_payload(data, known)
    except orjson.JSONDecodeError:
        value = None
    return json.loads(data) if value is None else value


def _holds_float(value: dict | list) -> bool:
    """Whether a parsed JSON object or array holds a float anywhere (one pass over a flat one)."""
    values = value.values() if type(value) is dict else value
    kinds = set(map(type, values))
    if float in kinds:
        return True
    if dict in kinds or list in kinds:
        return any(_holds_float(v) for v in values if type(v) is dict or type(v) is list)
    return False


def _fail(where: str, problems: list[str], cls=IntegrityFailure) -> IntegrityFailure:
    shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
    more = f" (and {len(problems) - MAX_PROBLEMS_SHOWN} more)" if len(problems) > MAX_PROBLEMS_SHOWN else ""
    return cls(f"{where}: {shown}{more}. Nothing was imported.")


def _check_shape(r, where: str, desk_id: str) -> str | None:
    if not isinstance(r, dict):
        return f"{where}: not an event object"
    if set(r) != RECORD_KEYS:
        extra, missing = sorted(set(r) - RECORD_KEYS), sorted(RECORD_KEYS - set(r))
        return f"{where}: fields differ from an event (missing {missing}, unexpected {extra})"
    seq = r["seq"]
    if type(seq) is not int or not 1 <= seq < MAX_SEQ:
        return f"{where}: seq {seq!r} is not a positive integer"
    if r["desk_id"] != desk_id:
        return f"{where}: event of desk {r['desk_id']!r} in a run of desk {desk_id}"
    for name in ("event_id", "dossier_code", "type", "at", "clerk", "prev_hash", "hash"):
        if not isinstance(r[name], str):
            return f"{where}: {name} is not text"
    if not _EVENT_ID.match(r["event_id"]):
        return f"{where}: event_id {r['event_id'][:80]!r} is not an id"
    if not _EVENT_TYPE.match(r["type"]):
        return f"{where}: type {r['type'][:80]!r} is not an event type"
    if len(r["dossier_code"]) > 80 or len(r["clerk"]) > 200:
        return f"{where}: dossier code or clerk too long"
    if not (_HEX64.match(r["prev_hash"]) and _HEX64.match(r["hash"])):
        return f"{where}: hash or prev_hash is not a SHA-256 hex digest"
    try:
        datetime.fromisoformat(r["at"])
    except ValueError:
        return f"{where}: at {r['at'][:40]!r} is not an ISO 8601 date-time"
    if not isinstance(r["payload"], dict):
        return f"{where}: payload is not an object"
    return None


# the typed shape of a dossier snapshot (desk.dossier.rows.snapshot), checked with C-speed tuple compares
_D_STR = ("id", "code", "desk_id", "procedure_code", "procedure_name", "applicant_name", "id_number", "sex",
          "phone", "email", "address", "register_book", "clerk", "notes", "collected_by", "satisfaction",
          "received_at", "updated_at")
_D_INT = ("desk_no", "sets", "register_line")
_D_OPT_DT = ("due_at", "paused_at", "finished_at", "returned_at")
_D_ENUMS = {
    "applicant_kind": frozenset(ApplicantKind),
    "channel": frozenset(Channel),
    "delivery": frozenset(Delivery),
    "status": frozenset(Status),
    "id_kind": frozenset({"", *IdKind}),
}
_L_STR = ("code", "name", "reuse_source", "file_path", "file_sha256", "note")
_L_INT = ("position", "quantity", "file_bytes", "file_pages")
_L_FLAGS = ("received", "required", "must_digitise")
_FORMS, _DIGITISATIONS = frozenset(Form), frozenset(Digitisation)
_D_KEYS = frozenset(c for c in queries.DOSSIER_COLUMNS if c != "applicant_folded")
_L_KEYS = frozenset(c for c in queries.LINE_COLUMNS if c != "dossier_id")
_get_d_str, _get_d_int, _get_d_dt = itemgetter(*_D_STR), itemgetter(*_D_INT), itemgetter(*_D_OPT_DT)
_get_l_str, _get_l_int, _get_l_flags = itemgetter(*_L_STR), itemgetter(*_L_INT), itemgetter(*_L_FLAGS)
_STRS_D, _INTS_D = (str,) * len(_D_STR), (int,) * len(_D_INT)
_STRS_L, _INTS_L = (str,) * len(_L_STR), (int,) * len(_L_INT)
MAX_TEXT = 5000  # no field a desk writes is longer
MAX_NUMBER = 2**53 - 1  # no number a desk writes is larger (and SQLite stores at most 2**63 - 1)


def _snapshot_problem(snap: dict, lines: list) -> str | None:
    """What makes a snapshot unusable as a dossier row and its lines, or None."""
    return _dossier_problem(snap) or _lines_problem(lines)


def _dossier_problem(snap: dict) -> str | None:
    if not snap.keys() >= _D_KEYS:
        return f"the dossier snapshot lacks {sorted(_D_KEYS - snap.keys())[:5]}"
    texts, numbers = _get_d_str(snap), _get_d_int(snap)
    if tuple(map(type, texts)) != _STRS_D or tuple(map(type, numbers)) != _INTS_D:
        return "a field of the dossier snapshot has the wrong type"
    if max(map(len, texts)) > MAX_TEXT:
        return "a text of the dossier snapshot is too long"
    if max(map(abs, numbers)) > MAX_NUMBER:
        return "a number of the dossier snapshot is out of range"
    for name, allowed in _D_ENUMS.items():
        if snap[name] not in allowed:
            return f"{name} {str(snap[name])[:40]!r} is not a known value"
    try:
        datetime.fromisoformat(snap["received_at"])
        datetime.fromisoformat(snap["updated_at"])
        for value in _get_d_dt(snap):
            if value is not None:
                datetime.fromisoformat(value)
        if snap["birth_date"] is not None:
            date.fromisoformat(snap["birth_date"])
    except (TypeError, ValueError):
        return "a date of the dossier snapshot is not ISO 8601"
    return None


def _lines_problem(lines: list) -> str | None:
    for line in lines:
        if not isinstance(line, dict) or not line.keys() >= _L_KEYS:
            return "a component line of the snapshot is malformed"
        texts, numbers = _get_l_str(line), _get_l_int(line)
        if (tuple(map(type, texts)) != _STRS_L or tuple(map(type, numbers)) != _INTS_L
                or not set(_get_l_flags(line)) <= {0, 1} or max(map(len, texts)) > MAX_TEXT
                or max(map(abs, numbers)) > MAX_NUMBER):
            return "a component line of the snapshot has a field of the wrong type"
        if line["form"] not in _FORMS or line["digitisation"] not in _DIGITISATIONS:
            return "a component line of the snapshot has an unknown form or digitisation state"
        path = line["file_path"]
        if path and (not _SAFE_PATH.match(path) or ".." in path.split("/")):
            return f"component file path {path[:80]!r} is not a safe relative path"
    return None


def _check_snapshot(r: dict, where: str, lines_seen: dict | None = None) -> str | None:
    """A snapshot must be a dossier of the event's code, typed as the desk writes it, with safe file paths.

    ``lines_seen`` remembers, by identity, component lists already checked (and
    alive for as long as the dict: the records being checked hold them).
    """
    payload = r["payload"]
    if "dossier" not in payload:
        return None
    snap = payload["dossier"]
    lines = payload.get("components")
    if not isinstance(snap, dict) or not isinstance(lines, list):
        return f"{where}: the dossier snapshot is malformed"
    problem = _dossier_problem(snap)
    if not problem:
        if lines_seen is None:
            problem = _lines_problem(lines)
        else:
            key = id(lines)
            if key in lines_seen:
                problem = lines_seen[key]
            else:
                problem = lines_seen[key] = _lines_problem(lines)
    if problem:
        return f"{where}: {problem}"
    if snap["code"] != r["dossier_code"]:
        return f"{where}: the snapshot is of dossier {snap['code'][:80]!r}, not {r['dossier_code']!r}"
    return None


def check_records(
    records: list,
    *,
    desk_id: str,
    where: str,
    certified: list[tuple[str, str, str] | None] | None = None,
    raw_clean: bool = False,
) -> list[CheckedRecord]:
    """Validate a run of one desk's events, in seq order: shape, text, hashes, the links inside the run.

    Raises IntegrityFailure naming ``where`` and the events at fault; returns
    the records with their canonical payload text, ready for :func:`ingest`.

    A bundle's reader passes what :func:`parse_canonical_line` found:
    ``certified[i]`` is None or the canonical texts of record i (payload, and
    what comes before and after it in the hashed text), which are then not
    encoded again; ``raw_clean`` says that :func:`hostile_bytes` found nothing
    in the UTF-8 of those lines (one pass over the file instead of a regex
    search per event; escapes are still looked at event by event).
    """
    problems: list[str] = []
    out: list[CheckedRecord] = []
    prev: dict | None = None
    lines_seen: dict[int, str | None] = {}
    suspicious = not raw_clean
    sha256 = hashlib.sha256
    for i, r in enumerate(records, 1):
        at = f"event #{i}" + (f" (seq {r['seq']})" if isinstance(r, dict) and "seq" in r else "")
        problem = _check_shape(r, at, desk_id) or _check_snapshot(r, at, lines_seen)
        if problem:
            problems.append(problem)
            if len(problems) > MAX_PROBLEMS_SHOWN:
                break
            continue
        known = certified[i - 1] if certified is not None else None
        try:
            if known is None:
                payload_text = canonical_text(r["payload"])
                hashed = hashed_text(r, payload_text)
            else:
                payload_text, before, after = known
                hashed = before + payload_text + after
            digest = sha256(hashed.encode("utf-8")).hexdigest()
        except (UnicodeEncodeError, ValueError):
            problems.append(f"{at}: holds text that is not valid Unicode")
            continue
        if (known is None or suspicious or "\\" in hashed) and hostile_text(hashed):
            problems.append(f"{at}: holds control or invisible characters a desk never stores")
            continue
        if digest != r["hash"]:
            problems.append(f"{at}: altered (its hash does not match its content)")
        if prev is not None:
            if r["seq"] <= prev["seq"]:
                problems.append(f"{at}: out of order after seq {prev['seq']}")
            elif r["seq"] == prev["seq"] + 1 and r["prev_hash"] != prev["hash"]:
                problems.append(f"{at}: does not follow seq {prev['seq']} (chain broken)")
        if r["seq"] == 1 and r["prev_hash"] != GENESIS:
            problems.append(f"{at}: the first event of a desk must start the chain")
        prev = r
        out.append(CheckedRecord(r, payload_text))
    if problems:
        raise _fail(where, problems)
    return out


def _rebuild(db, codes: list[str], fresh: dict[tuple[str, int], dict]) -> int:
    """Write the current state of each dossier touched.

    Per desk the latest snapshot by seq wins (a desk's own order, whatever its
    clock said); between desks, the latest by (at, seq, desk_id). ``fresh``
    holds the parsed payloads just received, so they are not read back.
    """
    if not codes:
        return 0
    candidates = sq.latest_events_per_desk(db, codes)
    keys = [(c["desk_id"], c["seq"]) for c in candidates]
    stored = sq.event_payloads(db, [k for k in keys if k not in fresh])
    payloads = {k: fresh[k] if k in fresh else json.loads(stored[k]) for k in keys}
    lacking = {(c["dossier_code"], c["desk_id"]) for c in candidates
               if not _is_snapshot(payloads[(c["desk_id"], c["seq"])])}
    if lacking:
        # a desk's latest event about these dossiers carries no snapshot (a print, say): take its latest that does
        older = {(c["dossier_code"], c["desk_id"]): c
                 for c in sq.latest_snapshot_events_per_desk(db, sorted({code for code, _ in lacking}))}
        candidates = [older.get(key) if key in lacking else c
                      for c in candidates for key in [(c["dossier_code"], c["desk_id"])]]
        candidates = [c for c in candidates if c is not None]
        more = [(c["desk_id"], c["seq"]) for c in candidates if (c["desk_id"], c["seq"]) not in payloads]
        payloads.update({k: json.loads(v) for k, v in sq.event_payloads(db, more).items()})
    best: dict[str, dict] = {}
    for c in candidates:
        cur = best.get(c["dossier_code"])
        if cur is None or (c["at"], c["seq"], c["desk_id"]) > (cur["at"], cur["seq"], cur["desk_id"]):
            best[c["dossier_code"]] = c
    states = {code: from_snapshot(payloads[(c["desk_id"], c["seq"])]) for code, c in best.items()}
    ids_by_code = sq.dossier_ids_by_code(db, list(states))
    clashes = [
        f"dossier code {code} already belongs to another dossier at this home"
        for code, (row, _) in states.items()
        if code in ids_by_code and ids_by_code[code] != row["id"]
    ]
    if clashes:
        raise _fail(
            "dossier codes collide (two desks of the agency may share one desk number)", clashes, ChainConflict
        )
    present = sq.existing_dossier_ids(db, [row["id"] for row, _ in states.values()])
    new_rows, new_lines = [], []
    for row, lines in states.values():
        if row["id"] in present:
            queries.replace_dossier(db, row, lines)
        else:
            new_rows.append(row)
            dossier_id = row["id"]
            for line in lines:  # from_snapshot's own copies
                line["dossier_id"] = dossier_id
            new_lines += lines
    sq.insert_dossiers(db, new_rows, new_lines)
    return len(states)


def _is_snapshot(payload: dict) -> bool:
    return isinstance(payload.get("dossier"), dict) and isinstance(payload.get("components"), list)


def _refresh_gaps(db, desk_id: str, lo: int, hi: int, at: str, by: str) -> None:
    """Close the recorded gaps that events ``lo…hi`` filled, record the ones they reveal."""
    current, first, last = sq.seq_gaps(db, desk_id, (lo, hi))
    current = set(current)
    recorded = {
        (g["first_seq"], g["last_seq"]): g
        for g in sq.open_gaps(db, desk_id)
        if g["first_seq"] >= first and g["last_seq"] <= last
    }
    for span, g in recorded.items():
        if span not in current:
            sq.close_gap(db, g["id"], at, by)
    for first_seq, last_seq in sorted(current - set(recorded)):
        sq.open_gap(db, desk_id, first_seq, last_seq, at, by)


def desk_gaps(db, desk_id: str | None = None) -> list[Gap]:
    """Open gaps recorded at this home (for one desk, or all)."""
    desks = {d["desk_id"]: d for d in sq.hub_desk_rows(db)}
    out = []
    for g in sq.open_gaps(db, desk_id):
        d = desks.get(g["desk_id"], {})
        out.append(Gap(g["desk_id"], d.get("desk_no"), d.get("agency_code", ""), g["first_seq"], g["last_seq"]))
    return out


def ingest(
    desk,
    checked: list[CheckedRecord],
    *,
    source: str,
    name: str,
    desk_id: str,
    agency_code: str,
    desk_no: int,
    where: str,
    progress: Progress | None = None,
    before_commit: Callable[[IngestResult], None] | None = None,
) -> IngestResult:
    """Store a checked run of one desk's events in one transaction; see the module docstring.

    ``before_commit`` runs inside the transaction (the hub stores its
    idempotent response there; bundle import writes scans); if it raises,
    nothing is imported. Known events are skipped, so ingesting twice changes
    nothing.
    """
    db = desk.db
    total = len(checked)
    now = clock.now().isoformat(timespec="seconds")
    mark = f"{source}:{name}"
    with sq.bulk_cache(db, total), write_transaction(db):
        result = IngestResult(imported=0, skipped=0)
        if not checked:
            if before_commit:
                before_commit(result)
            return result
        seqs = {c.record["seq"] for c in checked}
        lo, hi = checked[0].record["seq"], checked[-1].record["seq"]
        around = sq.event_rows_between(db, desk_id, lo - 1, hi + 1)
        elsewhere = sq.event_ids_present(db, [c.record["event_id"] for c in checked])
        problems: list[str] = []
        new: list[CheckedRecord] = []
        for c in checked:
            r = c.record
            seq = r["seq"]
            have = around.get(seq)
            if have is not None:
                if have["event_id"] == r["event_id"] and have["hash"] == r["hash"]:
                    result.skipped += 1
                    result.acknowledged.append(r["event_id"])
                else:
                    problems.append(f"seq {seq} differs from the event this home already has for that desk")
                continue
            if r["event_id"] in elsewhere:
                problems.append(f"seq {seq}: event id {r['event_id']} is already stored as another event")
                continue
            if seq - 1 not in seqs and seq - 1 in around and around[seq - 1]["hash"] != r["prev_hash"]:
                problems.append(f"seq {seq} does not follow seq {seq - 1} already at this home (chain broken)")
            if seq + 1 not in seqs and seq + 1 in around and around[seq + 1]["prev_hash"] != r["hash"]:
                problems.append(f"seq {seq + 1} already at this home does not follow seq {seq} (chain broken)")
            new.append(c)
        if problems:
            raise _fail(f"{where} (desk {desk_no}, {desk_id})", problems, ChainConflict)
        step = 2000
        for i in range(0, len(new), step):
            part = new[i : i + step]
            sq.insert_event_rows(
                db,
                [
                    (desk_id, r["seq"], r["event_id"], r["dossier_code"], r["type"], r["at"], r["clerk"],
                     c.payload_text, r["prev_hash"], r["hash"])
                    for c in part
                    for r in (c.record,)
                ],
            )
            result.imported += len(part)
            result.acknowledged.extend(c.record["event_id"] for c in part)
            if progress:
                progress(result.skipped + result.imported, total)
        if new:
            codes = sorted({c.record["dossier_code"] for c in new if c.record["dossier_code"]})
            fresh = {(desk_id, c.record["seq"]): c.record["payload"] for c in new}
            result.dossiers = _rebuild(db, codes, fresh)
            sq.add_mark(db, desk_id, new[0].record["seq"], new[-1].record["seq"], mark, now)
            sq.upsert_desk(db, desk_id, agency_code, desk_no, now)
            _refresh_gaps(db, desk_id, lo, hi, now, f"{source} {name}")
            sq.record_import(
                db,
                {
                    "source": source,
                    "name": name,
                    "desk_id": desk_id,
                    "agency_code": agency_code,
                    "desk_no": desk_no,
                    "first_seq": lo,
                    "last_seq": hi,
                    "imported_events": result.imported,
                    "skipped_events": result.skipped,
                    "last_hash": checked[-1].record["hash"],
                    "at": now,
                },
            )
        result.gaps = desk_gaps(db, desk_id)
        if progress:
            progress(total, total)
        if before_commit:
            before_commit(result)
    return result


@dataclass
class HubDesk:
    """A desk whose events reached this home."""

    desk_id: str
    agency_code: str
    desk_no: int
    events: int
    last_seq: int | None
    last_seen: str


@dataclass
class HubStatus:
    desks: list[HubDesk]
    gaps: list[Gap]
    recent: list[dict]

    def to_json(self) -> dict:
        return {
            "desks": [d.__dict__ for d in self.desks],
            "gaps": [g.to_json() for g in self.gaps],
            "recent_imports": self.recent,
        }


def hub_status(desk, recent: int = 20) -> HubStatus:
    """What this home has received from other desks: per desk, the open gaps, the latest imports."""
    rows = sq.hub_desk_rows(desk.db)
    desks = [
        HubDesk(r["desk_id"], r["agency_code"], r["desk_no"], r["events"], r["last_seq"], r["last_seen"]) for r in rows
    ]
    return HubStatus(desks, desk_gaps(desk.db), sq.recent_imports(desk.db, recent))
