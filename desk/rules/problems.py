"""Problems: what went wrong, as data (a code, the field, parameters), never as a sentence.

The core raises them inside a :class:`desk.errors.DeskError`; the CLI's English
formatter and the TUI's vi/en catalogue make the words. A code is dotted and
stable (``id_number.century``); parameters are plain values (str, int, date, …).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
import dataclasses
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input or a state, for a formatter to put into words."""

    code: str
    """Stable dotted key, e.g. ``id_number.century``; the formatters' catalogues are keyed by it."""
    field: str | None = None
    """The input field it is about (``id_number``), or None."""
    params: Mapping[str, Any] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    """Values the words need (``{"digit": 8, "year": 2399}``)."""

    def __str__(self) -> str:
        # for logs and tracebacks only; people read the formatters' words
        where = f" [{self.field}]" if self.field else ""
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.code}{where}" + (f" ({args})" if args else "")


def is_code(text: str) -> bool:
    """Whether ``text`` is a problem code rather than prose."""
    return bool(CODE_RE.match(text))
