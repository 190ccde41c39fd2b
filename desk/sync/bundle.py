"""End-of-day bundles (SPEC §7): export at the desk, import at the hub.

A bundle is a zip named ``<agency>_<desk>_<YYYYMMDD>_<firstseq>-<lastseq>.deskbundle``
holding ``events.jsonl``, ``dossiers.json`` (national-portal shape, see
``desk.rules.portal``), ``register.csv`` (UTF-8 with BOM), optionally ``files/``, and
``manifest.json`` with the sha256 and size of every other member. The format
is described for integrators in ``docs/bundle-format.md``.

Exporting the same seq range again gives byte-identical members (fixed zip
timestamps and attributes, canonical JSON, state as of the range's last
event); only ``manifest.json``'s ``created_at`` differs. Import checks
everything before it writes anything, then goes through ``desk.sync.ingest`` like
a pushed batch.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import glob
import hashlib
import io
import json
import os
import queue
import re
import stat
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from db import queries, write_transaction
from db import sync_queries as sq
from desk import __version__, clock
from desk.rules import portal
from desk.errors import DeskError, IntegrityFailure, InvalidInput, NotFound
from desk.sync.ingest import (
    Cancelled, ChainConflict, CheckedRecord, Gap, Progress, check_records, event_line_ends, gc_paused, hostile_bytes,
    ingest, parse_canonical_line, parse_trusted_line, read_payload,
)
from desk.models import Procedure, Status

FORMAT = "motcua-desk-bundle/1"
SUFFIX = ".deskbundle"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so that re-exports are byte-identical
MEMBER_EVENTS = "events.jsonl"
MEMBER_DOSSIERS = "dossiers.json"
MEMBER_REGISTER = "register.csv"
MEMBER_MANIFEST = "manifest.json"
FILES_DIR = "files/"

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
EVENTS_CHUNK = 500  # events read, written and reported at a time
DOSSIERS_CHUNK = 1000  # dossier records encoded and written at a time
EVENTS_BLOCK = 4 * 1024**2  # bytes of events.jsonl decoded and parsed at a time
COMPRESS_LEVEL = 1

_SAFE_MEMBER = re.compile(r"^[0-9A-Za-z_.-]+(/[0-9A-Za-z_.-]+)*$")

REGISTER_HEADER = [
    "Quyển số", "Số thứ tự", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Người nộp", "Số giấy tờ",
    "Địa chỉ", "Số điện thoại", "Ngày nhận", "Hẹn trả", "Trạng thái", "Ngày có kết quả", "Ngày trả",
    "Người nhận kết quả", "Người tiếp nhận", "Ghi chú",
]


@dataclass
class ExportResult:
    path: Path | None
    """The bundle written, or None when there was nothing to export."""
    events: int
    dossiers: int
    first_seq: int | None = None
    last_seq: int | None = None
    files: int = 0

    def to_json(self) -> dict:
        return {
            "path": str(self.path) if self.path else None,
            "events": self.events,
            "dossiers": self.dossiers,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "files": self.files,
        }


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


# --- export -------------------------------------------------------------------


def bundle_name(agency_code: str, desk_no: int, day: date, first: int, last: int) -> str:
    return f"{agency_code}_{desk_no}_{day:%Y%m%d}_{first}-{last}{SUFFIX}"


def _zinfo(name: str, *, stored: bool = False) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    zi.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    # level 1: a third of the time of the default for about 1.5× the size (bundles travel on USB sticks)
    if hasattr(zi, "compress_level"):  # Python ≥ 3.13
        zi.compress_level = COMPRESS_LEVEL
    else:
        zi._compresslevel = COMPRESS_LEVEL
    zi.create_system = 3
    zi.external_attr = (stat.S_IFREG | 0o644) << 16
    return zi


class _Member:
    """A zip member being written, with its sha256 and size for the manifest.

    The writing itself (sha256, deflate, the file) happens on ``writer``, a
    single background thread: those release the GIL, so the next records are
    built meanwhile. At most ``MAX_QUEUED`` pieces wait; an error of the
    writer (a full USB stick) is raised by the next ``write`` or ``close``.
    """

    MAX_QUEUED = 4

    def __init__(self, zf: zipfile.ZipFile, name: str, writer: ThreadPoolExecutor, *, stored: bool = False):
        self.name = name
        self.sha = hashlib.sha256()
        self.size = 0
        self._w = zf.open(_zinfo(name, stored=stored), "w")
        self._writer = writer
        self._queued: collections.deque[Future] = collections.deque()
        self._failed = False

    def _write_now(self, data: bytes) -> None:
        if self._failed:
            return  # the export stops at the first error: nothing more goes to the stick
        try:
            self.sha.update(data)
            self._w.write(data)
        except BaseException:
            self._failed = True
            raise

    def write(self, data: bytes) -> None:
        self.size += len(data)
        self._queued.append(self._writer.submit(self._write_now, data))
        self._settle(self.MAX_QUEUED)

    def _settle(self, keep: int) -> None:
        """Wait until at most ``keep`` pieces are queued; on the writer's first error, drop the rest and raise it."""
        queued = self._queued
        try:
            while len(queued) > keep or (queued and queued[0].done()):
                queued.popleft().result()
        except BaseException:
            for f in queued:
                f.cancel()
            wait(queued)
            queued.clear()
            raise

    def close(self) -> None:
        try:
            self._settle(0)
        finally:
            # on errors too, so that the zip can be closed and the first error is the one reported
            self._w.close()

    @property
    def entry(self) -> dict:
        return {"name": self.name, "sha256": self.sha.hexdigest(), "size": self.size}


