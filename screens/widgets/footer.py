"""The footer of the keys: Textual's, built again once per refresh rather than once per change of bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class DeskFooter(Footer):
    """Textual's footer; the changes of bindings that come together (mount, focus, resize, resume …) rebuild it once.

    Textual rebuilds the footer after the next refresh for each change: six times while the first screen comes
    up, each time all its keys, and again at each move of the focus. The rebuild reads the bindings as they are
    when it runs, so one is the same; and a rebuild that would show the keys it already shows (the focus moved
    between two boxes with the same keys) is left out.
    """

    _rebuild_pending = False
    _shown: tuple | None = None
    """What the keys were built from (Footer.compose reads nothing else): the key, its binding, enabled, tooltip."""

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        try:
            shown = self._keys()
        except NoMatches:
            # the screen is being taken down (Escape closed it before this rebuild ran): its widgets are already
            # gone, and a check_action that looks one up finds nothing; there are no keys left to show
            return
        if shown == self._shown:
            return
        self._shown = shown
        await self.recompose()

    def compose(self) -> ComposeResult:
        # a key bound to the footer's ``compact`` (all but the command palette's) starts with the footer's value:
        # Textual's FooterKey starts compact, and was styled again twice as it mounted (the class given, then
        # taken back by the binding)
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def _keys(self) -> tuple:
        return tuple(
            (key, active.binding, active.enabled, active.tooltip) for key, active in self.screen.active_bindings.items()
        )
