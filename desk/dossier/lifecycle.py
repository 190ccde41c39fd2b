"""The dossier's lifecycle: one function per transition of :mod:`desk.rules.status`.

Each function checks the move against the status machine, then writes the
dossier's new state and its event in one transaction. The event carries the
dossier's whole snapshot (so a hub can rebuild it from events alone), the
action, the status it came from, the clerk's note and the details of the
move (what is missing, who collected the result, ...). Who and when come from
the desk's clerk and the desk clock.

A supplement request stops the processing clock (``paused_at``); resuming
moves ``due_at`` by exactly the working time waited (``WorkCalendar.resume_due``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from db import queries, result_queries, write_transaction
from desk import clock
from desk.catalog.store import get_procedure
from desk.dossier import events
from desk.dossier.operators import may_supervise, require_supervisor
from desk.dossier.query import get, timeline
from desk.dossier.rows import dossier_to_row, line_to_row, snapshot
from desk.errors import InvalidInput, NotFound
from desk.models import Dossier, Event, ProcessingTime, Status, TimeUnit
from desk.rules.status import TRANSITIONS, allowed_actions, transition
from desk.rules.vocabulary import SATISFACTION
from desk.text import LIMITS, fold, sanitise

SUPERVISOR_MOVES = frozenset({"refuse", "withdraw", "stop"})
"""Moves only a supervisor makes once the desk has operator accounts (``desk.dossier.operators``)."""

_DOSSIER_FIELDS = (
    "status",
    "due_at",
    "paused_at",
    "finished_at",
    "returned_at",
    "collected_by",
    "satisfaction",
    "updated_at",
)


@dataclass(frozen=True)
class MissingItem:
    """One thing a supplement request asks for (a row of Mẫu 02)."""

    component: str
    """The component's code when it is one of the dossier's lines, else what is asked for."""
    name: str
    """What is printed: the component's name, or the text given."""
    reason: str = ""


# --- the one write path -------------------------------------------------------


def commit_change(
    desk,
    code: str,
    event_type: str,
    change: Callable[[Dossier, datetime], dict | None],
    *,
    note: str = "",
    extra: dict | None = None,
) -> Dossier:
    """Load the dossier inside a write transaction, let ``change`` modify it, store it and its event.

    ``change(dossier, now)`` mutates the dossier (and its lines) in place and returns the
    event's ``details``, or None to write nothing at all. ``now`` is read once the write
    lock is held, so that events are stamped in the order they are written. The event payload is
    the snapshot plus ``note``, ``details`` and ``extra``. Used by this module
    and by :mod:`desk.dossier.checklist`; screens call the named functions instead.
    """
    with write_transaction(desk.db):
        now = clock.now()
        dossier = get(desk, code)
        before = dossier_to_row(dossier, desk.desk_id)
        lines_before = [line_to_row(c, i) for i, c in enumerate(dossier.components, 1)]
        details = change(dossier, now)
        if details is None:
            return dossier
        dossier.updated_at = now
        after = dossier_to_row(dossier, desk.desk_id)
        fields = {k: after[k] for k in _DOSSIER_FIELDS if after[k] != before[k] or k == "updated_at"}
        queries.update_dossier_fields(desk.db, dossier.id, fields)
        for line, old in zip(dossier.components, lines_before):
            new = line_to_row(line, old["position"])
            changed = {k: v for k, v in new.items() if v != old[k]}
            if changed:
                assert line.id is not None  # a stored line always has its id
                queries.update_line(desk.db, line.id, changed)
        payload = snapshot_with_results(desk, dossier)
        payload.update(extra or {})
        payload["note"] = note
        payload["details"] = details
        events.append(
            desk.db,
            desk_id=desk.desk_id,
            dossier_code=dossier.code,
            type=event_type,
            clerk=desk.clerk,
            operator=desk.operator_login,
            forward=events.forwards(desk),
            at=now,
            payload=payload,
        )
    return dossier


