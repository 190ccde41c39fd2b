"""Small modal dialogs: an error, a yes/no question."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from screens.base import DeskModal


class ErrorDialog(DeskModal[None]):
    """Something went wrong: what, in the clerk's language, and the detail for IT."""

    BINDINGS = [
        Binding("escape,enter", "close", "key.close", id="error.close"),
    ]

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.message = message
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog", classes="dialog -error"):
            yield Label(self.t("error.title"), classes="dialog-title")
            yield Static(self.message, markup=False, id="error-message")
            if self.detail:
                yield Static(self.detail, markup=False, id="error-detail")
            yield Static(self.t("error.hint"), classes="dialog-hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


class ConfirmDialog(DeskModal[bool]):
    """A yes/no question; No has the focus, Esc answers No."""

    BINDINGS = [
        Binding("y", "answer(True)", "key.yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "key.no", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__(classes="dialog-screen")
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(self.question, markup=False, id="confirm-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.t("button.yes"), id="confirm-yes", variant="warning")
                yield Button(self.t("button.no"), id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        # the safe answer has the focus: Enter alone never discards work
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
