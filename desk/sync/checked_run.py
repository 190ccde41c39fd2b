"""A checked run of one desk's events, as the hub's ingest needs it (``desk.sync.ingest``), and the state a
dossier snapshot gives.

A bundle's reader (``desk.sync.bundle_events``) and the HTTP receiver
(``desk.sync.hub_app``) make a :class:`Run` of the events that passed the
records check (``desk.sync.records``); :func:`state_of` turns an event's
snapshot into the values a rebuild stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter

import orjson

from db import sync_queries as sq
from desk.dossier.rows import fold_name
from desk.models import ApplicantKind
from desk.rules.canonical import EventLine
from desk.sync.identity import Identity
from desk.sync.records import is_snapshot
from desk.sync.schema import entry_status

_snapshot_row = itemgetter(*sq.SNAPSHOT_DOSSIER_COLUMNS)
_snapshot_line = itemgetter(*sq.SNAPSHOT_LINE_COLUMNS)
ID, APPLICANT_NAME = sq.SNAPSHOT_DOSSIER_COLUMNS.index("id"), sq.SNAPSHOT_DOSSIER_COLUMNS.index("applicant_name")

State = tuple[Sequence, Sequence[Sequence]] | None
"""A dossier's state as an event's snapshot gives it, ready to store: its row (SNAPSHOT_DOSSIER_COLUMNS) and
its lines (SNAPSHOT_LINE_COLUMNS), tuples or lists; None for an event that carries no snapshot."""


def state_of(payload: dict) -> State:
    """The state an event's payload (checked by ``desk.sync.records``) carries, as values to store."""
    if not is_snapshot(payload):
        return None
    dossier = payload["dossier"]
    if "applicant_kind" not in dossier:  # a snapshot older than the kinds: a citizen's
        dossier = {**dossier, "applicant_kind": ApplicantKind.CITIZEN.value}
    return _snapshot_row(dossier), list(map(_snapshot_line, payload["components"]))


def encoded_state(row: Sequence, lines: Sequence[Sequence]) -> tuple[bytes, bytes]:
    """A state as stored in a staging file: the row with the applicant's folded name after it, and the lines,
    each as JSON (:func:`decoded_state` reverses it)."""
    return orjson.dumps((*row, fold_name(row[APPLICANT_NAME]))), orjson.dumps(lines)


def decoded_state(row: bytes, lines: bytes) -> tuple[list, list, str]:
    """(row, lines, folded name) of an :func:`encoded_state`; the row and each line as lists, which a rebuild
    reads and stores as it would tuples."""
    values = orjson.loads(row)
    return values[:-1], orjson.loads(lines), values[-1]


class Run:
    """A checked run of one desk's events, as :func:`ingest` needs it and no more.

    ``rows``: each event as the tuple stored (EVENT_COLUMNS of ``db.queries``,
    the payload as its canonical JSON); ``latest``: per dossier code, the seq
    of the run's latest event about it and its payload's JSON, the only one a
    rebuild may take (no parsed payload is kept: a rebuild reads the few it needs);
    ``identities``: the (id, code, desk_id) of every dossier its snapshots name; ``entries``: per dossier
    code, the status its first event of the run starts from (``desk.sync.schema.entry_status``);
    ``snapshots``: per seq of an event carrying a snapshot, its dossier's id and status (what a PostgreSQL
    store keeps beside the event, so that it never parses a payload); ``states``: once :meth:`make_states`
    ran (for a PostgreSQL hub the bundle's reading process does, on the other core), per (desk_id, seq) of
    each dossier's latest event of the run that carries a snapshot, the state it gives with the folded name,
    encoded (:func:`encoded_state`: two short byte strings travel from the reading process far cheaper than
    some 150 small texts each) (a rebuild's ``staged`` decodes them). For a SQLite hub the reading process
    makes none (:meth:`forget_parsed`): the stage makes them from the payloads' JSON (``desk.sync.stage``),
    in the importing process, which otherwise waits for the reader.
    """

    __slots__ = ("_parsed", "entries", "identities", "latest", "rows", "snapshots", "states")

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.latest: dict[str, tuple[int, bytes]] = {}
        self.identities: set[Identity] = set()
        self.entries: dict[str, str | None] = {}
        self.snapshots: dict[int, tuple[str, str | None]] = {}
        self.states: dict[tuple[str, int], tuple[bytes, bytes]] = {}
        self._parsed: dict[str, tuple[str, int, dict]] = {}

    def add(self, event: EventLine) -> None:
        """Add an event that passed the records check (``desk.sync.records``)."""
        r = event.record
        seq, code = r["seq"], r["dossier_code"]
        self.rows.append(
            (
                r["desk_id"],
                seq,
                r["event_id"],
                code,
                r["type"],
                r["at"],
                r["clerk"],
                event.payload_json,
                r["prev_hash"],
                r["hash"],
            )
        )
        if code:
            self.latest[code] = (seq, event.payload_json)
            self._parsed[code] = (r["desk_id"], seq, r["payload"])
        d = r["payload"].get("dossier")
        if d is not None:
            self.identities.add((d["id"], d["code"], d["desk_id"]))
            self.snapshots[seq] = (d["id"], d.get("status"))
            if code not in self.entries:
                self.entries[code] = entry_status(r["type"], r["payload"])

    def make_states(self) -> None:
        """Make :attr:`states` of the payloads already parsed (and let go of them)."""
        for desk_id, seq, payload in self._parsed.values():
            state = state_of(payload)
            if state is not None:
                self.states[(desk_id, seq)] = encoded_state(*state)
        self._parsed = {}

    def forget_parsed(self) -> None:
        """Let go of the payloads parsed, making no states (their stage makes them: ``desk.sync.stage``)."""
        self._parsed = {}

    def staged(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], tuple[list, list, str]]:
        """The states made already (:data:`Staged`)."""
        return {k: decoded_state(*self.states[k]) for k in keys if k in self.states}

    @classmethod
    def of(cls, events: Iterable[EventLine]) -> Run:
        run = cls()
        for event in events:
            run.add(event)
        return run

    @classmethod
    def of_rows(cls, rows: list[tuple]) -> Run:
        """The run of rows stored as :meth:`add` makes them (a staged bundle's, checked again)."""
        run = cls()
        run.rows = rows
        for row in rows:
            code, payload = row[3], orjson.loads(row[7])
            if code:
                run.latest[code] = (row[1], row[7])
            d = payload.get("dossier")
            if d is not None:
                run.identities.add((d["id"], d["code"], d["desk_id"]))
                run.snapshots[row[1]] = (d["id"], d.get("status"))
                if code not in run.entries:
                    run.entries[code] = entry_status(row[4], payload)
        return run


Staged = Callable[[list[tuple[str, int]]], dict[tuple[str, int], tuple[list, list, str]]]
"""For (desk_id, seq) keys, the states already made of those events' snapshots: (row, lines, folded name)
(:func:`decoded_state`; a pushed batch's, made while it was read)."""


class StoredStates:
    """States made ahead and stored where the hub's database reads them (a bundle's, staged:
    ``desk.sync.publish``): a rebuild asks only the dossier ids of the new dossiers and has them inserted
    from there; the full states only of the dossiers it replaces."""

    def ids(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """(desk_id, seq) → the dossier id of the stored state of each key that has one."""
        raise NotImplementedError

    def states(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], tuple[list, list, str]]:
        """The stored states of these keys (:data:`Staged`)."""
        raise NotImplementedError

    def insert(self, db, keys: list[tuple[str, int]]) -> None:
        """Insert the dossiers of these keys' stored states, and their lines, as new ones."""
        raise NotImplementedError
