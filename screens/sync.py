"""Đồng bộ (F5): what is waiting to reach the centre, and the two ways to send it.

Export writes one bundle into a folder (the USB stick; by default the
``[sync] export_dir`` of desk.toml, else the home's ``outbox/``; a folder typed
here that worked is the next default, kept between runs: that setting on a desk
without accounts, else the signed-in operator's own, ``desk.sync.status.export_folder``); push sends
the events to the hub over the network. Both run in a worker with a progress
bar; Esc stops them between steps (what the hub already acknowledged stays
acknowledged; a stopped export keeps nothing and marks nothing).
"""

from __future__ import annotations

import threading
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Header, Input, Label, ProgressBar, Static
from textual.worker import Worker

from desk.reports.board import is_hub
from desk.rules.problems import Problem, is_problem_json, problem
from desk.sync.bundle_write import export_bundle
from desk.sync.hub_http import is_plain_remote
from desk.sync.ingest import Cancelled, cancelled
from desk.sync.push import push
from desk.sync.seal import pinned_recipient
from desk.sync.status import SyncStatus, export_folder, keep_export_folder, rejection_problem, sync_status
from screens.base import DeskScreen
from screens.i18n.os_errors import os_words_vi
from screens.messages import SyncFinished, WorkProgress
from screens.widgets.counter import Counter
from screens.widgets.field import Field
from screens.widgets.footer import DeskFooter


def megabytes(size: int, mark: str) -> str:
    """Bytes as megabytes with one decimal, written with the language's decimal mark."""
    return f"{size / 1024**2:.1f}".replace(".", mark)


def moment(t, iso: str | None) -> str:
    """ "09:12 23/11/2026" from a recorded ISO time."""
    if not iso:
        return t("none")
    try:
        return datetime.fromisoformat(iso).strftime("%H:%M %d/%m/%Y")
    except ValueError:
        return iso


