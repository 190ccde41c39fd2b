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
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import partial
from itertools import chain
from operator import attrgetter, eq, is_not, itemgetter

import orjson

from db import queries
from desk.errors import IntegrityFailure
from desk.models import ApplicantKind, Channel, Delivery, Digitisation, Form, IdKind, Status
from desk.rules.canonical import GENESIS, RECORD_KEYS, EventLine, received_event
from desk.rules.problems import Problem, problem
from desk.sync.schema import SchemaCheck

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
HOSTILE_CHARACTERS = "\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
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


def shown(findings: list[Problem]) -> tuple[Problem, ...]:
    """The first findings (each a problem of one event) a refusal names."""
    return tuple(findings[:MAX_PROBLEMS_SHOWN])


def hidden(findings: list[Problem]) -> int:
    """How many findings a refusal leaves unnamed ("and 3 more")."""
    return max(len(findings) - MAX_PROBLEMS_SHOWN, 0)


# --- the rules --------------------------------------------------------------------------------------
#
# Each rule is a test over a list of items (events, dossier snapshots, component lines) that holds when
# every item keeps it, in one pass at C speed: a block of a bundle (or a pushed batch) is judged by the
# rules at once. Only when a rule fails are they run again on each event alone, to say which event
# breaks which rule; the refusal itself never depends on that second pass. The rules of a list assume
# the earlier ones hold.

_seq, _desk_id, _payload = itemgetter("seq"), itemgetter("desk_id"), itemgetter("payload")
_texts = itemgetter("event_id", "type", "dossier_code", "clerk", "prev_hash", "hash", "at")
_fromisoformat, _date = datetime.fromisoformat, date.fromisoformat
_given = partial(is_not, None)


def _dates(values, parse=_fromisoformat) -> bool:
    try:
        list(map(parse, values))
    except (TypeError, ValueError):
        return False
    return True


def _known(allowed: frozenset, values) -> bool:
    try:
        return set(values) <= allowed
    except TypeError:  # a list or an object where a name is expected
        return False


def _event_rules(desk_id: str) -> list[tuple[Problem, Callable[[list], bool]]]:
    """The rules of an event's shape (the record of docs/bundle-format.md) in a run of ``desk_id``."""
    return [
        (problem("records.not_an_event"), lambda rs: set(map(type, rs)) <= {dict}),
        (
            problem("records.fields"),
            lambda rs: set(map(len, rs)) <= {len(RECORD_KEYS)} and all(map(RECORD_KEYS.issubset, rs)),
        ),
        (
            problem("records.seq"),
            lambda rs: (
                set(map(type, map(_seq, rs))) <= {int} and 1 <= min(map(_seq, rs)) and max(map(_seq, rs)) < MAX_SEQ
            ),
        ),
        # compared, not put in a set: until the next rule, a desk_id may be a list or an object
        (problem("records.other_desk", desk_id=desk_id), lambda rs: all(map(partial(eq, desk_id), map(_desk_id, rs)))),
        (
            problem("records.not_text"),
            lambda rs: set(map(type, chain.from_iterable(map(_texts, rs)))) <= {str},
        ),
        (problem("records.event_id"), lambda rs: all(map(_EVENT_ID.match, map(itemgetter("event_id"), rs)))),
        (problem("records.type"), lambda rs: all(map(_EVENT_TYPE.match, map(itemgetter("type"), rs)))),
        (
            problem("records.too_long"),
            lambda rs: (
                max(map(len, map(itemgetter("dossier_code"), rs))) <= 80
                and max(map(len, map(itemgetter("clerk"), rs))) <= 200
            ),
        ),
        (
            problem("records.hash_shape"),
            lambda rs: all(map(_HEX64.match, chain(map(itemgetter("hash"), rs), map(itemgetter("prev_hash"), rs)))),
        ),
        (problem("records.at"), lambda rs: _dates(map(itemgetter("at"), rs))),
        (problem("records.payload"), lambda rs: set(map(type, map(_payload, rs))) <= {dict}),
    ]


# the typed shape of a dossier snapshot (desk.dossier.rows.snapshot)
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
_D_KEYS = frozenset(c for c in queries.DOSSIER_COLUMNS if c not in ("applicant_folded", "applicant_kind"))
"""The fields every snapshot has; ``applicant_kind`` may be missing (a citizen's, as before the kinds)."""
_D_OPTIONAL = {"applicant_kind": ApplicantKind.CITIZEN.value}


