"""The home's file store: scans kept under content-addressed names in ``files/``.

A file handed to :func:`store_file` is read (never modified, moved or
deleted), checked by its magic bytes (not its name), converted to PDF when it
is a JPEG or PNG image (``desk.dossier.pdf``), and written to
``files/<aa>/<sha256>.pdf`` where ``<sha256>`` is the hash of the stored PDF
and ``<aa>`` its first two hex digits. Storing the same content twice keeps one
copy. Stored names are made here from the hash alone, so nothing in a source
file's name can reach outside ``files/``. Refusals are ``file.*`` problems
(field ``file``).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desk.config import Home
from desk.context import Desk
from desk.dossier.active_content import refuse_active_content
from desk.dossier.pdf import image_to_pdf, pdf_page_count, seems_to_be, sniff
from desk.errors import DeskError, InvalidInput, NotFound
from desk.fsio import atomic_write
from desk.text import clean

_STORED_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}\.pdf$")

# files a scanner, a file manager or a browser leave beside the real ones
_JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
_JUNK_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", "~")


@dataclass(frozen=True)
class StoredFile:
    """A file kept in the home's ``files/`` store."""

    path: str
    """Where it is, relative to ``files/`` (``"ab/ab12….pdf"``); see :func:`resolve`."""
    sha256: str
    """SHA-256 of the stored PDF (also its name)."""
    bytes: int
    """Size of the stored PDF."""
    pages: int
    """Number of pages of the stored PDF."""
    source_kind: str
    """What was handed in: ``"pdf"``, ``"jpeg"`` or ``"png"``."""
    source_name: str
    """The original file's name (cleaned), for the record; never used as a path."""
    source_sha256: str
    """SHA-256 of the original file (equal to ``sha256`` for a PDF)."""
    deduplicated: bool = False
    """True when the store already held this content."""


# --- the store ----------------------------------------------------------------

HomeLike = Home | Desk | str | os.PathLike[str]
"""Where the store is: a Home, an open Desk, or the home's path."""


def _root(home: HomeLike) -> Path:
    """The root of a Home, a Desk or a home path."""
    if isinstance(home, (str, os.PathLike)):
        return Path(home)
    if isinstance(home, Home):
        return home.root
    return home.home.root


def _files_dir(home: HomeLike) -> Path:
    """``files/`` of a Home, a Desk or a home path."""
    return _root(home) / "files"


def resolve(home: HomeLike, stored_path: str) -> Path:
    """The absolute path of a stored file from its recorded name; refuses (``file.not_stored``) any other name."""
    if not isinstance(stored_path, str) or not _STORED_NAME.match(stored_path):
        raise InvalidInput("file.not_stored", field="file", value=str(stored_path)[:200])
    return _files_dir(home) / stored_path


def store_file(
    home: HomeLike,
    source: str | os.PathLike[str],
    *,
    max_mb: int = 50,
    finish: Callable[[bytes, int], bytes] | None = None,
) -> StoredFile:
    """Copy a PDF (or a JPEG/PNG image, converted to PDF) into the store.

    ``finish(pdf, pages)``, when given, sees the checked PDF and its page count
    before it is stored and returns what to store instead (the signed PDF), or
    refuses by raising; only its result reaches the store.

    Refuses (InvalidInput, or NotFound for a missing file) a file that cannot
    be read, is empty, is larger than ``max_mb`` megabytes, is not a
    PDF/JPEG/PNG (``file.unsupported``, with what it ``seems`` to be), is
    damaged, or is a PDF that can act when opened (JavaScript, an open or
    launch action: ``desk.dossier.active_content``). The source file is only ever read.
    """
    src = Path(source)
    data = read_source(src, max_bytes=int(max_mb) * 1024 * 1024)
    kind = sniff(data)
    name = clean(src.name)[:200]
    if kind is None:
        raise InvalidInput("file.unsupported", field="file", name=name, seems=seems_to_be(data))
    source_sha = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        pdf = data
        pages = pdf_page_count(pdf, name=name)
        refuse_active_content(pdf, name=name)
    else:
        pdf = image_to_pdf(data, kind, name=name)
        pages = 1
    if finish is not None:
        pdf = finish(pdf, pages)
    sha = hashlib.sha256(pdf).hexdigest()
    rel, existed = _put(_files_dir(home), pdf, sha)
    return StoredFile(
        path=rel,
        sha256=sha,
        bytes=len(pdf),
        pages=pages,
        source_kind=kind,
        source_name=name,
        source_sha256=source_sha,
        deduplicated=existed,
    )


