"""PDF documents (reportlab), QR drawing, fonts and print dispatch.

Imports only ``desk.models``, ``desk.config`` (with ``desk.errors``) and
``desk.rules.receipt_qr`` from the rest of the project. reportlab and qrcode load on
the first render, not on import, so importing this package is cheap.
"""

from __future__ import annotations

from printing.dispatch import PrintOutcome, send_to_printer
from printing.documents import (
    build_apology,
    build_receipt,
    build_refusal,
    build_register,
    build_supplement,
    render_apology,
    render_dossier_document,
    render_receipt,
    render_refusal,
    render_register,
    render_supplement,
)
from printing.fonts import FontError
from printing.layout import PAPER_NAMES, PrintOptionError, Rendered
from printing.report import build_day_report, render_day_report

__all__ = [
    "PAPER_NAMES",
    "FontError",
    "PrintOptionError",
    "PrintOutcome",
    "Rendered",
    "build_apology",
    "build_day_report",
    "build_receipt",
    "build_refusal",
    "build_register",
    "build_supplement",
    "render_apology",
    "render_dossier_document",
    "render_day_report",
    "render_receipt",
    "render_refusal",
    "render_register",
    "render_supplement",
    "send_to_printer",
]
