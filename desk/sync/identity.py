"""A dossier's identity at a hub: its (id, code, desk) never changes once seen.

Every snapshot a run of events carries names its dossier by id, code and
desk. Two snapshots that share an id or a code must agree on all three, inside
the run and with the dossiers this home already holds, whichever arrived first:
otherwise two desks were given the same desk number, or a bundle tries to take
over another desk's dossier, and the run is refused whole. The run's distinct
triples (one per dossier, not one per event) are compared with the register in
one statement (``db.hub_checks.identity_conflicts``).
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from db import hub_checks
from desk.rules.problems import Problem, problem

Identity = tuple[str, str, str]
"""A dossier as a snapshot names it: (id, code, desk_id)."""


def _finding(where: str, mine: Identity, other: Identity, count: int) -> Problem:
    return problem(
        "sync.dossier_identity",
        field="bundle",
        where=where,
        code=mine[1],
        dossier_id=mine[0],
        desk_id=mine[2],
        other_code=other[1],
        other_id=other[0],
        other_desk_id=other[2],
        more=count - 1,
    )


def _within(identities: set[Identity]) -> list[tuple[Identity, Identity]]:
    """Pairs of the run's own triples that share an id or a code and differ."""
    n = len(identities)
    if len(set(map(itemgetter(0), identities))) == n and len(set(map(itemgetter(1), identities))) == n:
        return []  # distinct triples with distinct ids and codes: nothing to pair
    by_id: dict[str, Identity] = {}
    by_code: dict[str, Identity] = {}
    clashes = []
    for ident in sorted(identities):
        for index, key in ((by_id, ident[0]), (by_code, ident[1])):
            seen = index.setdefault(key, ident)
            if seen != ident:
                clashes.append((ident, seen))
    return clashes


class RunIdentities:
    """The triples of a run seen so far (its earlier parts), by id and by code: a run's parts are checked
    before any of them is written (``desk.sync.publish``), so the register does not hold the earlier ones."""

    def __init__(self) -> None:
        self._by_id: dict[str, Identity] = {}
        self._by_code: dict[str, Identity] = {}

    def add(self, identities: set[Identity]) -> list[tuple[Identity, Identity]]:
        """Add a part's triples; returns the pairs that share an id or a code with an earlier one and differ."""
        clashes = []
        by_id, by_code = self._by_id, self._by_code
        for ident in sorted(identities):
            for index, key in ((by_id, ident[0]), (by_code, ident[1])):
                seen = index.setdefault(key, ident)
                if seen != ident:
                    clashes.append((ident, seen))
        return clashes


def identity_problem(
    db, identities: set[Identity], *, where: str, run: RunIdentities | None = None, q: Any = hub_checks
) -> Problem | None:
    """The first disagreement of the run's dossiers among themselves (``run``: with its earlier parts too) or
    with this home's, or None (``q``: the hub store's queries, ``desk.sync.store``)."""
    clashes = _within(identities) if run is None else run.add(identities)
    if not clashes:
        clashes = [
            ((r["id"], r["code"], r["desk_id"]), (r["other_id"], r["other_code"], r["other_desk_id"]))
            for r in q.identity_conflicts(db, sorted(identities))
        ]
    if not clashes:
        return None
    mine, other = clashes[0]
    return _finding(where, mine, other, len(clashes))
