"""One dossier: header, applicant, component lines, the event timeline, and actions on keys.

Actions are rows of ``DOSSIER_ACTIONS``: a key, a binding id (which names the
footer label ``key.<id>`` and the palette command ``cmd.<id>``) and, for the
lifecycle moves, the core action name that ``desk.dossier.lifecycle.available_actions``
must allow. A new action is a row here and an ``action_<name>`` method.

Lifecycle moves ask first (a confirmation, or a dialog collecting the reason,
the missing papers, who collected the result); No has the focus for the moves
that end a dossier (refuse, withdraw, stop). The move runs in a worker; after
a supplement request or a refusal the letter (Mẫu 02, 03) is offered for
printing, and an overdue dossier offers the apology letter (Mẫu 04).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Header, Label, Static
from textual.worker import Worker

from desk import clock
from desk.dossier import checklist, lifecycle
from desk.dossier import query as dossiers
from desk.errors import NotFound
from desk.models import Dossier, Event, Status
from desk.rules.receipt_qr import ReceiptVerdict, Verdict
from desk.sync.hub_search import held_dossier, held_results
from screens.base import DeskScreen
from screens.dialogs.basic import ConfirmDialog, TextDialog
from screens.dialogs.forms import (
    SATISFACTION_KEYS,
    ApologyAnswer,
    ApologyDialog,
    ReturnAnswer,
    ReturnDialog,
    SupplementAnswer,
    SupplementDialog,
)
from screens.dialogs.previews import LetterPreview, ReceiptPreview
from screens.format import applicant_facts, clip, due_long, timeline_texts, when
from screens.i18n.catalogue import Strings
from screens.messages import DossierChanged
from screens.widgets.footer import DeskFooter


@dataclass(frozen=True)
class DossierAction:
    """An action the dossier view offers on a key."""

    key: str
    id: str
    """Binding id; ``key.<id>`` is its footer label, ``cmd.<id>`` its palette command."""
    method: str
    """The screen's ``action_<method>``."""
    lifecycle: str = ""
    """The core's action name (``desk.rules.status``) when it is a lifecycle move; offered only when allowed."""
    when: str = ""
    """Another condition of the screen (``DossierScreen.offers``): "overdue", "supplement", "refused"."""


DOSSIER_ACTIONS: list[DossierAction] = [
    # the moves first: the footer shows only those allowed now, in the order of the machine
    DossierAction("t", "dossier.transfer", "transfer", lifecycle="transfer"),
    DossierAction("b", "dossier.supplement", "supplement", lifecycle="supplement"),
    DossierAction("c", "dossier.resume", "resume", lifecycle="resume"),
    DossierAction("k", "dossier.result", "result", lifecycle="result"),
    DossierAction("g", "dossier.return", "return_result", lifecycle="return"),
    DossierAction("x", "dossier.refuse", "refuse", lifecycle="refuse"),
    DossierAction("w", "dossier.withdraw", "withdraw", lifecycle="withdraw"),
    DossierAction("s", "dossier.stop", "stop", lifecycle="stop"),
    DossierAction("4", "dossier.apology", "apology", when="overdue"),
    DossierAction("2", "dossier.print_supplement", "print_supplement", when="supplement"),
    DossierAction("3", "dossier.print_refusal", "print_refusal", when="refused"),
    DossierAction("d", "dossier.checklist", "checklist"),
    DossierAction("p", "dossier.print_receipt", "print_receipt"),
]

LETTER_AFTER = {"supplement": "supplement", "refuse": "refusal", "stop": "stop", "transfer": "control"}
"""Lifecycle moves after which their letter is offered for printing (Mẫu 02, 03, 05 and 06)."""

VERDICT_CLASSES = {
    Verdict.GENUINE: "-genuine",
    Verdict.ALTERED: "-altered",
    Verdict.FORGED: "-forged",
    Verdict.UNKNOWN: "-forged",
}


