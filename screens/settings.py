"""Cài đặt (F7): what a clerk changes without IT, written to ``desk.toml`` like ``desk clerk`` does.

The clerk on duty (shift handover), the printer, paper and copies, the local
days off and extra working days, the export folder (the USB stick) and the
hub's address. Ctrl+S writes the changed values through
``desk.config.update_settings`` (the one settings table; the person's comments
in ``desk.toml`` survive); the config's checks decide what is refused, and the
refusal is shown under its field. Esc with unsaved changes asks first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, Label, Select, Static

from desk.config import update_settings
from desk.dossier.operators import require_supervisor
from desk.dossier.print_log import PAPERS
from desk.errors import InvalidInput
from screens.base import DeskScreen
from screens.dialogs.basic import ConfirmDialog
from screens.widgets.field import Field
from screens.widgets.footer import DeskFooter

FIELDS: tuple[tuple[str, str], ...] = (
    ("clerk", "clerk"),
    ("printer", "printer"),
    ("copies", "copies"),
    ("days_off", "extra_days_off"),
    ("days_worked", "extra_working_days"),
    ("export_dir", "export_dir"),
    ("endpoint", "sync_endpoint"),
)
"""The typed fields of the screen (widget name, attribute of ``desk.settings.Settings``); paper is a choice."""

SETTING_KEYS = {
    "clerk": "desk.clerk",
    "printer": "printing.printer",
    "paper": "printing.paper",
    "copies": "printing.copies",
    "days_off": "calendar.extra_days_off",
    "days_worked": "calendar.extra_working_days",
    "export_dir": "sync.export_dir",
    "endpoint": "sync.endpoint",
}
"""Each field's ``section.key`` in desk.toml: where the config's refusal of a value is shown."""

DATE_SPLIT = re.compile(r"[,;\s]+")


def parse_days(text: str) -> tuple[date, ...] | None:
    """ "1/1/2026, 2026-09-02" → the days, sorted without repeats; None when one is not a date."""
    days = set()
    for word in DATE_SPLIT.split(text.strip()):
        if not word:
            continue
        for shape in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                days.add(datetime.strptime(word, shape).date())
                break
            except ValueError:
                continue
        else:
            return None
    return tuple(sorted(days))


def days_text(days: tuple[date, ...]) -> str:
    return ", ".join(d.strftime("%d/%m/%Y") for d in days)


@dataclass
class SettingsForm:
    """What the screen shows, as typed: converts to the changes of ``update_settings``."""

    values: dict[str, str]
    paper: str

    def changes(self) -> tuple[dict[str, Any], dict[str, str]]:
        """(changes by Settings attribute, catalogue keys of the problems by field name)."""
        changes: dict[str, Any] = {"paper": self.paper}
        problems: dict[str, str] = {}
        for name, attr in FIELDS:
            text = self.values[name].strip()
            if name == "copies":
                if not text.isdigit():
                    problems[name] = "settings.bad_copies"
                    continue
                changes[attr] = int(text)
            elif name in ("days_off", "days_worked"):
                days = parse_days(text)
                if days is None:
                    problems[name] = "settings.bad_days"
                    continue
                changes[attr] = days
            elif name == "endpoint" and text and not re.match(r"^https?://[^\s/]+", text):
                problems[name] = "settings.bad_endpoint"
            else:
                changes[attr] = text
        return changes, problems


class SettingsScreen(DeskScreen):
    AUTO_FOCUS = "#settings-clerk"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="settings.save"),
        Binding("f9", "unlock_signer", "key.settings.unlock", id="settings.unlock"),
        Binding("escape", "back", "key.back", id="settings.back"),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with VerticalScroll(id="settings"):
            yield Label(t("settings.title"), id="settings-title")
            yield Label(t("settings.duty"), classes="section")
            yield from self._row("clerk")
            yield Label(t("settings.printing"), classes="section")
            yield from self._row("printer")
            with Horizontal(classes="field-row"):
                yield Label(t("settings.paper"), classes="field-label")
                yield Select(
                    [(t(f"paper.{p}"), p) for p in PAPERS], allow_blank=False, id="settings-paper", compact=True
                )
            yield from self._row("copies", restrict=r"[0-9]*", max_length=2)
            yield Label(t("settings.calendar"), classes="section")
            yield from self._row("days_off")
            yield from self._row("days_worked")
            yield Label(t("settings.sync"), classes="section")
            yield from self._row("export_dir")
            yield from self._row("endpoint")
            yield Label(t("settings.signer"), classes="section")
            yield Static(id="settings-signer", markup=False)
            yield Static(id="settings-outcome", markup=False)
        yield DeskFooter(compact=True)

    def _row(self, name: str, **options: Any) -> ComposeResult:
        t = self.t
        with Horizontal(classes="field-row"):
            yield Label(t(f"settings.{name}"), classes="field-label")
            yield Field(placeholder=t(f"settings.{name}_placeholder"), id=f"settings-{name}", compact=True, **options)
        yield Static(id=f"settings-{name}-problem", classes="problem", markup=False)

    def field(self, name: str) -> Input:
        return self.query_one(f"#settings-{name}", Input)

    @property
    def paper_select(self) -> Select:
        return self.query_one("#settings-paper", Select)

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        """Show the settings as desk.toml holds them now."""
        self.app.desk.reload_settings()
        s = self.app.desk.settings
        values = {
            "clerk": s.clerk,
            "printer": s.printer,
            "copies": str(s.copies),
            "days_off": days_text(s.extra_days_off),
            "days_worked": days_text(s.extra_working_days),
            "export_dir": s.export_dir,
            "endpoint": s.sync_endpoint,
        }
        for name, value in values.items():
            self.field(name).value = value
        if s.paper in PAPERS:
            self.paper_select.value = s.paper
        self.saved = self._shown_values()
        self.show_signer()

    def show_signer(self, info: Any = None) -> None:
        """Which signer the clerk has, and its certificate once unlocked (or ``info`` just read)."""
        from desk.dossier import signer

        t = self.t
        desk = self.app.desk
        s = desk.settings
        if not signer.has_signer(s):
            text = t("settings.signer_none")
        else:
            where = (
                t("settings.signer_pkcs12", path=s.signer_pkcs12)
                if s.signer_kind == "pkcs12"
                else t("settings.signer_pkcs11", token=s.signer_token, key=s.signer_key_label)
            )
            if info is None and signer.is_unlocked(desk.home, s):
                info = signer.describe(desk.home)  # unlocked: the certificate is in memory
            if info is None:
                text = f"{where}\n{t('settings.signer_locked')}"
            else:
                cert = t(
                    "settings.signer_cert",
                    subject=info.subject,
                    issuer=info.issuer,
                    start=info.not_before.strftime("%d/%m/%Y"),
                    end=info.not_after.strftime("%d/%m/%Y"),
                )
                text = f"{where}\n{cert}"
        self.query_one("#settings-signer", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unlock_signer":
            from desk.dossier import signer

            return signer.has_signer(self.app.desk.settings)
        return True

    def action_unlock_signer(self) -> None:
        """Ask the passphrase / PIN in a modal; the token is opened in a worker."""
        from screens.dialogs.basic import TextDialog

        def answered(pin: str | None) -> None:
            if pin:
                self.unlock_worker(pin)

        t = self.t
        self.app.push_screen(
            TextDialog(t("settings.signer_pin_title"), t("settings.signer_pin_prompt"), password=True), answered
        )

    @work(thread=True, exclusive=True, group="signer", exit_on_error=False)
    def unlock_worker(self, pin: str) -> None:
        from desk.dossier import signer

        info = signer.unlock(self.app.desk.home, pin)
        self.app.call_from_thread(self._unlocked, info)

    def _unlocked(self, info: Any) -> None:
        self.show_signer(info)
        self.notify(self.t("settings.signer_unlocked"), timeout=4)

    def _shown_values(self) -> tuple:
        return (*(self.field(name).value for name, _ in FIELDS), self.paper_select.value)

    @property
    def dirty(self) -> bool:
        """Something typed and not saved."""
        return self._shown_values() != self.saved

    def to_form(self) -> SettingsForm:
        return SettingsForm({name: self.field(name).value for name, _ in FIELDS}, str(self.paper_select.value))

    def _problem(self, name: str, text: str) -> None:
        problem = self.query_one(f"#settings-{name}-problem", Static)
        problem.update(text)
        problem.set_class(bool(text), "-shown")
        self.field(name).set_class(bool(text), "-invalid")

    def _outcome(self, text: str, tone: str = "") -> None:
        outcome = self.query_one("#settings-outcome", Static)
        outcome.update(text)
        for each in ("error", "success"):
            outcome.set_class(tone == each, f"-{each}")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_save(self) -> None:
        t = self.t
        changes, problems = self.to_form().changes()
        for name, _ in FIELDS:
            self._problem(name, t(problems[name]) if name in problems else "")
        if problems:
            self.field(next(iter(problems))).focus()
            self._outcome(t("settings.not_saved"), "error")
            self.app.bell()
            return
        desk = self.app.desk
        try:
            require_supervisor(desk, "settings")  # on a desk with operator accounts
            update_settings(desk.home, **changes)
        except InvalidInput as exc:
            if exc.problem.code == "operator.supervisor_only":
                self._outcome(t.problem(exc.problem), "error")
                self.app.bell()
                return
            # the config's own checks (a copies count out of range …): under the field they name
            name = next((n for n, key in SETTING_KEYS.items() if key == exc.problem.field), "")
            if name and name != "paper":
                self._problem(name, t.problem(exc.problem))
                self.field(name).focus()
            self._outcome(t("settings.not_saved"), "error")
            self.app.bell()
            return
        desk.reload_settings()
        self.app.settings_changed()
        self.saved = self._shown_values()
        self._outcome(t("settings.saved", path=str(desk.home.config)), "success")
        self.notify(t("settings.saved_short"), timeout=4)

    def action_back(self) -> None:
        if not self.dirty:
            self.app.switch_mode("today")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.load()
                self.app.switch_mode("today")

        self.app.push_screen(ConfirmDialog(self.t("settings.discard")), answered)
