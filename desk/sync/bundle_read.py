"""End-of-day bundles (SPEC §7), the hub's side: check a ``.deskbundle`` whole, then import it.

One strict reader (docs/bundle-format.md, "What an importer must check"): the
zip is opened with limits against hostile archives, the manifest and the
checksum of every member are checked (``desk.sync.bundle_open``); then
``events.jsonl`` is read a block at a time (``desk.sync.bundle_events``: each
line by the one codec, each block through the records check), and each block is
checked against this home and staged as it comes; only when the whole bundle was read and found good is it published
(``desk.sync.publish``).
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desk.errors import IntegrityFailure
from desk.sync.bundle_events import EventsSource, checked_blocks
from desk.sync.bundle_files import check_referenced, referenced
from desk.sync.bundle_open import READ_CHUNK, Bundle, check_members, open_bundle
from desk.sync.bundle_write import remove_quietly
from desk.sync.checked_run import Run
from desk.sync.hub_files import hub_row, pieces, record, relative_path, store_of
from desk.sync.ingest import Gap, Progress, desk_gaps
from desk.sync.publish import ChunkHook, publish_at_once, stage_and_publish
from desk.sync.seal import check_routing, opened
from desk.sync.signing import check_source, signed_from_member
from desk.sync.store import POSTGRESQL, HubStore, hub_store


@dataclass
class ImportResult:
    imported_events: int
    skipped_events: int
    gaps: list[Gap] = field(default_factory=list)
    """Open gaps of the bundle's desk after the import (recorded at the hub)."""
    dossiers: int = 0
    desk_id: str = ""
    desk_no: int = 0
    agency_code: str = ""
    first_seq: int = 0
    last_seq: int = 0
    files: int = 0

    def to_json(self) -> dict:
        return {
            "imported_events": self.imported_events,
            "skipped_events": self.skipped_events,
            "gaps": [g.to_json() for g in self.gaps],
            "dossiers": self.dossiers,
            "desk_id": self.desk_id,
            "desk_no": self.desk_no,
            "agency_code": self.agency_code,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "files": self.files,
        }


def _store_files(desk, zf: zipfile.ZipFile, bundle: Bundle, where: str, written: list[str], db=None) -> None:
    """Put the bundle's checked files into the hub's store (``desk.sync.hub_files``), each once; recorded in the
    transaction ``db`` when given (the bundle's own, on PostgreSQL)."""
    store = store_of(desk)
    rows = []
    for rel, (zi, sha) in sorted(bundle.files.items()):
        if not _holds(store, sha):
            with zf.open(zi) as src:
                store.put(sha, pieces(src, READ_CHUNK))  # checked again against its name as it is written
            written.append(sha)
        state, signer = bundle.file_states[rel]
        rows.append(hub_row(sha, zi.file_size, state, signer, f"bundle:{where}"))
    record(desk, rows, db)


def _holds(store, sha: str) -> bool:
    """The store holds the file and its bytes are what its name says (one planted under that name before these
    checks is replaced by the checked bytes)."""
    if not store.has(sha):
        return False
    h = hashlib.sha256()
    with store.get(sha) as f:
        for piece in pieces(f, READ_CHUNK):
            h.update(piece)
    return h.hexdigest() == sha


def read_bundle(path: str | os.PathLike, home=None) -> tuple[dict, list[tuple]]:
    """A bundle checked whole (every member, every event) and not imported: its manifest and its events as
    rows (EVENT_COLUMNS, as :class:`desk.sync.checked_run.Run` holds them). For a desk's own bundle (``desk
    recover``); it holds every event in memory. A sealed bundle opens only with ``home``'s hub key."""
    with opened(home, Path(path)) as (plain, routing):
        return _read_plain(plain, routing)


def _read_plain(path: Path, routing: dict | None) -> tuple[dict, list[tuple]]:
    zf, bundle = open_bundle(path)
    try:
        check_routing(routing, bundle.manifest, path.name)
        check_members(zf, bundle, path.name)
        zi, sha256 = bundle.events
        rows = [row for run in checked_blocks(zf, zi, path.name, bundle.manifest, sha256) for row in run.rows]
        return bundle.manifest, rows
    finally:
        zf.close()


