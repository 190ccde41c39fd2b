"""The schema of each event type, and the status machine over a run: what a desk writes, and nothing else.

The records check (``desk.sync.records``) judges an event's record and its
dossier snapshot; this module judges the rest of its payload by its type:
the type is one a desk writes, the payload holds exactly that type's fields
(``note``, ``action``, ``details``, ``print`` beside the snapshot), every
value of them has a desk's type and size, and the whole payload stays under
:data:`MAX_PAYLOAD_BYTES`. A status change follows the status machine
(``desk.rules.status``): a transition event names the action and the status
it left, which the machine allows, and lands in that action's status; other
events leave the status as it was; inside a run, each event of a dossier
starts from the status the previous one left.

:class:`SchemaCheck` is fed the events that passed the records check, a
block at a time, keeps the first problem (a :class:`~desk.rules.problems.Problem`)
and raises it at :meth:`SchemaCheck.finish`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from db import hub_checks
from desk.errors import IntegrityFailure
from desk.models import Status
from desk.rules.canonical import EventLine
from desk.rules.problems import Problem, problem
from desk.rules.status import TRANSITIONS

MAX_PAYLOAD_BYTES = 256 * 1024
"""A payload's canonical JSON at most (a dossier with every field at its longest is well under it)."""
MAX_TEXT = 5000
MAX_NUMBER = 2**53 - 1
MAX_ITEMS = 200
"""Items of a list, or fields of a free-form object (a print's details), at most."""
MAX_OPERATOR = 200
"""An operator's login (``payload.operator``) at most, as a name."""

_SNAPSHOT = frozenset({"dossier", "components"})
_CHANGE = _SNAPSHOT | {"note", "details"}
_BEFORE = frozenset({"digitisation", "reuse_source", "file", "sha256"})
_MISSING_ITEM = frozenset({"component", "name", "reason"})
_PRINT = frozenset({"kind", "copies", "paper", "ok", "message", "details"})
_CATCH_UP = frozenset({"claimed_at", "entered_at", "reason"})
_GUIDANCE = frozenset({"procedure_code", "procedure_name", "name", "missing"})
_FEE = frozenset({"pages", "copies", "per_copy", "amount", "capped"})
_SIGNED = frozenset({"code", "name", "at"})
_RESULT = frozenset(
    {"n", "code", "name", "file_path", "file_sha256", "file_bytes", "file_pages", "origin", "signer", "attached_at"}
)

# event type -> (required fields, optional fields) of its payload
_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "dossier.received": (_SNAPSHOT, frozenset({"catch_up", "fee"})),
    **{t.event_type: (_CHANGE | {"action"}, frozenset()) for t in TRANSITIONS.values()},
    **{
        t: (_CHANGE, frozenset())
        for t in ("component.digitised", "component.reused", "component.not_required", "component.undone")
    },
    # the apology letter (Mẫu 04) moves the appointment; the status stays
    "dossier.extended": (_CHANGE, frozenset()),
    "document.printed": (frozenset({"print"}), _SNAPSHOT),
    "document.print_failed": (frozenset({"print"}), _SNAPSHOT),
    # Mẫu 02 for a dossier that was not taken in: no dossier code, no snapshot
    "guidance.issued": (frozenset({"print", "guidance"}), frozenset()),
    # an electronic result (<MaHoSo>-KQ<n>) attached
    "result.attached": (_CHANGE, frozenset()),
}
# a snapshot carries the dossier's electronic results once it has any
_FIELDS = {
    t: (required, optional | {"results"} if "dossier" in required | optional else optional)
    for t, (required, optional) in _FIELDS.items()
}
KNOWN_TYPES = frozenset(_FIELDS)

