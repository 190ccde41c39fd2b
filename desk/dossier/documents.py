"""Printing a dossier's document: gather what it says, keep the PDF, send it, record the event.

The core never imports reportlab: the renderer and the printer are passed in
(the CLI and the screens pass :mod:`printing`'s), so one flow serves both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from desk import clock
from desk.dossier import query as dossiers
from desk.config import read_agency_key
from desk.errors import DeskError, InvalidInput, NotFound
from desk.fsio import atomic_write
from desk.dossier.lifecycle import last_transition, missing_pairs, record_print
from desk.models import Dossier, Procedure
from desk.catalog.store import get_procedure

DOSSIER_KINDS = ("receipt", "supplement", "refusal", "apology")


@dataclass
class Document:
    """Everything a renderer needs for one dossier document."""

    kind: str
    dossier: Dossier
    procedure: Procedure | None
    issued: datetime
    key: bytes = b""
    missing: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""
    reason: str = ""
    new_due: datetime | None = None

    def print_details(self) -> dict:
        """What the print event records of this document beyond kind, paper and copies."""
        if self.kind == "apology":
            return {"new_due": clock.iso(self.new_due), "reason": self.reason}
        if self.kind == "refusal":
            return {"reason": self.reason}
        return {}


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    path: Path
    message: str
    sent: bool


def gather(desk, code: str, kind: str, *, reason: str = "", new_due: datetime | None = None) -> Document:
    """What ``kind`` prints for dossier ``code``: the supplement request's list, the refusal's reason, …"""
    if kind not in DOSSIER_KINDS:
        raise InvalidInput(f"document {kind!r}: one of {', '.join(DOSSIER_KINDS)}", field="kind")
    d = dossiers.get(desk, code)
    try:
        procedure = get_procedure(desk, d.procedure_code)
    except NotFound:
        procedure = None  # printed from the dossier's own copy of the name
    doc = Document(kind=kind, dossier=d, procedure=procedure, issued=clock.now())
    if kind == "receipt":
        doc.key = read_agency_key(desk.home)
    elif kind == "supplement":
        event = last_transition(desk, d.code, "supplement")
        if event is None:
            raise InvalidInput(
                f"dossier {d.code} has no supplement request to print; "
                "request one first (`desk advance CODE supplement --missing COMPONENT:REASON`)",
                field="kind",
            )
        doc.missing, doc.note, doc.issued = missing_pairs(event), event.payload.get("note", ""), event.at
    elif kind == "refusal":
        event = last_transition(desk, d.code, "refuse")
        if event is None:
            raise InvalidInput(
                f"dossier {d.code} was not refused; refuse it first (`desk advance CODE refuse --reason …`)",
                field="kind",
            )
        doc.reason, doc.issued = event.payload.get("details", {}).get("reason", ""), event.at
    elif kind == "apology":
        if new_due is None:
            raise InvalidInput("the apology letter needs the new appointment date", field="new_due")
        if not reason.strip():
            raise InvalidInput("the apology letter needs the reason for the delay", field="reason")
        doc.reason, doc.new_due = reason.strip(), new_due
    return doc


def write_pdf(path: Path, pdf: bytes) -> None:
    """Write a PDF (personal data: owner-only) via a temporary name, so a full disk leaves no half file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, pdf)
    except OSError as exc:
        raise DeskError(f"cannot write {path}: {exc.strerror or exc}") from exc


def kept_path(desk, code: str, kind: str, at: datetime) -> Path:
    """Where a PDF sent to the printer is kept, under the home's ``printed/``."""
    name = code if code == kind else f"{code}_{kind}"  # "report_…", "register_…" for documents of no dossier
    return desk.home.printed / f"{name}_{at:%Y%m%d-%H%M%S}.pdf"


def deliver(
    desk,
    *,
    code: str,
    kind: str,
    pdf: bytes,
    paper: str,
    copies: int,
    out: Path | None = None,
    printer: str = "",
    send: Callable | None = None,
    language: str = "vi",
    details: dict | None = None,
) -> PrintResult:
    """Write the PDF to ``out``, or keep it under the home and ``send`` it; record the event either way.

    A failed print is recorded as ``document.print_failed`` and can simply be repeated.
    """
    if out is not None:
        write_pdf(out, pdf)
        record_print(desk, code, kind, copies, paper, True, f"written to {out}",
                     details={**(details or {}), "method": "file", "path": str(out)})
        return PrintResult(True, out, f"written to {out}", sent=False)
    path = kept_path(desk, code or kind, kind, clock.now())
    write_pdf(path, pdf)
    if send is None:
        raise InvalidInput("no printer function given", field="printer")
    outcome = send(path, printer=printer or desk.settings.printer, copies=1)
    message = outcome.describe(language)
    record_print(desk, code, kind, copies, paper, outcome.ok, message,
                 details={**(details or {}), "method": outcome.method, "path": str(path),
                          "printer": outcome.printer})
    return PrintResult(outcome.ok, path, message, sent=outcome.ok)
