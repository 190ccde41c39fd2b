"""One figure with its label: today's counts, the sync queue, the reports' totals."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class Counter(Static):
    """One figure with its label (today's counts)."""

    def __init__(self, label: str, *, id: str) -> None:
        super().__init__(id=id, classes="counter")
        self.label = label

    def show(self, value: int, *, alert: bool = False) -> None:
        self.update(Content.assemble((f"{value:,}".replace(",", "."), "bold"), "\n", self.label))
        self.set_class(alert and value > 0, "-alert")
