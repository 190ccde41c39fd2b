"""Printing a document: one path for the CLI and the screens.

:func:`print_document` (the receipt, Mẫu 02, 03, 04), :func:`print_guidance`
(Mẫu 02 for a dossier that was not taken in), :func:`print_register`
(Mẫu 07) and :func:`print_report` (the day report) each gather what the document
says, have the renderer make the PDF, write it to ``out`` or keep it under the
home and hand it to the sender (the printer), and record the print event, which
names the document. The core never imports reportlab: the renderer and the
sender are passed in (the CLI and the screens pass :mod:`printing`'s).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from db import queries
from desk import clock
from desk.catalog.store import get_procedure
from desk.config import read_agency_key
from desk.context import Desk
from desk.dossier import query as dossiers
from desk.dossier.guidance import gather_guidance, guidance_record
from desk.dossier.lifecycle import extend, last_transition, missing_pairs
from desk.dossier.print_log import record_print
from desk.errors import DeskError, InvalidInput, NotFound
from desk.fsio import atomic_write
from desk.models import Dossier, DossierDocument, GuidanceDocument, PrintSettings
from desk.rules import portal
from desk.rules.forms import FORMS, commune_of
from desk.rules.problems import Problem
from desk.settings import Settings
from desk.text import LIMITS, clean

DOSSIER_KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control")
"""The documents of one dossier: Mẫu 01, 02, 03, 04, 05 and 06."""

STEP_NAMES = portal.STEP_TEXTS
"""Mẫu 06: how each move of a dossier reads on the control slip."""


@runtime_checkable
class Renderer(Protocol):
    """Makes the PDF bytes of the desk's documents; :mod:`printing` implements it (``printing.RENDERER``).

    A renderer that cannot make a document as asked (a paper name, a font file)
    raises an exception whose ``problem`` attribute is a
    :class:`~desk.rules.problems.Problem`; the print functions raise it again as
    :class:`~desk.errors.InvalidInput`.
    """

    def dossier_document(
        self, doc: DossierDocument, settings: PrintSettings, *, paper: str = "a4", copies: int = 1
    ) -> bytes:
        """The receipt (``copies`` copies in one PDF) or Mẫu 02, 03, 04."""
        ...

    def guidance(self, doc: GuidanceDocument, settings: PrintSettings, *, paper: str = "a4") -> bytes:
        """Mẫu 02 for a dossier that was not taken in (no dossier code)."""
        ...

    def register(
        self,
        dossiers: Iterable[Dossier],
        settings: PrintSettings,
        date_from: date,
        date_to: date,
        *,
        catch_ups: Mapping[str, tuple[datetime, str]] | None = None,
    ) -> bytes:
        """Mẫu 07 of the dossiers received from ``date_from`` to ``date_to``."""
        ...

    def day_report(self, report: Any, settings: PrintSettings) -> bytes:
        """The end-of-day report (a ``desk.reports.day.DayReport``: that layer sits above this one)."""
        ...

    def qd766_report(self, report: Any, settings: PrintSettings) -> bytes:
        """The supervisor's QĐ 766 report per desk on one A4 page (a ``desk.reports.report766.SupervisorReport``)."""
        ...


class SendOutcome(Protocol):
    """What a sender says of one print request (``printing.PrintOutcome``)."""

    @property
    def ok(self) -> bool: ...

    @property
    def method(self) -> str:
        """ "lp", "windows", or "none" when no way to print was found."""
        ...

    @property
    def printer(self) -> str: ...

    @property
    def reason(self) -> str:
        """ "sent", or why nothing was printed: "no_printer", "no_default", "unknown_printer", "timeout",
        "failed", "no_file"."""
        ...

    @property
    def detail(self) -> str:
        """The spooler's own words on failure (English: for IT, kept in the print event, never shown)."""
        ...

    def describe(self, lang: str = "vi") -> str:
        """One sentence for the clerk (with the PDF's path when it was not printed)."""
        ...


