"""What stops a document from being made, as a problem (code, field, parameters), never a sentence.

``desk.dossier.documents`` turns the problem of any exception a renderer raises
into an invalid input (exit code 3 in the CLI); the CLI and the TUI word it.
"""

from __future__ import annotations

from typing import Any

from desk.rules.problems import Problem


class PrintingError(ValueError):
    """A document cannot be made as asked; ``problem`` says why."""

    def __init__(self, code: str, *, field: str | None = None, **params: Any) -> None:
        self.problem = Problem(code, field, params)
        super().__init__(str(self.problem))


class PrintOptionError(PrintingError):
    """A paper size, copy count or kind of document the documents cannot be made with."""


class FontError(PrintingError):
    """An override font file is missing, unreadable, not a TrueType font or lacks Vietnamese."""