def snapshot_with_results(desk, dossier: Dossier) -> dict:
    """The dossier's snapshot, with its electronic results (``"results"``) when it has any."""
    payload = snapshot(dossier, desk.desk_id)
    results = result_queries.result_rows(desk.db, dossier.id)
    if results:
        payload["results"] = results
    return payload


def _note(text: str | None) -> str:
    return sanitise(text or "", field="note", max_len=LIMITS["note"], multiline=True)


def _iso(value: datetime | None) -> str | None:
    return clock.iso(value)


def is_same_day(desk, dossier: Dossier) -> bool:
    """True when the dossier's procedure is a same-day one (False if it left the catalogue)."""
    try:
        return get_procedure(desk, dossier.procedure_code).processing.unit is TimeUnit.SAME_DAY
    except NotFound:
        return False


def available_actions(desk, dossier: Dossier) -> list[str]:
    """The actions the one at the desk may take on this dossier now (what the dossier view offers): a clerk
    signed in on a desk with accounts is not offered a supervisor's moves (refuse, withdraw, stop)."""
    allowed = allowed_actions(dossier.status, same_day=is_same_day(desk, dossier))
    if may_supervise(desk):
        return allowed
    return [a for a in allowed if a not in SUPERVISOR_MOVES]


def _transit(desk, code: str, action: str, apply: Callable[[Dossier, datetime], dict], note: str) -> Dossier:
    """Check ``action`` against the machine, let ``apply`` set the new fields, store dossier and event."""
    if action in SUPERVISOR_MOVES:  # refuse, withdraw, stop: a supervisor's, on a desk with accounts
        require_supervisor(desk, action)
    note = _note(note)
    t = TRANSITIONS[action]

    def change(d: Dossier, now: datetime) -> dict:
        transition(d.status, action, same_day=is_same_day(desk, d))
        details = {"from_status": d.status.value, **apply(d, now)}
        d.status = t.target
        return details

    return commit_change(desk, code, t.event_type, change, note=note, extra={"action": action})


# --- the transitions ----------------------------------------------------------------


def transfer(desk, code: str, *, note: str = "") -> Dossier:
    """Hand the dossier to the processing office (received → transferred)."""
    return _transit(desk, code, "transfer", lambda d, now: {}, note)


def request_supplement(desk, code: str, missing: Sequence[tuple[str, str]] = (), *, note: str = "") -> Dossier:
    """Ask the citizen to complete the dossier (Mẫu 02); the processing clock stops.

    ``missing`` holds (component, reason) pairs: a component code of the
    dossier (its name is recorded) or the text of what is asked for. At least
    one item or a note is needed, since Mẫu 02 must say what is missing.
    """
    items = _missing_items(missing)

    def apply(d: Dossier, now: datetime) -> dict:
        if not items and not (note or "").strip():
            raise InvalidInput("supplement.nothing_missing", field="missing")
        names = {c.code: c.name for c in d.components}
        listed = [MissingItem(i.component, names.get(i.component, i.name), i.reason) for i in items]
        d.paused_at = now
        return {
            "missing": [{"component": i.component, "name": i.name, "reason": i.reason} for i in listed],
            "paused_at": _iso(now),
        }

    return _transit(desk, code, "supplement", apply, note)


def _missing_items(missing: Sequence[tuple[str, str]]) -> list[MissingItem]:
    out = []
    for item in missing or ():
        if isinstance(item, MissingItem):
            component, reason = item.component, item.reason
        else:
            try:
                component, reason = item
            except (TypeError, ValueError) as exc:
                raise InvalidInput("supplement.bad_item", field="missing", item=repr(item)) from exc
        component = sanitise(component or "", field="missing", max_len=LIMITS["component_name"], required=True)
        reason = sanitise(reason or "", field="reason", max_len=LIMITS["reason"])
        out.append(MissingItem(component, component, reason))
    return out


