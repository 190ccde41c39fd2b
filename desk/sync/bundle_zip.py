"""Writing a bundle's zip: fixed member times and attributes, each member's sha256 and size for the
manifest, and the deflating done on a background thread while the next records are built.

``desk.sync.bundle_write`` says what goes in a bundle; this is how its bytes reach the file,
owner-only, so that exporting the same range again gives byte-identical members. A sealed bundle's
outer zip (``desk.sync.seal``) takes its members' fixed times and attributes from here too.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import hashlib
import os
import stat
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so that re-exports are byte-identical
COMPRESS_LEVEL = 1


def zinfo(name: str, *, stored: bool = False) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    zi.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    # level 1: a third of the time of the default for about 1.5× the size (bundles travel on USB sticks)
    if hasattr(zi, "compress_level"):  # Python ≥ 3.13
        zi.compress_level = COMPRESS_LEVEL
    else:
        zi._compresslevel = COMPRESS_LEVEL  # type: ignore[attr-defined]  # its name before 3.13
    zi.create_system = 3
    zi.external_attr = (stat.S_IFREG | 0o644) << 16
    return zi


class _Member:
    """A zip member being written, with its sha256 and size for the manifest.

    The writing itself (sha256, deflate, the file) happens on ``writer``, a
    single background thread: those release the GIL, so the next records are
    built meanwhile (a whole member's pieces may wait: at most ``MAX_QUEUED``).
    An error of the writer (a full USB stick) is raised by the next ``write``
    or ``close``, and nothing more is written.
    """

    MAX_QUEUED = 64

    def __init__(self, zf: zipfile.ZipFile, name: str, writer: ThreadPoolExecutor, *, stored: bool = False):
        self.name = name
        self.sha = hashlib.sha256()
        self.size = 0
        self._w = zf.open(zinfo(name, stored=stored), "w")
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


class Members:
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


def fsync_dir_quietly(path: Path) -> None:
    """Make the bundle's rename durable where the folder can be opened; unlike ``desk.fsio.fsync_dir`` a
    failure here is not an export's failure (the bundle is in place already)."""
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


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the members are built: they are tens of thousands of acyclic dicts and
    lists that live to the end, and each full collection would walk them all again. A gc trick kept where a budget
    needs it (issue 11 point 3; a PostgreSQL hub's import is the other: ``desk.sync.publish``): a 20,000-event export takes 2.12 s CPU with it and 2.43 s without (medians of
    8 alternating pairs on a loaded machine, load 10-25), against `export_20k_events_s`'s 2 s budget."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