def import_bundle(
    desk, path: str | os.PathLike, progress: Progress | None = None, on_chunk: ChunkHook | None = None
) -> ImportResult:
    """Check a bundle completely, then publish it (see ``desk.sync.publish``).

    The events are checked as they are read (``desk.sync.bundle_events``) and staged; anything wrong raises
    IntegrityFailure (exit 5) naming what and where, and nothing is imported. Then they are published in
    short transactions, so that a clerk's intake at this home never waits long. A missing earlier bundle of
    the same desk does not refuse the import: the gap is recorded by seq range and returned.
    A sealed bundle is decrypted with this hub's key into the home's ``tmp/`` first (``desk.sync.seal``).
    """
    with opened(desk.home, Path(path)) as (plain, routing):
        return _import_plain(desk, plain, routing, progress, on_chunk)


def _import_plain(
    desk, path: Path, routing: dict | None, progress: Progress | None, on_chunk: ChunkHook | None
) -> ImportResult:
    zf, bundle = open_bundle(path)
    events: EventsSource | None = None
    try:
        check_routing(routing, bundle.manifest, path.name)
        store = hub_store(desk)
        _check_signed(desk, bundle, path.name, store)  # who wrote it, before any event is read

        # the events' reader starts first: a second process may read them while the other members are checked
        # the dossiers' states are made by the reader for a PostgreSQL hub (its one transaction rebuilds from
        # them), by the stage for a SQLite hub (desk.sync.stage: the importing process has the time to spare)
        events = EventsSource(
            str(path), zf, *bundle.events, where=path.name, manifest=bundle.manifest, states=store.kind == POSTGRESQL
        )
        check_members(zf, bundle, path.name)
        return _store(desk, store, path, zf, bundle, events, progress, on_chunk)
    finally:
        if events is not None:
            events.close()
        zf.close()


def _check_signed(desk, bundle: Bundle, where: str, store: HubStore) -> None:
    """The desk that signed the manifest is enrolled here and its signature verifies (docs/keys.md)."""
    m = bundle.manifest
    check_source(
        desk,
        desk_id=m["desk_id"],
        agency=m["agency"],
        desk_no=m["desk_no"],
        last_seq=m["seq"]["last"],
        signed=signed_from_member(bundle.signature, m["desk_id"]),
        data=bundle.manifest_bytes,
        where=where,
        store=store,
    )


def _store(
    desk,
    store: HubStore,
    path: Path,
    zf: zipfile.ZipFile,
    bundle: Bundle,
    events: EventsSource,
    progress: Progress | None,
    on_chunk: ChunkHook | None,
) -> ImportResult:
    """Stage the events as they are checked, store the bundle's scans, publish (SQLite); on PostgreSQL, check
    and write them in one transaction, the scans stored before it commits."""
    m = bundle.manifest
    where = path.name
    written: list[str] = []
    named: set[str] = set()  # the scans the events' component lines name

    def noting_files(runs: Iterable[Run]) -> Iterator[Run]:
        for run in runs:
            named.update(referenced(row[7] for row in run.rows))  # a row's payload (EVENT_COLUMNS)
            yield run

    def store_files(db=None) -> int:
        if bundle.files:
            check_referenced(bundle.files, named, where)
            _store_files(desk, zf, bundle, where, written, db)
        return len(written)

    def discard_files() -> None:
        for sha in written:
            remove_quietly(desk.home.files / relative_path(sha))

    try:
        if store.kind == POSTGRESQL:
            done = publish_at_once(
                desk,
                store,
                noting_files(events) if bundle.files else events,
                m,
                where,
                store_files=store_files,
                discard_files=discard_files,
                progress=progress,
            )
        else:
            done = stage_and_publish(
                desk,
                noting_files(events) if bundle.files else events,
                name=path.name,
                desk_id=m["desk_id"],
                agency_code=m["agency"],
                desk_no=m["desk_no"],
                where=where,
                total=m["counts"]["events"],
                store_files=store_files,
                discard_files=discard_files,
                progress=progress,
                on_chunk=on_chunk,
            )
    except IntegrityFailure:
        events.finish()  # a problem of the events themselves (read to the end) comes first
        raise
    return ImportResult(
        imported_events=done.imported,
        skipped_events=done.skipped,
        gaps=_gaps(store, m["desk_id"]),
        dossiers=done.dossiers,
        desk_id=m["desk_id"],
        desk_no=m["desk_no"],
        agency_code=m["agency"],
        first_seq=m["seq"]["first"],
        last_seq=m["seq"]["last"],
        files=done.files,
    )


def _gaps(store: HubStore, desk_id: str) -> list[Gap]:
    with store.reading() as db:
        return desk_gaps(db, desk_id, store.q)