class _Members:
    """Writes the members of a zip one after the other, keeping their manifest entries."""

    def __init__(self, zf: zipfile.ZipFile, writer: ThreadPoolExecutor):
        self._zf = zf
        self._writer = writer
        self.entries: list[dict] = []

    @contextlib.contextmanager
    def member(self, name: str, *, stored: bool = False) -> Iterator[Callable[[bytes], None]]:
        """``with members.member(name) as write: write(data)...``"""
        m = _Member(self._zf, name, self._writer, stored=stored)
        try:
            yield m.write
        finally:
            m.close()
        self.entries.append(m.entry)


def export_range(desk, day: date | None = None) -> tuple[int, int] | None:
    """The seq range an export would write: from the first pending event to the last one,
    or every event of ``day`` (and those between them, so that a bundle is always contiguous)."""
    db, desk_id = desk.db, desk.desk_id
    if day is not None:
        start = datetime.combine(day, datetime.min.time())
        return sq.seq_range_between(
            db, desk_id, start.isoformat(timespec="seconds"), (start + timedelta(days=1)).isoformat(timespec="seconds")
        )
    first = sq.first_pending_seq(db, desk_id)
    if first is None:
        return None
    return first, sq.max_seq(db, desk_id)


def _procedure(desk, code: str, cache: dict) -> Procedure | None:
    if code not in cache:
        from desk.catalog.store import get_procedure

        try:
            cache[code] = get_procedure(desk, code)
        except (NotFound, InvalidInput):
            cache[code] = None
    return cache[code]


def _fmt(value: str | None) -> str:
    """``dd/mm/yyyy HH:MM`` from a stored ISO 8601 local date-time (Excel reads it as a date)."""
    if not value:
        return ""
    return f"{value[8:10]}/{value[5:7]}/{value[0:4]} {value[11:16]}"


# the register is read by people: statuses in words (the portal's names of the codes in desk.rules.portal)
STATUS_WORDS_VI = {
    Status.RECEIVED: "Được tiếp nhận",
    Status.TRANSFERRED: "Đang xử lý",
    Status.SUPPLEMENT: "Yêu cầu bổ sung giấy tờ",
    Status.RESULT_READY: "Đã xử lý xong",
    Status.RETURNED: "Đã trả kết quả",
    Status.REFUSED: "Không được tiếp nhận",
    Status.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
}


