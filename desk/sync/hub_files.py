"""The files a hub receives (docs/sync-protocol.md, "Files"): a content-addressed store, the checks a file
passes before it is stored, and the uploads of a push, resumable a piece at a time.

The store is reached only through :class:`FileStore` (``has``, ``size``, ``get``, ``put``), so that another
kind (an S3-compatible one, issue 17) can stand in for :class:`FolderStore`, the home's ``files/`` folder
where every file is kept as ``<aa>/<sha256>.pdf`` — the names the dossiers' lines carry.

A file is admitted (:func:`admit`) only when its bytes hash to its name, it passes the checks of ``desk
digitise`` (a PDF, pages found by parsing, nothing in it that acts) and every signature it carries is intact
(PAdES, ``desk.dossier.pades``). A file without a signature (a ``digitised_unsigned`` scan) is stored and
marked ``unsigned`` in ``hub_files``. The records (``hub_files``, the files still missing, the dossiers'
``result_files``) are in the hub's store (``desk.sync.store``: its SQLite or PostgreSQL).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, BinaryIO, Protocol

from desk import clock
from desk.dossier.active_content import refuse_active_content
from desk.dossier.pdf import pdf_page_count, sniff
from desk.errors import IntegrityFailure, InvalidInput, NotFound
from desk.fsio import atomic_writer
from desk.sync.store import HubQueries, hub_store

PIECE = 1024 * 1024
"""The pieces a file is read and hashed in."""
MAX_FILE_BYTES = 100 * 1024**2
"""One file at most (a desk refuses to attach more than its ``max_file_mb``, 50 MB by default)."""
SHA256 = re.compile(r"^[0-9a-f]{64}$")


class FileStore(Protocol):
    """Where a hub keeps the files it received, by their SHA-256 (lowercase hex)."""

    def has(self, sha256: str) -> bool: ...

    def size(self, sha256: str) -> int | None:
        """Its bytes, or None when the store does not hold it."""

    def get(self, sha256: str) -> contextlib.AbstractContextManager[BinaryIO]:
        """Its bytes to read (raises ``NotFound`` ``file.not_stored``)."""

    def put(self, sha256: str, pieces: Iterable[bytes]) -> int:
        """Store the bytes of ``pieces`` under ``sha256`` whole or not at all; returns their size. Raises
        ``IntegrityFailure`` ``file.hash_mismatch`` (nothing stored) when they do not hash to it."""


def relative_path(sha256: str) -> str:
    """The name the dossiers' lines carry for a file: ``<aa>/<sha256>.pdf``."""
    return f"{sha256[:2]}/{sha256}.pdf"


class FolderStore:
    """A folder of the hub's home: ``<aa>/<sha256>.pdf``, owner-only, each file written whole or not at all."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise InvalidInput("file.bad_hash", field="sha256", sha256=sha256[:80])
        return self.root / relative_path(sha256)

    def has(self, sha256: str) -> bool:
        return self.size(sha256) is not None

    def size(self, sha256: str) -> int | None:
        path = self._path(sha256)
        if path.is_symlink() or not path.is_file():
            return None
        return path.stat().st_size

    @contextlib.contextmanager
    def get(self, sha256: str) -> Iterator[BinaryIO]:
        if not self.has(sha256):
            raise NotFound("file.not_stored", field="sha256", value=sha256)
        with open(self._path(sha256), "rb") as f:
            yield f

    def put(self, sha256: str, pieces: Iterable[bytes]) -> int:
        target = self._path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        h, n = hashlib.sha256(), 0
        with atomic_writer(target) as out:  # owner-only, durable; removed when the block raises
            for piece in pieces:
                h.update(piece)
                n += len(piece)
                out.write(piece)
            if h.hexdigest() != sha256:
                raise IntegrityFailure("file.hash_mismatch", field="file", sha256=sha256, found=h.hexdigest())
        return n


def store_of(desk) -> FileStore:
    """This home's store of received files."""
    return FolderStore(desk.home.files)


def pieces(f: IO[bytes], size: int = PIECE) -> Iterator[bytes]:
    while piece := f.read(size):
        yield piece


def check_file(data: bytes, name: str) -> tuple[str, str]:
    """A received file's checks (see the module docstring): returns (state, signer), state ``"signed"`` or
    ``"unsigned"``. Raises InvalidInput with the problem found."""
    if sniff(data) != "pdf":
        raise InvalidInput("file.not_pdf", field="file", name=name)
    pdf_page_count(data, name=name)
    refuse_active_content(data, name=name)
    from desk.dossier import pades  # pyHanko: only when a file is checked

    signatures = pades.check(data)
    if not signatures:
        return "unsigned", ""
    if any(s.state != "intact" for s in signatures):
        raise InvalidInput("file.signature_altered", field="file", name=name)
    return "signed", signatures[-1].signer


def record(desk, rows: list[dict], db=None) -> None:
    """Note what the store now holds (``hub_files`` of the hub's store, ``desk.sync.store``: signed or unsigned,
    from where); the dossiers that waited for these files no longer count them missing. ``db``: the handle of
    a transaction of the hub's store to do it in (a bundle's, on PostgreSQL), else one of its own."""
    if not rows:
        return
    store = hub_store(desk)
    with contextlib.nullcontext(db) if db is not None else store.writing() as handle:
        for row in rows:
            store.q.record_hub_file(handle, row)


