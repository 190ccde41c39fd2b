"""End-of-day bundles (SPEC §7), the hub's side: check a ``.deskbundle`` whole, then import it.

One strict reader (docs/bundle-format.md, "What an importer must check"): the
zip is opened with limits against hostile archives, the manifest and the
checksum of every member are checked, each line of ``events.jsonl`` is read by
the one codec (:func:`desk.rules.canonical.read_event_line`: it must be exactly
the canonical JSON of its event), the run is checked by
``desk.sync.records``, and only then does ``desk.sync.ingest`` write it, in one
transaction, like a pushed batch.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from db import queries
from desk import clock
from desk.errors import IntegrityFailure, NotFound
from desk.rules.canonical import NotCanonical, read_event_line
from desk.sync.bundle_files import check_files, check_sizes
from desk.sync.bundle_write import (
    FILES_DIR,
    FORMAT,
    MEMBER_DOSSIERS,
    MEMBER_EVENTS,
    MEMBER_MANIFEST,
    MEMBER_REGISTER,
    remove_quietly,
)
from desk.sync.ingest import Gap, IngestResult, Progress, Run, ingest
from desk.sync.records import RunCheck

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
EVENTS_BLOCK = 4 * 1024**2  # bytes of events.jsonl decoded and parsed at a time
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
    if not name or name.startswith(("/", "\\")) or "\\" in name or re.match(r"^[A-Za-z]:", name):
        return "an absolute or Windows path"
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "a path with '..' or empty parts"
    if name in (MEMBER_MANIFEST, MEMBER_EVENTS, MEMBER_DOSSIERS, MEMBER_REGISTER):
        return None
    if name.startswith(FILES_DIR) and _SAFE_MEMBER.match(name):
        return None
    return "not a member of a bundle"


def _check_zip(zf: zipfile.ZipFile, where: str) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise IntegrityFailure(f"{where}: {len(infos)} members, more than the {MAX_MEMBERS} a bundle may hold")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for zi in infos:
        problem = _member_name_problem(zi.filename)
        if problem:
            raise IntegrityFailure(f"{where}: member {zi.filename[:120]!r} is {problem}; refused")
        if zi.filename in by_name:
            raise IntegrityFailure(f"{where}: member {zi.filename!r} appears twice; refused")
        if zi.flag_bits & 0x1:
            raise IntegrityFailure(f"{where}: member {zi.filename!r} is encrypted; refused")
        if stat.S_ISLNK(zi.external_attr >> 16) or zi.is_dir():
            raise IntegrityFailure(f"{where}: member {zi.filename!r} is a link or a folder; refused")
        if zi.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise IntegrityFailure(f"{where}: member {zi.filename!r} uses an unsupported compression")
        if zi.file_size > RATIO_FLOOR and zi.file_size > MAX_RATIO * max(zi.compress_size, 1):
            raise IntegrityFailure(
                f"{where}: member {zi.filename!r} expands {zi.file_size // max(zi.compress_size, 1)}-fold "
                "(a zip bomb?); refused"
            )
        limit = {MEMBER_MANIFEST: MAX_MANIFEST_BYTES, MEMBER_EVENTS: MAX_EVENTS_BYTES}.get(zi.filename, MAX_JSON_BYTES)
        if zi.file_size > limit:
            raise IntegrityFailure(f"{where}: member {zi.filename!r} is {zi.file_size} bytes, over the limit")
        total += zi.file_size
        by_name[zi.filename] = zi
    if total > MAX_TOTAL_BYTES:
        raise IntegrityFailure(f"{where}: {total} bytes uncompressed, over the {MAX_TOTAL_BYTES} limit; refused")
    for required in (MEMBER_MANIFEST, MEMBER_EVENTS):
        if required not in by_name:
            raise IntegrityFailure(f"{where}: {required} is missing; not a complete bundle")
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
        raise IntegrityFailure(f"{where}: manifest.json is not valid JSON ({exc}); refused") from exc
    if not isinstance(m, dict):
        raise IntegrityFailure(f"{where}: manifest.json is not an object; refused")
    fmt = m.get("format")
    if fmt != FORMAT:
        raise IntegrityFailure(
            f"{where}: bundle format {str(fmt)[:60]!r} is not {FORMAT!r}, the one this desk reads; "
            "update motcua-desk, or re-export with the same version"
        )
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
            problems.append(f"{key} missing or not {kind.__name__}")
    if not problems:
        seq = m["seq"]
        if not all(type(seq.get(k)) is int for k in ("first", "last")) or not 1 <= seq["first"] <= seq["last"]:
            problems.append("seq range invalid")
        if type(m["counts"].get("events")) is not int:
            problems.append("counts.events missing")
        for entry in m["members"]:
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("name"), str)
                and isinstance(entry.get("sha256"), str)
                and type(entry.get("size")) is int
            ):
                problems.append("a member entry is malformed")
                break
    if problems:
        raise IntegrityFailure(f"{where}: manifest.json: {'; '.join(problems)}; refused")
    return m


@dataclass
class _Bundle:
    manifest: dict
    run: Run
    """Its events, checked."""
    files: dict[str, tuple[zipfile.ZipInfo, str]]  # relative path -> (member, sha256)


def read_bundle(path: Path) -> tuple[zipfile.ZipFile, _Bundle]:
    """Open and check a bundle completely (zip safety, manifest, checksums, each line canonical, counts, the
    records check of every event); raises IntegrityFailure, and then the zip is closed."""
    where = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise NotFound(f"no bundle at {path}", field="bundle") from exc
    if not path.is_file():
        raise NotFound(f"{path} is not a file", field="bundle")
    if size > MAX_BUNDLE_BYTES:
        raise IntegrityFailure(f"{where}: {size} bytes, larger than any bundle may be; refused")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise IntegrityFailure(f"{where}: not a readable bundle (truncated, or not a zip): {exc}") from exc
    try:
        by_name = _check_zip(zf, where)
        check_sizes(by_name.values(), FILES_DIR, where)
        manifest_data = _read_member(zf, by_name[MEMBER_MANIFEST], where)
        manifest = _manifest(manifest_data, where)
        listed = {e["name"]: e for e in manifest["members"]}
        present = set(by_name) - {MEMBER_MANIFEST}
        if set(listed) != present:
            extra, missing = sorted(present - set(listed)), sorted(set(listed) - present)
            raise IntegrityFailure(
                f"{where}: members differ from the manifest (not listed: {extra[:5]}, missing: {missing[:5]}); refused"
            )
        reader = _EventsReader(where, manifest)
        files: dict[str, tuple[zipfile.ZipInfo, str]] = {}
        for name in sorted(present):
            zi, entry = by_name[name], listed[name]
            if zi.file_size != entry["size"]:
                raise IntegrityFailure(f"{where}: {name} is {zi.file_size} bytes, the manifest says {entry['size']}")
            if name.startswith(FILES_DIR):
                sha = _hash_member(zf, zi, where)
            elif name == MEMBER_EVENTS:
                # parsed while it is read; the reader keeps its first problem until finish(), so that a
                # checksum that does not match is what is reported
                digest = hashlib.sha256()
                with contextlib.closing(_line_blocks(zf, zi, where, digest)) as blocks:  # type: ignore[type-var]
                    for block in blocks:
                        reader.feed(block)
                sha = digest.hexdigest()
            else:
                data = _read_member(zf, zi, where)
                sha = hashlib.sha256(data).hexdigest()
                if name == MEMBER_DOSSIERS and not data.startswith(b"["):
                    # informational for the hub (dossiers are rebuilt from the events); the checksum covers it
                    raise IntegrityFailure(f"{where}: {name} is not a JSON list of dossier records; refused")
                del data
            if sha != entry["sha256"]:
                raise IntegrityFailure(f"{where}: {name} does not match its checksum in the manifest (altered?)")
            if name.startswith(FILES_DIR):
                files[name[len(FILES_DIR) :]] = (zi, sha)
        run = reader.finish(manifest)
        check_files(files, lambda zi: _read_member(zf, zi, where), (row[7] for row in run.rows), where)
    except BaseException:
        zf.close()
        raise
    return zf, _Bundle(manifest, run, files)


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


def _line_blocks(zf: zipfile.ZipFile, zi: zipfile.ZipInfo, where: str, digest) -> Iterator[bytes]:
    """A member in blocks of about EVENTS_BLOCK bytes that end with a newline (the last one may not), each
    added to ``digest`` as it is read. Never more than the member declares is read."""
    held = b""  # the start of a line that goes on in the next chunk
    n = 0
    try:
        with zf.open(zi) as f:
            while chunk := f.read(EVENTS_BLOCK):
                n += len(chunk)
                if n > zi.file_size:
                    break
                digest.update(chunk)
                end = chunk.rfind(b"\n") + 1
                if end:
                    yield held + chunk[:end] if held else chunk[:end]
                    held = chunk[end:]
                else:
                    held += chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise IntegrityFailure("bundle.member_corrupt", field="bundle", bundle=where, member=zi.filename) from exc
    if n != zi.file_size:
        raise IntegrityFailure("bundle.member_size", field="bundle", bundle=where, member=zi.filename)
    if held:
        yield held


class _EventsReader:
    """Reads events.jsonl block by block (blocks of whole lines): each line by the codec, each event through
    the records check as it comes; the first problem is raised by :meth:`finish`, so that a member whose
    checksum does not match is reported as such."""

    def __init__(self, where: str, manifest: dict):
        self.where = where
        self.check = RunCheck(desk_id=manifest["desk_id"], where=f"{where} events.jsonl")
        self.run = Run()
        self.seqs: list = []  # of every line, as read
        self.last_hash: object = None
        self.first_prev_hash: object = None
        self._problem: IntegrityFailure | None = None

    def feed(self, block: bytes) -> None:
        if self._problem is not None:
            return
        lines = block.split(b"\n")
        if lines[-1] == b"":
            lines.pop()  # the block ends with a newline
        seqs, events = self.seqs, []
        for line in lines:
            try:
                event = read_event_line(line)
            except NotCanonical as exc:
                self._problem = IntegrityFailure(
                    "bundle.line_not_canonical",
                    field="bundle",
                    bundle=self.where,
                    line=len(seqs) + 1,
                    reason=exc.reason,
                )
                return
            record = event.record
            if type(record) is dict:
                seqs.append(record.get("seq"))
                self.last_hash = record.get("hash")
                if len(seqs) == 1:
                    self.first_prev_hash = record.get("prev_hash")
            else:
                seqs.append(None)
                self.last_hash = None
            events.append(event)
        for event in self.check.add(events, block):
            self.run.add(event)

    def finish(self, manifest: dict) -> Run:
        """The checked run; raises IntegrityFailure for the first problem found."""
        where, seqs = self.where, self.seqs
        if self._problem is not None:
            raise self._problem
        first, last = manifest["seq"]["first"], manifest["seq"]["last"]
        if len(seqs) != manifest["counts"]["events"] or len(seqs) != last - first + 1:
            raise IntegrityFailure(
                f"{where}: events.jsonl holds {len(seqs)} events, the manifest says "
                f"{manifest['counts']['events']} for seq {first}–{last}; refused"
            )
        if seqs != list(range(first, last + 1)):
            raise IntegrityFailure(f"{where}: events.jsonl is not the contiguous seq run {first}–{last}; refused")
        if seqs and self.last_hash != manifest["last_hash"]:
            raise IntegrityFailure(f"{where}: the last event's hash differs from the manifest's last_hash; refused")
        self.check.finish()
        first_prev = manifest.get("first_prev_hash")
        if seqs and first_prev and self.first_prev_hash != first_prev:
            raise IntegrityFailure(f"{where}: the first event's prev_hash differs from the manifest's")
        return self.run


def _store_files(desk, zf: zipfile.ZipFile, files: dict, where: str, written: list[Path]) -> None:
    root = desk.home.files.resolve()
    for rel, (zi, sha) in sorted(files.items()):
        target = (root / rel).resolve()
        if root not in target.parents:
            raise IntegrityFailure(f"{where}: files/{rel} would land outside the files folder; refused")
        if target.is_file() and not target.is_symlink() and _file_sha256(target) == sha:
            continue  # the same scan, already here (from another bundle or desk): shared
        # absent, or not what its name says (planted by a bundle an older hub let in): the checked bytes win
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.with_name(target.name + ".part")
        with zf.open(zi) as src, open(tmp, "wb") as dst:
            while chunk := src.read(READ_CHUNK):
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        written.append(target)


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(READ_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def import_bundle(desk, path: str | os.PathLike, progress: Progress | None = None) -> ImportResult:
    """Check a bundle completely, then import it in one transaction (see ``desk.sync.ingest``).

    Anything wrong raises IntegrityFailure (exit 5) naming what and where, and
    nothing is imported. A missing earlier bundle of the same desk does not
    refuse the import: the gap is recorded by seq range and returned.
    """
    path = Path(path)
    zf, bundle = read_bundle(path)
    return _store(desk, path, zf, bundle, progress)


def _store(desk, path: Path, zf: zipfile.ZipFile, bundle: _Bundle, progress: Progress | None) -> ImportResult:
    """Ingest the checked events, store the bundle's scans and record the import, in one transaction;
    closes ``zf``."""
    m = bundle.manifest
    where = path.name
    written: list[Path] = []
    done: list[ImportResult] = []

    def before_commit(result: IngestResult) -> None:
        if bundle.files:
            _store_files(desk, zf, bundle.files, where, written)
        out = ImportResult(
            imported_events=result.imported,
            skipped_events=result.skipped,
            gaps=result.gaps,
            dossiers=result.dossiers,
            desk_id=m["desk_id"],
            desk_no=m["desk_no"],
            agency_code=m["agency"],
            first_seq=m["seq"]["first"],
            last_seq=m["seq"]["last"],
            files=len(written),
        )
        if out.imported_events:
            at = clock.now().isoformat(timespec="seconds")
            record = {"at": at, "bundle": path.name, **out.to_json()}
            queries.set_meta(desk.db, "sync.last_import", json.dumps(record, ensure_ascii=False))
        done.append(out)

    try:
        ingest(
            desk,
            bundle.run,
            source="bundle",
            name=path.name,
            desk_id=m["desk_id"],
            agency_code=m["agency"],
            desk_no=m["desk_no"],
            where=where,
            progress=progress,
            before_commit=before_commit,
        )
    except BaseException:
        for p in written:
            remove_quietly(p)
        raise
    finally:
        zf.close()
    return done[0]
