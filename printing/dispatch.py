"""Sending a PDF to a printer: CUPS ``lp`` where it exists, the default handler on Windows.

Never raises for a missing or failing printer: the outcome says what happened
and where the PDF is, so the clerk can print it by hand or retry.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LP_TIMEOUT = 20.0  # seconds; a hung CUPS daemon must not freeze the desk

_MESSAGES = {
    "sent": ("Đã gửi {copies} bản tới {where}{job}.", "Sent {copies} copies to {where}{job}."),
    "no_file": ("Không có tệp để in: {path}.", "No such file to print: {path}."),
    "no_printer": (
        "Không tìm thấy máy in (máy này không có lệnh in lp). Tệp PDF: {path}",
        "No printer found (no lp command). The PDF is at {path}",
    ),
    "no_default": (
        "Không tìm thấy máy in: máy tính chưa có máy in mặc định (chọn máy in trong Cài đặt). Tệp PDF: {path}",
        "No printer found: this computer has no default printer (choose one in the settings). The PDF is at {path}",
    ),
    "unknown_printer": (
        "Không tìm thấy máy in “{printer}” (xem lại tên máy in trong Cài đặt). Tệp PDF: {path}",
        "No printer named '{printer}' (check the printer's name in the settings). The PDF is at {path}",
    ),
    "timeout": (
        "Máy in không phản hồi sau {timeout:.0f} giây. Tệp PDF: {path}",
        "The printer did not answer within {timeout:.0f} s. The PDF is at {path}",
    ),
    # the spooler's own words are English: kept in ``detail`` (and the print event) for IT, never shown in Vietnamese
    "failed": ("Máy in báo lỗi, chưa in được. Tệp PDF: {path}", "Printing failed: {detail}. The PDF is at {path}"),
}

NOT_PRINTED = frozenset({"no_printer", "no_default", "unknown_printer", "timeout", "failed"})
"""The reasons a PDF that exists was not printed (``no_file``: there was no PDF)."""

# how CUPS's lp says that there is no printer to send to (its words are English whatever the locale of the desk)
_LP_NO_DEFAULT = "no default destination"
_LP_UNKNOWN_PRINTER = "does not exist"


def _lp_failure(detail: str) -> str:
    """The reason of a failed ``lp``: no default printer, no printer of that name, or another failure."""
    words = detail.casefold()
    if _LP_NO_DEFAULT in words:
        return "no_default"
    if _LP_UNKNOWN_PRINTER in words:
        return "unknown_printer"
    return "failed"


@dataclass(frozen=True)
class PrintOutcome:
    """What happened to one print request."""

    ok: bool
    reason: str
    """"sent", "no_file", "no_printer" (no way to print), "no_default" (no default printer), "unknown_printer"
    (no printer of that name), "timeout" or "failed"."""
    path: Path
    method: str
    """"lp", "windows", or "none" when no way to print was found."""
    printer: str = ""
    copies: int = 1
    job: str = ""
    """The spooler's job id when it gave one (lp: "request id is …")."""
    detail: str = ""
    """The spooler's own words on failure."""

    def describe(self, lang: str = "vi") -> str:
        """One sentence for the clerk, in Vietnamese or English."""
        vi, en = _MESSAGES[self.reason]
        if self.printer:
            where = f"máy in {self.printer}" if lang != "en" else f"printer {self.printer}"
        else:
            where = "máy in mặc định" if lang != "en" else "the default printer"
        return (en if lang == "en" else vi).format(
            printer=self.printer,
            copies=self.copies,
            where=where,
            job=f" ({self.job})" if self.job else "",
            path=self.path,
            timeout=LP_TIMEOUT,
            detail=self.detail,
        )

    @property
    def message(self) -> str:
        return self.describe("vi")


def _lp_command(lp: str, path: Path, printer: str, copies: int) -> list[str]:
    cmd = [lp]
    if printer:
        cmd += ["-d", printer]
    if copies > 1:
        cmd += ["-n", str(copies)]
    cmd += ["-t", path.stem, "--", str(path)]
    return cmd


def send_to_printer(pdf_path: str | os.PathLike, *, printer: str = "", copies: int = 1) -> PrintOutcome:
    """Print the PDF ``copies`` times on ``printer`` (or the system default); never raises."""
    path = Path(pdf_path)
    copies = max(1, int(copies))
    printer = printer.strip()

    def outcome(ok: bool, reason: str, method: str, **kw) -> PrintOutcome:
        return PrintOutcome(ok, reason, path, method, printer, copies, **kw)

    if not path.is_file():
        return outcome(False, "no_file", "none")
    lp = shutil.which("lp")
    if lp:
        try:
            done = subprocess.run(
                _lp_command(lp, path, printer, copies),
                capture_output=True,
                text=True,
                timeout=LP_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return outcome(False, "timeout", "lp")
        except OSError as exc:
            return outcome(False, "failed", "lp", detail=str(exc))
        out, err = (done.stdout or "").strip(), (done.stderr or "").strip()
        if done.returncode != 0:
            detail = err or out or f"lp exited with status {done.returncode}"
            return outcome(False, _lp_failure(detail), "lp", detail=detail)
        job = out.split("request id is", 1)[1].split()[0] if "request id is" in out else ""
        return outcome(True, "sent", "lp", job=job)
    if sys.platform == "win32" and hasattr(os, "startfile"):
        # the default PDF handler prints on the default printer; it cannot be pointed at another one
        try:
            for _ in range(copies):
                os.startfile(str(path), "print")  # type: ignore[attr-defined]
        except OSError as exc:
            return outcome(False, "failed", "windows", detail=str(exc))
        return PrintOutcome(True, "sent", path, "windows", "", copies)
    return outcome(False, "no_printer", "none")
