"""CSV cells that a spreadsheet shows and never runs (OWASP, "CSV Injection").

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to Excel and LibreOffice: a name typed as
``=HYPERLINK("http://…")`` would run on the supervisor's PC when the register
is opened. Such a cell gets a leading single quote, as OWASP advises; the rest
of its text is kept as typed. A phone number written ``+84…`` gets the quote
too (as a formula it would lose its "+" and be shown as a number). Numbers the
desk itself writes (counts, rates, a negative figure) are not text and stay
numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet evaluates: text starting like a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through :func:`safe_cell` (the register of a day's bundle has 20,000 rows: the
    common cell, text that starts with none of them, costs one look at its first character)."""
    row = list(values)
    for i, v in enumerate(row):
        if v.__class__ is str and v[:1] in _FORMULA_FIRST:
            row[i] = "'" + v
        elif v.__class__ is not str and isinstance(v, str):  # a subclass of str
            row[i] = safe_cell(v)
    return row