def _values(snapshots: list, name: str):
    """Each snapshot's ``name``; an optional field a snapshot lacks is its default."""
    default = _D_OPTIONAL.get(name)
    if default is None:
        return map(itemgetter(name), snapshots)
    return (d.get(name, default) for d in snapshots)


_L_KEYS = frozenset(c for c in queries.LINE_COLUMNS if c != "dossier_id")
_get_d_str, _get_d_int, _get_d_dt = itemgetter(*_D_STR), itemgetter(*_D_INT), itemgetter(*_D_OPT_DT)
_get_l_str, _get_l_int, _get_l_flags = itemgetter(*_L_STR), itemgetter(*_L_INT), itemgetter(*_L_FLAGS)
MAX_TEXT = 5000  # no field a desk writes is longer
MAX_NUMBER = 2**53 - 1  # no number a desk writes is larger (and SQLite stores at most 2**63 - 1)


def _texts_and_numbers(rows: list, texts: itemgetter, numbers: itemgetter) -> bool:
    strs, ints = list(chain.from_iterable(map(texts, rows))), list(chain.from_iterable(map(numbers, rows)))
    return (
        set(map(type, strs)) <= {str}
        and set(map(type, ints)) <= {int}
        and max(map(len, strs), default=0) <= MAX_TEXT
        and max(map(abs, ints), default=0) <= MAX_NUMBER
    )


_DOSSIER_RULES: list[tuple[Problem, Callable[[list], bool]]] = [
    (problem("records.snapshot_malformed"), lambda ds: set(map(type, ds)) <= {dict}),
    (problem("records.snapshot_fields"), lambda ds: all(map(_D_KEYS.issubset, ds))),
    (
        problem("records.snapshot_types"),
        lambda ds: _texts_and_numbers(ds, _get_d_str, _get_d_int),
    ),
    *(
        (
            problem("records.snapshot_value", name=name),
            lambda ds, n=name, a=allowed: _known(a, _values(ds, n)),
        )
        for name, allowed in _D_ENUMS.items()
    ),
    (
        problem("records.snapshot_dates"),
        lambda ds: (
            _dates(
                chain(
                    map(itemgetter("received_at"), ds),
                    map(itemgetter("updated_at"), ds),
                    filter(_given, chain.from_iterable(map(_get_d_dt, ds))),
                )
            )
            and _dates(filter(_given, map(itemgetter("birth_date"), ds)), _date)
        ),
    ),
]

_LINE_RULES: list[tuple[Problem, Callable[[list], bool]]] = [
    (
        problem("records.line_malformed"),
        lambda ls: set(map(type, ls)) <= {dict} and all(map(_L_KEYS.issubset, ls)),
    ),
    (
        problem("records.line_types"),
        lambda ls: (
            _texts_and_numbers(ls, _get_l_str, _get_l_int)
            and _known(frozenset({0, 1}), chain.from_iterable(map(_get_l_flags, ls)))
        ),
    ),
    (
        problem("records.line_state"),
        lambda ls: (
            _known(_FORMS, map(itemgetter("form"), ls)) and _known(_DIGITISATIONS, map(itemgetter("digitisation"), ls))
        ),
    ),
    (
        problem("records.line_path"),
        lambda ls: all(
            _SAFE_PATH.match(p) and ".." not in p.split("/") for p in filter(None, map(itemgetter("file_path"), ls))
        ),
    ),
]


def _broken(rules: list[tuple[Problem, Callable[[list], bool]]], items: list) -> Problem | None:
    """The problem of the first rule some of ``items`` break, or None."""
    if not items:
        return None
    for broken, holds in rules:
        if not holds(items):
            return broken
    return None


def _snapshots_broken(records: list) -> Problem | None:
    """The first rule of a dossier snapshot that the snapshots of ``records`` (events of a shape) break."""
    with_snapshot = [r for r in records if "dossier" in r["payload"]]
    if not with_snapshot:
        return None
    snapshots = [r["payload"]["dossier"] for r in with_snapshot]
    lines = [r["payload"].get("components") for r in with_snapshot]
    if set(map(type, snapshots)) != {dict} or set(map(type, lines)) != {list}:
        return problem("records.snapshot_malformed")
    broken = _broken(_DOSSIER_RULES, snapshots) or _broken(_LINE_RULES, list(chain.from_iterable(lines)))
    if broken is None and list(map(itemgetter("code"), snapshots)) != list(
        map(itemgetter("dossier_code"), with_snapshot)
    ):
        broken = problem("records.snapshot_other_dossier")
    return broken


