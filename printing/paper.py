"""Paper sizes and how documents sit on them: A4, A5, the 80 mm roll, and A4 landscape for the register."""

from __future__ import annotations

from typing import NamedTuple

from printing.errors import PrintOptionError

MM = 72.0 / 25.4


class Paper(NamedTuple):
    """A paper size and how documents sit on it."""

    name: str
    width: float
    height: float | None
    """None for a roll: the page is as long as its content."""
    top: float
    right: float
    bottom: float
    left: float
    size: float
    """Body text size (points)."""
    qr: float = 0.0
    """Side of the receipt's QR code (points)."""
    sign_space: float = 16 * MM
    """Room left blank for a handwritten signature."""

    @property
    def roll(self) -> bool:
        return self.height is None

    @property
    def narrow(self) -> bool:
        return self.width < 100 * MM


PAPERS: dict[str, Paper] = {
    "a4": Paper("a4", 210 * MM, 297 * MM, 15 * MM, 15 * MM, 15 * MM, 20 * MM, 11, 24 * MM, 20 * MM),
    "a5": Paper("a5", 148 * MM, 210 * MM, 9 * MM, 9 * MM, 9 * MM, 11 * MM, 8.5, 19 * MM, 13 * MM),
    "80mm": Paper("80mm", 80 * MM, None, 4 * MM, 4 * MM, 8 * MM, 4 * MM, 8, 26 * MM, 14 * MM),
}
A4_LANDSCAPE = Paper("a4-landscape", 297 * MM, 210 * MM, 12 * MM, 10 * MM, 12 * MM, 12 * MM, 7.5)
PAPER_NAMES = tuple(PAPERS)


def paper(name: str) -> Paper:
    """The paper called ``name`` (a4, a5 or 80mm; case and a missing "mm" forgiven)."""
    key = name.strip().lower().replace(" ", "")
    key = {"80": "80mm", "roll": "80mm"}.get(key, key)
    try:
        return PAPERS[key]
    except KeyError:
        raise PrintOptionError("print.paper_unknown", field="paper", paper=name, choices=PAPER_NAMES) from None
