"""End-of-day bundles (SPEC §7), the hub's side: check a ``.deskbundle`` whole, then import it.

One strict reader (docs/bundle-format.md, "What an importer must check"): the
zip is opened with limits against hostile archives, the manifest and the
checksum of every member are checked; then ``events.jsonl`` is read a block at
a time (``desk.sync.bundle_events``: each line by the one codec, each block
through the records check), and each block is checked against this home and staged as it
comes; only when the whole bundle was read and found good is it published
(``desk.sync.publish``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desk.errors import IntegrityFailure, NotFound
from desk.sync.bundle_events import EventsSource, checked_blocks
from desk.sync.bundle_files import check_files, check_referenced, check_sizes, referenced
from desk.sync.bundle_write import (
    FILES_DIR,
    FORMAT,
    MEMBER_DOSSIERS,
    MEMBER_EVENTS,
    MEMBER_MANIFEST,
    MEMBER_REGISTER,
    MEMBER_SIGNATURE,
    remove_quietly,
)
from desk.sync.hub_files import hub_row, pieces, record, relative_path, store_of
from desk.sync.ingest import Gap, Progress, Run, desk_gaps
from desk.sync.publish import ChunkHook, publish_at_once, stage_and_publish
from desk.sync.seal import check_routing, opened
from desk.sync.signing import check_source, signed_from_member
from desk.sync.store import POSTGRESQL, HubStore, hub_store

# limits against hostile bundles (zip bombs, huge members); a day of a busy
# desk is a few megabytes, a 20,000-event bundle about 40 MB uncompressed
MAX_BUNDLE_BYTES = 2 * 1024**3
MAX_MEMBERS = 20_000
MAX_MANIFEST_BYTES = 1024**2
MAX_EVENTS_BYTES = 512 * 1024**2
MAX_JSON_BYTES = 512 * 1024**2
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 200  # uncompressed/compressed beyond this, for members over RATIO_FLOOR bytes, is a bomb
RATIO_FLOOR = 1024**2
READ_CHUNK = 1024**2
_SAFE_MEMBER = re.compile(r"^[0-9A-Za-z_.-]+(/[0-9A-Za-z_.-]+)*$")


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


def _member_name_problem(name: str) -> str | None:
    """What is wrong with a member's name: "absolute", "dotted", "foreign", or None."""
    if not name or name.startswith(("/", "\\")) or "\\" in name or re.match(r"^[A-Za-z]:", name):
        return "absolute"
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "dotted"
    if name in (MEMBER_MANIFEST, MEMBER_SIGNATURE, MEMBER_EVENTS, MEMBER_DOSSIERS, MEMBER_REGISTER):
        return None
    if name.startswith(FILES_DIR) and _SAFE_MEMBER.match(name):
        return None
    return "foreign"


# APPNOTE.TXT 4.3.16, the end of central directory record: signature, this disk, the directory's disk, entries
# on this disk, entries, the directory's size and offset, the comment's length. A desk's zip has no comment, so
# the record is its last 22 bytes; and no ZIP64 record (its limits are far below ZIP64's).
_END_RECORD = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"


def _check_end_record(path: Path, size: int, where: str) -> None:
    """Refuse a zip declaring more members than a bundle may hold before ``zipfile`` reads its whole
    directory (4 million entries took 2.9 GB), and any zip a desk does not write."""
    with open(path, "rb") as f:
        f.seek(max(size - _END_RECORD.size - 0xFFFF, 0))  # the record, after it at most a comment of 64 KiB
        tail = f.read()
    record = tail[-_END_RECORD.size :]
    if not record.startswith(_END_SIGNATURE):
        if _END_SIGNATURE in tail:  # a record followed by a comment
            raise IntegrityFailure("bundle.not_a_desk_zip", field="bundle", bundle=where)
        return  # truncated or not a zip: zipfile says so, below
    _, disk, directory_disk, on_disk, entries, directory_size, directory_offset, _ = _END_RECORD.unpack(record)
    if (
        disk
        or directory_disk
        or on_disk != entries
        or entries == 0xFFFF
        or 0xFFFFFFFF
        in (
            directory_size,
            directory_offset,
        )
    ):
        raise IntegrityFailure("bundle.not_a_desk_zip", field="bundle", bundle=where)
    if entries > MAX_MEMBERS:
        raise IntegrityFailure(
            "bundle.members_declared", field="bundle", bundle=where, count=entries, limit=MAX_MEMBERS
        )