class Sender(Protocol):
    """Sends a PDF to a printer and never raises for a missing or failing one (``printing.send_to_printer``)."""

    def __call__(self, pdf_path: Path, *, printer: str = "", copies: int = 1) -> SendOutcome: ...


@dataclass(frozen=True)
class PrintResult:
    """What became of one document."""

    ok: bool
    path: Path
    """Where the PDF is: ``out``, or its copy under the home's ``printed/``."""
    message: str
    """The printer's answer in the clerk's language, or "written to OUT"."""
    sent: bool
    """True when it went to a printer (not when it was only written to ``out``)."""
    reason: str = "sent"
    """The sender's reason (``SendOutcome.reason``): "sent", "written" (to ``out``), or why it was not printed."""

    @property
    def not_printed(self) -> bool:
        """The PDF was made and kept, and only the printing failed (the CLI's exit code 6)."""
        return not self.ok and self.reason != "no_file" and self.path.is_file()


def print_settings(settings: Settings) -> PrintSettings:
    """What the documents need of the desk's settings."""
    agency = settings.agency
    if not agency.place.strip():
        # the place line defaults to the commune ("UBND xã Minh Khai" → "Minh Khai, ngày …")
        agency = replace(agency, place=commune_of(agency.name))
    return PrintSettings(
        agency=agency,
        clerk=settings.clerk,
        register_book=settings.register_book,
        lookup_url=settings.lookup_url,
        font_regular=settings.font_regular,
        font_bold=settings.font_bold,
        day_hours=settings.hours.day_hours,
    )


def gather(desk: Desk, code: str, kind: str, *, reason: str = "", new_due: datetime | None = None) -> DossierDocument:
    """What ``kind`` prints for dossier ``code``: the supplement request's list, the refusal's reason, …"""
    if kind not in DOSSIER_KINDS:
        raise InvalidInput("print.kind_unknown", field="kind", kind=kind, choices=DOSSIER_KINDS)
    d = dossiers.get(desk, code)
    try:
        procedure = get_procedure(desk, d.procedure_code)
    except NotFound:
        procedure = None  # printed from the dossier's own copy of the name
    doc = DossierDocument(kind=kind, dossier=d, procedure=procedure, issued=clock.now())
    if kind == "receipt":
        doc.key = read_agency_key(desk.home)
    elif kind == "supplement":
        event = last_transition(desk, d.code, "supplement")
        if event is None:
            raise InvalidInput("print.no_supplement_request", field="kind", code=d.code)
        doc.missing, doc.note, doc.issued = missing_pairs(event), event.payload.get("note", ""), event.at
    elif kind == "refusal":
        event = last_transition(desk, d.code, "refuse")
        if event is None:
            raise InvalidInput("print.not_refused", field="kind", code=d.code)
        doc.reason, doc.issued = event.payload.get("details", {}).get("reason", ""), event.at
    elif kind == "stop":
        event = last_transition(desk, d.code, "stop")
        if event is None:
            raise InvalidInput("print.not_stopped", field="kind", code=d.code)
        doc.reason, doc.issued = event.payload.get("details", {}).get("reason", ""), event.at
    elif kind == "control":
        if last_transition(desk, d.code, "transfer") is None:
            raise InvalidInput("print.not_transferred", field="kind", code=d.code)
        doc.steps = [
            (STEP_NAMES[e.type], e.at, e.clerk) for e in dossiers.timeline(desk, d.code) if e.type in STEP_NAMES
        ]
    elif kind == "apology":
        if new_due is None:
            raise InvalidInput("print.apology_needs_new_due", field="new_due")
        if not reason.strip():
            raise InvalidInput("print.apology_needs_reason", field="reason")
        doc.reason, doc.new_due = reason.strip(), new_due
    return doc


