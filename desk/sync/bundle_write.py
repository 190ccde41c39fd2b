"""End-of-day bundles (SPEC §7), the desk's side: export one seq range into a ``.deskbundle``.

A bundle is a zip named ``<agency>_<desk>_<YYYYMMDD>_<firstseq>-<lastseq>.deskbundle``
holding ``events.jsonl``, ``dossiers.json`` (national-portal shape, see
``desk.rules.portal``), ``register.csv`` (UTF-8 with BOM), ``files/`` (the stored files the
dossiers refer to that have not gone in an earlier bundle or push: ``sent_files``), and
``manifest.json`` with the sha256 and size of every other member. The format
is described for integrators in ``docs/bundle-format.md``; the hub reads it with
``desk.sync.bundle_read``.

Exporting the same seq range again gives byte-identical members (fixed zip
timestamps and attributes, canonical JSON, state as of the range's last
event; the zip itself: ``desk.sync.bundle_zip``); only ``manifest.json``'s ``created_at`` differs.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import orjson

from db import file_queries, portal_queries, queries, write_transaction
from db import sync_queries as sq
from desk import __version__, clock
from desk.catalog.store import get_procedure
from desk.errors import DeskError, IntegrityFailure, InvalidInput, NotFound
from desk.fsio import owner_only, part_name, remove_leftovers
from desk.models import Procedure
from desk.rules import canonical, portal
from desk.rules.problems import problem
from desk.sync.bundle_zip import Members, collector_paused, fsync_dir_quietly, zinfo
from desk.sync.ingest import Progress
from desk.sync.register_csv import register_csv
from desk.sync.seal import sealing
from desk.sync.signing import Signer

FORMAT = "motcua-desk-bundle/1"
SUFFIX = ".deskbundle"
MEMBER_EVENTS = "events.jsonl"
MEMBER_DOSSIERS = "dossiers.json"
MEMBER_REGISTER = "register.csv"
MEMBER_MANIFEST = "manifest.json"
MEMBER_SIGNATURE = "signature.json"
FILES_DIR = "files/"
EVENTS_CHUNK = 500  # events read, written and reported at a time
DOSSIERS_CHUNK = 1000  # dossier records encoded and written at a time
FILE_CHUNK = 256 * 1024  # a stored file is copied into the bundle this much at a time


@dataclass
class ExportResult:
    path: Path | None
    """The bundle written, or None when there was nothing to export."""
    events: int
    dossiers: int
    first_seq: int | None = None
    last_seq: int | None = None
    files: int = 0
    sealed: bool = False
    """Encrypted to the hub's key (``desk.sync.seal``); False for a plain bundle."""
    without_field_code: int = 0
    """Records of dossiers.json whose MaLinhVuc is empty: the catalogue has no field code for their procedure."""

    def to_json(self) -> dict:
        return {
            "path": str(self.path) if self.path else None,
            "events": self.events,
            "dossiers": self.dossiers,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "files": self.files,
            "sealed": self.sealed,
            "without_field_code": self.without_field_code,
        }


def bundle_name(agency_code: str, desk_no: int, day: date, first: int, last: int) -> str:
    return f"{agency_code}_{desk_no}_{day:%Y%m%d}_{first}-{last}{SUFFIX}"


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
        try:
            cache[code] = get_procedure(desk, code)
        except (NotFound, InvalidInput):
            cache[code] = None
    return cache[code]


def _write_bundle(
    desk,
    tmp: Path,
    first: int,
    last: int,
    *,
    carry: FilesToCarry,
    day: date | None,
    progress: Progress | None,
    signer: Signer,
) -> tuple[int, int, int, int]:
    """Write the zip to ``tmp``; returns (events, dossiers, files, records without MaLinhVuc)."""
    # owner-only: a bundle holds personal data (the umask may take more away, never add)
    with open(tmp, "wb", opener=owner_only) as fh:
        with (
            zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf,
            ThreadPoolExecutor(1, thread_name_prefix="bundle-writer") as background,
        ):
            writer = Members(zf, background)
            with collector_paused():
                n, dossiers, files, last_hash, no_field = _write_members(
                    desk, writer, first, last, carry=carry, progress=progress
                )
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
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
            zf.writestr(zinfo(MEMBER_MANIFEST), manifest_bytes)
            # the desk's signature of the manifest's exact bytes: its chain head and every member's checksum
            zf.writestr(zinfo(MEMBER_SIGNATURE), signer.signature_member(desk.desk_id, manifest_bytes))
        fh.flush()
        os.fsync(fh.fileno())
    if progress:
        progress(last - first + 1, last - first + 1)
    return n, dossiers, files, no_field


