"""Messages the desk's screens and workers send each other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from desk.models import Dossier
from desk.rules.problems import Problem

if TYPE_CHECKING:  # the receipt checker (hmac, json, base64 …) loads with the screens that check, not the first
    from desk.rules.receipt_qr import ReceiptVerdict


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

    def __init__(self, dossier: Dossier, warnings: list[Problem]) -> None:
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


class DossierChanged(Message):
    """Posted by a worker once a lifecycle move or a checklist mark is committed."""

    def __init__(self, dossier: Dossier, action: str) -> None:
        super().__init__()
        self.dossier = dossier
        """The dossier as stored after the change."""
        self.action = action
        """What was done: a lifecycle action ("supplement", ...) or a checklist mark ("attach", "reuse", ...)."""


class WorkProgress(Message):
    """A long job (export, push) reports how far it got."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class SyncFinished(Message):
    """Posted by the export or push worker when it ends without an error."""

    def __init__(self, kind: str, result=None, *, cancelled: bool = False) -> None:
        super().__init__()
        self.kind = kind
        """"export" or "push"."""
        self.result = result
        """A ``desk.sync.bundle_write.ExportResult`` or a ``desk.sync.push.PushResult`` (None when cancelled)."""
        self.cancelled = cancelled
        """The clerk stopped it; nothing of the unfinished part was kept or marked."""


class IndicatorsReady(Message):
    """Posted by the reports worker with the figures of a period."""

    def __init__(self, period: str, indicators, qd766=None) -> None:
        super().__init__()
        self.period = period
        """"day", "week" or "month"."""
        self.indicators = indicators
        """A ``desk.reports.indicators.Indicators`` (the desk view)."""
        self.qd766 = qd766
        """A ``desk.reports.qd766.Report766`` (the portal's figures)."""


class ReportPrinted(Message):
    """Posted by the report print worker with the ``desk.dossier.documents.PrintResult``."""

    def __init__(self, outcome) -> None:
        super().__init__()
        self.outcome = outcome


class GuidancePrinted(Message):
    """Posted by the intake screen's worker once Mẫu 02 for a dossier not taken in was printed (or kept)."""

    def __init__(self, result) -> None:
        super().__init__()
        self.result = result
        """A ``desk.dossier.documents.PrintResult``."""
