"""Tra cứu (F3): one box for a code, a name (accents optional), an ID number or a phone;
or scan a receipt's QR code into it to open that dossier and check the receipt."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Header, Input, Label, Static

from desk.rules.receipt_qr import parse_payload, verify_payload
from desk.sync.hub_search import find_home_or_hub, search_home_and_hub
from screens.base import DeskScreen
from screens.dossier import verdict_message
from screens.messages import OpenDossier
from screens.widgets.dossier_table import DossierTable
from screens.widgets.field import Field
from screens.widgets.footer import DeskFooter

TYPE_SETTLE = 0.25
"""Seconds after the last keystroke before the search runs (and a scanner is done typing)."""

MIN_QUERY = 2
"""Fewer characters than this search nothing (one letter matches half the database)."""


class SearchScreen(DeskScreen):
    TYPING_TARGET = "#search-box"
    AUTO_FOCUS = "#search-box"
    BINDINGS = [
        Binding("down", "results", "key.results", id="search.results", show=False),
        Binding("ctrl+f", "focus_box", "key.search_box", id="search.box"),
        Binding("escape", "app.switch_mode('today')", "key.back", id="search.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self.query_text = ""
        self._failed: str | None = None
        """The query whose search failed last (its error shown once)."""

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with Vertical(id="search"):
            yield Label(t("search.title"), classes="section")
            # the selection is set by F3 itself (fresh_query), not by a focus event that may come after typing
            yield Field(placeholder=t("search.placeholder"), id="search-box", select_on_focus=False)
            yield Static(t("search.hint"), id="search-hint", markup=False)
            yield DossierTable(id="search-results", empty_key="search.empty")
        yield DeskFooter(compact=True)

    @property
    def box(self) -> Input:
        return self.query_one("#search-box", Input)

    @property
    def results(self) -> DossierTable:
        return self.query_one("#search-results", DossierTable)

    def on_screen_resume(self) -> None:
        if self.query_text:
            self.results.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "results":
            # ↓ leaves the box for the results; inside the results it moves the cursor
            return self.focused is self.box
        return True

    def action_results(self) -> None:
        if self.results.row_count:
            self.results.focus()

    def fresh_query(self) -> None:
        """The box focused with what it holds selected: a new query replaces the last, never extends it."""
        box = self.box
        self.set_focus(box)
        box.select_all()

    def action_focus_box(self) -> None:
        self.box.focus()

    @on(Input.Changed, "#search-box")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(TYPE_SETTLE, self.run_search)

    @on(Input.Submitted, "#search-box")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self.run_search()
        if self.results.row_count and self.box.value:
            self.results.focus()

    def run_search(self) -> None:
        """A receipt QR opens its dossier; anything else lists the dossiers it finds."""
        self._timer = None
        text = self.box.value
        if parse_payload(text) is not None:
            self.check_receipt(text)
            return
        self.query_text = text.strip()
        hint = self.query_one("#search-hint", Static)
        hint.set_class(False, "-error")
        if len(self.query_text) < MIN_QUERY:
            hint.update(self.t("search.hint"))
            self.results.show_source(None)
            return
        desk = self.app.desk
        query = self.query_text

        def fetch(limit: int, offset: int) -> list:
            try:
                found = search_home_and_hub(desk, query, limit=limit, offset=offset)
            except Exception as exc:  # a hub's PostgreSQL out of reach: said in a dialog, the app goes on
                if self._failed != query:  # once for a query, not again when it runs twice (typing, Enter)
                    self._failed = query
                    self.app.show_error(exc)
                return []
            self._failed = None
            return found

        self.results.show_source(fetch)
        hint.update(self.t("search.found") if self.results.row_count else self.t("search.nothing", text=query))

    def check_receipt(self, text: str) -> None:
        desk = self.app.desk

        def lookup(code: str):
            try:
                return find_home_or_hub(desk, code)
            except Exception as exc:  # a hub's PostgreSQL out of reach: said in a dialog, the app goes on
                self.app.show_error(exc)
                return None

        verdict = verify_payload(text, self.app.agency_key, lookup)
        # ready for the next scan; clearing the box must not search again and hide the verdict
        with self.box.prevent(Input.Changed):
            self.box.value = ""
        hint = self.query_one("#search-hint", Static)
        hint.update(verdict_message(self.t, verdict))
        hint.set_class(not verdict.genuine, "-error")
        if verdict.dossier is not None:
            self.post_message(OpenDossier(verdict.dossier.code, verdict))
