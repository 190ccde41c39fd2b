"""The digitisation checklist of one dossier (from the dossier view, key D).

Every component line with its state, "n / m đã số hoá" and a progress bar.
The home's ``inbox/`` is watched (a cheap poll of its newest file): A attaches
that scan to the selected line and moves it to ``inbox/done/`` (so the next A
takes the next scan), F another file by its path (the inbox folder typed
already, the cursor at its end); one scan on two papers asks first. R marks the line
reused (a data store or another dossier), N not required, U undoes. Every
change is one call of ``desk.dossier.checklist`` in a worker; storing a file (copy,
image → PDF, hashing) can take a moment.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Header, Label, ProgressBar, Static
from textual.worker import Worker

from desk.dossier import checklist
from desk.dossier import query as dossiers
from desk.dossier.files import newest_in_inbox
from desk.errors import InvalidInput, NotFound
from desk.models import ComponentLine, Digitisation, Dossier
from desk.rules.problems import Problem
from desk.rules.status import CHECKLIST_OPEN
from screens.base import DeskScreen
from screens.dialogs.basic import ConfirmDialog, TextDialog
from screens.dialogs.forms import ReuseDialog
from screens.format import clip, when_short
from screens.messages import DossierChanged
from screens.widgets.footer import DeskFooter

INBOX_POLL = 2.0
"""Seconds between looks at the inbox for a new scan."""

MARKS = {
    # a scan taken from the inbox is moved to inbox/done/ once attached: the next A takes the next scan
    "attach": lambda desk, code, component, value, same_scan_ok=False: checklist.attach_file(
        desk, code, component, Path(value), same_scan_ok=same_scan_ok, file_away=True
    ),
    "reuse": lambda desk, code, component, value: checklist.mark_reused(desk, code, component, value),
    "not_required": lambda desk, code, component, value: checklist.mark_not_required(desk, code, component, note=value),
    "undo": lambda desk, code, component, value: checklist.undo(desk, code, component),
}
"""What each key does in the core: ``(desk, code, component, value) -> Dossier``."""


class SameScan(Message):
    """The core refused a scan already on another paper of the dossier: the clerk is asked."""

    def __init__(self, problem: Problem, component: str, value: str) -> None:
        super().__init__()
        self.problem = problem
        self.component = component
        self.value = value


CHANGES = ("attach_newest", "attach_file", "reused", "not_required", "undo")
"""The screen's actions that change a line (offered while the dossier's checklist is open)."""


def size_text(n: int) -> str:
    """ "120 KB", "3.4 MB"."""
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


class ChecklistScreen(DeskScreen):
    """Pushed over the dossier view; Esc goes back to it."""

    AUTO_FOCUS = "#digitise-lines"
    BINDINGS = [
        Binding("a", "attach_newest", "key.digitise.attach_newest", id="digitise.attach_newest"),
        Binding("f", "attach_file", "key.digitise.attach_file", id="digitise.attach_file"),
        Binding("r", "reused", "key.digitise.reused", id="digitise.reused"),
        Binding("n", "not_required", "key.digitise.not_required", id="digitise.not_required"),
        Binding("u", "undo", "key.digitise.undo", id="digitise.undo"),
        Binding("escape", "app.pop_screen", "key.back", id="digitise.back"),
    ]

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.dossier: Dossier | None = None
        self.newest: Path | None = None
        """The newest scan in the inbox at the last look."""
        self._newest_seen: tuple | None | bool = False  # False: not looked yet
        self.busy = False
        self._width: int | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with Vertical(id="digitise"):
            with Horizontal(id="digitise-head"):
                yield Static(id="digitise-title", markup=False)
                yield Static(id="digitise-count", markup=False)
            yield ProgressBar(id="digitise-progress", show_eta=False)
            yield Static(id="digitise-closed", markup=False)
            yield DataTable(id="digitise-lines", cursor_type="row", zebra_stripes=True)
            yield Static(id="digitise-detail", markup=False)
            yield Label(t("checklist.inbox"), classes="section")
            yield Static(id="digitise-inbox", markup=False)
        yield DeskFooter(compact=True)

    @property
    def table(self) -> DataTable:
        return self.query_one("#digitise-lines", DataTable)

    def on_mount(self) -> None:
        self._columns()
        self.load()
        self.poll_inbox()
        self.set_interval(INBOX_POLL, self.poll_inbox)

    def on_resize(self) -> None:
        if self._width not in (None, self.app.size.width):
            self._columns()
            self._show()

    def _columns(self) -> None:
        t = self.t
        width = self.app.size.width
        self._width = width
        narrow = width < 100
        state, detail = (16, 14) if narrow else (20, 28)
        table = self.table
        table.clear(columns=True)
        table.add_column("#", width=2, key="n")
        table.add_column(t("col.received_mark"), width=1, key="received")
        table.add_column(t("col.must"), width=1, key="must")
        name = max(16, width - (2 + 1 + 1 + state + detail) - 2 * 6 - 4)
        table.add_column(t("col.component"), width=name, key="name")
        table.add_column(t("col.digitisation"), width=state, key="state")
        table.add_column(t("col.detail"), width=detail, key="detail")

    # reading and showing ------------------------------------------------------------

    def load(self) -> None:
        try:
            self.dossier = dossiers.get(self.app.desk, self.code)
        except NotFound:
            self.dossier = None
        self._show()

    @property
    def is_open(self) -> bool:
        return self.dossier is not None and self.dossier.status in CHECKLIST_OPEN

    def _show(self) -> None:
        t = self.t
        d = self.dossier
        title = self.query_one("#digitise-title", Static)
        if d is None:
            title.update(t("dossier.missing", code=self.code))
            return
        title.update(Content.assemble((d.code, "bold"), "  ", (d.procedure_code, "bold"), " ", d.procedure_name))
        done, total = checklist.progress(d)
        count = self.query_one("#digitise-count", Static)
        count.update(t("checklist.progress", done=done, total=total))
        count.set_class(done == total, "-complete")
        bar = self.query_one("#digitise-progress", ProgressBar)
        bar.update(total=total or 1, progress=done if total else 1)
        bar.set_class(done == total, "-complete")
        closed = self.query_one("#digitise-closed", Static)
        closed.update("" if self.is_open else t("checklist.closed", status=t(f"status.{d.status.value}")))
        closed.set_class(not self.is_open, "-shown")

        table = self.table
        row = table.cursor_row
        table.clear()
        widths = {c.key.value: c.width for c in table.columns.values()}
        for i, line in enumerate(d.components, 1):
            counts = checklist.counts_towards(line)
            table.add_row(
                Text(str(i), justify="right"),
                Text("☑" if line.received else "☐"),
                Text("★" if line.must_digitise else ""),
                Text(clip(line.name, widths["name"]), style="" if counts or line.received else "dim"),
                self._state(line, counts, widths["state"]),
                Text(clip(self._detail(line), widths["detail"]), style="dim"),
                key=line.code,
            )
        if d.components:
            table.move_cursor(row=min(max(row, 0), len(d.components) - 1))
        self._show_detail()
        self.refresh_bindings()

    def _state(self, line: ComponentLine, counts: bool, width: int) -> Text:
        text = clip(self.t(f"digit.{line.digitisation.value}"), width)
        if line.digitisation is Digitisation.PENDING:
            style = self.theme_style("warning", bold=True) if counts else "dim"
        elif line.digitisation is Digitisation.NOT_REQUIRED:
            style = ""
        else:
            style = self.theme_style("success", bold=True)
        return Text(text, style=style)

    def _detail(self, line: ComponentLine) -> str:
        t = self.t
        if line.digitisation is Digitisation.DIGITISED:
            return t("checklist.file", pages=line.file_pages, size=size_text(line.file_bytes))
        if line.digitisation in (Digitisation.REUSED_STORE, Digitisation.REUSED_DOSSIER):
            return line.reuse_source
        return line.note

    def selected_line(self) -> ComponentLine | None:
        d = self.dossier
        row = self.table.cursor_row
        if d is None or not d.components or not 0 <= row < len(d.components):
            return None
        return d.components[row]

    @on(DataTable.RowHighlighted, "#digitise-lines")
    def _show_detail(self) -> None:
        t = self.t
        line = self.selected_line()
        detail = self.query_one("#digitise-detail", Static)
        if line is None:
            detail.update("")
            return
        facts = [line.name]
        if line.must_digitise:
            facts.append(t("checklist.must"))
        if line.note:
            facts.append(t("checklist.note", note=line.note))
        if line.file_path:
            facts.append(t("checklist.stored", path=line.file_path))
        detail.update(" · ".join(facts))
        self.refresh_bindings()

    # the inbox ----------------------------------------------------------------------

    def poll_inbox(self) -> None:
        """Look at the inbox's newest file; update the line only when it changed."""
        path = newest_in_inbox(self.app.desk.home)
        seen = None
        if path is not None:
            try:
                st = path.stat()
                seen = (path, st.st_mtime, st.st_size)
            except OSError:
                path = None
        if seen == self._newest_seen:
            return
        self._newest_seen = seen
        self.newest = path
        t = self.t
        inbox = self.query_one("#digitise-inbox", Static)
        folder = str(self.app.desk.home.inbox)
        if seen is None:
            inbox.update(t("checklist.inbox_empty", folder=folder))
        else:
            at = datetime.fromtimestamp(seen[1])
            inbox.update(
                Content.assemble(
                    ("▸ ", "bold"),
                    (path.name, "bold"),
                    f"  {when_short(t, at)} · {size_text(seen[2])}",
                    (f"  ({folder})", "dim"),
                )
            )
        inbox.set_class(seen is not None, "-ready")
        self.refresh_bindings()

    # changing -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in CHANGES:
            return True
        if not self.is_open:
            return False
        line = self.selected_line()
        if self.busy or line is None:
            return None
        if action == "attach_newest" and self.newest is None:
            return None
        if action == "undo" and line.digitisation is Digitisation.PENDING:
            return None
        return True

    def change(self, mark: str, value: str = "", component: str = "", **options: bool) -> None:
        line = self.selected_line()
        if (line is None and not component) or self.busy:
            return
        self.busy = True
        self.refresh_bindings()
        self.change_worker(mark, component or (line.code if line else ""), value, options)

    @work(thread=True, exclusive=True, group="checklist", exit_on_error=False)
    def change_worker(self, mark: str, component: str, value: str, options: dict) -> None:
        with self.app.thread_desk() as desk:
            try:
                dossier = MARKS[mark](desk, self.code, component, value, **options)
            except InvalidInput as exc:
                if exc.problem.code != "component.same_scan":
                    raise
                self.post_message(SameScan(exc.problem, component, value))
                return
        self.post_message(DossierChanged(dossier, mark))

    @on(SameScan)
    def _same_scan(self, event: SameScan) -> None:
        """One scan for two papers is most often the wrong scan: ask, No focused."""
        self.busy = False
        self.refresh_bindings()

        def answered(yes: bool | None) -> None:
            if yes:
                self.change("attach", event.value, component=event.component, same_scan_ok=True)

        self.app.push_screen(ConfirmDialog(self.t.problem(event.problem)), answered)

    def work_failed(self, worker: Worker) -> None:
        self.busy = False
        self.load()

    @on(DossierChanged)
    def _changed(self, event: DossierChanged) -> None:
        self.busy = False
        self.dossier = event.dossier
        self._show()
        done, total = checklist.progress(event.dossier)
        self.notify(self.t(f"checklist.done.{event.action}", done=done, total=total), timeout=4)

    def action_attach_newest(self) -> None:
        if self.newest is not None:
            self.change("attach", str(self.newest))

    def action_attach_file(self) -> None:
        def chosen(path: str | None) -> None:
            if path:
                self.change("attach", str(Path(path).expanduser()))

        # the folder stays and the cursor waits at its end: the clerk types only the file's name
        folder = str(self.app.desk.home.inbox) + os.sep
        self.app.push_screen(
            TextDialog(
                self.t("checklist.file_title"),
                self.t("checklist.file_prompt"),
                value=folder,
                required=True,
                select=False,
            ),
            chosen,
        )

    def action_reused(self) -> None:
        line = self.selected_line()
        if line is None:
            return

        def chosen(source: str | None) -> None:
            if source:
                self.change("reuse", source)

        self.app.push_screen(ReuseDialog(line.name), chosen)

    def action_not_required(self) -> None:
        line = self.selected_line()
        if line is None:
            return
        if not (line.must_digitise and line.received):
            self.change("not_required")
            return

        def typed(note: str | None) -> None:
            if note:
                self.change("not_required", note)

        # a paper that must be digitised needs a word on why it is not
        self.app.push_screen(
            TextDialog(self.t("checklist.why_title"), self.t("checklist.why_prompt", name=line.name), required=True),
            typed,
        )

    def action_undo(self) -> None:
        self.change("undo")
