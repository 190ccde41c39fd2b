"""The receipt preview: what Mẫu 01 will say; Enter prints (in a worker, with a spinner), Esc skips."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Label, LoadingIndicator, Static
from textual.worker import Worker

from desk.models import Dossier
from screens.base import DeskModal
from screens.format import clip, when
from screens.messages import ReceiptPrinted
from screens.printjob import print_receipt


class ReceiptPreview(DeskModal[bool]):
    """Answers True when the receipt went to the printer, False when skipped."""

    BINDINGS = [
        Binding("enter,y", "print", "key.print", id="receipt.print"),
        Binding("escape,n", "skip", "key.skip", id="receipt.skip"),
    ]

    def __init__(self, dossier: Dossier) -> None:
        super().__init__(classes="dialog-screen")
        self.dossier = dossier
        self.printing = False

    def compose(self) -> ComposeResult:
        t = self.t
        d = self.dossier
        a = d.applicant
        settings = self.app.desk.settings
        received = [c for c in d.components if c.received]
        with Vertical(id="receipt-dialog", classes="dialog"):
            yield Label(t("receipt.title"), classes="dialog-title")
            with VerticalScroll(id="receipt-body"):
                yield Static(Content.assemble((t("receipt.code"), "dim"), " ", (d.code, "bold")), id="receipt-code")
                yield Static(self._line("receipt.applicant", a.name), id="receipt-applicant")
                if a.id_number:
                    yield Static(self._line("receipt.id_number", a.id_number))
                yield Static(self._line("receipt.procedure", f"{d.procedure_code} {d.procedure_name}"))
                yield Static(self._line("receipt.components", str(len(received))))
                for c in received:
                    yield Static(
                        Content.assemble(
                            "  • ", clip(c.name, min(52, self.app.size.width - 40)), (f"  ({t(f'form.{c.form.value}')}, {c.quantity})", "dim")
                        ),
                        classes="receipt-component",
                    )
                yield Static(self._line("receipt.received_at", when(t, d.received_at)))
                yield Static(
                    Content.assemble((t("receipt.due_at"), "dim"), " ", (when(t, d.due_at), "bold")), id="receipt-due"
                )
                yield Static(self._line("receipt.register", t("receipt.register_line", book=d.register_book,
                                                                        line=d.register_line)))
                yield Static(self._line("receipt.paper", t("receipt.paper_copies", paper=settings.paper.upper(),
                                                                     copies=settings.copies)))
            yield LoadingIndicator(id="receipt-spinner")
            yield Static(id="receipt-status", markup=False)
        yield Footer(compact=True)

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
        self.query_one("#receipt-spinner").set_class(busy, "-shown")
        self.refresh_bindings()

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#receipt-status", Static)
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
            outcome = print_receipt(desk, self.dossier, self.t.language)
        self.post_message(ReceiptPrinted(outcome))

    @on(ReceiptPrinted)
    def _printed(self, event: ReceiptPrinted) -> None:
        self._busy(False)
        outcome = event.outcome
        if outcome.ok:
            self.app.notify(outcome.message, timeout=6)
            self.dismiss(True)
        else:
            # no printer, a jammed spooler: say so and where the PDF is; Enter tries again
            self._status(f"{outcome.message}\n{self.t('receipt.retry')}", error=True)

    def work_failed(self, worker: Worker) -> None:
        self._busy(False)
        self._status(self.t("receipt.failed"), error=True)

    def action_skip(self) -> None:
        if not self.printing:
            self.dismiss(False)