def _register_csv(rows: list[dict]) -> bytes:
    """The register book lines (Mẫu 07 columns) of the dossiers, from their stored rows."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(REGISTER_HEADER)
    w.writerows([
        (r["register_book"], r["register_line"], r["code"], r["procedure_code"], r["procedure_name"],
         r["applicant_name"], r["id_number"], r["address"], r["phone"], _fmt(r["received_at"]), _fmt(r["due_at"]),
         STATUS_WORDS_VI[r["status"]], _fmt(r["finished_at"]), _fmt(r["returned_at"]), r["collected_by"],
         r["clerk"], r["notes"])
        for r in rows
    ])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a directory; the rename is durable enough there
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_bundle(desk, tmp: Path, first: int, last: int, *, with_files: bool, day: date | None,
                  progress: Progress | None) -> tuple[int, int, int]:
    """Write the zip to ``tmp``; returns (events, dossiers, files)."""
    with open(tmp, "wb") as fh:
        with (zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf,
              ThreadPoolExecutor(1, thread_name_prefix="bundle-writer") as background):
            writer = _Members(zf, background)
            n, dossiers, files, last_hash = _write_members(desk, writer, first, last, with_files=with_files,
                                                           progress=progress)
            members = writer.entries
            manifest = {
                "format": FORMAT,
                "agency": desk.settings.agency.code,
                "agency_name": desk.settings.agency.name,
                "desk_no": desk.settings.agency.desk_no,
                "desk_id": desk.desk_id,
                "created_at": clock.now().isoformat(timespec="seconds"),
                "software": f"motcua-desk {__version__}",
                "day": day.isoformat() if day else None,
                "seq": {"first": first, "last": last},
                "counts": {"events": n, "dossiers": dossiers, "files": files},
                "first_prev_hash": _first_prev_hash(desk.db, desk.desk_id, first),
                "last_hash": last_hash,
                "members": sorted(members, key=lambda x: x["name"]),
            }
            zf.writestr(_zinfo(MEMBER_MANIFEST), json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
        fh.flush()
        os.fsync(fh.fileno())
    if progress:
        progress(last - first + 1, last - first + 1)
    return n, dossiers, files


def _write_members(desk, writer: _Members, first: int, last: int, *, with_files: bool,
                   progress: Progress | None) -> tuple[int, int, int, str]:
    """Everything but the manifest; returns (events, dossiers, files, hash of the last event)."""
    db, desk_id, agency = desk.db, desk.desk_id, desk.settings.agency
    total = last - first + 1
    latest: dict[str, bytes] = {}  # dossier code -> payload of its latest snapshot within the range (UTF-8)
    touched: set[str] = set()
    n = 0
    prev_hash = None
    with writer.member(MEMBER_EVENTS) as write:
        # the stored payload is canonical JSON already (desk.dossier.events.append writes it so): its UTF-8 bytes go
        # into the line as they are, between the other fields encoded as record_line does
        for rows in sq.iter_event_tuples(db, desk_id, first, last, chunk=EVENTS_CHUNK, payload_bytes=True):
            parts = []
            for seq, event_id, code, type_, at, clerk, payload, row_prev, row_hash in rows:
                if prev_hash is not None and row_prev != prev_hash:
                    raise IntegrityFailure(
                        f"the event chain of this desk is broken at seq {seq}; run `desk verify` before exporting"
                    )
                prev_hash = row_hash
                before, after = event_line_ends(seq, event_id, desk_id, code, type_, at, clerk, row_prev, row_hash)
                parts += (before.encode("utf-8"), payload, after.encode("utf-8"), b"\n")
                if code:
                    touched.add(code)
                    if b'"dossier":{' in payload:
                        latest[code] = payload
            write(b"".join(parts))
            n += len(rows)
            if progress:
                progress(n, total)
    if n != total:
        raise IntegrityFailure(
            f"events {first}–{last} of this desk should be {total} but {n} were found (a gap in the "
            "log); run `desk verify`"
        )
    states = {}
    known: dict[str, list] = {}
    for code, text in latest.items():
        payload = read_payload(text, known)
        if isinstance(payload.get("dossier"), dict):
            states[code] = payload
    del latest
    missing = sorted(touched - set(states))
    for code, row in sq.latest_snapshot_rows(db, desk_id, missing, last).items():
        states[code] = json.loads(row["payload"])
    # rows as the snapshots carry them: no enums or datetimes to build for 20,000 dossiers
    snapshots = [(states[code]["dossier"], states[code]["components"]) for code in sorted(states)]
    cache: dict = {}
    records = portal.RecordWriter(agency_name=agency.name, agency_code=agency.code)
    with writer.member(MEMBER_DOSSIERS) as write:
        # "[\n" + ",\n".join(records) + "\n]\n", in parts
        write(b"[\n")
        sep = ""
        for i in range(0, len(snapshots), DOSSIERS_CHUNK):
            texts = [records.text(row, lines, _procedure(desk, row["procedure_code"], cache))
                     for row, lines in snapshots[i : i + DOSSIERS_CHUNK]]
            write((sep + ",\n".join(texts)).encode("utf-8"))
            sep = ",\n"
        write(b"\n]\n")
    with writer.member(MEMBER_REGISTER) as write:
        write(_register_csv([row for row, _ in snapshots]))
    files = _write_files(desk, writer, snapshots) if with_files else 0
    return n, len(snapshots), files, prev_hash or ""


def _first_prev_hash(db, desk_id: str, first: int) -> str:
    rows = sq.event_rows_between(db, desk_id, first, first)
    return rows[first]["prev_hash"] if first in rows else ""


def _write_files(desk, writer: _Members, snapshots: list[tuple[dict, list[dict]]]) -> int:
    root = desk.home.files
    seen: set[str] = set()
    for row, lines in snapshots:
        for c in lines:
            rel = c["file_path"]
            if not rel or rel in seen:
                continue
            seen.add(rel)
            src = root / rel
            try:
                data = src.read_bytes()
            except FileNotFoundError as exc:
                raise NotFound(
                    f"the scan of component {c['code']} of {row['code']} is missing ({src}); restore it, or "
                    "export without --with-files"
                ) from exc
            if c["file_sha256"] and hashlib.sha256(data).hexdigest() != c["file_sha256"]:
                raise IntegrityFailure(f"the scan {src} of {row['code']} changed since it was stored (sha256 differs)")
            with writer.member(FILES_DIR + rel, stored=True) as write:
                write(data)
    return len(seen)


def export_bundle(
    desk,
    out_dir: str | os.PathLike,
    *,
    day: date | None = None,
    with_files: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Write every event not yet exported (or every event of ``day``) into one bundle in ``out_dir``.

    The zip is written under a temporary name, fsynced, then renamed; only
    then are its events marked ``bundle:<name>``. An unwritable or full
    destination raises DeskError and marks nothing. ``progress(done, total)``
    may raise (e.g. :class:`desk.sync.ingest.Cancelled`) to stop; nothing is kept.
    """
    span = export_range(desk, day)
    if span is None:
        return ExportResult(None, 0, 0)
    first, last = span
    out = Path(out_dir)
    if not out.exists():
        raise InvalidInput(f"the folder {out} does not exist (is the USB stick plugged in?)", field="out")
    if not out.is_dir():
        raise InvalidInput(f"{out} is not a folder; give the folder to write the bundle into", field="out")
    last_at = datetime.fromisoformat(sq.event_at(desk.db, desk.desk_id, last))
    agency = desk.settings.agency
    name = bundle_name(agency.code, agency.desk_no, last_at.date(), first, last)
    final = out / name
    tmp = out / f".{name}.{os.getpid()}.part"
    _remove_stale_parts(out, name)
    try:
        with gc_paused():
            events, dossiers, files = _write_bundle(desk, tmp, first, last, with_files=with_files, day=day,
                                                    progress=progress)
        os.replace(tmp, final)
        _fsync_dir(out)
    except OSError as exc:
        _remove_quietly(tmp)
        reason = exc.strerror or str(exc)
        error = DeskError(
            f"cannot write the bundle to {out}: {reason}. Nothing was marked as exported; free some space or "
            "check the USB stick, then export again.",
            field="out",
        )
        _record_export(desk, {"path": None, "events": 0, "dossiers": 0, "error": error.message})
        raise error from exc
    except BaseException as exc:
        _remove_quietly(tmp)
        message = exc.message if isinstance(exc, DeskError) else f"stopped ({exc.__class__.__name__})"
        _record_export(desk, {"path": None, "events": 0, "dossiers": 0, "error": message})
        raise
    result = ExportResult(final, events, dossiers, first, last, files)
    with sq.bulk_cache(desk.db, events), write_transaction(desk.db):
        sq.mark_range_exported(desk.db, desk.desk_id, first, last, f"bundle:{name}",
                               clock.now().isoformat(timespec="seconds"))
        _record_export(desk, {**result.to_json(), "error": ""})
    return result