def print_document(
    desk: Desk,
    kind: str,
    code: str,
    *,
    renderer: Renderer,
    sender: Sender,
    out: Path | None = None,
    paper: str | None = None,
    copies: int | None = None,
    printer: str | None = None,
    reason: str = "",
    new_due: datetime | None = None,
    language: str = "vi",
) -> PrintResult:
    """Print the receipt (``kind`` "receipt") or Mẫu 02, 03, 04, 05, 06 ("supplement", "refusal", "apology",
    "stop" after a stop, "control" once transferred) of a dossier.

    ``paper`` defaults to the desk's; ``copies`` to the desk's for a receipt (its
    copies, liên, are pages of one PDF), else 1. The apology letter needs
    ``new_due`` and ``reason``. With ``out`` the PDF is only written there;
    otherwise it is kept under the home and sent to ``printer`` (default: the
    desk's). A missing printer is a result with ``ok`` False, not an error.
    """
    settings = desk.settings
    paper = paper or settings.paper
    if copies is None:
        copies = settings.copies if kind == "receipt" else 1
    doc = gather(desk, code, kind, reason=reason, new_due=new_due)
    options = print_settings(settings)
    pdf = _rendered(lambda: renderer.dossier_document(doc, options, paper=paper, copies=copies))
    if kind == "apology" and doc.new_due is not None and doc.new_due != doc.dossier.due_at:
        # the letter's promise is the dossier's new appointment (a reprint of the same date moves nothing)
        extend(desk, doc.dossier.code, doc.new_due, doc.reason)
    return _deliver(
        desk,
        kind=kind,
        code=doc.dossier.code,
        pdf=pdf,
        paper=paper,
        copies=copies,
        out=out,
        printer=printer,
        sender=sender,
        language=language,
        details=_details(doc),
    )


def print_guidance(
    desk: Desk,
    procedure_code: str,
    missing: list[tuple[str, str]],
    *,
    renderer: Renderer,
    sender: Sender,
    name: str = "",
    out: Path | None = None,
    paper: str | None = None,
    printer: str | None = None,
    language: str = "vi",
) -> PrintResult:
    """Print Mẫu 02 for a dossier that was not taken in: no receipt, no dossier code.

    ``missing`` holds (component code or content, reason) pairs. The print is recorded as a
    ``guidance.issued`` event (the clerk, the time, the procedure, what was missing) of no dossier,
    counted by the day report.
    """
    doc = gather_guidance(desk, procedure_code, missing, name=name)
    paper = paper or desk.settings.paper
    options = print_settings(desk.settings)
    pdf = _rendered(lambda: renderer.guidance(doc, options, paper=paper))
    return _deliver(
        desk,
        kind="guidance",
        code="",
        pdf=pdf,
        paper=paper,
        copies=1,
        out=out,
        printer=printer,
        sender=sender,
        language=language,
        guidance=guidance_record(doc),
    )


