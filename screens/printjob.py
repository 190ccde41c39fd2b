"""Printing a receipt from the TUI, through the same flow as ``desk print receipt``.

Runs inside a worker thread (rendering and the spooler take time); it touches
no widget. ``printing`` is imported here, lazily, so the first screen does not
wait for reportlab.
"""

from __future__ import annotations

from desk.models import Dossier
from desk.printjobs import PrintResult, deliver, gather


def print_receipt(desk, dossier: Dossier, language: str = "vi") -> PrintResult:
    """Render Mẫu 01 with the desk's paper and copies, keep it, send it to the printer, record the event.

    A missing printer is a result with ``ok`` False and the PDF's path in its message, not an error.
    """
    from printing import render_receipt, send_to_printer

    settings = desk.settings
    doc = gather(desk, dossier.code, "receipt")
    pdf = render_receipt(doc.dossier, doc.procedure, settings, doc.key, paper=settings.paper, copies=settings.copies)
    # the PDF holds every copy (liên) on its own pages: deliver prints it once
    return deliver(desk, code=dossier.code, kind="receipt", pdf=pdf, paper=settings.paper, copies=settings.copies,
                   send=send_to_printer, language=language)