def _write_members(
    desk, writer: Members, first: int, last: int, *, carry: FilesToCarry, progress: Progress | None
) -> tuple[int, int, int, str, int]:
    """Everything but the manifest; returns (events, dossiers, files, hash of the last event, records
    without MaLinhVuc)."""
    db, desk_id, agency = desk.db, desk.desk_id, desk.settings.agency
    total = last - first + 1
    latest: dict[str, bytes] = {}  # dossier code -> payload of its latest snapshot within the range (UTF-8)
    touched: set[str] = set()
    plain: set[str] = set()
    n = 0
    prev_hash = None
    with writer.member(MEMBER_EVENTS) as write:
        # the stored payload is canonical JSON already (desk.dossier.events.append and the import store it so)
        for rows in sq.iter_event_tuples(db, desk_id, first, last, chunk=EVENTS_CHUNK, payload_bytes=True):
            lines = []
            for seq, event_id, code, type_, at, clerk, payload, row_prev, row_hash in rows:
                if prev_hash is not None and row_prev != prev_hash:
                    raise IntegrityFailure("export.chain_broken", seq=seq)
                prev_hash = row_hash
                lines.append(
                    canonical.event_line(
                        seq=seq,
                        event_id=event_id,
                        desk_id=desk_id,
                        dossier_code=code,
                        type=type_,
                        at=at,
                        clerk=clerk,
                        payload_json=payload,
                        prev_hash=row_prev,
                        hash=row_hash,
                    )
                )
                if code:
                    touched.add(code)
                    if b'"dossier":{' in payload:
                        latest[code] = payload
                    if type_ == "dossier.received" and b'"catch_up":' not in payload:
                        plain.add(code)  # received in the range, on time: no catch-up record to look up
            lines.append(b"")
            write(b"\n".join(lines))
            n += len(rows)
            if progress:
                progress(n, total)
        if n != total:
            raise IntegrityFailure("export.gap", first=first, last=last, total=total, found=n)
        # the writer's thread is still compressing the events: meanwhile, the dossiers' states
        results: dict[str, list] = {}
        snapshots = _snapshots(db, desk_id, latest, touched, last, results)
    procedures: dict[str, Procedure | None] = {}
    supplements = portal_queries.supplement_steps(db, desk_id, [row["code"] for row, _ in snapshots], last)
    no_field = 0
    with writer.member(MEMBER_DOSSIERS) as write:
        # "[\n" + ",\n".join(records) + "\n]\n", in parts: each part is compressed while the next is built
        write(b"[\n")
        sep = b""
        for i in range(0, len(snapshots), DOSSIERS_CHUNK):
            made = [
                portal.record_from_row(
                    row,
                    lines,
                    procedure=_procedure(desk, row["procedure_code"], procedures),
                    agency_name=agency.name,
                    agency_code=agency.code,
                    results=results.get(row["code"], ()),
                    supplements=supplements.get(row["code"], ()),
                )
                for row, lines in snapshots[i : i + DOSSIERS_CHUNK]
            ]
            no_field += sum(1 for r in made if not r["MaLinhVuc"])
            records = [canonical.record_json(r) for r in made]
            write(sep + b",\n".join(records))
            sep = b",\n"
        write(b"\n]\n")
        # and the register while the last part is compressed
        # (a catch-up is written in the payload of the dossier's ``dossier.received`` event)
        maybe_caught_up = [row["code"] for row, _ in snapshots if row["code"] not in plain]
        caught_up = {c["code"]: c for c in queries.catch_ups(db, maybe_caught_up)} if maybe_caught_up else {}
        register = register_csv([row for row, _ in snapshots], caught_up)
    with writer.member(MEMBER_REGISTER) as write:
        write(register)
    wanted, dossiers = _referenced_files(snapshots, results), len(snapshots)
    # the dossiers' states are written: their memory serves the files' pieces (the export's peak stays theirs)
    del snapshots, results, supplements, latest, register, caught_up
    _write_files(desk, writer, wanted, carry)
    return n, dossiers, len(carry.carried), prev_hash or "", no_field


