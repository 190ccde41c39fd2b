"""What every screen of the desk shares: translated key labels and one place for worker failures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.cells import cell_len
from textual import events
from textual.binding import ActiveBinding, Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from textual.css.types import CSSPathType  # (not at run time: the first screen imports what it needs only)

    from screens.app import DeskApp
    from screens.i18n.catalogue import Strings

ResultType = TypeVar("ResultType")

# Textual's own command-palette binding has this description; it is shown in the footer too
PALETTE_DESCRIPTION = "palette"

FOOTER_PALETTE_WIDTH = 10
"""Cells the footer's palette key takes on the right ("▏^p Lệnh"), with a cell to spare."""

SCREENS_CSS = str(Path(__file__).with_name("screens.tcss"))
"""The styles of every screen but the first: Textual reads them when the first screen using them opens."""

APP_KEYS_BY_USE = ("f2", "f3", "question_mark", "f4", "ctrl+q", "f5", "f6", "f7")
"""The app's keys from the most used to the least: at 80 columns the last ones leave the footer first."""


class DeskScreenMixin:
    """Binding descriptions are catalogue keys ("key.save"), shown in the app's language.

    Bindings are declared once per class, but the language is chosen at run time,
    so the footer reads translated copies of them through ``active_bindings``.
    """

    app: DeskApp
    CSS_PATH: ClassVar[CSSPathType | None] = SCREENS_CSS

    _styled_with: tuple | None = None
    """What the app's styles were when this screen's nodes were last styled (see :meth:`_on_screen_resume`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._styled_once = styled_once(self)  # type: ignore[arg-type]  # a screen: the mixin comes first

    def _app_styles(self) -> tuple:
        """What styles this screen's nodes beyond their own classes and states: the stylesheet's rules, the
        theme (Textual counts its changes) and the app's classes and states (focused, dark …)."""
        app = self.app
        return (id(app.stylesheet.rules), app._css_update_count, app.classes, app.pseudo_classes)

    def _on_mount(self) -> None:
        if self._styled_once:
            self._styled_with = self._app_styles()  # the screen and its widgets were styled as they mounted

    def _on_screen_suspend(self) -> None:
        self._styled_with = self._app_styles()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Textual restyles a screen whole each time it comes back (twice as it first opens): not needed when
        nothing its styles depend on changed meanwhile. A change of a widget's classes or state is styled at
        once, shown or not; what Textual styles only on the screens shown (a theme, the app's classes) is
        compared here, and any change restyles the screen as before."""
        if event.refresh_styles and self._styled_with is not None and self._styled_with == self._app_styles():
            event.refresh_styles = False

    @property
    def t(self) -> Strings:
        return self.app.t

    def _translated_bindings(self) -> tuple[dict[str, ActiveBinding], set[str]]:
        """The active bindings in the app's language, screen's keys first; and the keys that have words."""
        t = self.app.t
        shown: dict[str, ActiveBinding] = {}
        translated: set[str] = set()
        for key, active in super().active_bindings.items():  # type: ignore[misc]
            binding = active.binding
            description = "key.palette" if binding.description == PALETTE_DESCRIPTION else binding.description
            if description in t:
                binding = replace(binding, description=t(description), tooltip=t(description))
                active = ActiveBinding(active.node, binding, active.enabled, binding.tooltip)
                translated.add(key)
            shown[key] = active
        # the screen's own keys first, then the app's (F2, F3, F4 …), quitting last
        app_keys = [b.key for b in self.app.BINDINGS if isinstance(b, Binding)]

        def rank(item: tuple[str, ActiveBinding]) -> tuple[int, int]:
            key, active = item
            if active.node is not self.app:
                return (0, 0)
            return (1, app_keys.index(key) if key in app_keys else len(app_keys))

        return dict(sorted(shown.items(), key=rank)), translated

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        shown, _ = self._translated_bindings()
        return self._fit_footer(shown)

    def _fit_footer(self, shown: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
        """Keys the footer has no room for are hidden whole (they still work, and the palette and
        the cheat-sheet list them): the screen's own keys are kept first, then the app's by use."""
        app = self.app
        palette_key = app.COMMAND_PALETTE_BINDING
        room = app.size.width - FOOTER_PALETTE_WIDTH
        app_use = {key: i for i, key in enumerate(APP_KEYS_BY_USE)}

        def importance(item: tuple[int, tuple[str, ActiveBinding]]) -> tuple[int, int]:
            position, (key, active) = item
            if active.node is not app:
                return (0, position)
            return (1, app_use.get(key, len(app_use)))

        candidates = [
            (i, (key, active))
            for i, (key, active) in enumerate(shown.items())
            if active.binding.show and key != palette_key
        ]
        kept_actions: dict[str, bool] = {}
        for _, (key, active) in sorted(candidates, key=importance):
            action = active.binding.action
            if action in kept_actions:  # the footer shows one key per action
                continue
            width = cell_len(app.get_key_display(active.binding)) + 1 + cell_len(active.binding.description) + 1
            kept_actions[action] = width <= room
            if width <= room:
                room -= width
        fitted: dict[str, ActiveBinding] = {}
        for key, active in shown.items():
            if active.binding.show and key != palette_key and not kept_actions.get(active.binding.action, True):
                binding = replace(active.binding, show=False)
                active = ActiveBinding(active.node, binding, active.enabled, active.tooltip)
            fitted[key] = active
        return fitted

    def cheat_sheet(self) -> list[tuple[str, str]]:
        """(key as printed, what it does) of every key of this screen and the app, one line per action."""
        shown, translated = self._translated_bindings()
        lines: list[tuple[str, str]] = []
        seen: set[str] = set()
        for key, active in shown.items():
            binding = active.binding
            if key not in translated or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            lines.append((self.app.get_key_display(binding), binding.description))
        return lines

    _footer_width = -1

    def on_resize(self) -> None:
        # which keys fit in the footer depends on the app's width: a resize that leaves it as it was (a screen is
        # resized three times as it comes up) does not rebuild the footer again
        width = self.app.size.width
        if width != self._footer_width:
            self._footer_width = width
            self.refresh_bindings()  # type: ignore[attr-defined]

    def theme_style(self, variable: str, *, bold: bool = False) -> str:
        """A Rich style from a theme variable, for cells that CSS cannot reach."""
        colour = self.app.theme_variables.get(variable, "")
        return f"{'bold ' if bold else ''}{colour}".strip()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one handler of worker outcomes: a failure becomes an error dialog."""
        if event.state is WorkerState.ERROR:
            self.app.show_error(event.worker.error)
            self.work_failed(event.worker)

    def work_failed(self, worker: Worker) -> None:
        """Called after a worker of this screen failed (its error is already shown): undo busy state."""


class DeskScreen(DeskScreenMixin, Screen):
    """A full screen of the desk."""

    TYPING_TARGET: str | None = None
    """Selector of the input that takes what is typed while the screen is being built."""

    def on_key(self, event: events.Key) -> None:
        # a clerk types straight after F2/F3, while the screen is still being built: those
        # keys reach the screen itself (no text box had the focus yet) and would be lost
        if not (self.TYPING_TARGET and event.is_printable and event.character):
            return
        matches = self.query(self.TYPING_TARGET)
        target = matches.first(Input) if matches else None
        if target is not None and self.focused in (None, target):
            if target.selection.is_empty:
                target.insert_text_at_cursor(event.character)
            else:  # a selected query is replaced, as the box itself would do
                target.replace(event.character, *target.selection)
            target.focus()
            event.stop()


def styled_once(screen: Screen) -> bool:
    """A new screen is styled as it is built, once: not again at once, whole, for nothing.

    Textual restyles a new mode's screen as it first opens, with all the others (the whole stylesheet
    parsed again, every node of every screen opened before matched again: a tenth of a second per
    screen already open, more on a slow PC), in case the styles changed since the screen was made;
    a screen made just now was not styled with older ones, and its widgets are styled as they mount.
    A theme changed later still restyles it (Textual counts the changes; this one starts at the count
    of now). The first screen, made before the app has its theme, is restyled as Textual does.
    Returns whether the screen's widgets will be styled as they mount with the styles of now.
    """
    try:
        app = screen.app
        first = not app.screen_stack
    except Exception:  # no app running (a screen made outside one): Textual's own way, unchanged
        return False
    if not first:
        screen._css_update_count = app._css_update_count
    return True


class DeskModal(DeskScreenMixin, ModalScreen[ResultType]):
    """A dialog that answers its caller with ``dismiss(value)``."""

    _given: dict[str | None, str] | None = None

    def on_mount(self) -> None:
        # (runs after a subclass's own on_mount) what the fields held before the clerk typed
        self._given = {box.id: box.value for box in self.query(Input)}

    def typed_text(self) -> bool:
        """Something was typed into a field of this dialog (and would be lost by Esc)."""
        given = self._given or {}
        return any(box.value.strip() and box.value != given.get(box.id, "") for box in self.query(Input))

    def cancel_asking(self) -> None:
        """Esc: answer None at once, or after asking when typed text would be thrown away."""
        if not self.typed_text():
            self.dismiss(None)
            return
        from screens.dialogs.basic import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(self.t("dialog.discard")), answered)
