"""Canonical JSON and the event hash: the one codec that writes, hashes and reads an event line.

It lives in ``desk.rules`` and not in ``desk.sync`` because every change is
hashed when it is written (``desk.dossier.events``), and the dossier layer sits
below sync: both use this module, so a desk's hash, a bundle's line and the
hub's check of that line cannot drift apart.

**The canonical JSON** (docs/bundle-format.md) is, in Python's words,
``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
allow_nan=False).encode("utf-8")``. This module produces those bytes with
orjson (``OPT_SORT_KEYS``). tests/test_canonical.py proves with hypothesis that
the bytes are equal over the values a desk writes, the *domain*:

- ``None``, ``True``/``False``;
- integers from -2**63 to 2**64 - 1 (orjson's range);
- text: any Unicode without a lone surrogate (Vietnamese in NFC or NFD,
  control characters, U+2028, "/", emoji); both escape ``"``, ``\\``, ``\\n``,
  ``\\r``, ``\\t``, ``\\b``, ``\\f`` and other C0 controls as ``\\u00XX``, and
  write everything else, DEL and U+2028 included, as itself;
- lists (and tuples, written as lists) and dicts with text keys, nested.

Outside the domain the two encoders differ, and the codec **refuses** the
value rather than fall back to another encoder: a float (orjson writes
``1e-05`` as ``0.00001``, NaN and infinity as ``null``), an integer beyond 64
bits, a key that is not text, and any other type (datetime, Enum, UUID, bytes,
sets…: orjson would write some of them where ``json`` raises). No desk writes
such a value, so :func:`dumps` refuses it when an event is written
(``canonical.value_unsupported``) and :func:`loads` refuses a line holding one
(:class:`NotCanonical`): a refused line is never hashed over bytes that the
documented encoder would write differently.

Reading is strict: :func:`loads` takes bytes only if they are exactly the
canonical encoding of what they hold (re-encoded and compared), so whitespace,
other key orders, duplicate keys, ``\\u`` escapes of printable characters,
``1.0`` for ``1`` or a byte-order mark are all refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from operator import itemgetter
from typing import Any, NamedTuple

import orjson

from desk.errors import InvalidInput

GENESIS = "0" * 64
"""``prev_hash`` of a desk's first event."""

HASHED_FIELDS = ("seq", "event_id", "desk_id", "dossier_code", "type", "at", "clerk", "payload", "prev_hash")
"""The fields of an event covered by its hash; a record (a line of events.jsonl) has these and ``hash``."""

RECORD_KEYS = frozenset((*HASHED_FIELDS, "hash"))

_SORTED = orjson.OPT_SORT_KEYS
_SCALARS = frozenset((str, int, bool, type(None)))
_CONTAINERS = frozenset((dict, list, tuple))
_all_scalars = _SCALARS.issuperset  # looks each type up as it comes (set(...) <= _SCALARS would build a set first)
_INT_MIN, _INT_MAX = -(2**63), 2**64 - 1

# canonical JSON sorts a record's keys: at, clerk, desk_id, dossier_code, event_id, hash, payload, prev_hash, seq, type
_texts = itemgetter("at", "clerk", "desk_id", "dossier_code", "event_id", "hash", "prev_hash", "type", "seq")
_TEXTS = (str,) * 8 + (int,)
_HASH_KEY = b',"hash":'
_PAYLOAD_KEY = b',"payload":'
_PREV_HASH_KEY = b',"prev_hash":'


class NotCanonical(ValueError):
    """Bytes that are not the canonical JSON of a value of the domain.

    ``reason`` is ``json`` (not JSON, or not UTF-8), ``form`` (JSON, but not in
    canonical form: spacing, key order, escapes, number format, duplicate
    keys), ``number`` (a number with a fraction or an exponent, or an integer
    beyond 64 bits) or ``depth`` (arrays and objects nested deeper than a desk
    ever writes them: orjson writes at most 254 levels).
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _outside(value: Any) -> object | None:
    """The first value in ``value`` whose type is outside the domain (a float, say), or None.

    Exact types only (a subclass of dict or str is outside). Integers out of
    range and keys that are not text are left to orjson, which refuses them.
    """
    kind = type(value)
    if kind in _SCALARS:
        return None
    if kind not in _CONTAINERS:
        return value
    stack = [value]
    while stack:
        container = stack.pop()
        values = container.values() if type(container) is dict else container
        if _all_scalars(map(type, values)):
            continue
        for v in values:
            kind = type(v)
            if kind is dict:
                if not _all_scalars(map(type, v.values())):  # an object of scalars (most are) is done with here
                    stack.append(v)
            elif kind is list or kind is tuple:
                stack.append(v)
            elif kind not in _SCALARS:
                return v
    return None


def _unsupported(kind: str) -> InvalidInput:
    return InvalidInput("canonical.value_unsupported", type=kind)


def dumps(value: Any) -> bytes:
    """The canonical JSON of ``value`` (UTF-8 bytes).

    Raises InvalidInput ``canonical.value_unsupported`` (parameter ``type``: the
    Python type refused, ``int`` for one beyond 64 bits, ``key`` for a key that
    is not text, ``str`` for a lone surrogate) for a value outside the domain.
    """
    odd = _outside(value)
    if odd is not None:
        raise _unsupported(type(odd).__name__)
    try:
        return orjson.dumps(value, option=_SORTED)
    except orjson.JSONEncodeError as exc:
        text = str(exc)
        raise _unsupported("int" if "64-bit" in text else "key" if "key" in text else "str") from None


def record_json(record: Any) -> bytes:
    """The JSON of a record for another system (a national-portal record of dossiers.json).

    The codec's separators and escaping in the record's own key order: for
    values of the domain, the bytes of ``json.dumps(record, separators=(",", ":"),
    ensure_ascii=False)``. It is not canonical JSON and nothing hashes it, so the
    domain is not enforced here: a record is built from stored rows, whose
    values were checked when their events were written or imported.
    """
    return orjson.dumps(record)


def loads(data: bytes) -> Any:
    """The value ``data`` holds if ``data`` is exactly its canonical JSON; else raises :class:`NotCanonical`."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:  # not JSON, not UTF-8, a lone surrogate escape, NaN
        raise NotCanonical("json", str(exc)) from None
    if _outside(value) is not None:  # a float (an integer beyond 64 bits reads as one)
        raise NotCanonical("number")
    try:
        again = orjson.dumps(value, option=_SORTED)
    except orjson.JSONEncodeError:  # nested deeper than orjson writes (it reads deeper than it writes)
        raise NotCanonical("depth") from None
    if again != data:
        raise NotCanonical("form")
    return value