def _snapshots(
    db, desk_id: str, latest: dict[str, bytes], touched: set[str], last: int, results: dict[str, list]
) -> list[tuple[dict, list]]:
    """Each touched dossier's row and lines as of the range's last event (its latest snapshot), by code
    (``latest`` is emptied as its payloads are parsed).

    The electronic results those snapshots carry go into ``results`` (by dossier code).
    """
    states = {}
    touched_with_state = sorted(latest)
    for code in touched_with_state:
        state = orjson.loads(latest.pop(code))  # each payload freed once parsed: never both for 20,000 dossiers
        if isinstance(state.get("dossier"), dict):
            states[code] = state
    missing = sorted(touched - set(states))
    for code, row in sq.latest_snapshot_rows(db, desk_id, missing, last).items():
        states[code] = orjson.loads(row["payload"])
    for code, state in states.items():
        if isinstance(state.get("results"), list):
            results[code] = state["results"]
    # rows as the snapshots carry them: no enums or datetimes to build for 20,000 dossiers
    return [(states[code]["dossier"], states[code]["components"]) for code in sorted(states)]


def _first_prev_hash(db, desk_id: str, first: int) -> str:
    rows = sq.event_rows_between(db, desk_id, first, first)
    return rows[first]["prev_hash"] if first in rows else ""


def _referenced_files(snapshots: list[tuple[dict, list[dict]]], results: dict[str, list]) -> dict[str, tuple]:
    """Every stored file the range's dossiers reference: relative path → (sha256, dossier code, line code)."""
    found: dict[str, tuple] = {}
    for row, lines in snapshots:
        items = [*lines, *results.get(row["code"], ())]
        for c in items:
            rel = c.get("file_path") if isinstance(c, dict) else None
            if rel and rel not in found:
                found[rel] = (c.get("file_sha256") or "", row["code"], c.get("code", ""))
    return found


def _write_files(desk, writer: Members, wanted: dict[str, tuple], carry: FilesToCarry) -> None:
    """Copy the files to carry into ``files/`` a piece at a time (stored, not deflated: PDFs are compressed
    already), each checked against the hash its line records while it is copied."""
    root = desk.home.files
    sent = file_queries.sent_via(desk.db, [sha for sha, _, _ in wanted.values() if sha])
    for rel, (sha, code, line) in sorted(wanted.items()):
        if not carry.every and sha and sha in sent and sent[sha] != carry.via:
            continue  # gone in an earlier bundle or push (a re-export of the same range carries it again)
        src = root / rel
        try:
            f = open(src, "rb")
        except FileNotFoundError as exc:
            raise NotFound("export.scan_missing", component=line, code=code, path=str(src)) from exc
        with f, writer.member(FILES_DIR + rel, stored=True) as write:
            while chunk := f.read(FILE_CHUNK):
                write(chunk)
        entry = writer.entries[-1]
        if sha and entry["sha256"] != sha:
            raise IntegrityFailure("export.scan_changed", path=str(src), code=code)
        carry.carried.append((entry["sha256"], entry["size"]))


@dataclass
class FilesToCarry:
    """Which stored files a bundle carries: those not gone yet (and those of ``via``, the bundle itself when its
    range is exported again), or with ``every`` all the range references."""

    via: str
    every: bool = False
    carried: list[tuple[str, int]] = field(default_factory=list)
    """(sha256, bytes) of each file written."""


