"""Print previews: what a document will say; Enter prints (in a worker, with a spinner), Esc skips.

``ReceiptPreview`` shows Mẫu 01; ``LetterPreview`` the letters of the dossier
view (Mẫu 02, 03, 04). Both answer True when the document went to the printer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, LoadingIndicator, Static
from textual.worker import Worker

from desk.dossier.documents import PrintResult
from desk.models import ApplicantKind, Dossier
from desk.rules.receipt_qr import lookup_problem
from screens.base import DeskModal
from screens.format import clip, id_field, when
from screens.messages import ReceiptPrinted
from screens.printjob import print_letter, print_receipt
from screens.widgets.footer import DeskFooter

_LOOKUP_WARNED: set[str] = set()
"""Homes whose clerk was told, this session, that the receipt's QR starts with the bare ``motcua:``."""


class PrintModal(DeskModal[bool]):
    """The shape of a print preview: a title, the body, a spinner and the printer's answer.

    Subclasses give ``title``, ``body()`` and ``send(desk)`` (run in the worker thread).
    """

    def __init__(self, dossier: Dossier) -> None:
        super().__init__(classes="dialog-screen")
        self.dossier = dossier
        self.printing = False

    @property
    def title_text(self) -> str:
        raise NotImplementedError

    def body(self) -> ComposeResult:
        raise NotImplementedError

    def send(self, desk) -> PrintResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog print-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(classes="print-body"):
                yield from self.body()
            yield LoadingIndicator(classes="print-spinner")
            yield Static(classes="print-status", markup=False)
        yield DeskFooter(compact=True)

    @staticmethod
    def _content(label: str, value: str) -> Content:
        return Content.assemble((label, "dim"), " ", value)

    def _line(self, key: str, value: str) -> Content:
        return self._content(self.t(key), value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("print", "skip") and self.printing:
            return None  # dimmed while the printer is being talked to
        return True

    def _busy(self, busy: bool) -> None:
        self.printing = busy
        self.query_one(".print-spinner").set_class(busy, "-shown")
        self.refresh_bindings()

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one(".print-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def action_print(self) -> None:
        if self.printing:
            return
        self._busy(True)
        self._status(self.t("receipt.printing"))
        self.print_worker()

    @work(thread=True, exclusive=True, group="print", exit_on_error=False)
    def print_worker(self) -> None:
        with self.app.thread_desk() as desk:
            outcome = self.send(desk)
        self.post_message(ReceiptPrinted(outcome))

    @on(ReceiptPrinted)
    def _printed(self, event: ReceiptPrinted) -> None:
        self._busy(False)
        outcome = event.outcome
        if outcome.ok:
            self.app.notify(outcome.message, timeout=6)
            self.dismiss(True)
        else:
            # no printer, a jammed spooler: say so and where the PDF is (in full), and that Enter tries again
            self.query_one(".print-dialog").add_class("-not-printed")
            self._status(f"{outcome.message}\n{self.t('receipt.retry')}", error=True)

    def work_failed(self, worker: Worker) -> None:
        self._busy(False)
        self._status(self.t("receipt.failed"), error=True)

    def action_skip(self) -> None:
        if not self.printing:
            self.dismiss(False)


class ReceiptPreview(PrintModal):
    """Mẫu 01: answers True when the receipt went to the printer, False when skipped."""

    BINDINGS = [
        Binding("enter,y", "print", "key.print", id="receipt.print"),
        Binding("escape,n", "skip", "key.skip", id="receipt.skip"),
    ]

    @property
    def title_text(self) -> str:
        return self.t("receipt.title")

    def body(self) -> ComposeResult:
        t = self.t
        d = self.dossier
        a = d.applicant
        settings = self.app.desk.settings
        received = [c for c in d.components if c.received]
        yield Static(Content.assemble((t("receipt.code"), "dim"), " ", (d.code, "bold")), id="receipt-code")
        yield Static(self._line("receipt.applicant", a.name), id="receipt-applicant")
        if a.kind is not ApplicantKind.CITIZEN:
            yield Static(self._line("receipt.kind", t(f"kind.{a.kind.value}")), id="receipt-kind")
        if a.id_number:
            yield Static(self._line(f"receipt.{id_field(a.kind, a.id_kind)}", a.id_number))
        yield Static(self._line("receipt.procedure", f"{d.procedure_code} {d.procedure_name}"))
        yield Static(self._line("receipt.components", str(len(received))))
        for c in received:
            yield Static(
                Content.assemble(
                    "  • ",
                    clip(c.name, min(52, self.app.size.width - 40)),
                    (f"  ({t(f'form.{c.form.value}')}, {c.quantity})", "dim"),
                ),
                classes="receipt-component",
            )
        yield Static(self._line("receipt.received_at", when(t, d.received_at)))
        yield Static(Content.assemble((t("receipt.due_at"), "dim"), " ", (when(t, d.due_at), "bold")), id="receipt-due")
        if d.due_at is not None:  # a due date counted over days the notices have not confirmed
            for w in self.app.desk.calendar.due_warnings(d.received_at, d.due_at):
                yield Static(t.problem(w), classes="receipt-warning", markup=False)
        yield Static(
            self._line("receipt.register", t("receipt.register_line", book=d.register_book, line=d.register_line))
        )
        yield Static(
            self._line("receipt.paper", t("receipt.paper_copies", paper=settings.paper.upper(), copies=settings.copies))
        )
        problem = lookup_problem(settings.lookup_url)
        home = str(self.app.desk.home.root)
        if problem is not None and home not in _LOOKUP_WARNED:
            # once a session: a QR no phone can open is the home's setting, not this receipt's fault
            _LOOKUP_WARNED.add(home)
            yield Static(t.problem(problem), classes="receipt-warning", markup=False)

    def send(self, desk) -> PrintResult:
        return print_receipt(desk, self.dossier, self.t.language)


class LetterPreview(PrintModal):
    """Mẫu 02 (supplement request), 03 (refusal) or 04 (apology with a new date)."""

    BINDINGS = [
        Binding("enter,y", "print", "key.print", id="letter.print"),
        Binding("escape,n", "skip", "key.skip", id="letter.skip"),
    ]

    def __init__(
        self,
        dossier: Dossier,
        kind: str,
        *,
        lines: Sequence[tuple[str, str]] = (),
        reason: str = "",
        new_due: datetime | None = None,
    ) -> None:
        super().__init__(dossier)
        self.kind = kind
        self.lines = list(lines)
        """(label, value) rows of what the letter says, shown before printing."""
        self.reason = reason
        self.new_due = new_due

    @property
    def title_text(self) -> str:
        return self.t(f"letter.{self.kind}")

    def body(self) -> ComposeResult:
        t = self.t
        d = self.dossier
        yield Static(Content.assemble((t("receipt.code"), "dim"), " ", (d.code, "bold")))
        yield Static(self._line("receipt.applicant", d.applicant.name))
        yield Static(self._line("receipt.procedure", f"{d.procedure_code} {d.procedure_name}"))
        for label, value in self.lines:
            yield Static(self._content(label, value))
        yield Static(self._line("receipt.paper", t("letter.paper", paper=self.app.desk.settings.paper.upper())))

    def send(self, desk) -> PrintResult:
        return print_letter(
            desk, self.dossier.code, self.kind, self.t.language, reason=self.reason, new_due=self.new_due
        )
