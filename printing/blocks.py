"""Building blocks shared by every form: header, title, labelled lines, signatures, page marks,
and the finishing of a document into its PDF."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from desk.models import Agency, Dossier, PrintSettings, Procedure
from printing.items import Item, P, QrItem, Space, para
from printing.layout import Layout
from printing.ops import Page, Rendered, TextOp
from printing.paper import MM
from printing.pdf import to_pdf
from printing.qr import Matrix, qr_quiet
from printing.wording import BLANK, MOTTO, NATION, nfc

HEADER_SCALE = 0.95
LEFT_MAX = 95 * MM  # widest the agency block gets


def agency_lines(agency: Agency, unit: bool = True) -> list[P]:
    """Left header: the parent body, the agency, and the desk's unit (``agency.unit_name``, bold, ruled)."""
    items: list[P] = []
    unit_name = nfc(agency.unit_name).strip().upper() if unit else ""
    if agency.parent_name.strip():
        items.append(para(nfc(agency.parent_name).upper(), align="center", scale=HEADER_SCALE))
    if unit_name:
        items.append(para(nfc(agency.name).upper(), align="center", scale=HEADER_SCALE))
        items.append(para(unit_name, style="b", align="center", scale=HEADER_SCALE, rule=0.35))
    else:
        items.append(para(nfc(agency.name).upper(), style="b", align="center", scale=HEADER_SCALE, rule=0.35))
    return items


def nation_lines(place_line: str | None) -> list[P]:
    """Right header: the national motto, ruled, then the place and date (italic)."""
    items = [
        para(NATION, style="b", align="center", scale=HEADER_SCALE),
        para(MOTTO, style="b", align="center", scale=HEADER_SCALE, rule=1.0),
    ]
    if place_line:
        items.append(para(place_line, style="i", align="center", scale=HEADER_SCALE, before=2))
    return items


def national_header(
    layout: Layout,
    agency: Agency,
    place_line: str | None,
    *,
    qr: Matrix | None = None,
    unit: bool = True,
) -> None:
    """The header of an administrative document, with an optional QR code in the top-left corner.

    Wide paper: [QR] agency block | national block, side by side. Narrow paper (a
    roll): [QR] agency block, then the national block across the full width.
    """
    left = agency_lines(agency, unit)
    right = nation_lines(place_line)
    w = layout.width
    cols: list[tuple[float, float, Sequence[Item]]] = []
    x = 0.0
    if qr is not None:
        side = layout.paper.qr
        cols.append((0.0, side, [QrItem(qr, side)]))
        x = side + max(qr_quiet(side, qr), 2 * MM)
    gap = 2 * MM
    lead = layout.leading(layout.size)
    if layout.paper.narrow:
        cols.append((x, w - x, left))
        layout.columns(cols, gap_after=max(qr_quiet(layout.paper.qr, qr) if qr else 0.0, 0.4 * lead))
        layout.flow(*right)
    else:
        # the national block takes what its longest line needs; the agency block the rest
        size = layout.size * HEADER_SCALE
        need = max(
            layout.text_width(NATION, "b", size),
            layout.text_width(place_line, "i", size) if place_line else 0.0,
        )
        right_w = min(w * 0.56, need + 4 * MM)
        # on wide (landscape) paper the agency block keeps a letter's width at the left
        left_w = min(w - right_w - x - gap, max(LEFT_MAX, right_w))
        cols.append((x, left_w, left))
        cols.append((w - right_w, right_w, right))
        layout.columns(cols, gap_after=max(qr_quiet(layout.paper.qr, qr) if qr else 0.0, 0.5 * lead))


def title_block(layout: Layout, title: str, *lines: P) -> None:
    """The document's title in bold capitals, centred, with the lines under it."""
    lead = layout.leading(layout.size)
    layout.flow(para(title, style="b", align="center", scale=1.2, before=0.3 * lead), *lines, Space(0.5 * lead))


def labelled(label: str, value: str, *, before: float = 0.0) -> P:
    """ "Label: value", the value in bold (a blank to fill in by hand when empty)."""
    value = nfc(value).strip()
    return para(f"{label}: ", (value or BLANK, "b" if value else ""), before=before)