def _check_zip(zf: zipfile.ZipFile, where: str) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise IntegrityFailure(
            "bundle.too_many_members", field="bundle", bundle=where, count=len(infos), limit=MAX_MEMBERS
        )
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for zi in infos:
        problem = _member_name_problem(zi.filename)
        if problem == "absolute":
            raise IntegrityFailure("bundle.member_absolute", field="bundle", bundle=where, member=zi.filename[:120])
        if problem == "dotted":
            raise IntegrityFailure("bundle.member_dotted", field="bundle", bundle=where, member=zi.filename[:120])
        if problem:
            raise IntegrityFailure("bundle.member_foreign", field="bundle", bundle=where, member=zi.filename[:120])
        if zi.filename in by_name:
            raise IntegrityFailure("bundle.member_twice", field="bundle", bundle=where, member=zi.filename)
        if zi.flag_bits & 0x1:
            raise IntegrityFailure("bundle.member_encrypted", field="bundle", bundle=where, member=zi.filename)
        if stat.S_ISLNK(zi.external_attr >> 16) or zi.is_dir():
            raise IntegrityFailure("bundle.member_link", field="bundle", bundle=where, member=zi.filename)
        if zi.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise IntegrityFailure("bundle.member_compression", field="bundle", bundle=where, member=zi.filename)
        if zi.file_size > RATIO_FLOOR and zi.file_size > MAX_RATIO * max(zi.compress_size, 1):
            raise IntegrityFailure(
                "bundle.member_ratio",
                field="bundle",
                bundle=where,
                member=zi.filename,
                ratio=zi.file_size // max(zi.compress_size, 1),
            )
        limit = {
            MEMBER_MANIFEST: MAX_MANIFEST_BYTES,
            MEMBER_SIGNATURE: MAX_MANIFEST_BYTES,
            MEMBER_EVENTS: MAX_EVENTS_BYTES,
        }.get(zi.filename, MAX_JSON_BYTES)
        if zi.file_size > limit:
            raise IntegrityFailure(
                "bundle.member_too_large", field="bundle", bundle=where, member=zi.filename, size=zi.file_size
            )
        total += zi.file_size
        by_name[zi.filename] = zi
    if total > MAX_TOTAL_BYTES:
        raise IntegrityFailure(
            "bundle.too_large_uncompressed", field="bundle", bundle=where, size=total, limit=MAX_TOTAL_BYTES
        )
    for required in (MEMBER_MANIFEST, MEMBER_EVENTS):
        if required not in by_name:
            raise IntegrityFailure("bundle.member_missing", field="bundle", bundle=where, member=required)
    return by_name


def _read_member(zf: zipfile.ZipFile, zi: zipfile.ZipInfo, where: str) -> bytes:
    """The member's bytes, never more than it declares (zipfile stops there and checks the CRC)."""
    try:
        with zf.open(zi) as f:
            data = f.read(zi.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise IntegrityFailure("bundle.member_corrupt", field="bundle", bundle=where, member=zi.filename) from exc
    if len(data) != zi.file_size:
        raise IntegrityFailure("bundle.member_size", field="bundle", bundle=where, member=zi.filename)
    return data


def _manifest(data: bytes, where: str) -> dict:
    try:
        m = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise IntegrityFailure("bundle.too_deep", field="bundle", bundle=where, member=MEMBER_MANIFEST) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise IntegrityFailure("bundle.manifest_not_json", field="bundle", bundle=where, detail=str(exc)) from exc
    if not isinstance(m, dict):
        raise IntegrityFailure("bundle.manifest_not_object", field="bundle", bundle=where)
    fmt = m.get("format")
    if fmt != FORMAT:
        raise IntegrityFailure("bundle.format", field="bundle", bundle=where, format=str(fmt)[:60], expected=FORMAT)
    problems = []
    typed = {
        "agency": str,
        "desk_id": str,
        "desk_no": int,
        "last_hash": str,
        "seq": dict,
        "counts": dict,
        "members": list,
        "created_at": str,
    }
    for key, kind in typed.items():
        if not isinstance(m.get(key), kind) or isinstance(m.get(key), bool):
            problems.append(key)
    if not problems:
        seq = m["seq"]
        if not all(type(seq.get(k)) is int for k in ("first", "last")) or not 1 <= seq["first"] <= seq["last"]:
            problems.append("seq")
        if type(m["counts"].get("events")) is not int:
            problems.append("counts.events")
        for entry in m["members"]:
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("name"), str)
                and isinstance(entry.get("sha256"), str)
                and type(entry.get("size")) is int
            ):
                problems.append("members")
                break
    if problems:
        raise IntegrityFailure("bundle.manifest_keys", field="bundle", bundle=where, keys=tuple(problems))
    return m


@dataclass
class _Bundle:
    manifest: dict
    members: dict[str, tuple[zipfile.ZipInfo, dict]]
    """name -> (member, its manifest entry), the manifest and its signature left out."""
    manifest_bytes: bytes = b""
    """The manifest exactly as stored: what the desk signed."""
    signature: bytes | None = None
    """``signature.json`` as stored (None: the bundle has none)."""
    files: dict[str, tuple[zipfile.ZipInfo, str]] = field(default_factory=dict)
    """relative path -> (member, sha256), once :func:`_check_members` found them good."""
    file_states: dict[str, tuple[str, str]] = field(default_factory=dict)
    """relative path -> (``"signed"``/``"unsigned"``, signer), from the same checks."""

    @property
    def events(self) -> tuple[zipfile.ZipInfo, str]:
        """events.jsonl and its checksum; read and checked while it is imported (``desk.sync.bundle_events``)."""
        zi, entry = self.members[MEMBER_EVENTS]
        return zi, entry["sha256"]