def hub_row(sha256: str, size: int, state: str, signer: str, source: str) -> dict:
    return {
        "sha256": sha256,
        "bytes": size,
        "state": state,
        "signer": signer,
        "source": source,
        "received_at": clock.now().isoformat(timespec="seconds"),
    }


# --- uploads of a push, a piece at a time ---------------------------------------------------------------


def uploads_folder(desk) -> Path:
    return desk.home.root / "tmp" / "uploads"


def _part(desk, sha256: str) -> Path:
    if not SHA256.match(sha256):
        raise InvalidInput("file.bad_hash", field="sha256", sha256=sha256[:80])
    return uploads_folder(desk) / f"{sha256}.part"


def lacking(desk, hashes: Iterable[str]) -> dict[str, int]:
    """Of ``hashes``, those the store does not hold, each with the bytes of it already uploaded (where an
    interrupted upload continues)."""
    store = store_of(desk)
    out: dict[str, int] = {}
    for sha in hashes:
        if not isinstance(sha, str) or not SHA256.match(sha):
            raise InvalidInput("file.bad_hash", field="sha256", sha256=str(sha)[:80])
        if not store.has(sha):
            part = _part(desk, sha)
            out[sha] = part.stat().st_size if part.is_file() else 0
    return out


def receive_piece(desk, sha256: str, offset: int, total: int, data: bytes, source: str) -> dict:
    """Append ``data`` at ``offset`` of the upload of ``sha256`` (``total`` bytes in all). When the last piece
    is in, the whole file is checked (:func:`check_file`) and stored, or refused and dropped.

    Returns ``{"sha256", "received", "stored", "state"}``; a piece at an offset other than what was received
    so far is refused with ``hub.file_offset`` carrying ``received`` (the client continues from there).
    """
    store = store_of(desk)
    if store.has(sha256):
        return {"sha256": sha256, "received": total, "stored": True, "state": "stored"}
    if not 0 < total <= MAX_FILE_BYTES:
        raise InvalidInput("hub.file_too_large", field="file", sha256=sha256, size=total, limit=MAX_FILE_BYTES)
    part = _part(desk, sha256)
    part.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    have = part.stat().st_size if part.is_file() else 0
    if offset != have or offset + len(data) > total:
        raise InvalidInput("hub.file_offset", field="offset", sha256=sha256, offset=offset, received=have)
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "ab") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    have += len(data)
    if have < total:
        return {"sha256": sha256, "received": have, "stored": False, "state": "partial"}
    try:
        with open(part, "rb") as f:
            whole = f.read(MAX_FILE_BYTES + 1)
        found = hashlib.sha256(whole).hexdigest()
        if found != sha256:
            raise IntegrityFailure("file.hash_mismatch", field="file", sha256=sha256, found=found)
        state, signer = check_file(whole, relative_path(sha256))
        store.put(sha256, [whole])
    finally:
        part.unlink(missing_ok=True)  # stored, or refused: a refused upload starts again from nothing
    record(desk, [hub_row(sha256, len(whole), state, signer, source)])
    return {"sha256": sha256, "received": have, "stored": True, "state": state}


def missing_files(desk) -> list[tuple[str, str, str]]:
    """(dossier code, line or result code, sha256) of every file another desk's dossiers reference that this
    home's store does not hold (``desk verify`` at a hub)."""
    store = store_of(desk)
    hub = hub_store(desk)
    with hub.reading() as db:
        referenced = hub.q.files_of_other_desks(db, desk.desk_id)
    out = []
    for code, line, rel, sha in referenced:
        name = sha or Path(rel).stem
        if not SHA256.match(name) or not store.has(name):
            out.append((code, line, name))
    return out


_RESULTS = '"results":'
"""What a payload carrying electronic results holds (``db.file_queries.payloads_with_results`` looks for it too)."""
_RESULTS_B = _RESULTS.encode()


def rebuild_results(
    db,
    q: HubQueries,
    chosen: dict[str, tuple[str, int, str]],
    fresh: Mapping[tuple[str, int], str | bytes] | None = None,
) -> None:
    """The ``result_files`` of the dossiers an import rebuilt, from the snapshot each was rebuilt from
    (``chosen``: dossier code → (desk id, seq, dossier id)); only snapshots that carry results are read.
    ``db``, ``q``: the hub's store's transaction and queries. ``fresh``: payloads (desk id, seq) → JSON the
    caller holds already (the events just written): looked at here instead of read back."""
    import orjson

    keys = {(desk_id, seq): dossier_id for desk_id, seq, dossier_id in chosen.values()}
    fresh = fresh or {}
    held = {key: fresh[key] for key in keys if key in fresh}
    payloads = {
        key: p for key, p in held.items() if (p.find(_RESULTS_B) if isinstance(p, bytes) else p.find(_RESULTS)) >= 0
    }
    payloads.update(q.payloads_with_results(db, [key for key in keys if key not in held]))
    for key, payload in payloads.items():
        results = orjson.loads(payload).get("results")
        if isinstance(results, list):
            q.replace_results(db, keys[key], [r for r in results if isinstance(r, dict)])
