"""The scans a bundle carries (``files/…`` members): each checked like a fresh scan before anything is written.

A file member is kept under its content's name, ``files/<aa>/<sha256>.pdf``
as a desk's store names it (``desk.dossier.files``): the name must be the
SHA-256 of the member's bytes, a component line of one of the bundle's
events must reference it, and it must pass the checks of ``desk digitise``
(a PDF, as a desk stores every scan, with pages found by parsing and at most
``MAX_PAGES`` of them, nothing in it that runs), and every signature it carries
must be intact (a file without one is stored and marked ``unsigned``). Each file is at most
:data:`MAX_FILE_BYTES` and all of them together at most
:data:`MAX_FILES_BYTES`, checked from the zip's directory before any is read.
A file the hub already holds under that name is shared, not written again.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable

from desk.errors import IntegrityFailure, InvalidInput
from desk.sync.hub_files import MAX_FILE_BYTES, check_file

MAX_FILES_BYTES = 1024**3
"""All scans of one bundle at most."""
STORED_NAME = re.compile(r"^([0-9a-f]{2})/([0-9a-f]{64})\.pdf$")
_FILE_PATH = re.compile(rb'"file_path":"([0-9a-f]{2}/[0-9a-f]{64}\.pdf)"')


def check_sizes(infos: Iterable[zipfile.ZipInfo], prefix: str, where: str) -> None:
    """From the zip's directory: each file member's name is a stored scan's name, and the sizes are bounded."""
    total = 0
    for zi in infos:
        if not zi.filename.startswith(prefix):
            continue
        rel = zi.filename[len(prefix) :]
        m = STORED_NAME.match(rel)
        if m is None or m[1] != m[2][:2]:
            raise IntegrityFailure("bundle.file_name", field="bundle", bundle=where, member=zi.filename[:200])
        if zi.file_size > MAX_FILE_BYTES:
            raise IntegrityFailure(
                "bundle.file_too_large", field="bundle", bundle=where, member=zi.filename, limit=MAX_FILE_BYTES
            )
        total += zi.file_size
    if total > MAX_FILES_BYTES:
        raise IntegrityFailure(
            "bundle.files_too_large", field="bundle", bundle=where, size=total, limit=MAX_FILES_BYTES
        )


def referenced(payloads: Iterable[bytes]) -> set[str]:
    """The stored scans the component lines of these payloads (canonical JSON) name.

    In canonical JSON a text never holds an unescaped ``"``, so ``"file_path":"`` is found only as the key.
    """
    found: set[str] = set()
    for payload in payloads:
        found.update(p.decode("ascii") for p in _FILE_PATH.findall(payload))
    return found


def check_files(files: dict[str, tuple[zipfile.ZipInfo, str]], read, where: str) -> dict[str, tuple[str, str]]:
    """Every file member: named by its hash, a scan a desk would accept, its signatures intact
    (``desk.sync.hub_files.check_file``); returns relative path → (``"signed"``/``"unsigned"``, signer).

    ``files``: relative path → (member, SHA-256 of its bytes, as read); ``read(member)``: its bytes. That an
    event of the bundle references each one is :func:`check_referenced`'s, once the events are read.
    """
    states: dict[str, tuple[str, str]] = {}
    for rel, (zi, sha) in sorted(files.items()):
        member = zi.filename
        if STORED_NAME.match(rel)[2] != sha:  # type: ignore[index]  # check_sizes matched every name
            raise IntegrityFailure("bundle.file_hash", field="bundle", bundle=where, member=member)
        data = read(zi)
        try:
            states[rel] = check_file(data, member)
        except InvalidInput as exc:
            raise IntegrityFailure(
                "bundle.file_refused", field="bundle", bundle=where, member=member, reason=exc.problem.code
            ) from exc
        del data
    return states


def check_referenced(files: dict[str, tuple[zipfile.ZipInfo, str]], named: set[str], where: str) -> None:
    """Every file member is referenced by a component line of the bundle's events (``named``: see
    :func:`referenced`)."""
    for rel, (zi, _) in sorted(files.items()):
        if rel not in named:
            raise IntegrityFailure("bundle.file_unreferenced", field="bundle", bundle=where, member=zi.filename)
