"""Printing from the TUI, through the same flow as ``desk print …`` and ``desk report day``.

Every function here runs inside a worker thread (rendering and the spooler
take time); none touches a widget. ``printing`` is imported lazily, so the
first screen does not wait for reportlab.
"""

from __future__ import annotations

from datetime import date, datetime

from desk.models import Dossier
from desk.dossier.documents import PrintResult, deliver, gather

LETTERS = ("supplement", "refusal", "apology")
"""Mẫu 02, 03 and 04: the letters the dossier view prints."""


def print_receipt(desk, dossier: Dossier, language: str = "vi") -> PrintResult:
    """Render Mẫu 01 with the desk's paper and copies, keep it, send it to the printer, record the event.

    A missing printer is a result with ``ok`` False and the PDF's path in its message, not an error.
    """
    from printing import render_dossier_document, send_to_printer

    settings = desk.settings
    doc = gather(desk, dossier.code, "receipt")
    pdf = render_dossier_document(doc, settings, paper=settings.paper, copies=settings.copies)
    # the PDF holds every copy (liên) on its own pages: deliver prints it once
    return deliver(desk, code=dossier.code, kind="receipt", pdf=pdf, paper=settings.paper, copies=settings.copies,
                   send=send_to_printer, language=language)


def print_letter(
    desk, code: str, kind: str, language: str = "vi", *, reason: str = "", new_due: datetime | None = None
) -> PrintResult:
    """Mẫu 02 (the latest supplement request), 03 (the refusal) or 04 (the apology, with ``reason``
    and ``new_due``), one copy on the desk's paper, as ``desk print KIND CODE`` prints it."""
    import printing

    settings = desk.settings
    doc = gather(desk, code, kind, reason=reason, new_due=new_due)
    pdf = printing.render_dossier_document(doc, settings, paper=settings.paper)
    return deliver(desk, code=doc.dossier.code, kind=kind, pdf=pdf, paper=settings.paper, copies=1,
                   send=printing.send_to_printer, language=language, details=doc.print_details())


def print_day_report(desk, date_from: date, date_to: date, language: str = "vi") -> PrintResult:
    """The end-of-day report of the period (one A4 page), as ``desk report day`` prints it."""
    import printing
    from desk.reports.day import day_report

    report = day_report(desk, date_from, date_to)
    pdf = printing.render_day_report(report, desk.settings)
    return deliver(desk, code="", kind="report", pdf=pdf, paper="a4", copies=1,
                   send=printing.send_to_printer, language=language)


def print_register(desk, date_from: date, date_to: date, language: str = "vi") -> PrintResult:
    """The register book (Mẫu 07) of the dossiers received in the period."""
    import printing
    from desk.dossier.query import received_between

    pdf = printing.render_register(received_between(desk, date_from, date_to), desk.settings, date_from, date_to)
    return deliver(desk, code="", kind="register", pdf=pdf, paper="a4", copies=1,
                   send=printing.send_to_printer, language=language)
