"""Messages the desk's screens and workers send each other."""

from __future__ import annotations

from textual.message import Message

from desk.models import Dossier
from desk.receipt_qr import ReceiptVerdict


class OpenDossier(Message):
    """Ask the app to show one dossier (from a list row, a search or a scanned receipt)."""

    def __init__(self, code: str, verdict: ReceiptVerdict | None = None) -> None:
        super().__init__()
        self.code = code
        """The dossier code."""
        self.verdict = verdict
        """What a scanned receipt turned out to be, when the dossier was opened by a scan."""


class DossierSaved(Message):
    """Posted by the intake worker once the dossier and its event are committed."""

    def __init__(self, dossier: Dossier, warnings: list[str]) -> None:
        super().__init__()
        self.dossier = dossier
        """The dossier as stored, with its code and due date."""
        self.warnings = warnings
        """Warnings of the core (an old 9-digit ID, say), not errors."""


class ReceiptPrinted(Message):
    """Posted by the print worker with what happened to the print request."""

    def __init__(self, outcome) -> None:
        super().__init__()
        self.outcome = outcome
        """A ``printing.PrintOutcome``: sent, or why not and where the PDF is."""
