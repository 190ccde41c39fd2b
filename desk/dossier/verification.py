"""What a dossier's stored files say about their signatures: who signed, when, intact or altered.

Used by ``desk show`` (text and ``--json``) and the TUI's dossier view. Each
stored PDF is read back with pyHanko (:mod:`desk.dossier.signing`), so an
edit made to a file after it was signed shows as ``altered``.
"""

from __future__ import annotations

from dataclasses import dataclass

from desk.dossier import results, signer
from desk.dossier.files import resolve
from desk.errors import DeskError
from desk.models import Digitisation, Dossier
from desk.rules.digitisation import scan_code


@dataclass(frozen=True)
class FileState:
    """One stored file of a dossier and its signatures."""

    kind: str
    """``"scan"`` (a component's) or ``"result"``."""
    code: str
    """The digitisation-result code (``…-SH<n>``) or the result's (``…-KQ<n>``)."""
    name: str
    path: str
    signatures: list
    """:class:`desk.dossier.pades.SignatureCheck` of each signature, oldest first."""

    @property
    def state(self) -> str:
        """``"intact"``, ``"altered"`` or ``"unsigned"``."""
        if not self.signatures:
            return "unsigned"
        return "intact" if all(s.state == "intact" for s in self.signatures) else "altered"


def _checks(desk, path: str) -> list:
    try:
        return signer.check(resolve(desk.home, path))
    except DeskError:
        return []


def dossier_files(desk, d: Dossier, *, held_results: list[results.ResultFile] | None = None) -> list[FileState]:
    """Every stored file of the dossier: its scans (in component order), then its results — from the home,
    or ``held_results`` for a dossier read from a PostgreSQL hub's store (its ``result_files``:
    ``desk.sync.hub_search.held_results``)."""
    out = []
    for i, c in enumerate(d.components, 1):
        if c.file_path and c.digitisation in (Digitisation.DIGITISED, Digitisation.DIGITISED_UNSIGNED):
            out.append(FileState("scan", scan_code(d.code, i), c.name, c.file_path, _checks(desk, c.file_path)))
    for r in results.for_dossier(desk, d.code) if held_results is None else held_results:
        out.append(FileState("result", r.code, r.name, r.file_path, _checks(desk, r.file_path)))
    return out


def files_json(desk, d: Dossier, out: dict, *, held_results: list[results.ResultFile] | None = None) -> None:
    """Add each component's signatures and the dossier's results to ``desk show --json``'s object."""
    by_path = {f.path: f for f in dossier_files(desk, d, held_results=held_results)}
    for i, (c, shown) in enumerate(zip(d.components, out["components"]), 1):
        f = by_path.get(c.file_path) if c.file_path else None
        shown["digitisation_code"] = f.code if f and f.kind == "scan" else None
        shown["file_state"] = f.state if f else None
        shown["signatures"] = signer.check_json(f.signatures) if f else []
    out["results"] = [
        {
            "code": f.code,
            "name": f.name,
            "file": f.path,
            "file_state": f.state,
            "signatures": signer.check_json(f.signatures),
        }
        for f in by_path.values()
        if f.kind == "result"
    ]


def signature_lines(desk, d: Dossier, *, held_results: list[results.ResultFile] | None = None) -> list[str]:
    """The lines ``desk show`` prints about the dossier's files."""
    files = dossier_files(desk, d, held_results=held_results)
    if not files:
        return []
    lines = ["  files:"]
    for f in files:
        if not f.signatures:
            lines.append(f"   {f.code:<34} {f.name} — NOT SIGNED")
            continue
        for s in f.signatures:
            when = f"{s.signed_at:%d/%m/%Y %H:%M}" if s.signed_at else "?"
            lines.append(f"   {f.code:<34} {f.name} — signed by {s.signer}, {when}, {s.state.upper()}")
    return lines
