"""PDF documents (reportlab), QR drawing, fonts and print dispatch.

Imports only ``desk.models`` and ``desk.rules`` from the rest of the project; the
settings come as a ``desk.models.PrintSettings``, and what stops a document is a
``desk.rules.problems.Problem`` inside a :class:`PrintingError`.

:data:`RENDERER` (``printing.documents``) is the ``desk.dossier.documents.Renderer``
the CLI and the screens pass, :func:`send_to_printer` (``printing.dispatch``) the
sender. Importing the package loads none of its modules: each public name loads
its own on first use, so the first receipt of a fresh process pays for the receipt
alone, and reportlab and qrcode load on the first render.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "RENDERER": "printing.documents",
    "PdfRenderer": "printing.documents",
    "send_to_printer": "printing.dispatch",
    "PrintOutcome": "printing.dispatch",
    "PrintingError": "printing.errors",
    "PrintOptionError": "printing.errors",
    "FontError": "printing.errors",
    "PAPER_NAMES": "printing.paper",
    "Rendered": "printing.ops",
    "build_receipt": "printing.receipt",
    "render_receipt": "printing.receipt",
    "build_supplement": "printing.letters",
    "render_supplement": "printing.letters",
    "build_refusal": "printing.letters",
    "render_refusal": "printing.letters",
    "build_apology": "printing.letters",
    "render_apology": "printing.letters",
    "build_register": "printing.register",
    "render_register": "printing.register",
    "build_day_report": "printing.report",
    "render_day_report": "printing.report",
}

__all__ = [
    "PAPER_NAMES",
    "RENDERER",
    "FontError",
    "PdfRenderer",
    "PrintOptionError",
    "PrintOutcome",
    "PrintingError",
    "Rendered",
    "build_apology",
    "build_day_report",
    "build_receipt",
    "build_refusal",
    "build_register",
    "build_supplement",
    "render_apology",
    "render_day_report",
    "render_receipt",
    "render_refusal",
    "render_register",
    "render_supplement",
    "send_to_printer",
]

if TYPE_CHECKING:
    from printing.dispatch import PrintOutcome, send_to_printer
    from printing.documents import RENDERER, PdfRenderer
    from printing.errors import FontError, PrintingError, PrintOptionError
    from printing.letters import (
        build_apology,
        build_refusal,
        build_supplement,
        render_apology,
        render_refusal,
        render_supplement,
    )
    from printing.ops import Rendered
    from printing.paper import PAPER_NAMES
    from printing.receipt import build_receipt, render_receipt
    from printing.register import build_register, render_register
    from printing.report import build_day_report, render_day_report


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'printing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # found once; a test may still replace it (monkeypatch.setattr)
    return value
