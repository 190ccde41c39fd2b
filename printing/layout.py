"""The layout engine: paragraphs that wrap, side-by-side blocks, ruled tables that flow over pages.

Documents are laid out first, into a list of pages of drawing operations
(:mod:`printing.ops`) in top-down coordinates; only then are they drawn as a PDF
(:mod:`printing.pdf`). That gives a roll (80 mm) page exactly as long as its
content, page numbers known before drawing, and a record of every box drawn,
which the layout tests check (nothing outside the page, no two pieces of text on
top of each other).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from printing.fonts import FontSet
from printing.items import NBSP, Align, Col, Graphic, Item, P, QrItem, Run, Space, Style
from printing.ops import DrawingOp, LineOp, Page, QrOp, TextOp
from printing.paper import Paper
from printing.wording import nfc

LEADING = 1.3  # line height as a multiple of the font size
ROLL_MAX = 14000.0  # a roll page longer than this (about 4.9 m; PDF viewers stop at 5 m) continues on another

_TOKEN_RE = re.compile(r"\n|[^\S\n\u00a0]+|(?:[^\s]|\u00a0)+")
_BREAK_AFTER = "-./,;:_@"
_WIDTHS: dict[tuple[str, str], float] = {}
_WRAPS: dict[tuple, list] = {}  # lines are never changed once made


class Line(NamedTuple):
    segments: tuple[tuple[str, str], ...]
    width: float


class Layout:
    """Lays content out on pages of one paper, flowing to new pages as needed."""

    def __init__(self, paper: Paper, fonts: FontSet, *, size: float | None = None) -> None:
        # reportlab loads with the first layout, not when printing is imported
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self._string_width = stringWidth
        self.paper = paper
        self.fonts = fonts
        self.size = size or paper.size
        self.pages: list[Page] = []
        self.left = paper.left
        self.right = paper.width - paper.right
        self.width = self.right - self.left
        self.top = paper.top
        self.bottom = (ROLL_MAX if paper.height is None else paper.height) - paper.bottom
        self.on_new_page: Callable[[Layout], None] | None = None  # called with the layout after a page break
        self.y = self.top
        self.new_page()

    # ------------------------------------------------------------ pages

    def new_page(self) -> None:
        if self.pages and self.paper.roll:
            self.pages[-1].height = self.y + self.paper.bottom
        self.page = Page(self.paper.width, self.paper.height or 0.0)
        self.pages.append(self.page)
        self.y = self.top
        if len(self.pages) > 1 and self.on_new_page is not None:
            self.on_new_page(self)

    def room(self) -> float:
        return self.bottom - self.y

    def ensure(self, height: float) -> bool:
        """Start a new page unless ``height`` fits below the cursor (or the page is empty)."""
        if height > self.room() + 0.01 and self.y > self.top + 0.01:
            self.new_page()
            return True
        return False

    def finish(self) -> list[Page]:
        """The pages; a roll page gets its length from its content."""
        if self.paper.roll:
            self.page.height = self.y + self.paper.bottom
        return self.pages

    # ------------------------------------------------------------ text measure

    def font(self, style: Style) -> str:
        return self.fonts.name(bold=style == "b", italic=style == "i")

    def text_width(self, text: str, style: Style = "", size: float | None = None) -> float:
        return self._sw(text, self.font(style), size or self.size)

    def _sw(self, text: str, font: str, size: float) -> float:
        # words repeat on every form: measure each once per font, at size 1
        key = (text, font)
        w = _WIDTHS.get(key)
        if w is None:
            if len(_WIDTHS) > 20000:
                _WIDTHS.clear()
            w = _WIDTHS[key] = self._string_width(text, font, 1.0)
        return w * size

    def leading(self, size: float) -> float:
        return max(LEADING, self.fonts.ascent + self.fonts.descent + 0.02) * size

    def item_size(self, p: P) -> float:
        return p.size or self.size * p.scale

    def wrap(self, runs: Sequence[Run], width: float, size: float) -> list[Line]:
        """Greedy word wrap of styled runs; a word wider than the line is broken.

        Memoised: the copies of a receipt, and every form's fixed wording, wrap the same text.
        """
        key = (tuple(runs), round(width, 2), size, self.fonts)
        lines = _WRAPS.get(key)
        if lines is None:
            if len(_WRAPS) > 4000:
                _WRAPS.clear()
            lines = _WRAPS[key] = self._wrap(runs, width, size)
        return lines

    def _wrap(self, runs: Sequence[Run], width: float, size: float) -> list[Line]:
        sw = self._sw
        lines: list[Line] = []
        segs: list[list] = []  # [text, font] pieces of the current line
        cur = 0.0
        pending_space: tuple[str, str, float] | None = None

        def flush() -> None:
            nonlocal segs, cur, pending_space
            lines.append(Line(tuple((t, f) for t, f in segs), cur))
            segs, cur, pending_space = [], 0.0, None

        def put(text: str, font: str, w: float) -> None:
            nonlocal cur
            text = text.replace(NBSP, " ")
            if segs and segs[-1][1] == font:
                segs[-1][0] += text
            else:
                segs.append([text, font])
            cur += w

        for text, style in runs:
            font = self.font(style)
            for tok in _TOKEN_RE.findall(text):
                if tok == "\n":
                    flush()
                    continue
                if tok.isspace():
                    if segs:  # spaces are kept inside a line, dropped at its ends
                        pending_space = (tok, font, sw(tok, font, size))
                    continue
                w = sw(tok, font, size)
                space_w = pending_space[2] if pending_space else 0.0
                if segs and cur + space_w + w > width:
                    flush()
                    space_w = 0.0
                if pending_space and segs:
                    put(pending_space[0], pending_space[1], space_w)
                pending_space = None
                while w > width:  # a word longer than the whole line
                    head, tok = _split_word(tok, font, size, width - cur if segs else width, sw)
                    if not head:
                        flush()
                        head, tok = _split_word(tok, font, size, width, sw)
                    put(head, font, sw(head, font, size))
                    flush()
                    w = sw(tok, font, size)
                if tok:
                    put(tok, font, w)
        if segs or not lines:
            flush()
        return lines

    # ------------------------------------------------------------ drawing

    def _text(self, x: float, top: float, size: float, line: Line) -> None:
        if not line.segments:
            return
        asc, desc = self.fonts.ascent * size, self.fonts.descent * size
        self.page.ops.append(TextOp(x, top + asc, size, tuple(line.segments), line.width, top, top + asc + desc))

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.5) -> None:
        self.page.ops.append(LineOp(x1, y1, x2, y2, width))

    def _line_x(self, x: float, width: float, line: Line, align: Align) -> float:
        if align == "center":
            return x + (width - line.width) / 2
        if align == "right":
            return x + width - line.width
        return x

    def _p_lines(self, p: P, width: float) -> list[Line]:
        width -= p.indent
        size = self.item_size(p)
        lines = self.wrap(p.runs, width, size)
        if p.align == "center" and len(lines) > 1:
            lines = self._balanced(p.runs, width, size, lines)
        return lines

    def _balanced(self, runs: Sequence[Run], width: float, size: float, lines: list[Line]) -> list[Line]:
        """The same number of lines at the narrowest width: no lone word on a centred last line."""
        n = len(lines)
        lo, hi = max(ln.width for ln in lines) / n, width
        best = lines
        for _ in range(8):
            mid = (lo + hi) / 2
            trial = self.wrap(runs, mid, size)
            if len(trial) <= n and max(ln.width for ln in trial) <= mid + 0.01:
                best, hi = trial, mid
            else:
                lo = mid
        return best

    def measure(self, items: Sequence[Item], width: float) -> float:
        """Height of a stack of items in a column of ``width``."""
        h = 0.0
        for it in items:
            if isinstance(it, Space):
                h += it.height
            elif isinstance(it, QrItem):
                h += it.size
            elif isinstance(it, Graphic):
                h += it.height
            else:
                size = self.item_size(it)
                h += it.before + len(self._p_lines(it, width)) * self.leading(size) + it.after
                if it.rule:
                    h += 0.5 * size
        return h

    def _draw_stack(self, items: Sequence[Item], x: float, width: float, flow: bool) -> None:
        for it in items:
            if isinstance(it, Space):
                if flow and it.height > self.room():
                    self.ensure(it.height)
                else:
                    self.y += it.height
                continue
            if isinstance(it, QrItem):
                if flow:
                    self.ensure(it.size)
                self.page.ops.append(QrOp(x, self.y, it.size, it.matrix))
                self.y += it.size
                continue
            if isinstance(it, Graphic):
                if flow:
                    self.ensure(it.height)
                self.page.ops.append(DrawingOp(x, self.y, it.width, it.height, it.drawing))
                self.y += it.height
                continue
            size = self.item_size(it)
            lead = self.leading(size)
            lines = self._p_lines(it, width)
            self.y += it.before
            widest = 0.0
            for ln in lines:
                if flow:
                    self.ensure(lead)
                lx = self._line_x(x + it.indent, width - it.indent, ln, it.align)
                self._text(lx, self.y, size, ln)
                widest = max(widest, ln.width)
                self.y += lead
            if it.rule and widest:
                rule_w = widest * it.rule
                rx = self._line_x(x, width, Line((), rule_w), it.align)
                ry = self.y - lead + (self.fonts.ascent + self.fonts.descent) * size + 0.3 * size
                self.line(rx, ry, rx + rule_w, ry, 0.6)
                self.y += 0.5 * size
            self.y += it.after

    def flow(self, *items: Item, x: float = 0.0, width: float | None = None) -> None:
        """Draw items one under another at the cursor, breaking pages between lines."""
        self._draw_stack(items, self.left + x, width or self.width - x, flow=True)

    def columns(self, cols: Sequence[tuple[float, float, Sequence[Item]]], *, gap_after: float = 0.0) -> None:
        """Side-by-side stacks (x offset, width, items), kept together; the cursor ends below the tallest."""
        heights = [self.measure(items, w) for _, w, items in cols]
        tallest = max(heights, default=0.0)
        self.ensure(tallest)
        top = self.y
        page = self.page
        for x, w, items in cols:
            self.page, self.y = page, top
            self._draw_stack(items, self.left + x, w, flow=False)
        self.page, self.y = page, top + tallest + gap_after

    # ------------------------------------------------------------ tables

    def table_pad(self, size: float | None = None) -> float:
        """The padding of table cells at ``size`` (what :meth:`table` uses when not told)."""
        return max(1.5, 0.3 * (size or self.size))

    def column_widths(self, cols: Sequence[Col], *, size: float | None = None, pad: float | None = None) -> list[float]:
        """The widths :meth:`table` gives ``cols`` (e.g. to cut cell text to one line beforehand)."""
        size = size or self.size
        return self._column_widths(cols, size, pad if pad is not None else self.table_pad(size))

    def _column_widths(self, cols: Sequence[Col], size: float, pad: float) -> list[float]:
        # a column is at least as wide as the longest word of its title
        minimums = [
            max((self.text_width(w, "b", size) for w in nfc(c.title).split()), default=0.0) + 2 * pad + 0.5
            for c in cols
        ]
        return _fit_widths([c.weight for c in cols], minimums, self.width)

    def table(
        self,
        cols: Sequence[Col],
        rows: Sequence[Sequence[str]],
        *,
        size: float | None = None,
        pad: float | None = None,
    ) -> None:
        """A ruled table; rows wrap in their cells and flow to the next page under a repeated header."""
        size = size or self.size
        pad = pad if pad is not None else self.table_pad(size)
        lead = self.leading(size)
        widths = self._column_widths(cols, size, pad)
        xs = [self.left]
        for w in widths:
            xs.append(xs[-1] + w)
        header = [self.wrap(((nfc(c.title), "b"),), w - 2 * pad, size) for c, w in zip(cols, widths, strict=True)]
        header_h = max(len(h) for h in header) * lead + 2 * pad

        def draw_rule(y: float) -> None:
            self.line(xs[0], y, xs[-1], y, 0.5)

        def draw_verticals(y0: float, y1: float) -> None:
            for x in xs:
                self.line(x, y0, x, y1, 0.5)

        def draw_header() -> None:
            top = self.y
            draw_rule(top)
            n = max(len(h) for h in header)
            for lines, x, w in zip(header, xs[:-1], widths, strict=True):
                # header cells are centred vertically and horizontally
                y = top + pad + (n - len(lines)) * lead / 2
                for ln in lines:
                    self._text(self._line_x(x + pad, w - 2 * pad, ln, "center"), y, size, ln)
                    y += lead
            self.y = top + header_h
            draw_rule(self.y)
            draw_verticals(top, self.y)

        self.ensure(header_h + lead + 2 * pad)
        draw_header()
        fresh_y = self.y if self.y - header_h <= self.top + 0.01 else None
        capacity = self.bottom - self.top - header_h - 2 * lead  # room on a new page, roughly
        for row in rows:
            cells = [self.wrap(((nfc(v), ""),), w - 2 * pad, size) for v, w in zip(row, widths, strict=True)]
            done = [0] * len(cells)
            while True:
                remaining = max(len(c) - d for c, d in zip(cells, done, strict=True))
                room = self.room()
                if remaining * lead + 2 * pad <= room + 0.01:
                    take = remaining
                elif remaining * lead + 2 * pad <= capacity and self.y != fresh_y:
                    # the row fits on a page of its own: move it rather than split it
                    self.new_page()
                    draw_header()
                    fresh_y = self.y
                    continue
                else:
                    take = min(remaining, int((room - 2 * pad + 0.01) // lead))
                    if take < 1:
                        self.new_page()
                        draw_header()
                        fresh_y = self.y
                        continue
                top = self.y
                for i, (lines, x, w) in enumerate(zip(cells, xs[:-1], widths, strict=True)):
                    y = top + pad
                    for ln in lines[done[i] : done[i] + take]:
                        self._text(self._line_x(x + pad, w - 2 * pad, ln, cols[i].align), y, size, ln)
                        y += lead
                    done[i] = min(len(lines), done[i] + take)
                self.y = top + take * lead + 2 * pad
                draw_rule(self.y)
                draw_verticals(top, self.y)
                if all(d >= len(c) for c, d in zip(cells, done, strict=True)):
                    break
                self.new_page()
                draw_header()
                fresh_y = self.y


def _fit_widths(weights: Sequence[float], minimums: Sequence[float], total: float) -> list[float]:
    """Share ``total`` by weight, but give no column less than its minimum (taken from the others)."""
    fixed: dict[int, float] = {}
    while True:
        free = total - sum(fixed.values())
        weight = sum(w for i, w in enumerate(weights) if i not in fixed)
        widths = [fixed.get(i, free * w / weight if weight else 0.0) for i, w in enumerate(weights)]
        short = [i for i, w in enumerate(widths) if i not in fixed and w < minimums[i]]
        if not short or len(fixed) + len(short) >= len(weights):
            return widths
        for i in short:
            fixed[i] = minimums[i]


def _split_word(word: str, font: str, size: float, room: float, sw) -> tuple[str, str]:
    """Split an over-long word: after a punctuation mark if one fits, else at a character."""
    if room <= 0:
        return "", word
    fit = 0
    for i in range(1, len(word) + 1):
        if sw(word[:i], font, size) > room:
            break
        fit = i
    if fit == 0:
        return "", word
    cut = max((word.rfind(ch, 0, fit) for ch in _BREAK_AFTER), default=-1)
    if cut > 0 and cut + 1 >= fit // 2:
        fit = cut + 1
    return word[:fit], word[fit:]
