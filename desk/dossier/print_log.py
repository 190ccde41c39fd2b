"""The record of what was printed: one event per print, reprint or failed print, and the guidance given.

A print is recorded whatever the spooler said ("document.printed" or "document.print_failed"),
with the document's kind, copies and paper and the dossier's snapshot, so that the timeline, the
register and the hub see every receipt and letter that left the desk (``desk.dossier.documents``
prints them).
"""

from __future__ import annotations

from db import write_transaction
from desk import clock
from desk.dossier import events
from desk.dossier.lifecycle import snapshot_with_results
from desk.dossier.query import get
from desk.errors import InvalidInput
from desk.models import Event
from desk.text import LIMITS, clean

PRINT_KINDS = (
    "receipt",
    "supplement",
    "refusal",
    "apology",
    "stop",
    "control",
    "register",
    "report",
    "guidance",
)
"""Documents whose printing is recorded (Mẫu 01, 02, 03, 04, 05, 06, 07 and the day report)."""

PAPERS = ("a4", "a5", "80mm")


def record_print(
    desk,
    code: str | None,
    kind: str,
    copies: int,
    paper: str,
    ok: bool,
    message: str = "",
    *,
    details: dict | None = None,
    guidance: dict | None = None,
) -> Event:
    """Record a print or reprint ("document.printed") or a failed one ("document.print_failed").

    ``guidance`` (Mẫu 02 for a dossier that was not taken in, of no dossier code) records a
    "guidance.issued" event instead, printed or not: the citizen was guided either way.

    ``code`` may be empty for documents of no single dossier (the register
    book, the day report). ``details`` adds facts of the document (e.g. the new
    date of an apology letter, the PDF's path).
    """
    kind = (kind or "").strip().lower()
    if kind not in PRINT_KINDS:
        raise InvalidInput("print.kind", field="kind", value=kind, kinds=PRINT_KINDS)
    paper = (paper or "").strip().lower()
    if paper and paper not in PAPERS:
        raise InvalidInput("print.paper", field="paper", value=paper, papers=PAPERS)
    if isinstance(copies, bool) or not isinstance(copies, int) or not 0 <= copies <= 99:
        raise InvalidInput("print.copies", field="copies", value=repr(copies))
    # a printer's message is whatever the spooler said: cleaned and cut, never a reason to lose the record
    text = clean(message or "")[: LIMITS["note"]]
    body = {
        "kind": kind,
        "copies": copies,
        "paper": paper,
        "ok": bool(ok),
        "message": text,
        "details": dict(details or {}),
    }
    with write_transaction(desk.db):
        now = clock.now()  # after the lock: see commit_change
        dossier_code = ""
        payload: dict = {}
        if code:
            dossier = get(desk, code)
            dossier_code = dossier.code
            payload = snapshot_with_results(desk, dossier)
        payload["print"] = body
        kind_of_event = "document.printed" if ok else "document.print_failed"
        if guidance is not None:
            payload["guidance"], kind_of_event = guidance, "guidance.issued"
        return events.append(
            desk.db,
            desk_id=desk.desk_id,
            dossier_code=dossier_code,
            type=kind_of_event,
            clerk=desk.clerk,
            operator=desk.operator_login,
            forward=events.forwards(desk),
            at=now,
            payload=payload,
        )