def _record_export(desk, outcome: dict) -> None:
    """Remember the last export for the sync screen (best effort: it must not hide the export's own error)."""
    try:
        with write_transaction(desk.db):
            queries.set_meta(
                desk.db, "sync.last_export",
                json.dumps({"at": clock.now().isoformat(timespec="seconds"), **outcome}, ensure_ascii=False),
            )
    except Exception:  # noqa: BLE001
        pass


STALE_PART_SECONDS = 3600


def _remove_stale_parts(out: Path, name: str) -> None:
    """Remove temporary files of this bundle left by an export that was killed or lost its USB stick.

    Only old ones: a part file of a few minutes may be another export of this desk still writing.
    """
    for stale in out.glob(f".{glob.escape(name)}.*.part"):
        try:
            if time.time() - stale.stat().st_mtime > STALE_PART_SECONDS:
                stale.unlink()
        except OSError:
            pass


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


# --- import -------------------------------------------------------------------


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
        raise IntegrityFailure(f"{where}: member {zi.filename!r} is corrupt or truncated ({exc}); refused") from exc
    if len(data) != zi.file_size:
        raise IntegrityFailure(f"{where}: member {zi.filename!r} is not the size it declares; refused")
    return data


def _manifest(data: bytes, where: str) -> dict:
    try:
        m = json.loads(data.decode("utf-8"))
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
    typed = {"agency": str, "desk_id": str, "desk_no": int, "last_hash": str, "seq": dict, "counts": dict,
             "members": list, "created_at": str}
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
            if not (isinstance(entry, dict) and isinstance(entry.get("name"), str)
                    and isinstance(entry.get("sha256"), str) and type(entry.get("size")) is int):
                problems.append("a member entry is malformed")
                break
    if problems:
        raise IntegrityFailure(f"{where}: manifest.json: {'; '.join(problems)}; refused")
    return m


