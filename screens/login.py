"""Đăng nhập: who is at the desk, on a desk with operator accounts (``desk.dossier.operators``).

The TUI opens on it when accounts exist, shows it again when the desk has been idle for
``operators.idle_lock_minutes`` (the screen is locked; what was typed waits beneath) and
after "đăng xuất" (shift handover: the next operator signs in). Nothing of the desk can
be reached past it: the app refuses its keys meanwhile. Ctrl+Q still quits.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from desk.dossier import operators
from desk.errors import InvalidInput
from desk.models import Operator
from screens.base import DeskModal
from screens.widgets.field import Field


class LoginScreen(DeskModal[Operator]):
    """Name and password (or PIN); Enter in the password box signs in. Answers the operator."""

    def __init__(self, *, locked: bool = False, name: str = "") -> None:
        super().__init__(classes="login-screen")
        self.locked = locked
        """Shown because the desk was idle (not at start or after signing out)."""
        self.given_name = name

    def compose(self) -> ComposeResult:
        t = self.t
        agency = self.app.desk.settings.agency
        with Vertical(id="login", classes="dialog"):
            yield Label(t("login.title"), classes="dialog-title")
            yield Static(f"{agency.name} · {t('login.desk', desk=agency.desk_no)}", id="login-agency", markup=False)
            if self.locked:
                minutes = self.app.desk.settings.idle_lock_minutes
                yield Static(t("login.idle", minutes=minutes), id="login-idle", markup=False)
            with Horizontal(classes="field-row"):
                yield Label(t("login.name"), classes="field-label")
                yield Field(value=self.given_name, id="login-name", compact=True, placeholder=t("login.name_hint"))
            with Horizontal(classes="field-row"):
                yield Label(t("login.password"), classes="field-label")
                yield Field(id="login-password", password=True, compact=True)
            yield Static(id="login-problem", classes="problem", markup=False)
            yield Static(t("login.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        box = "#login-password" if self.given_name else "#login-name"
        self.query_one(box, Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "login-name":
            self.query_one("#login-password", Input).focus()
            return
        self.sign_in()

    def sign_in(self) -> None:
        name = self.query_one("#login-name", Input).value
        password = self.query_one("#login-password", Input)
        try:
            operator = operators.sign_in(self.app.desk, name, password.value)
        except InvalidInput as exc:
            problem = self.query_one("#login-problem", Static)
            problem.update(self.t.problem(exc.problem))
            problem.set_class(True, "-shown")
            password.value = ""
            (password if name.strip() else self.query_one("#login-name", Input)).focus()
            self.app.bell()
            return
        self.dismiss(operator)