# event type -> (required, optional) fields of its details
_COMPONENT = frozenset({"component", "digitisation", "before"})
_DETAILS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "dossier.transferred": (frozenset({"from_status"}), frozenset()),
    "dossier.supplement_requested": (frozenset({"from_status", "missing", "paused_at"}), frozenset()),
    "dossier.resumed": (
        frozenset({"from_status", "paused_at", "due_before", "due_after"}),
        frozenset({"waited_minutes"}),
    ),
    "dossier.result_ready": (frozenset({"from_status", "finished_at", "on_time"}), frozenset()),
    "dossier.returned": (frozenset({"from_status", "returned_at", "collected_by", "satisfaction"}), frozenset()),
    "dossier.refused": (frozenset({"from_status", "reason"}), frozenset()),
    "dossier.withdrawn": (frozenset({"from_status", "paused_at"}), frozenset()),
    "dossier.stopped": (frozenset({"from_status", "reason", "paused_at"}), frozenset()),
    "dossier.extended": (frozenset({"due_before", "due_after", "reason"}), frozenset()),
    "component.digitised": (
        _COMPONENT | {"file", "sha256", "bytes", "pages", "source_name", "source_kind", "source_sha256"},
        frozenset({"signed"}),
    ),
    "result.attached": (frozenset({"result"}), frozenset()),
    "component.reused": (_COMPONENT | {"source"}, frozenset()),
    "component.not_required": (_COMPONENT, frozenset()),
    "component.undone": (_COMPONENT, frozenset()),
}
_BY_EVENT_TYPE = {t.event_type: t for t in TRANSITIONS.values()}
_HAS_VALUES = frozenset(t for t, (required, optional) in _FIELDS.items() if (required | optional) - _SNAPSHOT)
"""Types whose payload holds more than a snapshot (``note``, ``action``, ``details``, ``print``)."""
_SCALARS = (str, int, bool, type(None))


def _scalar_ok(value: object) -> bool:
    kind = type(value)
    if kind is str:
        return len(value) <= MAX_TEXT  # type: ignore[arg-type]
    if kind is int:
        return abs(value) <= MAX_NUMBER  # type: ignore[arg-type]
    return kind is bool or value is None


def _flat_ok(obj: object, keys: frozenset[str] | None = None) -> bool:
    """An object of scalars (with exactly ``keys``, when given; else at most MAX_ITEMS text keys)."""
    if type(obj) is not dict:
        return False
    if keys is not None and obj.keys() != keys:
        return False
    return len(obj) <= MAX_ITEMS and all(_scalar_ok(v) for v in obj.values())


def _fields_problem(have: Iterable[str], fields: tuple[frozenset[str], frozenset[str]]) -> list[str]:
    """The fields that are missing or not allowed, or []."""
    required, optional = fields
    have = set(have)
    return sorted((required - have) | (have - required - optional))


def _value_problem(kind: str, payload: dict) -> str | None:
    """The name of the first field of the payload (beside the snapshot) that a desk does not write so, or None."""
    if "note" in payload and not (type(payload["note"]) is str and len(payload["note"]) <= MAX_TEXT):
        return "note"
    if "action" in payload and payload["action"] != _BY_EVENT_TYPE[kind].action:
        return "action"
    details = payload.get("details")
    if kind in _DETAILS:
        if type(details) is not dict:
            return "details"
        missing_fields = _fields_problem(details, _DETAILS[kind])
        if missing_fields:
            return "details." + missing_fields[0]
        for name, value in details.items():
            if name == "missing":
                if not (
                    type(value) is list
                    and len(value) <= MAX_ITEMS
                    and all(_flat_ok(item, _MISSING_ITEM) for item in value)
                ):
                    return "details.missing"
            elif name == "before":
                if not _flat_ok(value, _BEFORE):
                    return "details.before"
            elif name == "signed":
                if value is not None and not _flat_ok(value, _SIGNED):
                    return "details.signed"
            elif name == "result":
                if not _flat_ok(value, _RESULT | {"source_name", "source_sha256"}):
                    return "details.result"
            elif not _scalar_ok(value):
                return "details." + name
    if "results" in payload:
        results = payload["results"]
        if not (type(results) is list and len(results) <= MAX_ITEMS and all(_flat_ok(r, _RESULT) for r in results)):
            return "results"
    if "catch_up" in payload and not _flat_ok(payload["catch_up"], _CATCH_UP):
        return "catch_up"
    if "fee" in payload and not _flat_ok(payload["fee"], _FEE):
        return "fee"
    if "guidance" in payload:
        body = payload["guidance"]
        if not (type(body) is dict and body.keys() == _GUIDANCE and _flat_ok({**body, "missing": None})):
            return "guidance"
        missing = body["missing"]
        if not (type(missing) is list and 0 < len(missing) <= MAX_ITEMS):
            return "guidance.missing"
        if not all(_flat_ok(item, _MISSING_ITEM) for item in missing):
            return "guidance.missing"
    if "print" in payload:
        body = payload["print"]
        if not (type(body) is dict and body.keys() == _PRINT):
            return "print"
        if not all(_scalar_ok(v) for k, v in body.items() if k != "details"):
            return "print"
        if not _flat_ok(body["details"]):
            return "print.details"
    return None