@dataclass
class _Bundle:
    manifest: dict
    records: list
    files: dict[str, tuple[zipfile.ZipInfo, str]]  # relative path -> (member, sha256)
    certified: list[tuple[str, str, str] | None] | None = None
    """Per record, its canonical texts when its line is canonical JSON (see desk.sync.ingest.parse_canonical_line)."""
    raw_clean: bool = False
    """events.jsonl holds no invisible character raw (desk.sync.ingest.hostile_bytes found none)."""
    manifest_sha256: str = ""
    """Of manifest.json's bytes: two readers of one bundle read the same members when theirs agree."""


def read_bundle(path: Path, *, trusting: bool = False) -> tuple[zipfile.ZipFile, _Bundle]:
    """Open and check a bundle (zip safety, manifest, checksums, counts); raises IntegrityFailure.

    The events are read strictly (see :class:`_EventsReader`), or with
    ``trusting`` by :class:`_TrustingEventsReader`, for a reader whose bundle
    another process checks at the same time: then ``dossiers.json`` and
    ``register.csv``, which import does not use, are left to that process.
    """
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
        manifest_data = _read_member(zf, by_name[MEMBER_MANIFEST], where)
        manifest = _manifest(manifest_data, where)
        listed = {e["name"]: e for e in manifest["members"]}
        present = set(by_name) - {MEMBER_MANIFEST}
        if set(listed) != present:
            extra, missing = sorted(present - set(listed)), sorted(set(listed) - present)
            raise IntegrityFailure(
                f"{where}: members differ from the manifest (not listed: {extra[:5]}, missing: {missing[:5]}); refused"
            )
        reader = (_TrustingEventsReader if trusting else _EventsReader)(where)
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
                with contextlib.closing(_line_blocks(zf, zi, where, digest)) as blocks:
                    for block in blocks:
                        reader.feed(block)
                sha = digest.hexdigest()
            elif trusting:
                continue
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
                files[name[len(FILES_DIR):]] = (zi, sha)
        records, certified, raw_clean = reader.finish(manifest)
    except BaseException:
        zf.close()
        raise
    return zf, _Bundle(manifest, records, files, certified, raw_clean, hashlib.sha256(manifest_data).hexdigest())


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
        raise IntegrityFailure(f"{where}: member {zi.filename!r} is corrupt or truncated ({exc}); refused") from exc
    if n != zi.file_size:
        raise IntegrityFailure(f"{where}: member {zi.filename!r} is not the size it declares; refused")
    return h.hexdigest()