class DossierScreen(DeskScreen):
    """Pushed over today or search; Esc goes back."""

    BINDINGS = [
        *(Binding(a.key, a.method, f"key.{a.id}", id=a.id) for a in DOSSIER_ACTIONS),
        Binding("escape", "app.pop_screen", "key.back", id="dossier.back"),
    ]

    def __init__(self, code: str, verdict: ReceiptVerdict | None = None) -> None:
        super().__init__()
        self.code = code
        self.verdict = verdict
        self.dossier: Dossier | None = None
        self.allowed: list[str] = []
        """The lifecycle actions the core allows now (read with the dossier)."""
        self.held: list[Event] | None = None
        """At a hub on PostgreSQL, a dossier of another desk read from its store: its events (shown, never
        acted on: it is that desk's to move); None for the home's own dossier."""
        self.busy = False
        """A lifecycle move is being written."""
        self._width: int | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with VerticalScroll(id="dossier"):
            with Horizontal(id="dossier-head"):
                yield Static(id="dossier-title", markup=False)
                yield Static(id="dossier-badge", markup=False)
            yield Static(id="dossier-verdict", markup=False)
            with Horizontal(id="dossier-facts"):
                yield Static(id="dossier-status", markup=False)
                yield Static(id="dossier-applicant", markup=False)
            yield Label(t("dossier.components"), classes="section")
            yield DataTable(id="dossier-components", cursor_type="row", zebra_stripes=True)
            # shown once a worker has read the signatures of the dossier's files (none: stays hidden)
            yield Label(t("dossier.files"), classes="section", id="dossier-files-label")
            yield DataTable(id="dossier-files", cursor_type="row", zebra_stripes=True)
            yield Label(t("dossier.timeline"), classes="section")
            yield DataTable(id="dossier-timeline", cursor_type="row", zebra_stripes=True)
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        self._columns()
        self.load()

    def _columns(self) -> None:
        """Column widths from the terminal's width: long component names are cut, never scrolled."""
        t = self.t
        width = self.app.size.width
        self._width = width
        narrow = width < 100
        form, digitisation = (10, 12) if narrow else (18, 20)
        components = self.query_one("#dossier-components", DataTable)
        components.clear(columns=True)
        components.add_column(t("col.received_mark"), width=3, key="received")
        name = max(16, width - (3 + form + 4 + digitisation) - 2 * 5 - 6)
        components.add_column(t("col.component"), width=name, key="name")
        components.add_column(t("col.form"), width=form, key="form")
        components.add_column(t("col.quantity"), width=4, key="quantity")
        components.add_column(t("col.digitisation"), width=digitisation, key="digitisation")
        timeline = self.query_one("#dossier-timeline", DataTable)
        timeline.clear(columns=True)
        clerk = 16 if narrow else 24
        timeline.add_column(t("col.at"), width=16, key="at")
        timeline.add_column(t("col.event"), width=max(16, width - 16 - clerk - 2 * 3 - 6), key="event")
        timeline.add_column(t("col.clerk"), width=clerk, key="clerk")
        files = self.query_one("#dossier-files", DataTable)
        files.clear(columns=True)
        code, state, at = (22, 12, 16) if narrow else (34, 14, 16)
        signer = max(12, (width - code - state - at - 2 * 4 - 6) // 2)
        files.add_column(t("col.file_code"), width=code, key="code")
        files.add_column(t("col.component"), width=max(12, width - code - state - at - signer - 2 * 5 - 6), key="name")
        files.add_column(t("col.signed_by"), width=signer, key="signer")
        files.add_column(t("col.signed_at"), width=at, key="at")
        files.add_column(t("col.file_state"), width=state, key="state")

    def on_resize(self) -> None:
        if self._width not in (None, self.app.size.width):
            self._columns()
            self._show()

    def on_screen_resume(self) -> None:
        if self.dossier is not None:
            self.load()

    def load(self) -> None:
        """Read the dossier and its events again (cheap: one dossier, its lines, its events)."""
        desk = self.app.desk
        self.held = None
        try:
            self.dossier = dossiers.get(desk, self.code)
        except NotFound:
            self.dossier = None
            try:
                held = held_dossier(desk, self.code)  # at a hub on PostgreSQL: any desk's, from its store
            except Exception as exc:  # that database out of reach: said in a dialog, the app goes on
                held = None
                self.app.show_error(exc)
            if held is not None:
                self.dossier, self.held = held
        self.allowed = lifecycle.available_actions(desk, self.dossier) if self.dossier and self.held is None else []
        self._show()
        self.refresh_bindings()
        if self.dossier is not None:
            self.files_worker(self.dossier)

    @work(thread=True, exclusive=True, group="files", exit_on_error=False)
    def files_worker(self, d: Dossier) -> None:
        """Read the signatures of the dossier's files (pyHanko: too slow for the screen's thread)."""
        from desk.dossier.verification import dossier_files

        with self.app.thread_desk() as desk:
            found = dossier_files(desk, d, held_results=None if self.held is None else held_results(desk, d.id))
        self.app.call_from_thread(self._show_files, found)

    def _show_files(self, found: list) -> None:
        t = self.t
        table = self.query_one("#dossier-files", DataTable)
        table.clear()
        widths = {c.key.value: c.width for c in table.columns.values()}
        for f in found:
            checks = f.signatures or [None]
            for i, s in enumerate(checks):
                state = f.state if s is None else s.state
                table.add_row(
                    Text(clip(f.code, widths["code"])),
                    Text(clip(f.name, widths["name"])),
                    Text(clip(s.signer if s else t("none"), widths["signer"])),
                    Text(when(t, s.signed_at) if s and s.signed_at else t("none")),
                    Text(
                        clip(t(f"file_state.{state}"), widths["state"]),
                        style=self.theme_style(
                            {"altered": "error", "unsigned": "warning"}.get(state, "success"), bold=state == "altered"
                        ),
                    ),
                    key=f"{f.code}#{i}",
                )
        shown = bool(found)
        table.set_class(shown, "-shown")
        self.query_one("#dossier-files-label", Label).set_class(shown, "-shown")

    def offers(self, condition: str) -> bool:
        """The conditions of ``DossierAction.when`` for the dossier shown."""
        d = self.dossier
        if d is None:
            return False
        if condition == "overdue":
            return dossiers.is_overdue(d, clock.now())
        if condition == "supplement":
            return d.status is Status.SUPPLEMENT
        if condition == "refused":
            return d.status is Status.REFUSED
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        methods = {a.method: a for a in DOSSIER_ACTIONS}
        found = methods.get(action)
        if found is None:
            return True
        if self.dossier is None or self.held is not None:
            return False  # nothing to act on, or another desk's dossier seen at the hub
        if found.lifecycle and found.lifecycle not in self.allowed:
            return False  # not offered at all: the footer shows only what may be done now
        if found.when and not self.offers(found.when):
            return False
        if found.lifecycle and self.busy:
            return None  # dimmed while the move is being written
        return True

    # showing ----------------------------------------------------------------------

    def _show(self) -> None:
        t = self.t
        d = self.dossier
        title = self.query_one("#dossier-title", Static)
        badge = self.query_one("#dossier-badge", Static)
        if d is None:
            title.update(t("dossier.missing", code=self.code))
            badge.set_class(False, "-shown")
            self._show_verdict()
            return
        now = clock.now()
        title.update(Content.assemble((d.code, "bold"), "\n", (d.procedure_code, "bold"), " ", d.procedure_name))
        overdue = dossiers.is_overdue(d, now)
        badge.update(t("overdue.badge") if overdue else t(f"status.{d.status.value}"))
        badge.set_class(True, "-shown")
        badge.set_class(overdue, "-overdue")
        self._show_verdict()

        a = d.applicant
        status_lines = [
            (t("dossier.status"), t(f"status.{d.status.value}")),
            (t("dossier.received_at"), when(t, d.received_at)),
            (t("dossier.due_at"), when(t, d.due_at)),
            (t("dossier.register"), t("receipt.register_line", book=d.register_book, line=d.register_line)),
            (t("dossier.clerk"), d.clerk or t("none")),
        ]
        if self.held is not None:
            status_lines.append((t("dossier.desk"), t("dossier.held", desk=d.desk_no)))
        if d.paused_at:
            status_lines.append((t("dossier.paused_at"), when(t, d.paused_at)))
        done, total = checklist.progress(d)
        status_lines.append((t("dossier.digitised"), t("checklist.progress", done=done, total=total)))
        if d.collected_by:
            answer = t(SATISFACTION_KEYS.get(d.satisfaction, "satisfaction.none"))
            status_lines.append((t("dossier.collected_by"), f"{d.collected_by} · {answer}"))
        applicant_lines = applicant_facts(t, a)
        self.query_one("#dossier-status", Static).update(self._facts(status_lines))
        self.query_one("#dossier-applicant", Static).update(self._facts(applicant_lines))

        components = self.query_one("#dossier-components", DataTable)
        components.clear()
        widths = {c.key.value: c.width for c in components.columns.values()}
        for c in d.components:
            components.add_row(
                Text("☑" if c.received else "☐"),
                Text(clip(c.name, widths["name"])),
                Text(clip(t(f"form.{c.form.value}"), widths["form"])),
                Text(str(c.quantity), justify="right"),
                Text(clip(t(f"digit.{c.digitisation.value}"), widths["digitisation"])),
                key=c.code,
            )
        timeline = self.query_one("#dossier-timeline", DataTable)
        timeline.clear()
        events = dossiers.timeline(self.app.desk, d.code) if self.held is None else self.held
        for e, text in zip(events, timeline_texts(t, events)):
            timeline.add_row(Text(when(t, e.at)), Text(text), Text(e.clerk or t("none")), key=str(e.event_id))

    @staticmethod
    def _facts(lines: list[tuple[str, str]]) -> Content:
        width = max(len(label) for label, _ in lines)
        parts: list = []
        for i, (label, value) in enumerate(lines):
            if i:
                parts.append("\n")
            parts += [(label.ljust(width), "dim"), "  ", value]
        return Content.assemble(*parts)

    def _show_verdict(self) -> None:
        banner = self.query_one("#dossier-verdict", Static)
        v = self.verdict
        for cls in set(VERDICT_CLASSES.values()):
            banner.set_class(False, cls)
        banner.set_class(v is not None, "-shown")
        if v is None:
            return
        banner.set_class(True, VERDICT_CLASSES.get(v.verdict, "-forged"))
        banner.update(verdict_message(self.t, v))

    # actions ----------------------------------------------------------------------

    def action_print_receipt(self) -> None:
        if self.dossier is not None:
            self.app.push_screen(ReceiptPreview(self.dossier), lambda _printed: self.load())

    def action_checklist(self) -> None:
        from screens.checklist import ChecklistScreen

        self.app.push_screen(ChecklistScreen(self.code))

    def _confirm(self, action: str, *, harmless: bool, **details) -> None:
        """Ask, then move: Yes has the focus only for moves that lose nothing."""

        def answered(yes: bool | None) -> None:
            if yes:
                self.advance(action, **details)

        question = self.t(f"confirm.{action}", code=self.code, **{k: v for k, v in details.items() if k == "reason"})
        self.app.push_screen(ConfirmDialog(question, yes_focused=harmless), answered)

    def action_transfer(self) -> None:
        self._confirm("transfer", harmless=True)

    def action_resume(self) -> None:
        self._confirm("resume", harmless=True)

    def action_result(self) -> None:
        self._confirm("result", harmless=True)

    def action_withdraw(self) -> None:
        self._confirm("withdraw", harmless=False)

    def _ask_reason(self, action: str) -> None:
        """Refuse and stop: the reason first (printed on the notice), then the question with No focused."""

        def typed(reason: str | None) -> None:
            if reason:
                self._confirm(action, harmless=False, reason=reason)

        self.app.push_screen(
            TextDialog(
                self.t(f"reason.{action}.title", code=self.code), self.t(f"reason.{action}.prompt"), required=True
            ),
            typed,
        )

    def action_refuse(self) -> None:
        self._ask_reason("refuse")

    def action_stop(self) -> None:
        self._ask_reason("stop")

    def action_supplement(self) -> None:
        if self.dossier is None:
            return

        def answered(answer: SupplementAnswer | None) -> None:
            if answer is not None:
                self.advance("supplement", note=answer.note, missing=answer.missing)

        self.app.push_screen(SupplementDialog(self.dossier), answered)

    def action_return_result(self) -> None:
        if self.dossier is None:
            return

        def answered(answer: ReturnAnswer | None) -> None:
            if answer is not None:
                self.advance("return", collected_by=answer.collected_by, satisfaction=answer.satisfaction)

        self.app.push_screen(ReturnDialog(self.dossier), answered)

    def advance(self, action: str, note: str = "", **details) -> None:
        """Take the lifecycle move in a worker; ``DossierChanged`` comes back."""
        if self.busy:
            return
        self.busy = True
        self.refresh_bindings()
        self.advance_worker(action, note, details)

    @work(thread=True, exclusive=True, group="lifecycle", exit_on_error=False)
    def advance_worker(self, action: str, note: str, details: dict) -> None:
        with self.app.thread_desk() as desk:
            dossier = lifecycle.advance(desk, self.code, action, note, **details)
        self.post_message(DossierChanged(dossier, action))

    def work_failed(self, worker: Worker) -> None:
        if worker.group == "files":
            return  # the error is shown; reading the dossier again would only fail again
        self.busy = False
        self.load()

    @on(DossierChanged)
    def _changed(self, event: DossierChanged) -> None:
        self.busy = False
        self.load()
        self.notify(self.t(f"done.{event.action}", code=self.code), timeout=6)
        kind = LETTER_AFTER.get(event.action)
        if kind is not None:
            self.print_letter(kind)

    # letters ----------------------------------------------------------------------

    def print_letter(self, kind: str, **extra) -> None:
        """Offer Mẫu 02, 03, 05 or 06 as recorded by the moves (or Mẫu 04 with ``reason`` and ``new_due``)."""
        if self.dossier is None:
            return
        t = self.t
        lines: list[tuple[str, str]] = []
        if kind == "supplement":
            event = lifecycle.last_transition(self.app.desk, self.code, "supplement")
            for name, reason in lifecycle.missing_pairs(event):
                lines.append((t("letter.missing"), f"{name}{f' ({reason})' if reason else ''}"))
            if event is not None and event.payload.get("note"):
                lines.append((t("letter.note"), event.payload["note"]))
        elif kind in ("refusal", "stop"):
            event = lifecycle.last_transition(self.app.desk, self.code, "refuse" if kind == "refusal" else "stop")
            reason = event.payload.get("details", {}).get("reason", "") if event else ""
            lines.append((t("letter.reason"), reason))
        elif kind == "control":
            lines.append((t("letter.steps"), str(len(dossiers.timeline(self.app.desk, self.code)))))
        else:
            lines += [(t("letter.new_due"), due_long(t, extra["new_due"])), (t("letter.reason"), extra["reason"])]
        self.app.push_screen(LetterPreview(self.dossier, kind, lines=lines, **extra), lambda _printed: self.load())

    def action_print_supplement(self) -> None:
        self.print_letter("supplement")

    def action_print_refusal(self) -> None:
        self.print_letter("refusal")

    def action_apology(self) -> None:
        d = self.dossier
        if d is None:
            return
        desk = self.app.desk

        def answered(answer: ApologyAnswer | None) -> None:
            if answer is not None:
                self.print_letter("apology", reason=answer.reason, new_due=answer.new_due)

        self.app.push_screen(ApologyDialog(d, lambda days: lifecycle.propose_new_due(desk, d, days)), answered)


def verdict_message(t: Strings, v: ReceiptVerdict) -> str:
    """What a scanned receipt turned out to be, in the clerk's language."""
    return t.problem(v.problem)