class SyncScreen(DeskScreen):
    # nothing focused at first: E and G are keys of the screen, not letters for the folder box
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("e", "export", "key.sync.export", id="sync.export"),
        Binding("g", "push", "key.sync.push", id="sync.push"),
        Binding("o", "folder", "key.sync.folder", id="sync.folder"),
        Binding("f5", "refresh", "key.refresh", id="sync.refresh"),
        Binding("b", "board", "key.sync.board", id="sync.board"),
        # one key, two meanings: stop the running job, else go back
        Binding("escape", "cancel", "key.sync.cancel", id="sync.cancel"),
        Binding("escape", "back", "key.back", id="sync.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status: SyncStatus | None = None
        self.running = ""
        """"export" or "push" while a job runs, else ""."""
        self._stop = threading.Event()
        self._folder_shown = ""
        """The default folder the box was given (anything else was typed by the clerk)."""
        self.hub = False
        """This home is a hub (desks push to it): B opens the board of its desks."""

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with Vertical(id="sync"):
            yield Label(t("sync.title"), id="sync-title")
            with Horizontal(id="sync-counters"):
                yield Counter(t("sync.pending_events"), id="sync-pending-events")
                yield Counter(t("sync.pending_dossiers"), id="sync-pending-dossiers")
                yield Counter(t("sync.pending_files"), id="sync-pending-files")
            yield Static(id="sync-pending-size", markup=False)
            yield Label(t("sync.export_section"), classes="section")
            with Horizontal(classes="field-row"):
                yield Label(t("sync.folder"), classes="field-label")
                yield Field(id="sync-folder", compact=True)
            yield Static(id="sync-last-export", markup=False, classes="sync-last")
            yield Label(t("sync.push_section"), classes="section")
            yield Static(id="sync-endpoint", markup=False)
            yield Static(id="sync-last-push", markup=False, classes="sync-last")
            yield ProgressBar(id="sync-progress", show_eta=False)
            yield Static(id="sync-outcome", markup=False)
        yield DeskFooter(compact=True)

    @property
    def folder_input(self) -> Input:
        return self.query_one("#sync-folder", Input)

    @property
    def progress_bar(self) -> ProgressBar:
        return self.query_one("#sync-progress", ProgressBar)

    def default_folder(self) -> str:
        return export_folder(self.app.desk)

    def on_mount(self) -> None:
        self.folder_input.value = self._folder_shown = self.default_folder()

    def on_screen_resume(self) -> None:
        # the settings screen (or another operator signing in) may have changed the default: unless one was typed here
        if self.folder_input.value == self._folder_shown:
            self.folder_input.value = self._folder_shown = self.default_folder()
        self.action_refresh()

    # showing ------------------------------------------------------------------------

    def action_refresh(self) -> None:
        t = self.t
        status = self.status = sync_status(self.app.desk)
        self.hub = is_hub(self.app.desk)
        self.query_one("#sync-pending-events", Counter).show(status.pending_events, alert=True)
        self.query_one("#sync-pending-dossiers", Counter).show(status.pending_dossiers, alert=True)
        self.query_one("#sync-pending-files", Counter).show(status.pending_files, alert=True)
        size = self.query_one("#sync-pending-size", Static)
        size.update(
            t(
                "sync.pending_size",
                files=status.pending_files,
                mb=megabytes(status.pending_bytes, t("sync.decimal_mark")),
            )
            if status.pending_files
            else ""
        )
        size.display = bool(status.pending_files)  # no empty line when nothing waits
        self._last("#sync-last-export", self._export_text(status.last_export), status.last_export)
        self._last(
            "#sync-last-push",
            self._push_text(status.last_push) + self._rejections_text(status.portal_rejections),
            status.last_push,
        )
        endpoint = self.query_one("#sync-endpoint", Static)
        endpoint.update(t("sync.endpoint", url=status.endpoint) if status.endpoint else t("sync.no_endpoint"))
        endpoint.set_class(not status.endpoint, "-muted")
        self.refresh_bindings()

    def _last(self, selector: str, text: Content | str, outcome: dict | None) -> None:
        label = self.query_one(selector, Static)
        label.update(text)
        failed = bool(outcome and outcome.get("error"))
        label.set_class(failed, "-error")
        label.set_class(bool(outcome) and not failed, "-ok")

    def _export_text(self, last: dict | None) -> str:
        t = self.t
        if not last:
            return t("sync.never_exported")
        at = moment(t, last.get("at"))
        if last.get("error"):
            return t("sync.last_export_failed", at=at, error=self._error_words(last["error"]))
        if not last.get("path"):
            return t("sync.last_export_nothing", at=at)
        return t(
            "sync.last_export", at=at, events=last.get("events", 0), dossiers=last.get("dossiers", 0), path=last["path"]
        )

    def _push_text(self, last: dict | None) -> str:
        t = self.t
        if not last:
            return t("sync.never_pushed")
        at = moment(t, last.get("at"))
        if last.get("error"):
            return t(
                "sync.last_push_failed", at=at, pushed=last.get("pushed", 0), error=self._error_words(last["error"])
            )
        return t("sync.last_push", at=at, pushed=last.get("pushed", 0), pending=last.get("pending", 0))

    def _rejections_text(self, rejections: list[dict]) -> str:
        """The desk's records the portal refused (docs/forwarding.md), the first few with the portal's reason."""
        if not rejections:
            return ""
        lines = [self.t("sync.portal_rejections", n=len(rejections))]
        lines += ["  " + self.t.problem(rejection_problem(r)) for r in rejections[:3]]
        return "\n" + "\n".join(lines)

    def _error_words(self, error: object) -> str:
        """Why the last export or push failed, in the clerk's language (recorded as a problem)."""
        if is_problem_json(error):
            return self.t.problem(Problem.from_json(error))  # type: ignore[arg-type]
        # recorded as words by an older version of the desk: English, said as such in Vietnamese
        if self.t.language == "en":
            return str(error)
        return os_words_vi(str(error)) or self.t("sync.error_old_version")

    def _outcome(self, text: str, tone: str = "") -> None:
        outcome = self.query_one("#sync-outcome", Static)
        outcome.update(text)
        for each in ("error", "success", "warning"):
            outcome.set_class(tone == each, f"-{each}")

    # keys ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return bool(self.running)
        if action == "back":
            return not self.running
        if action in ("export", "push", "folder", "refresh") and self.running:
            return None  # dimmed while a job runs
        if action == "push" and not (self.status and self.status.endpoint):
            return None  # nowhere to push to: the screen says how to set it
        if action == "board":
            return self.hub  # a desk that is no hub has no board
        return True

    def action_back(self) -> None:
        self.app.switch_mode("today")

    def action_board(self) -> None:
        from screens.board import BoardScreen

        self.app.push_screen(BoardScreen())

    def action_folder(self) -> None:
        self.folder_input.focus()

    @on(Input.Submitted, "#sync-folder")
    def _folder_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def _start(self, kind: str) -> None:
        self.running = kind
        self._stop.clear()
        bar = self.progress_bar
        bar.update(total=None, progress=0)
        bar.set_class(True, "-shown")
        self._outcome(self.t(f"sync.{kind}ing"))
        # out of the folder box, so that Esc and the keys reach the screen
        self.set_focus(None)
        self.refresh_bindings()

    def _finish(self) -> None:
        self.running = ""
        self.progress_bar.set_class(False, "-shown")
        self.action_refresh()

    def action_export(self) -> None:
        if self.running:
            return
        folder = self.folder_input.value.strip() or self.default_folder()
        self._start("export")
        self.export_worker(folder)

    def action_push(self) -> None:
        if self.running:
            return
        endpoint = self.status.endpoint if self.status else ""
        if endpoint and is_plain_remote(endpoint):
            warning = problem("sync.plain_http", field="endpoint", url=endpoint)
            self.notify(self.t.problem(warning), severity="warning", timeout=15)
        self._start("push")
        self.push_worker()

    def action_cancel(self) -> None:
        if self.running:
            self._stop.set()
            self._outcome(self.t("sync.stopping"), "warning")

    # the jobs (worker threads) ------------------------------------------------------

    def _progress(self, done: int, total: int) -> None:
        if self._stop.is_set():
            # recorded as the outcome of the last export or push (a problem: worded in the clerk's language)
            raise cancelled()
        self.post_message(WorkProgress(done, total))

    def _sleep(self, seconds: float) -> None:
        # the push's wait between retries: Esc ends it at once
        if self._stop.wait(seconds):
            raise cancelled()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def export_worker(self, folder: str) -> None:
        with self.app.thread_desk() as desk:
            try:
                result = export_bundle(desk, folder, progress=self._progress, seal_to=pinned_recipient(desk.home))
            except Cancelled:
                self.post_message(SyncFinished("export", cancelled=True))
                return
            keep_export_folder(desk, folder)  # the folder that worked is the next default, in this run and the next
        self.post_message(SyncFinished("export", result))

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def push_worker(self) -> None:
        with self.app.thread_desk() as desk:
            try:
                result = push(desk, progress=self._progress, sleep=self._sleep)
            except Cancelled:
                self.post_message(SyncFinished("push", cancelled=True))
                return
        self.post_message(SyncFinished("push", result))

    # outcomes -------------------------------------------------------------------------

    @on(WorkProgress)
    def _advanced(self, event: WorkProgress) -> None:
        self.progress_bar.update(total=max(event.total, 1), progress=event.done)

    @on(SyncFinished)
    def _finished(self, event: SyncFinished) -> None:
        t = self.t
        if event.kind == "export" and not event.cancelled:
            self.app.desk.reload_settings()
            self._folder_shown = self.default_folder()
        self._finish()
        if event.cancelled:
            self._outcome(t(f"sync.{event.kind}_cancelled"), "warning")
        elif event.kind == "export":
            r = event.result
            if r.path is None:
                self._outcome(t("sync.export_nothing"), "success")
            else:
                words = "sync.exported" if r.sealed else "sync.exported_plain"
                self._outcome(
                    t(words, events=r.events, dossiers=r.dossiers, path=str(r.path)),
                    "success" if r.sealed else "warning",
                )
        else:
            r = event.result
            self._outcome(t("sync.pushed", pushed=r.pushed, pending=r.pending), "success")

    def work_failed(self, worker: Worker) -> None:
        kind = self.running or "export"
        self._finish()
        self._outcome(self.t(f"sync.{kind}_failed"), "error")
