"""The one way the desk writes a file durably: a temporary name, fsync, rename, fsync the folder.

A reader sees the old file or the new one, never half of one, and a power cut
after the call returns loses nothing. The temporary file sits in the target's
folder (a rename never crosses file systems), is hidden, and is created
owner-only by default: everything a desk writes may hold personal data.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def owner_only(path: str, flags: int) -> int:
    """``open(..., opener=owner_only)``: a new file (never an existing one or a link), mode 0600."""
    return os.open(path, flags | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)


def temp_name(path: Path) -> Path:
    """A fresh hidden name beside ``path`` (``.name.<random>.tmp``), never shared by two writers."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")


def atomic_write(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` durably and atomically.

    The new file is created with ``mode`` less what the umask takes away (never
    chmod-ed afterwards: a FAT USB stick refuses that). Raises ``OSError``;
    nothing is left behind then (the temporary file is removed).
    """
    target = Path(path)
    tmp = temp_name(target)
    fd = os.open(tmp, _CREATE, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


@contextmanager
def atomic_writer(path: str | os.PathLike[str], *, mode: int = 0o600, temp: Path | None = None) -> Iterator[BinaryIO]:
    """A binary file to stream into; on a clean exit it replaces ``path`` as :func:`atomic_write` does.

    For content too large to hold in memory (a backup zip). When the block
    raises, the temporary file is removed and ``path`` is left as it was.
    ``temp`` names the temporary file (in ``path``'s folder; see :func:`part_name`).
    """
    target = Path(path)
    tmp = temp or temp_name(target)
    fd = os.open(tmp, _CREATE, mode)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Make a rename inside ``path`` durable (POSIX; a no-op where folders cannot be opened)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


STALE_PART_SECONDS = 3600


def part_name(folder: Path, stem: str) -> Path:
    """A hidden temporary name in ``folder`` for a long write (``.<stem>.pid<pid>.<random>.part``).

    It names the writing process, so that :func:`remove_leftovers` can tell a
    killed writer's leftover from a file another process is still writing.
    """
    return folder / f".{stem}.pid{os.getpid()}.{uuid.uuid4().hex[:8]}.part"


def _writer_gone(path: Path) -> bool:
    """Whether the process named in a part file's name has ended (POSIX; elsewhere: unknown, so no)."""
    pid = next((int(p[3:]) for p in path.name.split(".") if p.startswith("pid") and p[3:].isdigit()), None)
    return pid is not None and process_gone(pid)


def process_gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (POSIX; this process, or elsewhere: unknown, so no)."""
    if pid == os.getpid() or os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def remove_leftovers(folder: Path, stem_glob: str, *, max_age: float = STALE_PART_SECONDS) -> int:
    """Remove the part files ``.<stem>.pid….part*`` in ``folder`` that a killed writer left behind.

    ``stem_glob`` is a glob pattern for the stem (escape literal parts with ``glob.escape``).
    One is a leftover when the process that wrote it has ended, or when it is
    older than ``max_age`` seconds (where processes cannot be asked). Returns
    how many were removed; a file that cannot be removed is left alone.
    """
    removed = 0
    for path in Path(folder).glob(f".{stem_glob}.pid*.part*"):
        try:
            if _writer_gone(path) or time.time() - path.stat().st_mtime > max_age:
                path.unlink()
                removed += 1
        except OSError:
            pass
    return removed
