"""A rate drawn as a bar with its target (the reports screen)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class IndicatorBar(Static):
    """A rate drawn as a bar across the widget, its target marked with ┃.

    The colour comes from the CSS classes the reports screen sets: ``-meets``,
    ``-misses`` (against the target), ``-no-target`` and ``-none`` (no value).
    """

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="indicator-bar")
        self.value: float | None = None
        self.target: float | None = None

    def show(self, value: float | None, target: float | None) -> None:
        self.value = value
        self.target = target
        self.refresh()

    def render(self) -> Text:
        width = max(self.size.width, 1)
        filled = 0 if self.value is None else round(max(0.0, min(1.0, self.value)) * width)
        mark = None if self.target is None else min(width - 1, round(self.target * width))
        text = Text()
        for start, end, cell, style in ((0, filled, "█", ""), (filled, width, "░", "dim")):
            if mark is not None and start <= mark < end:
                # the target's mark: reversed inside the bar, so that it shows on the filled part
                text.append(cell * (mark - start), style)
                text.append("┃", "bold reverse" if cell == "█" else "bold")
                text.append(cell * (end - mark - 1), style)
            else:
                text.append(cell * (end - start), style)
        return text
