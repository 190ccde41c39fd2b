"""The one way the desk writes a file durably: a temporary name, fsync, rename, fsync the folder.

A reader sees the old file or the new one, never half of one, and a power cut
after the call returns loses nothing. The temporary file sits in the target's
folder (a rename never crosses file systems), is hidden, and is created
owner-only by default: everything a desk writes may hold personal data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


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
def atomic_writer(path: str | os.PathLike[str], *, mode: int = 0o600) -> Iterator[BinaryIO]:
    """A binary file to stream into; on a clean exit it replaces ``path`` as :func:`atomic_write` does.

    For content too large to hold in memory (a backup zip). When the block
    raises, the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    tmp = temp_name(target)
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