def _line_blocks(zf: zipfile.ZipFile, zi: zipfile.ZipInfo, where: str, digest) -> Iterator[bytes]:
    """A member in blocks of about EVENTS_BLOCK bytes that end with a newline (the last one may not).

    Inflating, the CRC and ``digest.update`` run on a background thread (they
    release the GIL) while the caller parses the previous block. Never more
    than the member declares is read.
    """
    blocks: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def read() -> None:
        n = 0
        try:
            with zf.open(zi) as f:
                while not stop.is_set() and (chunk := f.read(EVENTS_BLOCK)):
                    n += len(chunk)
                    if n > zi.file_size:
                        break
                    digest.update(chunk)
                    blocks.put(chunk)
            if n != zi.file_size and not stop.is_set():
                raise IntegrityFailure(f"{where}: member {zi.filename!r} is not the size it declares; refused")
            blocks.put(None)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            failure = IntegrityFailure(f"{where}: member {zi.filename!r} is corrupt or truncated ({exc}); refused")
            failure.__cause__ = exc
            blocks.put(failure)
        except BaseException as exc:
            blocks.put(exc)

    reader = threading.Thread(target=read, name="bundle-reader", daemon=True)
    reader.start()
    try:
        held: list[bytes] = []  # the start of a line that goes on in the next chunk
        while (chunk := blocks.get()) is not None:
            if isinstance(chunk, BaseException):
                raise chunk
            end = chunk.rfind(b"\n") + 1
            if end:
                yield b"".join((*held, chunk[:end])) if any(held) else chunk[:end]
                held = [chunk[end:]]
            else:
                held.append(chunk)
        if any(held):
            yield b"".join(held)
    finally:
        stop.set()
        while reader.is_alive():  # let it finish its put and see ``stop``
            with contextlib.suppress(queue.Empty):
                blocks.get(timeout=0.05)
        reader.join()


class _EventsReader:
    """Reads events.jsonl block by block (blocks of whole lines); the first problem is raised by ``finish``.

    Block by block, the text decoded and its lines are held for one block at a
    time, not for the whole member.

    Gives what reading the whole text at once gave: "not UTF-8" before any
    line's JSON problem, the first bad line by number, then the counts.
    """

    def __init__(self, where: str):
        self.where = where
        self.records: list = []
        self.certified: list[tuple[str, str, str] | None] = []
        self.raw_clean = True
        self._known: dict[str, list] = {}
        self._not_utf8: IntegrityFailure | None = None
        self._bad_line: IntegrityFailure | None = None
        self._line_no = 0

    def feed(self, block: bytes) -> None:
        if self._not_utf8 is not None:
            return
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._not_utf8 = IntegrityFailure(f"{self.where}: events.jsonl is not UTF-8 text; refused")
            self._not_utf8.__cause__ = exc
            return
        if self._bad_line is not None:
            return  # only UTF-8 is still checked
        if self.raw_clean and hostile_bytes(block):
            self.raw_clean = False
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()  # the block ends with a newline
        records, certified, known = self.records, self.certified, self._known
        for line in lines:
            self._line_no += 1
            parsed = parse_canonical_line(line, known)
            if parsed is not None:
                records.append(parsed[0])
                certified.append(parsed[1])
                continue
            try:
                records.append(json.loads(line))
            except ValueError as exc:
                self._bad_line = IntegrityFailure(
                    f"{self.where}: events.jsonl line {self._line_no} is not valid JSON ({exc}); refused"
                )
                self._bad_line.__cause__ = exc
                return
            certified.append(None)

    def finish(self, manifest: dict) -> tuple[list, list[tuple[str, str, str] | None], bool]:
        where, records = self.where, self.records
        if self._not_utf8 is not None:
            raise self._not_utf8
        if self._bad_line is not None:
            raise self._bad_line
        first, last = manifest["seq"]["first"], manifest["seq"]["last"]
        if len(records) != manifest["counts"]["events"] or len(records) != last - first + 1:
            raise IntegrityFailure(
                f"{where}: events.jsonl holds {len(records)} events, the manifest says "
                f"{manifest['counts']['events']} for seq {first}–{last}; refused"
            )
        seqs = [r.get("seq") if isinstance(r, dict) else None for r in records]
        if seqs != list(range(first, last + 1)):
            raise IntegrityFailure(f"{where}: events.jsonl is not the contiguous seq run {first}–{last}; refused")
        if records and records[-1].get("hash") != manifest["last_hash"]:
            raise IntegrityFailure(f"{where}: the last event's hash differs from the manifest's last_hash; refused")
        return records, self.certified, self.raw_clean


