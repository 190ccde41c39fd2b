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
        "Không tìm thấy máy in (không có lệnh lp). Tệp PDF: {path}",
        "No printer found (no lp command). The PDF is at {path}",
    ),
    "timeout": (
        "Máy in không phản hồi sau {timeout:.0f} giây. Tệp PDF: {path}",
        "The printer did not answer within {timeout:.0f} s. The PDF is at {path}",
    ),
    "failed": ("In không thành công: {detail}. Tệp PDF: {path}", "Printing failed: {detail}. The PDF is at {path}"),
}


@dataclass(frozen=True)
class PrintOutcome:
    """What happened to one print request."""

    ok: bool
    reason: str
    """"sent", "no_file", "no_printer", "timeout" or "failed"."""
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
            return outcome(False, "failed", "lp", detail=err or out or f"lp exited with status {done.returncode}")
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
