"""The status machine of a dossier: the one place that says which action may follow which status.

A dossier is received at the counter, transferred to the processing office,
has its result ready, and the result is returned to the citizen. On the way a
supplement may be requested (the clock stops) and later resumed; the dossier
may be refused at the counter (Mẫu 03), withdrawn by the citizen, or its
processing stopped (Mẫu 05). Every other move is refused with the allowed
actions listed.

The portal's TrangThaiHoSo code of each status is in ``desk.rules.portal.STATUS_CODES``.
"""

from __future__ import annotations

from dataclasses import dataclass

from desk.errors import InvalidInput
from desk.models import Status


@dataclass(frozen=True)
class Transition:
    """One action of the machine: from which statuses it may be taken, and where it leads."""

    action: str
    sources: frozenset[Status]
    target: Status
    event_type: str


_S = Status

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("transfer", frozenset({_S.RECEIVED}), _S.TRANSFERRED, "dossier.transferred"),
        Transition(
            "supplement", frozenset({_S.RECEIVED, _S.TRANSFERRED}), _S.SUPPLEMENT, "dossier.supplement_requested"
        ),
        # the completed dossier goes (back) to the processing office
        Transition("resume", frozenset({_S.SUPPLEMENT}), _S.TRANSFERRED, "dossier.resumed"),
        # from received only for same-day procedures handled at the desk (see ``allowed_actions``)
        Transition("result", frozenset({_S.TRANSFERRED, _S.RECEIVED}), _S.RESULT_READY, "dossier.result_ready"),
        Transition("return", frozenset({_S.RESULT_READY}), _S.RETURNED, "dossier.returned"),
        # a refusal happens at the counter, before anything is processed
        Transition("refuse", frozenset({_S.RECEIVED}), _S.REFUSED, "dossier.refused"),
        Transition(
            "withdraw", frozenset({_S.RECEIVED, _S.TRANSFERRED, _S.SUPPLEMENT}), _S.WITHDRAWN, "dossier.withdrawn"
        ),
        Transition("stop", frozenset({_S.TRANSFERRED, _S.SUPPLEMENT}), _S.STOPPED, "dossier.stopped"),
    )
}
"""Every action, in the order they are offered to a clerk."""

ACTIONS: tuple[str, ...] = tuple(TRANSITIONS)

FINAL: frozenset[Status] = frozenset({Status.RETURNED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})
"""Statuses nothing follows."""

CHECKLIST_OPEN: frozenset[Status] = frozenset(
    {Status.RECEIVED, Status.TRANSFERRED, Status.SUPPLEMENT, Status.RESULT_READY}
)
"""Statuses in which the digitisation checklist may still change."""


def allowed_actions(status: Status, *, same_day: bool = True) -> list[str]:
    """Actions that may be taken from ``status``, in offering order.

    ``same_day`` says whether the dossier's procedure is a same-day one: only
    those may have their result recorded straight from ``received`` (handled at
    the desk); others must be transferred first.
    """
    status = Status(status)
    out = []
    for t in TRANSITIONS.values():
        if status not in t.sources:
            continue
        if t.action == "result" and status is Status.RECEIVED and not same_day:
            continue
        out.append(t.action)
    return out


def transition(status: Status, action: str, *, same_day: bool = True) -> Transition:
    """The transition ``action`` from ``status``, or InvalidInput listing what is allowed."""
    status = Status(status)
    key = (action or "").strip().lower()
    allowed = tuple(allowed_actions(status, same_day=same_day))
    if key not in TRANSITIONS:
        raise InvalidInput(
            "action.unknown", field="action", action=action, actions=ACTIONS, status=status, allowed=allowed
        )
    if key not in allowed:
        if key == "result" and status is Status.RECEIVED:
            # only same-day procedures get their result at the desk
            raise InvalidInput("action.result_needs_transfer", field="action", status=status, allowed=allowed)
        raise InvalidInput("action.not_allowed", field="action", action=key, status=status, allowed=allowed)
    return TRANSITIONS[key]