def resume(desk, code: str, *, note: str = "") -> Dossier:
    """The supplement came back: the clock runs again and ``due_at`` moves by the working time waited."""

    def apply(d: Dossier, now: datetime) -> dict:
        details = {"paused_at": _iso(d.paused_at), "due_before": _iso(d.due_at)}
        if d.paused_at is not None:
            if now < d.paused_at:
                raise InvalidInput("clock.before_pause", field="clock", now=now, paused=d.paused_at)
            details["waited_minutes"] = desk.calendar.working_minutes_between(d.paused_at, now)
            if d.due_at is not None:
                d.due_at = desk.calendar.resume_due(d.due_at, d.paused_at, now)
        d.paused_at = None
        details["due_after"] = _iso(d.due_at)
        return details

    return _transit(desk, code, "resume", apply, note)


def record_result(desk, code: str, *, note: str = "") -> Dossier:
    """The result is ready to be returned (transferred → result_ready; from received for same-day procedures)."""

    def apply(d: Dossier, now: datetime) -> dict:
        d.finished_at = now
        on_time = d.due_at is None or now <= d.due_at
        return {"finished_at": _iso(now), "on_time": on_time}

    return _transit(desk, code, "result", apply, note)


def parse_satisfaction(value: str | None) -> str:
    """One of :data:`SATISFACTION` from what was typed ("hai long", "rat-hai-long", "Hài lòng"); "" when not given."""
    text = (value or "").strip()
    if not text:
        return ""
    key = " ".join(fold(text).replace("-", " ").replace("_", " ").split())
    for answer in SATISFACTION:
        if fold(answer) == key:
            return answer
    raise InvalidInput("satisfaction.unknown", field="satisfaction", value=value, answers=SATISFACTION)


def return_result(
    desk, code: str, *, collected_by: str = "", satisfaction: str | None = None, note: str = ""
) -> Dossier:
    """The citizen collected the result: who collected it and how satisfied they are.

    ``collected_by`` defaults to the applicant; ``satisfaction`` is one of
    :data:`SATISFACTION` or empty when the citizen did not answer.
    """
    who = sanitise(collected_by or "", field="collected_by", max_len=LIMITS["collected_by"])
    answer = parse_satisfaction(satisfaction)

    def apply(d: Dossier, now: datetime) -> dict:
        d.returned_at = now
        d.collected_by = who or d.applicant.name
        d.satisfaction = answer
        return {
            "returned_at": _iso(now),
            "collected_by": d.collected_by,
            "satisfaction": answer,
        }

    return _transit(desk, code, "return", apply, note)


def _reason(reason: str | None) -> str:
    return sanitise(reason or "", field="reason", max_len=LIMITS["reason"], multiline=True)


def refuse(desk, code: str, reason: str, *, note: str = "") -> Dossier:
    """Refuse the dossier at the counter (Mẫu 03), with the reason printed on the notice."""
    why = _reason(reason)

    def apply(d: Dossier, now: datetime) -> dict:
        # checked after the status machine, so that an illegal move is reported as such
        if not why:
            raise InvalidInput("refuse.needs_reason", field="reason")
        return {"reason": why}

    return _transit(desk, code, "refuse", apply, note)


def withdraw(desk, code: str, *, note: str = "") -> Dossier:
    """The citizen withdraws the dossier (received, transferred or waiting for a supplement)."""

    def apply(d: Dossier, now: datetime) -> dict:
        details = {"paused_at": _iso(d.paused_at)}
        d.paused_at = None
        return details

    return _transit(desk, code, "withdraw", apply, note)


def stop(desk, code: str, reason: str, *, note: str = "") -> Dossier:
    """Processing is stopped (Mẫu 05), with the reason."""
    why = _reason(reason)

    def apply(d: Dossier, now: datetime) -> dict:
        # checked after the status machine, so that an illegal move is reported as such
        if not why:
            raise InvalidInput("stop.needs_reason", field="reason")
        details = {"reason": why, "paused_at": _iso(d.paused_at)}
        d.paused_at = None
        return details

    return _transit(desk, code, "stop", apply, note)