def read_source(src: Path, *, max_bytes: int) -> bytes:
    """The bytes of a file to attach, with the refusals of :func:`store_file`."""
    name = clean(src.name)[:200] or str(src)
    max_mb = max_bytes // 1048576
    try:
        st = os.stat(src)
    except FileNotFoundError as exc:
        raise NotFound("file.not_found", field="file", path=str(src)) from exc
    except OSError as exc:
        raise InvalidInput("file.unreadable", field="file", name=str(src), detail=exc.strerror or str(exc)) from exc
    if stat.S_ISDIR(st.st_mode):
        raise InvalidInput("file.is_folder", field="file", path=str(src))
    if not stat.S_ISREG(st.st_mode):
        raise InvalidInput("file.not_regular", field="file", path=str(src))
    if st.st_size == 0:
        raise InvalidInput("file.empty", field="file", name=name)
    if st.st_size > max_bytes:
        raise InvalidInput(
            "file.too_large", field="file", name=name, size_mb=round(st.st_size / 1048576, 1), max_mb=max_mb
        )
    try:
        with open(src, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise InvalidInput("file.unreadable", field="file", name=name, detail=exc.strerror or str(exc)) from exc
    if not data:
        raise InvalidInput("file.empty", field="file", name=name)
    if len(data) > max_bytes:
        raise InvalidInput("file.grew", field="file", name=name, max_mb=max_mb)
    return data


def _put(files_dir: Path, data: bytes, sha: str) -> tuple[str, bool]:
    """Write ``data`` under its hash (atomically, owner-only); True if it was already there."""
    rel = f"{sha[:2]}/{sha}.pdf"
    shard = files_dir / sha[:2]
    target = shard / f"{sha}.pdf"
    try:
        if target.is_file() and not target.is_symlink() and _file_sha256(target) == sha:
            return rel, True
        files_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        shard.mkdir(mode=0o700, exist_ok=True)
        atomic_write(target, data)
    except OSError as exc:
        raise DeskError(
            "file.save_failed", field="file", folder=str(files_dir), detail=exc.strerror or str(exc)
        ) from exc
    return rel, False


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_done(home: HomeLike, path: str | os.PathLike[str]) -> Path | None:
    """Move an attached scan out of the inbox into ``inbox/done/``; where it went, or None.

    Only a file lying in the inbox itself is moved (a file chosen elsewhere is
    left where it is). A name already in ``done/`` gets a number, never
    overwrites. A move that fails leaves the scan in the inbox: it is attached
    all the same, and attaching it to another paper asks first.
    """
    src = Path(path)
    inbox = _root(home) / "inbox"
    try:
        if src.resolve().parent != inbox.resolve():
            return None
        done = inbox / "done"
        done.mkdir(mode=0o700, exist_ok=True)
        target, n = done / src.name, 1
        while target.exists():
            target, n = done / f"{src.stem}-{n}{src.suffix}", n + 1
        os.replace(src, target)
    except OSError:
        return None
    return target


def newest_in_inbox(home: HomeLike) -> Path | None:
    """The newest file in the home's ``inbox/`` (by modification time), or None.

    Hidden files, partial downloads and the files a file manager leaves
    (Thumbs.db, desktop.ini) are skipped; so are empty files, which a scanner
    may have only begun to write.
    """
    inbox = _root(home) / "inbox"
    best: tuple[float, str] | None = None
    best_path = None
    try:
        entries = list(os.scandir(inbox))
    except OSError:
        return None
    for entry in entries:
        name = entry.name
        low = name.lower()
        if name.startswith((".", "~$")) or low in _JUNK_NAMES or low.endswith(_JUNK_SUFFIXES):
            continue
        try:
            if not entry.is_file():
                continue
            st = entry.stat()
        except OSError:
            continue
        if st.st_size == 0:
            continue
        key = (st.st_mtime, name)
        if best is None or key > best:
            best, best_path = key, Path(entry.path)
    return best_path