class SchemaCheck:
    """The schema of each event of a run, and the status machine over it, a block at a time."""

    def __init__(self, where: str):
        self.where = where
        self.problem: Problem | None = None
        self._status: dict[str, str] = {}  # per dossier code, the status its latest event of the run left

    def add(self, events: list[EventLine]) -> None:
        if self.problem is not None:
            return
        for event in events:
            found = self._check(event)
            if found is not None:
                self.problem = found
                return

    def _at(self, record: dict) -> dict:
        """The parameters naming an event of the run."""
        return {"field": "bundle", "where": self.where, "seq": record["seq"], "type": record["type"]}

    def _check(self, event: EventLine) -> Problem | None:
        r = event.record
        kind, payload = r["type"], r["payload"]
        fields = _FIELDS.get(kind)
        if fields is None:
            return problem("event.type_unknown", **self._at(r))
        if len(event.payload_json) > MAX_PAYLOAD_BYTES:
            return problem("event.too_large", **self._at(r), size=len(event.payload_json), limit=MAX_PAYLOAD_BYTES)
        keys = payload.keys()
        if "operator" in keys:  # who was signed in, on a desk with operator accounts: any event may say
            if not (type(payload["operator"]) is str and 0 < len(payload["operator"]) <= MAX_OPERATOR):
                return problem("event.value", **self._at(r), name="operator")
            keys = keys - {"operator"}
        if keys != fields[0]:  # the usual case, exactly the required fields, needs no more looking
            wrong = _fields_problem(keys, fields)
            if wrong or (_SNAPSHOT & keys and not _SNAPSHOT <= keys):
                return problem("event.fields", **self._at(r), fields=wrong or sorted(_SNAPSHOT - keys))
        if kind in _HAS_VALUES:
            bad = _value_problem(kind, payload)
            if bad is not None:
                return problem("event.value", **self._at(r), name=bad)
        if "dossier" in keys:
            return self._status_problem(r, kind, payload)
        return None

    def _status_problem(self, r: dict, kind: str, payload: dict) -> Problem | None:
        code, after = r["dossier_code"], payload["dossier"]["status"]
        before = self._status.get(code)
        transition = _BY_EVENT_TYPE.get(kind)
        if kind == "dossier.received":
            ok = before is None and after == Status.RECEIVED
            left = before or ""
        elif transition is not None:
            left = payload["details"]["from_status"]
            ok = left in transition.sources and after == transition.target and before in (None, left)
        else:
            left = before or after
            ok = before in (None, after)
        if not ok:
            return problem("event.status_jump", **self._at(r), code=code, from_status=left, to_status=after)
        self._status[code] = after
        return None

    def finish(self) -> None:
        """Raise IntegrityFailure for the first problem found, if any."""
        if self.problem is not None:
            raise IntegrityFailure(self.problem)


def entry_status(kind: str, payload: dict) -> str | None:
    """The status a dossier must be in before this event (checked to keep the schema): the one a move names,
    the snapshot's for any other event, None for the event that receives it."""
    if kind == "dossier.received":
        return None
    if kind in _BY_EVENT_TYPE:
        return payload["details"]["from_status"]
    return payload["dossier"]["status"]


def entry_problem(
    db, desk_id: str, first_seq: int, entries: dict[str, str | None], *, where: str, q: Any = hub_checks
) -> Problem | None:
    """A run's dossiers must start from the status their last event of the same desk left here.

    ``entries``: per dossier code, :func:`entry_status` of the run's first event about it. Judged only when
    this home holds the desk's whole chain before the run (else the status in between is unknown); a dossier
    first received in the run is the identity check's (``desk.sync.identity``).
    """
    moved = [(code, status) for code, status in entries.items() if status is not None]
    if not moved or not q.chain_complete_below(db, desk_id, first_seq):
        return None
    found = q.status_mismatches(db, desk_id, moved)
    if not found:
        return None
    r = found[0]
    return problem(
        "event.status_continues",
        field="bundle",
        where=where,
        code=r["code"],
        from_status=r["status"] or "",
        expected=r["expected"],
    )