class _CheckAside(Exception):
    """The import with the check in another process cannot go on; the caller imports the ordinary way."""


class _TrustingEventsReader(_EventsReader):
    """Reads the lines of events.jsonl without checking their encoding (:class:`_Checker` does that meanwhile).

    By :func:`desk.sync.ingest.parse_trusted_line`: ``certified`` holds each
    payload's text or UTF-8 to store. Any line that is not in the shape a desk
    writes stops the reading: such a bundle is imported the ordinary way.
    """

    def feed(self, block: bytes) -> None:
        lines = block.split(b"\n")
        if lines[-1] == b"":
            lines.pop()
        records, payloads, known = self.records, self.certified, self._known
        for line in lines:
            parsed = parse_trusted_line(line, known)
            if parsed is None:
                raise _CheckAside("a line not as a desk writes it")
            records.append(parsed[0])
            payloads.append(parsed[1])


# a bundle's size from which its events are checked in a second process while this one writes them
CHECK_ASIDE_FROM_BYTES = 1024**2
CHECK_ASIDE_TIMEOUT_S = 600


class _Checker:
    """``python -m desk.sync.bundle_check BUNDLE``, started beside an import: the complete check on the other core.

    Its verdict, one JSON object on stdout, is ``{"ok": true, "canonical":
    bool, "manifest_sha256": …}`` or ``{"ok": false, "error": <class>,
    "message": …}``: the error the ordinary import would raise. Anything else
    (it crashed, was killed, timed out) is no verdict.
    """

    ERRORS = {cls.__name__: cls for cls in (IntegrityFailure, ChainConflict, NotFound, InvalidInput, DeskError)}

    def __init__(self, path: Path):
        import desk

        source = str(Path(desk.__file__).resolve().parent.parent)  # the same code as this process
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)}
        self._proc = subprocess.Popen(
            self.command(path),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
        self._verdict: dict | None = None

    @staticmethod
    def command(path: Path) -> list[str]:
        # -P: the module comes from PYTHONPATH (this process' code), not from whatever folder we are in
        return [sys.executable, "-P", "-m", "desk.sync.bundle_check", str(path.resolve())]

    @staticmethod
    def usable() -> bool:
        return (os.cpu_count() or 1) > 1 and bool(sys.executable) and not getattr(sys, "frozen", False)

    def verdict(self) -> dict | None:
        if self._proc.returncode is None:
            try:
                out, _ = self._proc.communicate(timeout=CHECK_ASIDE_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.stop()
                return None
            try:
                found = json.loads(out)
            except ValueError:
                return None
            self._verdict = found if isinstance(found, dict) and isinstance(found.get("ok"), bool) else None
        return self._verdict

    def error(self) -> DeskError | None:
        """The checker's refusal, as the exception the ordinary import raises; None if it found nothing."""
        v = self.verdict()
        if v is None or v["ok"]:
            return None
        cls = self.ERRORS.get(v.get("error"), DeskError)
        field = v.get("field")
        return cls(str(v.get("message", "the bundle was refused")), field=field if isinstance(field, str) else None)

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.communicate()


def _store_files(desk, zf: zipfile.ZipFile, files: dict, where: str, written: list[Path]) -> None:
    root = desk.home.files.resolve()
    for rel, (zi, sha) in sorted(files.items()):
        target = (root / rel).resolve()
        if root not in target.parents:
            raise IntegrityFailure(f"{where}: files/{rel} would land outside the files folder; refused")
        if target.exists():
            if hashlib.sha256(target.read_bytes()).hexdigest() != sha:
                raise IntegrityFailure(f"{where}: files/{rel} differs from the file of that name already here")
            continue
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


def import_bundle(desk, path: str | os.PathLike, progress: Progress | None = None) -> ImportResult:
    """Check a bundle completely, then import it in one transaction (see ``desk.sync.ingest``).

    Anything wrong raises IntegrityFailure (exit 5) naming what and where, and
    nothing is imported. A missing earlier bundle of the same desk does not
    refuse the import: the gap is recorded by seq range and returned.

    A large bundle on a machine with two cores is checked by a second process
    while this one writes it inside the transaction, which commits only after
    that check passed (:func:`_import_checked_aside`); the outcome is the
    same as checking first.
    """
    path = Path(path)
    with gc_paused():
        if _Checker.usable() and _size(path) >= CHECK_ASIDE_FROM_BYTES:
            try:
                return _import_checked_aside(desk, path, progress)
            except _CheckAside:
                pass
        zf, bundle = read_bundle(path)
        try:
            checked = check_bundle(bundle, path.name)
        except BaseException:
            zf.close()
            raise
        return _store(desk, path, zf, bundle, checked, progress)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def check_bundle(bundle: _Bundle, where: str) -> list[CheckedRecord]:
    """Check every event of a bundle read by :func:`read_bundle` (hashes, chain, shapes); raises IntegrityFailure."""
    m = bundle.manifest
    checked = check_records(bundle.records, desk_id=m["desk_id"], where=f"{where} events.jsonl",
                            certified=bundle.certified, raw_clean=bundle.raw_clean)
    bundle.certified = None  # memory: the checked records hold what is needed
    first_prev = m.get("first_prev_hash")
    if checked and first_prev and checked[0].record["prev_hash"] != first_prev:
        raise IntegrityFailure(f"{where}: the first event's prev_hash differs from the manifest's")
    return checked


def _import_checked_aside(desk, path: Path, progress: Progress | None) -> ImportResult:
    """Import with the complete check in a second process; raises _CheckAside to fall back to the ordinary way.

    This process reads the bundle trusting its lines and writes it; just
    before the commit it waits for the checker: a refusal rolls everything
    back and is raised, as are this process' own errors unless the checker
    found the bundle's fault first.
    """
    try:
        checker = _Checker(path)
    except OSError as exc:
        raise _CheckAside(f"the checker did not start: {exc}") from exc
    try:
        zf, bundle = read_bundle(path, trusting=True)
        try:
            # the trusting reader keeps each payload's text (or UTF-8) where the strict one keeps its texts
            checked = [CheckedRecord(r, payload) for r, payload in zip(bundle.records, bundle.certified)]
        except BaseException:
            zf.close()
            raise
        bundle.records = bundle.certified = None

        def checked_aside() -> None:
            verdict = checker.verdict()
            if verdict is None or (verdict["ok"] and verdict.get("manifest_sha256") != bundle.manifest_sha256):
                raise _CheckAside("no verdict, or a verdict on other bytes")
            if not verdict["ok"]:
                raise checker.error()
            if not verdict.get("canonical"):
                raise _CheckAside("lines not as a desk writes them")

        return _store(desk, path, zf, bundle, checked, progress, before_files=checked_aside)
    except (Cancelled, KeyboardInterrupt):
        raise
    except BaseException as exc:
        refused = checker.error()
        if refused is not None:
            raise refused from None  # the bundle's own fault, as checking first would have said
        if isinstance(exc, DeskError) and checker.verdict() is not None:
            raise
        raise _CheckAside(str(exc)) from exc
    finally:
        checker.stop()


def _store(desk, path: Path, zf: zipfile.ZipFile, bundle: _Bundle, checked: list[CheckedRecord],
           progress: Progress | None, before_files: Callable[[], None] | None = None) -> ImportResult:
    """Ingest checked events and store the bundle's scans in one transaction; closes ``zf``."""
    m = bundle.manifest
    where = path.name
    written: list[Path] = []
    try:
        def store_files(_result) -> None:
            if before_files:
                before_files()
            if bundle.files:
                _store_files(desk, zf, bundle.files, where, written)

        result = ingest(
            desk,
            checked,
            source="bundle",
            name=path.name,
            desk_id=m["desk_id"],
            agency_code=m["agency"],
            desk_no=m["desk_no"],
            where=where,
            progress=progress,
            before_commit=store_files,
        )
    except BaseException:
        for p in written:
            _remove_quietly(p)
        raise
    finally:
        zf.close()
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
        with write_transaction(desk.db):
            queries.set_meta(
                desk.db,
                "sync.last_import",
                json.dumps({"at": clock.now().isoformat(timespec="seconds"), "bundle": path.name, **out.to_json()},
                           ensure_ascii=False),
            )
    return out


__all__ = ["Cancelled", "ExportResult", "ImportResult", "export_bundle", "import_bundle", "read_bundle", "FORMAT"]
