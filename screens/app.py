"""The desk's Textual application: six modes (today, intake, search, sync, reports, settings), dossiers pushed on top."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from desk.config import read_agency_key
from desk.context import Desk, open_desk
from desk.errors import DeskError
from screens import paste, prevent
from screens.base import SCREENS_CSS
from screens.dialogs.basic import ConfirmDialog, ErrorDialog
from screens.i18n.catalogue import Strings
from screens.i18n.os_errors import os_error_vi
from screens.messages import OpenDossier
from screens.today import TodayScreen


# the first screen must come up fast: the others are imported when first opened
def intake_screen() -> Screen:
    from screens.intake import IntakeScreen

    return IntakeScreen()


def search_screen() -> Screen:
    from screens.search import SearchScreen

    return SearchScreen()


def sync_screen() -> Screen:
    from screens.sync import SyncScreen

    return SyncScreen()


def reports_screen() -> Screen:
    from screens.reports import ReportsScreen

    return ReportsScreen()


def settings_screen() -> Screen:
    from screens.settings import SettingsScreen

    return SettingsScreen()


def prepare_screens() -> None:
    """Import the other screens (run in a thread once the first screen is up, so F2 is quick)."""
    import screens.checklist
    import screens.dossier
    import screens.intake
    import screens.reports
    import screens.search
    import screens.settings
    import screens.sync  # noqa: F401


def desk_commands():
    """The palette's provider, loaded when the palette first opens."""
    from screens.commands import DeskCommands

    return DeskCommands


MODES = {
    "today": TodayScreen,
    "intake": intake_screen,
    "search": search_screen,
    "sync": sync_screen,
    "reports": reports_screen,
    "settings": settings_screen,
}
LANGUAGES = ("vi", "en")

PREPARE_AFTER = 1.0
"""Seconds after the first screen is painted before the other screens are imported and their styles read."""

IDLE_CHECK_SECONDS = 15.0
"""How often the app looks whether the desk has been idle long enough to lock."""

OPEN_WHEN_SIGNED_OUT = frozenset({"quit", "help_quit"})
"""The app's actions that work while nobody is signed in (the login screen is up)."""


