"""The records check: a run of one desk's events judged on its own, before anything is written.

:func:`check_records` takes events as the one codec (:mod:`desk.rules.canonical`)
read them, from a bundle's lines or a pushed batch, and checks each one's
shape and types, its dossier snapshot, that no text holds a control or
invisible character, its hash, and the links inside the run. Bundles
(``desk.sync.bundle_read``) and pushed batches (``desk.sync.hub``) both come
through here, then through ``desk.sync.ingest``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from itertools import chain
from operator import itemgetter

import orjson

from db import queries
from desk.errors import IntegrityFailure
from desk.models import ApplicantKind, Channel, Delivery, Digitisation, Form, IdKind, Status
from desk.rules.canonical import GENESIS, RECORD_KEYS, EventLine, received_event

MAX_SEQ = 2**53
MAX_PROBLEMS_SHOWN = 5
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_EVENT_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
_EVENT_TYPE = re.compile(r"^[a-z0-9_.-]{1,64}$")
_SAFE_PATH = re.compile(r"^[0-9A-Za-z_.-]+(/[0-9A-Za-z_.-]+)*$")

# A stored text may hold the newline but no other control character, nor DEL, C1 controls, the soft
# hyphen, bidi controls, zero-width characters or the byte-order mark. In canonical JSON (as the codec
# writes it) the C0 controls appear escaped, the others raw; raw, they are found by their UTF-8 (valid
# UTF-8 is self-synchronising: these bytes mean these characters wherever they occur), each lead byte
# looked for first, since text of a desk rarely holds any of them.
HOSTILE_CHARACTERS = (
    "\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
_HOSTILE_UTF8 = tuple(
    (lead, re.compile(pattern))
    for lead, pattern in (
        (b"\x7f", rb"\x7f"),  # DEL
        (b"\xc2", rb"\xc2[\x80-\x9f\xad]"),  # C1 controls, soft hyphen
        (b"\xd8", rb"\xd8\x9c"),  # U+061C
        (b"\xe2", rb"\xe2(?:\x80[\x8b-\x8f\xaa-\xae]|\x81[\xa0-\xa4\xa6-\xaf])"),  # U+200B–200F, 202A–202E, 2060–206F
        (b"\xef", rb"\xef(?:\xbb\xbf|\xbf[\xb9-\xbb])"),  # BOM, U+FFF9–FFFB
    )
)
_ESCAPE = re.compile(rb"\\(.)")  # pairs, left to right: an escaped backslash never starts an escape
_HARMLESS_ESCAPES = frozenset(b'"\\n')


def hostile(canonical_json: bytes) -> bool:
    """True when canonical JSON (as :mod:`desk.rules.canonical` writes it) holds a control or invisible
    character in a text, other than the newline."""
    for lead, pattern in _HOSTILE_UTF8:
        if lead in canonical_json and pattern.search(canonical_json):
            return True
    return b"\\" in canonical_json and any(m[1][0] not in _HARMLESS_ESCAPES for m in _ESCAPE.finditer(canonical_json))


def fail(where: str, problems: list[str], cls: type[IntegrityFailure] = IntegrityFailure) -> IntegrityFailure:
    """One error naming ``where`` and the first problems found."""
    shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
    more = f" (and {len(problems) - MAX_PROBLEMS_SHOWN} more)" if len(problems) > MAX_PROBLEMS_SHOWN else ""
    return cls(f"{where}: {shown}{more}. Nothing was imported.")


def _check_shape(r, where: str, desk_id: str) -> str | None:
    if not isinstance(r, dict):
        return f"{where}: not an event object"
    if r.keys() != RECORD_KEYS:
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
          "received_at", "updated_at")  # fmt: skip
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
_get_d_enum, _D_ENUM_VALUES = itemgetter(*_D_ENUMS), tuple(_D_ENUMS.values())
_get_form, _get_digitisation, _get_path = itemgetter("form"), itemgetter("digitisation"), itemgetter("file_path")
_get_l_str, _get_l_int, _get_l_flags = itemgetter(*_L_STR), itemgetter(*_L_INT), itemgetter(*_L_FLAGS)
_STRS_D, _INTS_D = (str,) * len(_D_STR), (int,) * len(_D_INT)
MAX_TEXT = 5000  # no field a desk writes is longer
MAX_NUMBER = 2**53 - 1  # no number a desk writes is larger (and SQLite stores at most 2**63 - 1)


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
    if not all(map(frozenset.__contains__, _D_ENUM_VALUES, _get_d_enum(snap))):
        name = next(n for n, allowed in _D_ENUMS.items() if snap[n] not in allowed)
        return f"{name} {str(snap[name])[:40]!r} is not a known value"
    birth_date = snap["birth_date"]
    try:
        list(map(datetime.fromisoformat, (snap["received_at"], snap["updated_at"], *filter(None, _get_d_dt(snap)))))
        if birth_date is not None:
            date.fromisoformat(birth_date)
    except (TypeError, ValueError):
        return "a date of the dossier snapshot is not ISO 8601"
    return None


def _lines_problem(lines: list) -> str | None:
    """What makes a snapshot's component lines unusable, judged over all the lines at once."""
    if not lines:
        return None
    if set(map(type, lines)) != {dict} or not all(map(_L_KEYS.issubset, lines)):
        return "a component line of the snapshot is malformed"
    texts, numbers = list(chain.from_iterable(map(_get_l_str, lines))), list(chain.from_iterable(map(_get_l_int, lines)))
    if (
        set(map(type, texts)) != {str}
        or set(map(type, numbers)) != {int}
        or not set(chain.from_iterable(map(_get_l_flags, lines))) <= {0, 1}
        or max(map(len, texts)) > MAX_TEXT
        or max(map(abs, numbers)) > MAX_NUMBER
    ):
        return "a component line of the snapshot has a field of the wrong type"
    if not (set(map(_get_form, lines)) <= _FORMS and set(map(_get_digitisation, lines)) <= _DIGITISATIONS):
        return "a component line of the snapshot has an unknown form or digitisation state"
    for path in filter(None, map(_get_path, lines)):
        if not _SAFE_PATH.match(path) or ".." in path.split("/"):
            return f"component file path {path[:80]!r} is not a safe relative path"
    return None


