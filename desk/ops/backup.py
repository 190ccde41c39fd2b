"""``desk backup OUT``: one zip with a consistent copy of the whole home.

The database is copied with SQLite's online backup (consistent even while the
TUI writes), then the settings, the agency key, the hub's sealing key (a hub) or its public half (a desk)
and the stored scans are added.
The zip is written under a temporary name, fsynced and renamed, owner-only (``desk.fsio``):
it holds personal data and the agency key. The database copy is made beside it,
in the target folder, under a hidden temporary name, owner-only (never in the
system's temporary folder, where a killed backup would leave it readable); the
leftovers of a killed backup are removed when the next one starts. Every member
of the zip is marked owner-only (0600), so an unzip restores them so.

The backup records the desk's chain head (its last seq and hash) in
``backup.json`` and, in the copied database only, as the meta key
``restore.backup``: a home unzipped from the backup knows it was restored and
issues no code, appends no event, until ``desk recover`` has learnt what the
desk did after the backup (docs/recovery.md).
"""

from __future__ import annotations

import glob
import json
import os
import sqlite3
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from db import queries
from desk.dossier.events import RESTORED_KEY
from desk.errors import DeskError, InvalidInput
from desk.fsio import atomic_writer, part_name, remove_leftovers
from desk.ids import new_id
from desk.sync.seal import hub_key_path, pinned_path

PART_STEM = "desk-backup"
_OWNER_ONLY = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int
    bytes: int
    head: dict
    """What ``backup.json`` records: the backup's id and time, the desk, its last seq and hash."""


def backup_home(desk, out: Path, progress: Callable[[int, int], None] | None = None) -> BackupResult:
    """Write the backup zip to ``out`` (a file name, or an existing folder to put it in)."""
    out = Path(out)
    if out.is_dir():
        out = out / f"desk-backup_{desk.settings.agency.desk_no}_{_stamp()}.zip"
    if out.exists():
        raise InvalidInput("file.exists", field="out", path=str(out))
    if not out.parent.is_dir():
        raise InvalidInput("backup.no_folder", field="out", folder=str(out.parent))
    home = desk.home
    scans = sorted(p for p in home.files.rglob("*") if p.is_file())
    total = len(scans) + 3
    remove_leftovers(out.parent, glob.escape(PART_STEM))
    snapshot = part_name(out.parent, PART_STEM)
    try:
        try:
            os.close(os.open(snapshot, _OWNER_ONLY, 0o600))  # SQLite keeps an existing file's mode
            target = sqlite3.connect(snapshot)
            try:
                desk.db.conn.backup(target)
                record = _mark_restored_copy(target, desk)
            finally:
                target.close()
            with (
                atomic_writer(out, temp=part_name(out.parent, PART_STEM)) as fh,
                zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf,
            ):
                _add(zf, snapshot, home.db.name)
                _add(zf, home.config, home.config.name)
                _add(zf, home.key, home.key.name)
                for kept in (hub_key_path(home), pinned_path(home)):  # a hub's sealing key; a desk's copy of it
                    if kept.is_file():
                        _add(zf, kept, kept.name)
                info = zipfile.ZipInfo("backup.json", date_time=_zip_time())
                info.external_attr = (stat.S_IFREG | 0o600) << 16
                zf.writestr(info, json.dumps(record, ensure_ascii=False, indent=2), zipfile.ZIP_DEFLATED)
                done = 3
                for p in scans:
                    _add(zf, p, p.relative_to(home.root).as_posix())
                    done += 1
                    if progress:
                        progress(done, total)
        finally:
            for leftover in (snapshot, snapshot.with_name(snapshot.name + "-journal")):
                leftover.unlink(missing_ok=True)
    except OSError as exc:
        raise DeskError("backup.write_failed", path=str(out), detail=exc.strerror or str(exc)) from exc
    return BackupResult(out, total, out.stat().st_size, record)


def _mark_restored_copy(copy: sqlite3.Connection, desk) -> dict:
    """Record the chain head in the copy (and only there): a home restored from it knows it."""
    from desk import clock

    head = queries.event_head(copy, desk.desk_id) or {"seq": 0, "hash": "", "at": ""}
    record = {
        "backup_id": new_id(),
        "taken_at": clock.now().isoformat(timespec="seconds"),
        "desk_id": desk.desk_id,
        "desk_no": desk.settings.agency.desk_no,
        "last_seq": head["seq"],
        "last_hash": head["hash"],
    }
    queries.set_meta(copy, RESTORED_KEY, json.dumps(record, ensure_ascii=False))
    copy.commit()
    return record


def _zip_time() -> tuple[int, int, int, int, int, int]:
    from desk import clock

    t = clock.now()
    return (max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second)


def _add(zf: zipfile.ZipFile, path: Path, name: str) -> None:
    """Add a file as an owner-only (0600) member, whatever its mode on disk."""
    info = zipfile.ZipInfo.from_file(path, name)
    info.external_attr = (stat.S_IFREG | 0o600) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(path, "rb") as src, zf.open(info, "w") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)


def _stamp() -> str:
    from desk import clock

    return clock.now().strftime("%Y%m%d-%H%M%S")
