"""Bracketed paste that survives escape sequences inside the pasted text.

Text copied from a coloured terminal or a web page can carry escape
sequences ("\\x1b[31m"). Textual's input parser ends a bracketed paste at the
first ESC inside it: the text before it arrives last, as the paste, and the
sequence and the rest arrive first as typed keys ("^[31m…"), so the field
stores a remnant and the pasted words out of order. The parser below removes
escape sequences from the pasted text before Textual's parser sees it, so the
paste arrives whole, in order and clean. Textual offers no public hook for
this: :func:`install` swaps the parser class its drivers use (once, at start).
"""

from __future__ import annotations

import importlib

from textual._xterm_parser import XTermParser

from desk.text import strip_escapes

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


class CleanPasteParser(XTermParser):
    """Textual's parser, fed the input with escape sequences removed from inside bracketed pastes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._in_paste = False
        self._held = ""
        """The end of a read inside a paste from its last ESC: a sequence (or the paste's end) cut in two."""

    def feed(self, data: str):
        return super().feed(self.clean(data))

    def clean(self, data: str) -> str:
        """``data`` with the pasted parts cleaned; keys typed outside a paste are passed on untouched."""
        data, self._held = self._held + data, ""
        out: list[str] = []
        i = 0
        while i < len(data):
            if not self._in_paste:
                start = data.find(PASTE_START, i)
                if start < 0:
                    out.append(data[i:])
                    break
                out.append(data[i : start + len(PASTE_START)])
                i = start + len(PASTE_START)
                self._in_paste = True
                continue
            end = data.find(PASTE_END, i)
            if end < 0:
                chunk = data[i:]
                cut = chunk.rfind("\x1b")
                if cut >= 0:
                    chunk, self._held = chunk[:cut], chunk[cut:]
                out.append(strip_escapes(chunk))
                break
            out.append(strip_escapes(data[i:end]) + PASTE_END)
            i = end + len(PASTE_END)
            self._in_paste = False
        return "".join(out)


def install() -> None:
    """Make Textual's terminal drivers parse input with :class:`CleanPasteParser`."""
    for name in ("textual.drivers.linux_driver", "textual.drivers.linux_inline_driver", "textual.drivers.win32"):
        try:
            module = importlib.import_module(name)
        except (ImportError, AttributeError, OSError):  # win32 imports only on Windows
            continue
        if getattr(module, "XTermParser", None) is XTermParser:
            module.XTermParser = CleanPasteParser  # type: ignore[attr-defined]
