"""Fonts for every document: Be Vietnam Pro by default, a TTF of the desk's choice if set.

Registered with reportlab once per (regular, bold) pair and cached; reportlab embeds
TrueType fonts as subsets, so a PDF carries only the glyphs it uses (not the
whole of ASCII besides, as reportlab does by default: that was most of a
receipt's font data and of its time).
"""

from __future__ import annotations

import hashlib
import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from desk.models import PrintSettings
from printing.errors import FontError

FAMILY = "be-vietnam-pro"
# letters a font must have for Vietnamese; checked on override fonts only
VIETNAMESE_SAMPLE = "ĂÂĐÊÔƠƯăâđêôơưàáảãạầấẩẫậằắẳẵặềếểễệìíỉĩịồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"

_lock = threading.Lock()
_registered: dict[str, object] = {}  # font name -> reportlab TTFont registered by this module


class FontSet(NamedTuple):
    """Registered reportlab font names and the vertical metrics the layout needs."""

    regular: str
    bold: str
    italic: str
    ascent: float
    """Ascent above the baseline, as a fraction of the font size."""
    descent: float
    """Descent below the baseline, as a positive fraction of the font size."""

    def name(self, bold: bool = False, italic: bool = False) -> str:
        if bold:
            return self.bold
        return self.italic if italic else self.regular


@lru_cache(maxsize=1)
def _bundled_files() -> dict[tuple[int, str], Path]:
    """Be Vietnam Pro's files by (weight, style), from the font package's own list.

    Read directly rather than through ``fontpkg``'s registry, whose search of every
    installed distribution's entry points costs more than registering the fonts.
    """
    import fontpkg_be_vietnam_pro as package

    meta = json.loads((package.ROOT / "metadata.json").read_text(encoding="utf-8"))
    return {(int(f["weight"]), f["style"]): package.ROOT / f["path"] for f in meta["files"]}


def _bundled(weight: int, style: str = "normal") -> Path:
    return _bundled_files()[(weight, style)]


def _register(path: Path, *, what: str, check_vietnamese: bool) -> tuple[str, float, float]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    setting = f"printing.{what}"
    if not path.is_file():
        raise FontError("print.font_missing", field=setting, path=str(path), setting=what)
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:10]
    name = f"Desk-{path.stem}-{digest}"
    # our own list, not pdfmetrics.getFont: asking reportlab for a font it lacks searches every AFM file it has
    font = _registered.get(name)
    if font is None:
        try:
            # subsets of the glyphs used only: reportlab's default also embeds all of ASCII in every font
            font = TTFont(name, str(path), asciiReadable=0)
        except (TTFError, OSError, ValueError, KeyError, IndexError, AssertionError) as exc:
            raise FontError(
                "print.font_unusable", field=setting, path=str(path), setting=what, detail=str(exc)
            ) from exc
        if check_vietnamese:
            missing = [ch for ch in VIETNAMESE_SAMPLE if ord(ch) not in font.face.charToGlyph]
            if missing:
                raise FontError(
                    "print.font_lacks_vietnamese",
                    field=setting,
                    path=str(path),
                    setting=what,
                    letters="".join(missing[:8]),
                )
        pdfmetrics.registerFont(font)
        _registered[name] = font
    face = font.face  # type: ignore[attr-defined]
    return name, face.ascent / 1000.0, -face.descent / 1000.0


@lru_cache(maxsize=8)
def load_fonts(regular: str = "", bold: str = "") -> FontSet:
    """Register the fonts once and return their names.

    With no override, Be Vietnam Pro regular, bold and italic. With a regular
    override only, that file serves for bold and italic too; with both, the bold
    file serves for bold and the regular one for italic.
    """
    with _lock:
        if regular:
            reg, ascent, descent = _register(Path(regular).expanduser(), what="font_regular", check_vietnamese=True)
            if bold:
                bld, a2, d2 = _register(Path(bold).expanduser(), what="font_bold", check_vietnamese=True)
                ascent, descent = max(ascent, a2), max(descent, d2)
            else:
                bld = reg
            return FontSet(reg, bld, reg, ascent, descent)
        reg, ascent, descent = _register(_bundled(400), what="font_regular", check_vietnamese=False)
        if bold:
            bld, a2, d2 = _register(Path(bold).expanduser(), what="font_bold", check_vietnamese=True)
        else:
            bld, a2, d2 = _register(_bundled(700), what="font_bold", check_vietnamese=False)
        ita, a3, d3 = _register(_bundled(400, "italic"), what="font_regular", check_vietnamese=False)
        return FontSet(reg, bld, ita, max(ascent, a2, a3), max(descent, d2, d3))


def fonts_for(settings: PrintSettings | None) -> FontSet:
    """The fonts a desk prints with (its ``desk.toml`` overrides, else Be Vietnam Pro)."""
    if settings is None:
        return load_fonts()
    return load_fonts(settings.font_regular.strip(), settings.font_bold.strip())