_ACTION_FUNCTIONS: dict[str, tuple[Callable, tuple[str, ...]]] = {
    "transfer": (transfer, ()),
    "supplement": (request_supplement, ("missing",)),
    "resume": (resume, ()),
    "result": (record_result, ()),
    "return": (return_result, ("collected_by", "satisfaction")),
    "refuse": (refuse, ("reason",)),
    "withdraw": (withdraw, ()),
    "stop": (stop, ("reason",)),
}


def advance(desk, code: str, action: str, note: str = "", **kw) -> Dossier:
    """Take ``action`` on the dossier: the generic entry of the CLI and the dossier view.

    Keyword arguments are those of the action's function (``missing`` for
    supplement, ``collected_by``/``satisfaction`` for return, ``reason`` for
    refuse and stop); one given to an action that does not take it is refused.
    """
    key = (action or "").strip().lower()
    if key not in _ACTION_FUNCTIONS:
        transition(get(desk, code).status, key)  # raises, naming the allowed actions
    fn, accepted = _ACTION_FUNCTIONS[key]
    given = {k: v for k, v in kw.items() if v not in (None, "", (), [])}
    wrong = sorted(set(given) - set(accepted))
    if wrong:
        raise InvalidInput("action.wrong_option", field=wrong[0], action=key, options=tuple(wrong), takes=accepted)
    if key in ("refuse", "stop"):
        return fn(desk, code, given.get("reason", ""), note=note)
    return fn(desk, code, note=note, **given)


# --- reading what a transition recorded ---------------------------------------------


def last_transition(desk, code: str, action: str) -> Event | None:
    """The newest event of ``action`` on the dossier (e.g. to print Mẫu 02 or 03 again), or None."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise InvalidInput("lifecycle.unknown_action", field="action", action=action)
    found = [e for e in timeline(desk, get(desk, code).code) if e.type == t.event_type]
    return found[-1] if found else None


def missing_pairs(event: Event | None) -> list[tuple[str, str]]:
    """(name, reason) rows of a supplement request, as Mẫu 02 prints them."""
    if event is None:
        return []
    missing = event.payload.get("details", {}).get("missing", [])
    return [(m.get("name") or m.get("component", ""), m.get("reason", "")) for m in missing]


# --- overdue ----------------------------------------------------------------------------


def propose_new_due(desk, dossier: Dossier, extra_working_days: int) -> datetime:
    """A new appointment for the apology letter (Mẫu 04): ``extra_working_days`` of working time
    from now, or from the present due date if that is still ahead."""
    if (
        isinstance(extra_working_days, bool)
        or not isinstance(extra_working_days, int)
        or not (1 <= extra_working_days <= 365)
    ):
        raise InvalidInput("apology.days", field="days", value=repr(extra_working_days))
    now = clock.now()
    base = max(now, dossier.due_at) if dossier.due_at else now
    return desk.calendar.due_at(base, ProcessingTime(TimeUnit.WORKING_DAYS, extra_working_days))


EXTENDABLE = frozenset({Status.RECEIVED, Status.TRANSFERRED, Status.SUPPLEMENT})
"""A dossier still being processed may have its appointment moved by an apology letter (Mẫu 04)."""


def extend(desk, code: str, new_due: datetime, reason: str, *, note: str = "") -> Dossier:
    """The apology letter's move ("dossier.extended"): the appointment becomes ``new_due``.

    The event keeps the old appointment (``due_before``), the new one (``due_after``) and the reason;
    the status does not change. Only a dossier still being processed, and only to a later date.
    """
    why = _reason(reason)

    def change(d: Dossier, now: datetime) -> dict:
        if d.status not in EXTENDABLE:
            raise InvalidInput("extend.status", field="status", code=d.code, status=d.status.value)
        if d.due_at is not None and new_due <= d.due_at:
            raise InvalidInput("extend.not_later", field="new_due", new_due=new_due, due=d.due_at)
        details = {"due_before": _iso(d.due_at), "due_after": _iso(new_due), "reason": why}
        d.due_at = new_due
        return details

    return commit_change(desk, code, "dossier.extended", change, note=_note(note))
