"""The renderer the core prints with: every document of the desk as PDF bytes.

:class:`PdfRenderer` implements ``desk.dossier.documents.Renderer``; the CLI and
the screens pass :data:`RENDERER` to ``print_document``, ``print_register`` and
``print_report``, so a document looks the same from either. The forms
themselves live in :mod:`printing.receipt` (Mẫu 01), :mod:`printing.letters`
(Mẫu 02, 03, 04), :mod:`printing.register` (Mẫu 07) and :mod:`printing.report`
(the day report); each loads when first drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from desk.models import Dossier, DossierDocument, GuidanceDocument, PrintSettings
from printing.errors import PrintOptionError

DOSSIER_KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control")


class PdfRenderer:
    """Makes the PDFs of ``desk.dossier.documents`` with reportlab.

    Raises :class:`printing.errors.PrintingError` (its ``problem`` says why) for a
    paper, copy count or font the documents cannot be made with.
    """

    def dossier_document(
        self, doc: DossierDocument, settings: PrintSettings, *, paper: str = "a4", copies: int = 1
    ) -> bytes:
        """The receipt (``copies`` copies, each on its own pages) or Mẫu 02, 03, 04, 05, 06 (one copy)."""
        d, p = doc.dossier, doc.procedure
        # each form loads with its first use: a desk that prints receipts never loads the letters
        if doc.kind == "receipt":
            from printing.receipt import render_receipt

            return render_receipt(d, p, settings, doc.key, paper=paper, copies=copies)
        if doc.kind == "supplement":
            from printing.letters import render_supplement

            return render_supplement(d, p, settings, doc.missing, doc.note, issued=doc.issued, paper=paper)
        if doc.kind == "refusal":
            from printing.letters import render_refusal

            return render_refusal(d, p, settings, doc.reason, issued=doc.issued, paper=paper)
        if doc.kind == "apology":
            from printing.letters import render_apology

            # without a new date the letter leaves it blank, to be written by hand
            return render_apology(d, p, settings, doc.new_due, doc.reason, issued=doc.issued, paper=paper)
        if doc.kind == "stop":
            from printing.notices import build_stop

            return build_stop(d, p, settings, doc.reason, issued=doc.issued, paper=paper).pdf
        if doc.kind == "control":
            from printing.notices import build_control

            return build_control(d, p, settings, doc.steps, issued=doc.issued, paper=paper).pdf
        raise PrintOptionError("print.kind_unknown", field="kind", kind=doc.kind, choices=DOSSIER_KINDS)

    def guidance(self, doc: GuidanceDocument, settings: PrintSettings, *, paper: str = "a4") -> bytes:
        """Mẫu 02 for a dossier that was not taken in (no dossier code)."""
        from printing.letters import render_guidance

        return render_guidance(doc, settings, paper=paper)

    def register(
        self,
        dossiers: Iterable[Dossier],
        settings: PrintSettings,
        date_from: date,
        date_to: date,
        *,
        catch_ups: Mapping[str, tuple[datetime, str]] | None = None,
    ) -> bytes:
        """Mẫu 07, the register book of the dossiers received from ``date_from`` to ``date_to``; the dossiers
        entered after they were received (``catch_ups``: code -> when entered, why) are marked."""
        from printing.register import render_register

        return render_register(dossiers, settings, date_from, date_to, catch_ups=catch_ups)

    def day_report(self, report: Any, settings: PrintSettings) -> bytes:
        """The end-of-day report (a ``desk.reports.day.DayReport``) on one A4 page."""
        from printing.report import render_day_report

        return render_day_report(report, settings)

    def qd766_report(self, report: Any, settings: PrintSettings) -> bytes:
        """The supervisor's QĐ 766 report per desk (a ``desk.reports.report766.SupervisorReport``), one A4 page."""
        from printing.report766 import render_report766

        return render_report766(report, settings)


RENDERER = PdfRenderer()
"""The renderer to pass as ``renderer=``."""