def event_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of an event's hashed fields; raises like :func:`dumps`."""
    return hashlib.sha256(dumps({k: record[k] for k in HASHED_FIELDS})).hexdigest()


def event_line(
    *,
    seq: int,
    event_id: str,
    desk_id: str,
    dossier_code: str,
    type: str,
    at: str,
    clerk: str,
    payload_json: bytes,
    prev_hash: str,
    hash: str,
) -> bytes:
    """A line of events.jsonl (without its newline): the canonical JSON of a stored event's record.

    ``payload_json`` is the stored payload, already canonical JSON (:func:`dumps`
    wrote it, or :func:`read_event_line` checked it), put in as it is.
    """
    record = {
        "at": at,
        "clerk": clerk,
        "desk_id": desk_id,
        "dossier_code": dossier_code,
        "event_id": event_id,
        "hash": hash,
        "payload": orjson.Fragment(payload_json),
        "prev_hash": prev_hash,
        "seq": seq,
        "type": type,
    }
    return orjson.dumps(record, option=_SORTED)


class EventLine(NamedTuple):
    """An event as read (or received), with what is stored and what is compared with its hash."""

    record: Any
    """The parsed record; the records check (``desk.sync.records``) judges its shape."""
    payload_json: bytes
    """The canonical JSON of ``record["payload"]`` (what is stored)."""
    digest: str | None
    """SHA-256 of the canonical JSON of the hashed fields, to compare with ``record["hash"]``;
    None when the record is not shaped like an event (then its shape is refused anyway)."""


def read_event_line(line: bytes) -> EventLine:
    """Read one line of events.jsonl strictly: :func:`loads`, then the payload's bytes and the digest.

    Raises :class:`NotCanonical` for a line that is not canonical JSON. The
    line being canonical, the hashed text is the line without its ``"hash"``
    member and the payload is the bytes between ``"payload":`` and
    ``,"prev_hash":``: the members before ``"hash"`` are texts and those after
    ``"payload"`` are texts and a number, and in canonical JSON a text never
    holds an unescaped ``"``, so neither key can be found inside them.
    """
    record = loads(line)
    if not (type(record) is dict and record.keys() == RECORD_KEYS and tuple(map(type, _texts(record))) == _TEXTS):
        return EventLine(record, b"", None)
    return _event_of_line(record, line)


def _event_of_line(record: dict, line: bytes) -> EventLine:
    """The payload's bytes and the digest of ``line``, the canonical JSON of ``record``, a record whose texts
    are texts and whose seq an integer (:func:`read_event_line` says why the slices are right)."""
    hash_member = _HASH_KEY + orjson.dumps(record["hash"])
    k = line.find(_HASH_KEY)
    start = k + len(hash_member)
    end = line.rfind(_PREV_HASH_KEY)
    if not (line.startswith(hash_member, k) and line.startswith(_PAYLOAD_KEY, start)):  # pragma: no cover
        raise AssertionError("a canonical record holds its hash and payload where the keys sort")
    hashed = hashlib.sha256(line[:k])
    hashed.update(memoryview(line)[start:])
    return EventLine(record, line[start + len(_PAYLOAD_KEY) : end], hashed.hexdigest())


def received_event(record: Any) -> EventLine:
    """An event received as a parsed value (a pushed batch): its payload's canonical JSON and digest.

    A record not shaped like an event, or holding a value outside the domain,
    gets no digest (the records check refuses it).
    """
    if not (type(record) is dict and record.keys() == RECORD_KEYS and type(record["payload"]) is dict):
        return EventLine(record, b"", None)
    if tuple(map(type, _texts(record))) == _TEXTS:
        # the record encoded once, as its line would be: the payload's bytes and the hashed text are parts of it
        if _outside(record["payload"]) is not None:
            return EventLine(record, b"", None)
        try:
            line = orjson.dumps(record, option=_SORTED)
        except orjson.JSONEncodeError:  # an integer beyond 64 bits, a lone surrogate
            return EventLine(record, b"", None)
        return _event_of_line(record, line)
    try:
        return EventLine(record, dumps(record["payload"]), event_hash(record))
    except InvalidInput:
        return EventLine(record, b"", None)
