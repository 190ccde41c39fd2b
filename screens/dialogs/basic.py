"""Small modal dialogs: an error, a yes/no question, one line of text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from screens.base import DeskModal
from screens.widgets.field import Field
from screens.widgets.footer import DeskFooter


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

    def __init__(self, question: str, *, yes_focused: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.yes_focused = yes_focused
        """Yes starts with the focus: only for moves that lose nothing (transfer, resume)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(self.question, markup=False, id="confirm-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.t("button.yes"), id="confirm-yes", variant="warning")
                yield Button(self.t("button.no"), id="confirm-no", variant="primary")
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        # the safe answer has the focus unless the move is harmless: Enter alone never discards work
        self.query_one("#confirm-yes" if self.yes_focused else "#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class TextDialog(DeskModal[str | None]):
    """One line to type (a reason, a note, a file's path): Enter answers it, Esc answers None."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="text.cancel"),
    ]

    def __init__(
        self,
        title: str,
        prompt: str = "",
        *,
        value: str = "",
        placeholder: str = "",
        required: bool = False,
        select: bool = True,
        password: bool = False,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.password = password
        """Dots instead of the letters typed (a PIN)."""
        self.title_text = title
        self.prompt = prompt
        self.value = value
        self.placeholder = placeholder
        self.required = required
        self.select = select
        """The given value starts selected (typing replaces it); else the cursor waits at its end."""

    def compose(self) -> ComposeResult:
        with Vertical(id="text-dialog", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            if self.prompt:
                yield Static(self.prompt, markup=False, id="text-prompt")
            yield Field(
                value=self.value,
                placeholder=self.placeholder,
                id="text-input",
                select_on_focus=self.select,
                password=self.password,
            )
            yield Static(id="text-problem", classes="problem", markup=False)
            yield Static(self.t("dialog.text_hint"), classes="dialog-hint", markup=False)
        yield DeskFooter(compact=True)

    @property
    def text_input(self) -> Input:
        return self.query_one("#text-input", Input)

    def on_mount(self) -> None:
        box = self.text_input
        box.focus()
        if not self.select:
            box.cursor_position = len(box.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if self.required and not text:
            problem = self.query_one("#text-problem", Static)
            problem.update(self.t("dialog.required"))
            problem.set_class(True, "-shown")
            self.app.bell()
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.cancel_asking()
