"""Electronic results of a dossier (NĐ 45/2020 Điều 14): signed PDFs coded ``<MaHoSo>-KQ<n>``.

A result PDF that arrives unsigned is signed by the clerk's signer with the
same stamp as a scan (the code shown is the result's); one that arrives
signed by the processing office keeps that signature, which must be intact
(``result.signature_broken`` otherwise). Each result is stored in ``files/``,
listed in the table ``result_files``, recorded by a ``result.attached`` event,
and carried by every later snapshot of the dossier (``"results"``), from
which the portal record's DanhSachGiayToKetQua is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db import result_queries
from desk import clock
from desk.catalog.store import get_procedure
from desk.dossier import signer
from desk.dossier.files import resolve, store_file
from desk.dossier.lifecycle import commit_change
from desk.dossier.query import get
from desk.errors import IntegrityFailure, InvalidInput, NotFound
from desk.models import Dossier, Status
from desk.rules.digitisation import result_code
from desk.text import LIMITS, sanitise

CLOSED = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})
"""A dossier in these states has no result to attach."""

DEFAULT_NAME = "Kết quả giải quyết thủ tục hành chính"


@dataclass(frozen=True)
class ResultFile:
    """One electronic result of a dossier."""

    n: int
    code: str
    """``<MaHoSo>-KQ<n>``."""
    name: str
    """The paper's name (TenGiayTo), e.g. "Giấy khai sinh"."""
    file_path: str
    sha256: str
    bytes: int
    pages: int
    origin: str
    """``"desk"`` (signed here) or ``"office"`` (arrived signed by the processing office)."""
    signer: str
    """Who signed it (the certificate's holder)."""
    attached_at: datetime


def result_from_row(row: dict) -> ResultFile:
    """A row of ``result_files`` (``db.result_queries.RESULT_COLUMNS``: the home's, or a hub store's)."""
    return ResultFile(
        n=row["n"],
        code=row["code"],
        name=row["name"],
        file_path=row["file_path"],
        sha256=row["file_sha256"],
        bytes=row["file_bytes"],
        pages=row["file_pages"],
        origin=row["origin"],
        signer=row["signer"],
        attached_at=datetime.fromisoformat(row["attached_at"]),
    )


def for_dossier(desk, code: str) -> list[ResultFile]:
    """The dossier's results, first attached first."""
    d = get(desk, code)
    return [result_from_row(r) for r in result_queries.result_rows(desk.db, d.id)]


def attach(desk, code: str, path, *, name: str | None = None) -> ResultFile:
    """Store a result PDF (signed here, or checked when already signed) and record it.

    Refuses ``result.closed`` (a refused, withdrawn or stopped dossier),
    ``result.needs_signer`` (an unsigned PDF and no signer),
    ``result.signature_broken`` (a signed PDF altered since), and what
    storing a file refuses.
    """
    d = get(desk, code)
    if d.status in CLOSED:
        raise InvalidInput("result.closed", field="status", code=d.code, status=d.status)
    shown_name = sanitise(name or "", field="name", max_len=LIMITS["name"]) or _default_name(desk, d)
    n = result_queries.next_result_number(desk.db, d.id)
    rcode = result_code(d.code, n)
    origin: list[tuple[str, str]] = []

    def finish(pdf: bytes, pages: int) -> bytes:
        from desk.dossier import pades

        found = pades.check(pdf)
        if found:
            broken = [c for c in found if c.state != "intact"]
            if broken:
                raise IntegrityFailure("result.signature_broken", field="file", signer=broken[0].signer or "?")
            origin.append(("office", found[-1].signer))
            return pdf
        if not signer.has_signer(desk.settings):
            raise InvalidInput("result.needs_signer", field="file")
        done = signer.sign(desk, pdf, rcode, clock.now())
        assert done is not None  # a signer is set
        origin.append(("desk", done.name))
        return done.pdf

    stored = store_file(desk.home, path, max_mb=desk.settings.max_file_mb, finish=finish)
    kind, who = origin[0]

    def change(dossier: Dossier, now: datetime) -> dict:
        row = {
            "n": n,
            "code": rcode,
            "name": shown_name,
            "file_path": stored.path,
            "file_sha256": stored.sha256,
            "file_bytes": stored.bytes,
            "file_pages": stored.pages,
            "origin": kind,
            "signer": who,
            "attached_at": clock.iso(now) or "",
        }
        if result_queries.next_result_number(desk.db, dossier.id) != n:
            # another window attached one meanwhile: its code is taken
            raise InvalidInput("result.busy", field="file", code=rcode)
        result_queries.insert_result(desk.db, dossier.id, row)
        return {"result": {**row, "source_name": stored.source_name, "source_sha256": stored.source_sha256}}

    commit_change(desk, d.code, "result.attached", change)
    return next(r for r in for_dossier(desk, d.code) if r.n == n)


def _default_name(desk, d: Dossier) -> str:
    try:
        return get_procedure(desk, d.procedure_code).result_name or DEFAULT_NAME
    except NotFound:  # the procedure left the catalogue
        return DEFAULT_NAME


def result_json(desk, r: ResultFile) -> dict:
    """A result as ``desk show --json`` and ``desk result list --json`` print it, its signatures checked."""
    return {
        "code": r.code,
        "name": r.name,
        "file": r.file_path,
        "sha256": r.sha256,
        "bytes": r.bytes,
        "pages": r.pages,
        "origin": r.origin,
        "attached_at": clock.iso(r.attached_at),
        "signatures": signer.check_json(signer.check(resolve(desk.home, r.file_path))),
    }


def result_line(desk, r: ResultFile) -> str:
    """One line of ``desk result list``."""
    checks = signer.check(resolve(desk.home, r.file_path))
    sig = "; ".join(f"{c.signer} {c.signed_at:%d/%m/%Y %H:%M} {c.state}" for c in checks if c.signed_at) or "unsigned"
    return f"{r.code}  {r.name}  ({r.pages} p)  {sig}"