def open_bundle(path: Path) -> tuple[zipfile.ZipFile, _Bundle]:
    """Open a bundle and check its zip (limits against hostile archives), its manifest, and that its members
    are those the manifest lists with their sizes; raises IntegrityFailure, and then the zip is closed."""
    where = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise NotFound("bundle.not_found", field="bundle", path=str(path)) from exc
    if not path.is_file():
        raise NotFound("bundle.not_a_file", field="bundle", path=str(path))
    if size > MAX_BUNDLE_BYTES:
        raise IntegrityFailure("bundle.too_large", field="bundle", bundle=where, size=size)
    _check_end_record(path, size, where)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise IntegrityFailure("bundle.not_a_zip", field="bundle", bundle=where, detail=str(exc)) from exc
    try:
        by_name = _check_zip(zf, where)
        check_sizes(by_name.values(), FILES_DIR, where)
        manifest_data = _read_member(zf, by_name[MEMBER_MANIFEST], where)
        manifest = _manifest(manifest_data, where)
        listed = {e["name"]: e for e in manifest["members"]}
        present = set(by_name) - {MEMBER_MANIFEST, MEMBER_SIGNATURE}
        signature = _read_member(zf, by_name[MEMBER_SIGNATURE], where) if MEMBER_SIGNATURE in by_name else None
        if set(listed) != present:
            extra, missing = sorted(present - set(listed)), sorted(set(listed) - present)
            raise IntegrityFailure(
                "bundle.members_differ",
                field="bundle",
                bundle=where,
                extra=tuple(extra[:5]),
                missing=tuple(missing[:5]),
            )
        for name in sorted(present):
            zi, entry = by_name[name], listed[name]
            if zi.file_size != entry["size"]:
                raise IntegrityFailure(
                    "bundle.member_size_differs",
                    field="bundle",
                    bundle=where,
                    member=name,
                    size=zi.file_size,
                    declared=entry["size"],
                )
    except BaseException:
        zf.close()
        raise
    members = {name: (by_name[name], listed[name]) for name in sorted(present)}
    return zf, _Bundle(manifest, members, manifest_data, signature)


def _check_members(zf: zipfile.ZipFile, bundle: _Bundle, where: str) -> None:
    """The checksum of every member but events.jsonl (read and checked while it is imported); keeps the
    scans' in ``bundle.files``."""
    for name, (zi, entry) in bundle.members.items():
        if name == MEMBER_EVENTS:
            continue
        if name.startswith(FILES_DIR):
            sha = _hash_member(zf, zi, where)
        else:
            data = _read_member(zf, zi, where)
            sha = hashlib.sha256(data).hexdigest()
            if name == MEMBER_DOSSIERS and not data.startswith(b"["):
                # informational for the hub (dossiers are rebuilt from the events); the checksum covers it
                raise IntegrityFailure("bundle.dossiers_not_list", field="bundle", bundle=where, member=name)
            del data
        if sha != entry["sha256"]:
            raise IntegrityFailure("bundle.member_checksum", field="bundle", bundle=where, member=name)
        if name.startswith(FILES_DIR):
            bundle.files[name[len(FILES_DIR) :]] = (zi, sha)
    bundle.file_states = check_files(bundle.files, lambda zi: _read_member(zf, zi, where), where)


def _hash_member(zf: zipfile.ZipFile, zi: zipfile.ZipInfo, where: str) -> str:
    h = hashlib.sha256()
    n = 0
    try:
        with zf.open(zi) as f:
            while chunk := f.read(READ_CHUNK):
                n += len(chunk)
                if n > zi.file_size:
                    break
                h.update(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise IntegrityFailure("bundle.member_corrupt", field="bundle", bundle=where, member=zi.filename) from exc
    if n != zi.file_size:
        raise IntegrityFailure("bundle.member_size", field="bundle", bundle=where, member=zi.filename)
    return h.hexdigest()


def _store_files(desk, zf: zipfile.ZipFile, bundle: _Bundle, where: str, written: list[str], db=None) -> None:
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
    rows (EVENT_COLUMNS, as :class:`desk.sync.ingest.Run` holds them). For a desk's own bundle (``desk
    recover``); it holds every event in memory. A sealed bundle opens only with ``home``'s hub key."""
    with opened(home, Path(path)) as (plain, routing):
        return _read_plain(plain, routing)


def _read_plain(path: Path, routing: dict | None) -> tuple[dict, list[tuple]]:
    zf, bundle = open_bundle(path)
    try:
        check_routing(routing, bundle.manifest, path.name)
        _check_members(zf, bundle, path.name)
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
        events = EventsSource(str(path), zf, *bundle.events, where=path.name, manifest=bundle.manifest)
        _check_members(zf, bundle, path.name)
        return _store(desk, store, path, zf, bundle, events, progress, on_chunk)
    finally:
        if events is not None:
            events.close()
        zf.close()


def _check_signed(desk, bundle: _Bundle, where: str, store: HubStore) -> None:
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
    bundle: _Bundle,
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
