"""Printing from the TUI: the core's one print path with :mod:`printing`'s renderer and printer.

``desk print …`` and ``desk report day`` go through the same functions. Every
function here runs inside a worker thread (rendering and the spooler take
time); none touches a widget. Importing ``printing`` loads none of its modules:
reportlab loads with the first document, so the first screen does not wait for it.
"""

from __future__ import annotations

from datetime import date, datetime

import printing
from desk.context import Desk
from desk.dossier import documents
from desk.dossier.documents import PrintResult
from desk.models import Dossier

LETTERS = ("supplement", "refusal", "apology", "stop", "control")
"""Mẫu 02, 03, 04, 05 and 06: the letters the dossier view prints."""


def print_receipt(desk: Desk, dossier: Dossier, language: str = "vi") -> PrintResult:
    """Mẫu 01 with the desk's paper and copies, kept under the home, sent to the printer, recorded.

    A missing printer is a result with ``ok`` False and the PDF's path in its message, not an error.
    """
    return documents.print_document(
        desk, "receipt", dossier.code, renderer=printing.RENDERER, sender=printing.send_to_printer, language=language
    )


def print_letter(
    desk: Desk, code: str, kind: str, language: str = "vi", *, reason: str = "", new_due: datetime | None = None
) -> PrintResult:
    """Mẫu 02 (the latest supplement request), 03 (the refusal) or 04 (the apology, with ``reason``
    and ``new_due``), one copy on the desk's paper, as ``desk print KIND CODE`` prints it."""
    return documents.print_document(
        desk,
        kind,
        code,
        renderer=printing.RENDERER,
        sender=printing.send_to_printer,
        reason=reason,
        new_due=new_due,
        language=language,
    )


def print_guidance(
    desk: Desk, procedure_code: str, missing: list[tuple[str, str]], name: str = "", language: str = "vi"
) -> PrintResult:
    """Mẫu 02 for a dossier not taken in (a required component missing), as ``desk print guidance`` prints it."""
    return documents.print_guidance(
        desk,
        procedure_code,
        missing,
        renderer=printing.RENDERER,
        sender=printing.send_to_printer,
        name=name,
        language=language,
    )


def print_day_report(desk: Desk, date_from: date, date_to: date, language: str = "vi") -> PrintResult:
    """The end-of-day report of the period (one A4 page), as ``desk report day`` prints it."""
    from desk.reports.day import day_report  # the report's queries load when a report is printed

    return documents.print_report(
        desk,
        day_report(desk, date_from, date_to),
        renderer=printing.RENDERER,
        sender=printing.send_to_printer,
        language=language,
    )


def print_register(desk: Desk, date_from: date, date_to: date, language: str = "vi") -> PrintResult:
    """The register book (Mẫu 07) of the dossiers received in the period, as ``desk print register`` prints it."""
    return documents.print_register(
        desk, date_from, date_to, renderer=printing.RENDERER, sender=printing.send_to_printer, language=language
    )
