"""``desk backup OUT``: one zip with a consistent copy of the whole home.

The database is copied with SQLite's online backup (consistent even while the
TUI writes), then the settings, the agency key and the stored scans are added.
The zip is written under a temporary name, fsynced and renamed, owner-only (``desk.fsio``):
it holds personal data and the agency key.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desk.errors import DeskError, InvalidInput
from desk.fsio import atomic_writer


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
    try:
        with tempfile.TemporaryDirectory(prefix="desk-backup-") as work:
            snapshot = Path(work) / home.db.name
            target = sqlite3.connect(snapshot)
            try:
                desk.db.conn.backup(target)
            finally:
                target.close()
            with atomic_writer(out) as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.write(snapshot, home.db.name)
                zf.write(home.config, home.config.name)
                zf.write(home.key, home.key.name)
                done = 3
                for p in scans:
                    zf.write(p, p.relative_to(home.root).as_posix())
                    done += 1
                    if progress:
                        progress(done, total)
    except OSError as exc:
        raise DeskError("backup.write_failed", path=str(out), detail=exc.strerror or str(exc)) from exc
    return BackupResult(out, total, out.stat().st_size)


def _stamp() -> str:
    from desk import clock

    return clock.now().strftime("%Y%m%d-%H%M%S")
