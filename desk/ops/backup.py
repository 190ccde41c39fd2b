"""``desk backup OUT``: one zip with a consistent copy of the whole home.

The database is copied with SQLite's online backup (consistent even while the
TUI writes), then the settings, the agency key and the stored scans are added.
The zip is written under a temporary name, fsynced and renamed, owner-only (``desk.fsio``):
it holds personal data and the agency key. The database copy is made beside it,
in the target folder, under a hidden temporary name, owner-only (never in the
system's temporary folder, where a killed backup would leave it readable); the
leftovers of a killed backup are removed when the next one starts. Every member
of the zip is marked owner-only (0600), so an unzip restores them so.
"""

from __future__ import annotations

import glob
import os
import sqlite3
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desk.errors import DeskError, InvalidInput
from desk.fsio import atomic_writer, part_name, remove_leftovers

PART_STEM = "desk-backup"
_OWNER_ONLY = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int
    bytes: int


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
            finally:
                target.close()
            with (
                atomic_writer(out, temp=part_name(out.parent, PART_STEM)) as fh,
                zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf,
            ):
                _add(zf, snapshot, home.db.name)
                _add(zf, home.config, home.config.name)
                _add(zf, home.key, home.key.name)
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
    return BackupResult(out, total, out.stat().st_size)


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