class DeskApp(App):
    CSS_PATH = "app.tcss"
    MODES = MODES
    DEFAULT_MODE = "today"
    COMMANDS = {desk_commands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("f2", "switch_mode('intake')", "key.intake", id="app.intake"),
        Binding("f3", "search", "key.search", id="app.search"),
        Binding("f4", "switch_mode('today')", "key.today", id="app.today"),
        Binding("f5", "switch_mode('sync')", "key.sync", id="app.sync"),
        Binding("f6", "switch_mode('reports')", "key.reports", id="app.reports"),
        Binding("f7", "switch_mode('settings')", "key.settings", id="app.settings"),
        Binding("question_mark", "cheat_sheet", "key.help", id="app.help"),
        Binding("ctrl+l", "switch_language", "key.language", id="app.language", show=False),
        Binding("ctrl+o", "sign_out", "key.sign_out", id="app.sign_out", show=False),
        Binding("ctrl+q", "quit", "key.quit", id="app.quit", priority=True),
    ]

    def __init__(self, home: Path | None = None, language: str = "vi", desk: Desk | None = None) -> None:
        paste.install()  # pasted text with escape sequences arrives whole and clean
        prevent.install()  # a message silenced by one widget is not silenced for all of them
        super().__init__()
        self.t = Strings(language)
        self.desk = desk or open_desk(home)
        self._agency_key: bytes | None = None
        self.idle_clock: Callable[[], float] = time.monotonic
        """Seconds from some start; a test puts its own clock here (the idle lock never needs a sleep)."""
        self.last_activity = self.idle_clock()
        self.accounts = False
        """The desk has operator accounts: someone must be signed in (read once, at start)."""

    @property
    def agency_key(self) -> bytes:
        """The key that signs receipts, read once."""
        if self._agency_key is None:
            self._agency_key = read_agency_key(self.desk.home)
        return self._agency_key

    @contextmanager
    def thread_desk(self) -> Iterator[Desk]:
        """The desk on a connection of its own, for a worker thread.

        A SQLite transaction belongs to a connection: a worker writing on the UI's
        connection would share its transaction with whatever else runs meanwhile.
        """
        desk = open_desk(self.desk.home)
        desk.operator = self.desk.operator  # who is signed in acts in the worker too
        try:
            yield desk
        finally:
            desk.close()

    def on_mount(self) -> None:
        from desk.dossier.operators import has_operators

        self._titles()
        # counted from the first screen's first paint, not from here: on a busy machine a second from the mount
        # could fall before the first screen is up, and its work (screens.tcss) would then delay it
        self.call_after_refresh(self.set_timer, PREPARE_AFTER, self._prepare_screens)
        self.accounts = has_operators(self.desk)
        if self.accounts and self.desk.operator is None:
            self.show_login()
        self.last_activity = self.idle_clock()
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)

    # who is at the desk --------------------------------------------------------------

    @property
    def signed_out(self) -> bool:
        """A desk with accounts and nobody signed in: only the login screen answers."""
        return self.accounts and self.desk.operator is None

    def show_login(self, *, locked: bool = False) -> None:
        from screens.login import LoginScreen

        name = self.desk.operator.name if locked and self.desk.operator is not None else ""
        self.desk.operator = None
        self._titles()
        self.push_screen(LoginScreen(locked=locked, name=name), self._signed_in)

    def _signed_in(self, operator) -> None:
        self.last_activity = self.idle_clock()
        self._titles()
        self.refresh_bindings()
        self.notify(self.t("login.welcome", name=operator.name), timeout=4)

    def action_sign_out(self) -> None:
        """Đăng xuất: shift handover, the next operator signs in (what was typed waits beneath)."""
        if self.accounts and self.desk.operator is not None:
            self.show_login()

    def lock_if_idle(self) -> None:
        """Lock the desk after ``operators.idle_lock_minutes`` without a key or a click."""
        minutes = self.desk.settings.idle_lock_minutes
        if not self.accounts or self.desk.operator is None or minutes <= 0:
            return
        if self.idle_clock() - self.last_activity >= minutes * 60:
            self.show_login(locked=True)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self.last_activity = self.idle_clock()
        await super().on_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.signed_out and action not in OPEN_WHEN_SIGNED_OUT:
            return False  # F2, F3, the palette …: nothing past the login screen
        if action == "sign_out":
            return self.accounts and self.desk.operator is not None
        return True

    def _prepare_screens(self) -> None:
        # import the other screens in the background once the first one is up, so F2 is quick
        self.run_worker(prepare_screens, thread=True, group="prepare", exit_on_error=False)
        self.load_screen_styles()

    def load_screen_styles(self) -> None:
        """Read the other screens' styles (screens.tcss), as Textual does when the first of them opens.

        Kept out of the first screen's start (parsing them, and matching every widget against them, was a
        sixth of it); read here once that screen is up, so that F2 does not wait for them either.
        """
        if not self.stylesheet.has_source(SCREENS_CSS, ""):
            self.stylesheet.read(SCREENS_CSS)
            self.stylesheet.reparse()
            self.stylesheet.update(self)

    def _titles(self) -> None:
        agency = self.desk.settings.agency
        self.title = self.t("app.title")
        self.sub_title = self.t(
            "app.subtitle", agency=agency.name, desk=agency.desk_no, clerk=self.desk.clerk or self.t("none")
        )

    def settings_changed(self) -> None:
        """The settings screen wrote desk.toml: the title names the clerk now on duty."""
        self._titles()

    def on_unmount(self) -> None:
        self.desk.close()

    # navigation --------------------------------------------------------------------

    def on_open_dossier(self, message: OpenDossier) -> None:
        from screens.dossier import DossierScreen

        self.push_screen(DossierScreen(message.code, message.verdict))

    async def action_search(self) -> None:
        """F3: the search box with the previous query selected, so that typing replaces it."""
        from screens.search import SearchScreen

        await self.switch_mode("search")
        if isinstance(self.screen, SearchScreen):
            self.screen.fresh_query()

    def action_cheat_sheet(self) -> None:
        """?: the keys of the screen in use on one screen (again: closes it)."""
        from screens.dialogs.cheatsheet import CheatSheet

        if isinstance(self.screen, CheatSheet):
            self.screen.dismiss(None)
            return
        screen = self.screen
        lines = screen.cheat_sheet() if hasattr(screen, "cheat_sheet") else []
        self.push_screen(CheatSheet(lines))

    def get_key_display(self, binding: Binding) -> str:
        # function keys as printed on the keyboard: F2, not f2
        shown = super().get_key_display(binding)
        return shown.upper() if re.fullmatch(r"f[0-9]{1,2}", shown) else shown

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=self.t("palette.placeholder"), id="--command-palette"))

    def action_help_quit(self) -> None:
        # Ctrl+C copies in a text box; say how to quit, in the clerk's language
        self.notify(self.t("quit.hint"))

    # errors --------------------------------------------------------------------------

    def show_error(self, error: BaseException | None) -> None:
        """An error dialog in the clerk's language: the core's problem in words, or what failed and the detail."""
        if isinstance(error, DeskError):
            problem = error.problem
            if self.t.knows(problem):
                self.push_screen(ErrorDialog(self.t.problem(problem)))
            else:
                # a problem this version has no words for (or prose, from a raise site not converted yet)
                self.push_screen(ErrorDialog(self.t("error.desk"), self.t.problem(problem)))
        elif isinstance(error, OSError):
            # the operating system's English ("[Errno 28] No space left on device") in the clerk's language
            detail = str(error) if self.t.language == "en" else os_error_vi(error)
            self.push_screen(ErrorDialog(self.t("error.os"), detail))
        else:
            name = type(error).__name__ if error is not None else ""
            self.push_screen(ErrorDialog(self.t("error.unexpected"), f"{name}: {error}"))

    # language and quitting --------------------------------------------------------------

    def _intake_dirty(self) -> bool:
        # typed and not saved: an intake, or changed settings
        for mode in ("intake", "settings"):
            try:
                stack = self.get_screen_stack(mode)
            except KeyError:
                continue
            if any(getattr(s, "dirty", False) for s in stack):
                return True
        return False

    async def action_switch_language(self) -> None:
        if self._intake_dirty():
            self.push_screen(ConfirmDialog(self.t("language.confirm")), self._language_answer)
            return
        await self.switch_language()

    async def _language_answer(self, yes: bool | None) -> None:
        if yes:
            await self.switch_language()

    async def switch_language(self) -> None:
        """Vietnamese ↔ English; what was typed in an open intake is dropped (the clerk agreed)."""
        self.t = Strings(LANGUAGES[(LANGUAGES.index(self.t.language) + 1) % len(LANGUAGES)])
        self._titles()
        # every screen is rebuilt in the new language: a passing mode holds the app meanwhile
        current = self.current_mode
        self.add_mode("language", Screen)
        await self.switch_mode("language")
        for mode, screen in MODES.items():
            await self.remove_mode(mode)
            self.add_mode(mode, screen)
        await self.switch_mode(current)
        await self.remove_mode("language")
        self.notify(self.t("language.switched"))

    async def action_quit(self) -> None:
        if self._intake_dirty():
            self.push_screen(ConfirmDialog(self.t("quit.confirm")), self._quit_answer)
            return
        self.exit()

    def _quit_answer(self, yes: bool | None) -> None:
        if yes:
            self.exit()
