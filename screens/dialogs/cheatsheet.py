"""The cheat-sheet (?): every key of the screen in use and of the app, on one screen."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, Static

from screens.base import DeskModal


class CheatSheet(DeskModal[None]):
    """Two columns of "key  what it does"; Esc, Enter or ? closes it."""

    BINDINGS = [
        Binding("escape,enter", "close", "key.close", id="help.close"),
    ]

    def __init__(self, lines: list[tuple[str, str]]) -> None:
        super().__init__(classes="dialog-screen")
        self.lines = lines

    def compose(self) -> ComposeResult:
        half = (len(self.lines) + 1) // 2
        with Vertical(id="cheat-sheet", classes="dialog"):
            yield Label(self.t("help.title"), classes="dialog-title")
            with Horizontal(id="cheat-sheet-columns"):
                for part in (self.lines[:half], self.lines[half:]):
                    yield Static(self._column(part), classes="cheat-sheet-column")
            yield Static(self.t("help.hint"), classes="dialog-hint", markup=False)

    def _column(self, lines: list[tuple[str, str]]) -> Content:
        width = max((cell_len(key) for key, _ in lines), default=0)
        parts: list = []
        for i, (key, what) in enumerate(lines):
            if i:
                parts.append("\n")
            parts += [(key.rjust(width), "bold"), "  ", what]
        return Content.assemble(*parts)

    def action_close(self) -> None:
        self.dismiss(None)
