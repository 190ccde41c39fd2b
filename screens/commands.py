"""The command palette's one provider: every action that has a key, namespaced, for the screen in use.

Commands come from the active bindings of the screen the palette was opened
on (its own, the focused widget's and the app's), so the palette offers exactly
what the footer offers, in the app's language: "hồ sơ: in giấy tiếp nhận".
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from desk.text import fold


class DeskCommands(Provider):
    def _commands(self) -> list[tuple[str, str, object]]:
        """(command text, key, callback) of every binding with a ``cmd.<id>`` entry."""
        app = self.app
        t = app.t
        seen: set[str] = set()
        commands = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.id or f"cmd.{binding.id}" not in t or binding.id in seen or not active.enabled:
                continue
            seen.add(binding.id)
            callback = partial(app.run_action, binding.action, active.node)
            commands.append((t(f"cmd.{binding.id}"), app.get_key_display(binding), callback))
        return commands

    async def discover(self) -> Hits:
        for text, key, callback in self._commands():
            yield DiscoveryHit(text, callback, help=key)

    async def search(self, query: str) -> Hits:
        # accents are optional, as in every search of the desk: "in giay" finds "in giấy"
        matcher = self.matcher(fold(query))
        for text, key, callback in self._commands():
            score = matcher.match(fold(text))
            if score > 0:
                yield Hit(score, text, callback, text=text, help=key)
