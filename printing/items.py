"""What documents are made of before layout: paragraphs of styled runs, spaces, QR codes, charts, table columns."""

from __future__ import annotations

from typing import Literal, NamedTuple

from printing.qr import Matrix
from printing.wording import nfc

# a no-break space (U+00A0) glues words: it is drawn as a plain space but never broken
NBSP = "\u00a0"

Style = Literal["", "b", "i"]
Align = Literal["left", "center", "right"]
Run = tuple[str, Style]


class P(NamedTuple):
    """A paragraph: styled runs that wrap within their column."""

    runs: tuple[Run, ...]
    align: Align = "left"
    size: float | None = None
    """Font size; None for the layout's body size."""
    scale: float = 1.0
    """Multiplies the body size when ``size`` is None."""
    before: float = 0.0
    after: float = 0.0
    rule: float = 0.0
    """Draw a short rule under the paragraph, this fraction of its widest line."""
    indent: float = 0.0


def para(*parts: str | Run, align: Align = "left", style: Style = "", **kw) -> P:
    """A paragraph from strings (in ``style``) and (text, style) runs."""
    runs = tuple((nfc(p), style) if isinstance(p, str) else (nfc(p[0]), p[1]) for p in parts)
    return P(runs, align=align, **kw)


def keep_together(text: str) -> str:
    """Text whose words must stay on one line ("8.000 đ/bản")."""
    return text.replace(" ", NBSP)


class Space(NamedTuple):
    height: float


class QrItem(NamedTuple):
    matrix: Matrix
    size: float


class Graphic(NamedTuple):
    """A reportlab.graphics ``Drawing`` in the flow, drawn at ``width`` × ``height`` points."""

    drawing: object
    width: float
    height: float


Item = P | Space | QrItem | Graphic


class Col(NamedTuple):
    """A table column: title, relative width, alignment of its cells."""

    title: str
    weight: float
    align: Align = "left"