def _check_snapshot(r: dict, where: str) -> str | None:
    """A snapshot must be a dossier of the event's code, typed as the desk writes it, with safe file paths."""
    payload = r["payload"]
    if "dossier" not in payload:
        return None
    snap = payload["dossier"]
    lines = payload.get("components")
    if not isinstance(snap, dict) or not isinstance(lines, list):
        return f"{where}: the dossier snapshot is malformed"
    problem = _dossier_problem(snap) or _lines_problem(lines)
    if problem:
        return f"{where}: {problem}"
    if snap["code"] != r["dossier_code"]:
        return f"{where}: the snapshot is of dossier {snap['code'][:80]!r}, not {r['dossier_code']!r}"
    return None


def is_snapshot(payload: dict) -> bool:
    """Whether an event's payload carries the dossier's whole state."""
    return isinstance(payload.get("dossier"), dict) and isinstance(payload.get("components"), list)


def received_events(records: list) -> list[EventLine]:
    """Events of a pushed batch (parsed JSON values) as the codec gives them to :func:`check_records`."""
    return [received_event(r) for r in records]


class RunCheck:
    """The records check of a run, one event at a time (as a bundle is read); :meth:`finish` raises."""

    def __init__(self, *, desk_id: str, where: str):
        self.desk_id, self.where = desk_id, where
        self.problems: list[str] = []
        self._prev: tuple[int, str] | None = None  # seq and hash of the last event that passed
        self._count = 0

    def add(self, event: EventLine) -> bool:
        """Check the next event of the run; True when it passed its own checks (its shape, snapshot and text)."""
        self._count += 1
        problems = self.problems
        if len(problems) > MAX_PROBLEMS_SHOWN:
            return False  # enough to say; the run is refused
        r = event.record
        at = f"event #{self._count}" + (f" (seq {r['seq']})" if isinstance(r, dict) and "seq" in r else "")
        problem = _check_shape(r, at, self.desk_id) or _check_snapshot(r, at)
        if problem is None and event.digest is None:
            problem = f"{at}: holds a value no desk writes (a number with a fraction, or beyond 64 bits)"
        if problem is None and (
            hostile(event.payload_json) or hostile(orjson.dumps((r["at"], r["clerk"], r["desk_id"], r["dossier_code"])))
        ):
            problem = f"{at}: holds control or invisible characters a desk never stores"
        if problem:
            problems.append(problem)
            return False
        if event.digest != r["hash"]:
            problems.append(f"{at}: altered (its hash does not match its content)")
        seq = r["seq"]
        if self._prev is not None:
            prev_seq, prev_hash = self._prev
            if seq <= prev_seq:
                problems.append(f"{at}: out of order after seq {prev_seq}")
            elif seq == prev_seq + 1 and r["prev_hash"] != prev_hash:
                problems.append(f"{at}: does not follow seq {prev_seq} (chain broken)")
        if seq == 1 and r["prev_hash"] != GENESIS:
            problems.append(f"{at}: the first event of a desk must start the chain")
        self._prev = (seq, r["hash"])
        return True

    def finish(self) -> None:
        """Raise IntegrityFailure naming ``where`` and the events at fault, if any."""
        if self.problems:
            raise fail(self.where, self.problems)


def check_records(events: Sequence[EventLine], *, desk_id: str, where: str) -> list[EventLine]:
    """Validate a run of one desk's events, in seq order: shape, text, hashes, the links inside the run.

    Raises IntegrityFailure naming ``where`` and the events at fault; returns
    the events, ready for ``desk.sync.ingest``.
    """
    check = RunCheck(desk_id=desk_id, where=where)
    for event in events:
        check.add(event)
    check.finish()
    return list(events)