def print_register(
    desk: Desk,
    date_from: date,
    date_to: date,
    *,
    renderer: Renderer,
    sender: Sender,
    out: Path | None = None,
    printer: str | None = None,
    language: str = "vi",
) -> PrintResult:
    """Print the register book (Mẫu 07) of the dossiers received from ``date_from`` to ``date_to``, on A4."""
    found = dossiers.received_between(desk, date_from, date_to)
    options = print_settings(desk.settings)
    # dossiers entered after they were received are marked: (when entered, why)
    catch_ups = {
        c["code"]: (datetime.fromisoformat(c["entered_at"]), c["reason"])
        for c in queries.catch_ups(desk.db, [d.code for d in found])
    }
    pdf = _rendered(lambda: renderer.register(found, options, date_from, date_to, catch_ups=catch_ups))
    return _deliver(
        desk,
        kind="register",
        code="",
        pdf=pdf,
        paper="a4",
        copies=1,
        out=out,
        printer=printer,
        sender=sender,
        language=language,
        details={"date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
    )


def print_report(
    desk: Desk,
    report: Any,
    *,
    renderer: Renderer,
    sender: Sender,
    out: Path | None = None,
    printer: str | None = None,
    language: str = "vi",
) -> PrintResult:
    """Print the end-of-day report (one A4 page) made by ``desk.reports.day.day_report``."""
    options = print_settings(desk.settings)
    pdf = _rendered(lambda: renderer.day_report(report, options))
    return _deliver(
        desk,
        kind="report",
        code="",
        pdf=pdf,
        paper="a4",
        copies=1,
        out=out,
        printer=printer,
        sender=sender,
        language=language,
    )


def qd766_report_pdf(desk: Desk, report: Any, *, renderer: Renderer) -> bytes:
    """The PDF of the supervisor's QĐ 766 report (``desk report 766 --out FILE.pdf``)."""
    options = print_settings(desk.settings)
    return _rendered(lambda: renderer.qd766_report(report, options))


def write_document(path: Path, data: bytes) -> None:
    """Write a document (personal data: owner-only) via a temporary name, so a full disk leaves no half file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as exc:
        raise DeskError("print.write_failed", path=str(path), reason=exc.strerror or str(exc)) from exc


def kept_path(desk: Desk, code: str, kind: str, at: datetime) -> Path:
    """Where a PDF sent to the printer is kept, under the home's ``printed/``."""
    name = code if code == kind else f"{code}_{kind}"  # "report_…", "register_…" for documents of no dossier
    return desk.home.printed / f"{name}_{at:%Y%m%d-%H%M%S}.pdf"


def _details(doc: DossierDocument) -> dict[str, Any]:
    """What the print event records of a dossier's document beyond its name, paper and copies."""
    if doc.kind == "apology":
        return {"new_due": clock.iso(doc.new_due), "reason": doc.reason}
    if doc.kind in ("refusal", "stop"):
        return {"reason": doc.reason}
    return {}


def _rendered(make: Callable[[], bytes]) -> bytes:
    """The renderer's PDF; what it cannot make as asked (a paper name, a font file) is an invalid input."""
    try:
        return make()
    except DeskError:
        raise
    except Exception as exc:
        problem = getattr(exc, "problem", None)
        if isinstance(problem, Problem):
            raise InvalidInput(problem) from exc
        raise


def _deliver(
    desk: Desk,
    *,
    kind: str,
    code: str,
    pdf: bytes,
    paper: str,
    copies: int,
    out: Path | None,
    printer: str | None,
    sender: Sender,
    language: str,
    details: dict[str, Any] | None = None,
    guidance: dict[str, Any] | None = None,
) -> PrintResult:
    """Write the PDF to ``out``, or keep it under the home and send it; record the event either way.

    The event names the document (``form`` "Mẫu 01"…, ``document`` its legal name).
    A failed print is recorded as ``document.print_failed`` and can simply be repeated.
    """
    name = FORMS[kind]
    recorded: dict[str, Any] = (
        {"form": name.number, "document": name.title} if name.number else {"document": name.title}
    )
    recorded.update(details or {})
    if out is not None:
        write_document(out, pdf)
        message = f"written to {out}"
        record_print(
            desk,
            code,
            kind,
            copies,
            paper,
            True,
            message,
            details={**recorded, "method": "file", "path": str(out)},
            guidance=guidance,
        )
        return PrintResult(True, out, message, sent=False, reason="written")
    path = kept_path(desk, code or kind, kind, clock.now())
    write_document(path, pdf)
    # the PDF holds every copy (liên) of a receipt on its own pages: it is printed once
    outcome = sender(path, printer=printer or desk.settings.printer, copies=1)
    message = outcome.describe(language)
    record_print(
        desk,
        code,
        kind,
        copies,
        paper,
        outcome.ok,
        message,
        details={
            **recorded,
            "method": outcome.method,
            "path": str(path),
            "printer": outcome.printer,
            "outcome": outcome.reason,
            # the spooler's own words (English): for IT, never shown in the Vietnamese UI
            **({"spooler": clean(outcome.detail)[: LIMITS["note"]]} if outcome.detail and not outcome.ok else {}),
        },
        guidance=guidance,
    )
    return PrintResult(outcome.ok, path, message, sent=outcome.ok, reason=outcome.reason)