def is_snapshot(payload: dict) -> bool:
    """Whether an event's payload carries the dossier's whole state."""
    return isinstance(payload.get("dossier"), dict) and isinstance(payload.get("components"), list)


def received_events(records: list) -> list[EventLine]:
    """Events of a pushed batch (parsed JSON values) as the codec gives them to :func:`check_records`."""
    return [received_event(r) for r in records]


def _encoded_texts(event: EventLine) -> bytes:
    """The canonical JSON of every text of an event a person may have typed (looked at for hostile characters)."""
    r = event.record
    return event.payload_json + orjson.dumps((r["at"], r["clerk"], r["desk_id"], r["dossier_code"]))


class RunCheck:
    """The records check of a run, a block of events at a time (as a bundle is read); :meth:`finish` raises."""

    def __init__(self, *, desk_id: str, where: str):
        self.desk_id, self.where = desk_id, where
        self.problems: list[Problem] = []
        self._rules = _event_rules(desk_id)
        self._prev: tuple[int, str] | None = None  # seq and hash of the last event that passed
        self._count = 0
        self._schema = SchemaCheck(where)  # each event type's fields and sizes, the status machine

    def add(self, events: list[EventLine], text: bytes | None = None) -> list[EventLine]:
        """Check the next events of the run; returns those that kept the rules (all of them, usually).

        ``text``: the canonical JSON of all their texts (a bundle's block of lines), else it is built.
        """
        records = [e.record for e in events]
        if text is None:
            text = b"".join(map(_encoded_texts, events)) if None not in map(_get_digest, events) else b""
        kept = (
            None not in map(_get_digest, events)
            and _broken(self._rules, records) is None
            and _snapshots_broken(records) is None
            and not hostile(text)
        )
        passed = []
        for event in events:
            self._count += 1
            if kept or self._keeps(event):
                passed.append(event)
                self._link(event.record, event.digest)
        if not kept and len(passed) == len(events):  # the rules found something no single event explains
            self.problems.append(
                problem("records.block_refused", first=self._count - len(events) + 1, last=self._count)
            )
        self._schema.add(passed)
        return passed

    def _at(self, r, finding: Problem) -> Problem:
        """``finding`` about the run's event #n (and its seq, when it has one)."""
        seq = str(r["seq"]) if isinstance(r, dict) and "seq" in r else ""
        return problem("records.event", event=self._count, seq=seq, finding=finding)

    def _keeps(self, event: EventLine) -> bool:
        """Whether one event keeps the rules; if not, its problem is noted."""
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            return False  # enough to say; the run is refused
        r = event.record
        broken = _broken(self._rules, [r]) or _snapshots_broken([r])
        if broken is None and event.digest is None:
            broken = problem("records.number")
        if broken is None and hostile(_encoded_texts(event)):
            broken = problem("records.hostile_text")
        if broken is not None:
            self.problems.append(self._at(r, broken))
            return False
        return True

    def _link(self, r: dict, digest: str | None) -> None:
        """The event's hash, and its link to the previous event of the run."""
        problems, seq = self.problems, r["seq"]
        if digest != r["hash"]:
            problems.append(self._at(r, problem("records.altered")))
        if self._prev is not None:
            prev_seq, prev_hash = self._prev
            if seq <= prev_seq:
                problems.append(self._at(r, problem("records.out_of_order", previous=prev_seq)))
            elif seq == prev_seq + 1 and r["prev_hash"] != prev_hash:
                problems.append(self._at(r, problem("records.chain_broken", previous=prev_seq)))
        if seq == 1 and r["prev_hash"] != GENESIS:
            problems.append(self._at(r, problem("records.not_genesis")))
        self._prev = (seq, r["hash"])

    def finish(self) -> None:
        """Raise IntegrityFailure naming ``where`` and the events at fault, if any."""
        if self.problems:
            raise IntegrityFailure(
                "records.refused", where=self.where, findings=shown(self.problems), more=hidden(self.problems)
            )
        self._schema.finish()


_get_digest = attrgetter("digest")


def check_records(events: Sequence[EventLine], *, desk_id: str, where: str) -> list[EventLine]:
    """Validate a run of one desk's events, in seq order: shape, text, hashes, the links inside the run.

    Raises IntegrityFailure naming ``where`` and the events at fault; returns
    the events, ready for ``desk.sync.ingest``.
    """
    check = RunCheck(desk_id=desk_id, where=where)
    check.add(list(events))
    check.finish()
    return list(events)