def _signature_columns(layout: Layout, blocks: Sequence[tuple[str, str, str]]) -> list:
    n = len(blocks)
    slots = max(n, 2)
    w = layout.width / slots
    cols = []
    for i, (title, hint, name) in enumerate(blocks):
        items: list[Item] = [
            para(title, style="b", align="center"),
            para(hint, style="i", align="center", scale=0.9),
            Space(layout.paper.sign_space),
        ]
        if nfc(name).strip():
            items.append(para(name, style="b", align="center"))
        cols.append(((slots - n + i) * w, w, items))
    return cols


def signatures_height(layout: Layout, blocks: Sequence[tuple[str, str, str]], *, before: float | None = None) -> float:
    """How tall :func:`signatures` draws these blocks (to keep them on the page of what precedes them)."""
    lead = layout.leading(layout.size)
    space = before if before is not None else 0.6 * lead
    return space + max((layout.measure(items, w) for _, w, items in _signature_columns(layout, blocks)), default=0.0)


def keep_with_signatures(
    layout: Layout, items: Sequence[Item], blocks: Sequence[tuple[str, str, str]], *, before: float | None = None
) -> None:
    """Flow ``items`` then the signature blocks, so that the blocks never stand alone on a page.

    When the items and the blocks do not fit below the cursor but would fit on a page of their own,
    they start a new page together.
    """
    need = layout.measure(items, layout.width) + signatures_height(layout, blocks, before=before)
    fresh = layout.bottom - layout.top
    if need > layout.room() + 0.01 and need <= fresh:
        layout.new_page()
    layout.flow(*items)
    signatures(layout, blocks, before=before)


def signatures(layout: Layout, blocks: Sequence[tuple[str, str, str]], *, before: float | None = None) -> None:
    """Signature blocks side by side: (title, hint, printed name); kept on one page.

    One block sits in the right half, as on the forms; two or more share the width.
    """
    lead = layout.leading(layout.size)
    layout.flow(Space(before if before is not None else 0.6 * lead))
    layout.columns(_signature_columns(layout, blocks))


def page_marks(layout: Layout, text_for: Callable[[int, int], str], *, always: bool = False) -> None:
    """Write a small mark (e.g. "Trang 1/2") in the bottom margin of each page of the layout.

    Only when the layout spans more than one page, unless ``always``; never on a roll.
    """
    pages = layout.pages
    if layout.paper.roll or (len(pages) < 2 and not always):
        return
    size = layout.size * 0.8
    for i, page in enumerate(pages, 1):
        line = layout.wrap(((text_for(i, len(pages)), "i"),), layout.width, size)[0]
        top = page.height - layout.paper.bottom + 0.25 * layout.paper.bottom
        asc, desc = layout.fonts.ascent * size, layout.fonts.descent * size
        x = layout.left + (layout.width - line.width) / 2
        page.ops.append(TextOp(x, top + asc, size, tuple(line.segments), line.width, top, top + asc + desc))


# ---------------------------------------------------------------- documents


def clerk_name(dossier: Dossier, settings: PrintSettings) -> str:
    """The clerk who received the dossier, else the desk's clerk."""
    return nfc(dossier.clerk or settings.clerk).strip()


def procedure_name(dossier: Dossier, procedure: Procedure | None) -> str:
    """The catalogue's name of the procedure, else the dossier's own copy of it."""
    return nfc(procedure.name if procedure else dossier.procedure_name)


def continued(code: str, mark: str = "") -> Callable[[Layout], None]:
    """Header of a continuation page: which dossier (and copy) this page belongs to."""

    def head(layout: Layout) -> None:
        text = f"Mã hồ sơ: {code}" + (f" {mark}" if mark else "") + " (tiếp theo)"
        layout.flow(para(text, style="i", align="right", scale=0.85, after=0.3 * layout.size))

    return head


def finish(layouts: Iterable[Layout], *, title: str, settings: PrintSettings, subject: str = "") -> Rendered:
    """The pages of the layouts, one after another, and their PDF."""
    pages: list[Page] = []
    for layout in layouts:
        pages += layout.finish()
    return Rendered(pages, to_pdf(pages, title=title, author=settings.agency.name, subject=subject))