def export_bundle(
    desk,
    out_dir: str | os.PathLike,
    *,
    day: date | None = None,
    with_files: bool = False,
    progress: Progress | None = None,
    seal_to: str | None = None,
) -> ExportResult:
    """Write every event not yet exported (or every event of ``day``) into one bundle in ``out_dir``.

    With ``seal_to`` (the hub's age recipient, ``desk.sync.seal.pinned_recipient``) the bundle is sealed:
    written plain into the home's private ``tmp/``, then encrypted into ``out_dir``.

    The bundle carries the files the range's dossiers refer to that have not gone yet (``with_files``: all of
    them). The zip is written under a temporary name, fsynced, then renamed; only
    then are its events marked ``bundle:<name>`` and its files recorded as sent. An unwritable or full
    destination raises DeskError and marks nothing. ``progress(done, total)``
    may raise (e.g. :class:`desk.sync.ingest.Cancelled`) to stop; nothing is kept.
    """
    span = export_range(desk, day)
    if span is None:
        return ExportResult(None, 0, 0)
    first, last = span
    out = Path(out_dir)
    if not out.exists():
        raise InvalidInput("export.no_folder", field="out", path=str(out))
    if not out.is_dir():
        raise InvalidInput("export.not_folder", field="out", path=str(out))
    last_at = datetime.fromisoformat(sq.event_at(desk.db, desk.desk_id, last))
    agency = desk.settings.agency
    name = bundle_name(agency.code, agency.desk_no, last_at.date(), first, last)
    final = out / name
    # the part files of this desk's exports that a kill left behind (any range: new events change the name)
    remove_leftovers(out, f"{glob.escape(f'{agency.code}_{agency.desk_no}_')}*{glob.escape(SUFFIX)}")
    signer = Signer(desk.home)  # before any work: a key that cannot be read stops the export here
    tmp = part_name(out, name)
    # sealed: written plain into the home's tmp/, then encrypted into tmp (the outside shows only this routing)
    routing = {
        "agency": agency.code,
        "agency_name": agency.name,
        "desk_no": agency.desk_no,
        "seq": {"first": first, "last": last},
        "date": last_at.date().isoformat(),
        "created_at": clock.now().isoformat(timespec="seconds"),
    }
    carry = FilesToCarry(f"bundle:{name}", every=with_files)
    try:
        with sealing(desk.home, tmp, seal_to, routing) if seal_to else contextlib.nullcontext(tmp) as target:
            events, dossiers, files, no_field = _write_bundle(
                desk, target, first, last, carry=carry, day=day, progress=progress, signer=signer
            )
        os.replace(tmp, final)
        fsync_dir_quietly(out)
    except OSError as exc:
        remove_quietly(tmp)
        reason = exc.strerror or str(exc)
        error = DeskError("export.write_failed", field="out", path=str(out), reason=reason)
        _record_export(desk, {"path": None, "events": 0, "dossiers": 0, "error": error.problem.as_json()})
        raise error from exc
    except BaseException as exc:
        remove_quietly(tmp)
        stopped = exc.problem if isinstance(exc, DeskError) else problem("sync.stopped", kind=exc.__class__.__name__)
        _record_export(desk, {"path": None, "events": 0, "dossiers": 0, "error": stopped.as_json()})
        raise
    result = ExportResult(
        final, events, dossiers, first, last, files, sealed=bool(seal_to), without_field_code=no_field
    )
    with sq.bulk_cache(desk.db, events), write_transaction(desk.db):
        now = clock.now().isoformat(timespec="seconds")
        sq.mark_range_exported(desk.db, desk.desk_id, first, last, f"bundle:{name}", now)
        file_queries.mark_sent(desk.db, carry.carried, carry.via, now)
        _record_export(desk, {**result.to_json(), "error": ""})
    return result


def _record_export(desk, outcome: dict) -> None:
    """Remember the last export for the sync screen (best effort: it must not hide the export's own error)."""
    try:
        with write_transaction(desk.db):
            queries.set_meta(
                desk.db,
                "sync.last_export",
                json.dumps({"at": clock.now().isoformat(timespec="seconds"), **outcome}, ensure_ascii=False),
            )
    except Exception:
        pass


def remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
