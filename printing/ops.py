"""Drawing operations: what a laid-out page holds, in top-down coordinates, before any PDF exists.

The layout engine fills pages with these; :mod:`printing.pdf` draws them; the
layout tests read them back as boxes (nothing outside the page, no two pieces
of text on top of each other).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from printing.qr import Matrix


class TextOp(NamedTuple):
    """One line of text: runs of (text, font name) from x, baseline y (from the page top)."""

    x: float
    y: float
    size: float
    runs: tuple[tuple[str, str], ...]
    width: float
    top: float
    bottom: float

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)


class LineOp(NamedTuple):
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5


class QrOp(NamedTuple):
    """A QR code; (x, y) is its top-left corner, ``size`` its side without the quiet zone."""

    x: float
    y: float
    size: float
    matrix: Matrix


class DrawingOp(NamedTuple):
    """A reportlab.graphics ``Drawing`` (a chart); (x, y) is its top-left corner."""

    x: float
    y: float
    width: float
    height: float
    drawing: object


Op = TextOp | LineOp | QrOp | DrawingOp


@dataclass
class Page:
    width: float
    height: float
    ops: list[Op] = field(default_factory=list)


class Box(NamedTuple):
    """A drawn box in PDF-independent top-down coordinates, for layout checks."""

    page: int
    kind: str  # "text", "line", "qr" or "drawing"
    x0: float
    y0: float
    x1: float
    y1: float
    text: str = ""

    def overlaps(self, other: Box, tolerance: float = 0.01) -> bool:
        return (
            self.page == other.page
            and self.x0 < other.x1 - tolerance
            and other.x0 < self.x1 - tolerance
            and self.y0 < other.y1 - tolerance
            and other.y0 < self.y1 - tolerance
        )


@dataclass
class Rendered:
    """A laid-out document: its pages of operations and its PDF."""

    pages: list[Page]
    pdf: bytes

    def boxes(self) -> list[Box]:
        out: list[Box] = []
        for n, page in enumerate(self.pages):
            for op in page.ops:
                if isinstance(op, TextOp):
                    out.append(Box(n, "text", op.x, op.top, op.x + op.width, op.bottom, op.text))
                elif isinstance(op, LineOp):
                    out.append(
                        Box(n, "line", min(op.x1, op.x2), min(op.y1, op.y2), max(op.x1, op.x2), max(op.y1, op.y2))
                    )
                elif isinstance(op, DrawingOp):
                    out.append(Box(n, "drawing", op.x, op.y, op.x + op.width, op.y + op.height))
                else:
                    out.append(Box(n, "qr", op.x, op.y, op.x + op.size, op.y + op.size))
        return out
