"""Vietnamese everywhere in the Vietnamese UI (issue 16, point 3): a missing printer in a dialog that fits
80×24 with the PDF's whole path and its keys; the operating system's and older versions' English said in
Vietnamese."""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path

import pytest

from db import queries
from desk.dossier import query as dossiers
from desk.rules.problems import problem
from screens.app import DeskApp
from screens.dialogs.basic import ErrorDialog
from screens.dialogs.previews import ReceiptPreview
from screens.i18n.catalogue import Strings
from screens.intake import IntakeScreen
from tests.tui_helpers import SCAN, pilot_test, scan_into, settle, visible_text

SMALL = (80, 24)


def fake_lp(tmp_path: Path, said: str, status: int) -> str:
    """A PATH whose ``lp`` answers like CUPS (``said`` on stderr, exit ``status``)."""
    bin_dir = tmp_path / f"bin{status}"
    bin_dir.mkdir()
    lp = bin_dir / "lp"
    lp.write_text(f"#!/bin/sh\necho '{said}' >&2\nexit {status}\n")
    lp.chmod(0o755)
    return f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"


def flat(text: str) -> str:
    """The screen's text without line breaks or the dialog's borders: a folded path reads whole again. On a
    line of the dialog, only what is inside its borders: the screen behind shows at the left of it (an
    "N" of "Ngày sinh" before a path folded onto that line)."""
    return "".join(
        (line[line.index("█") : line.rindex("█") + 1] if "█" in line else line).strip("█▌▐ ")
        for line in text.splitlines()
    )


@pytest.mark.skipif(sys.platform == "win32", reason="a shell-script lp")
@pilot_test
async def test_no_default_printer_in_vietnamese_with_the_whole_path_at_80x24(desk, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", fake_lp(tmp_path, "lp: Error - No default destination.", 1))
    app = DeskApp(desk.home.root, "vi")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("f2", "1", "1", "9", "3", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        await scan_into(pilot, screen.form.scan_input, SCAN)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
        preview = app.screen
        await pilot.press("enter")
        await settle(pilot, lambda: "Tệp PDF" in visible_text(app))
        text = visible_text(app)
        [pdf] = sorted(desk.home.printed.glob("*.pdf"))
        assert "Không tìm thấy máy in: máy tính chưa có máy in mặc định" in text
        assert str(pdf) in flat(text), "the PDF's path is shown whole"
        assert "lp:" not in text and "destination" not in text  # lp's English stays out
        # its keys: the hint in the dialog and the footer's, none cut
        assert "Enter: in lại · Esc: bỏ qua" in text
        assert "⏎ In" in text.splitlines()[-1] and "esc Bỏ qua" in text.splitlines()[-1]
        dialog = preview.query_one(".print-dialog")
        assert dialog.region.bottom <= SMALL[1] - 1 and dialog.region.right <= SMALL[0]
        # a printer now: Enter tries again, and it is printed
        monkeypatch.setenv("PATH", fake_lp(tmp_path, "request id is Quay-1 (1 file(s))", 0))
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is screen)
        assert app.screen is screen
    [d] = dossiers.search(desk, "001099012345")
    events = [e for e in dossiers.timeline(desk, d.code) if e.type.startswith("document.")]
    assert [e.type for e in events] == ["document.print_failed", "document.printed"]
    failed = events[0].payload["print"]
    # the clerk's words in Vietnamese; lp's own words kept for IT in the event
    assert failed["message"].startswith("Không tìm thấy máy in") and "destination" not in failed["message"]
    assert failed["details"]["outcome"] == "no_default"
    assert failed["details"]["spooler"] == "lp: Error - No default destination."


@pilot_test
async def test_an_os_error_is_said_in_vietnamese(desk):
    app = DeskApp(desk.home.root, "vi")
    async with app.run_test(size=SMALL) as pilot:
        app.show_error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/media/usb/goi.deskbundle"))
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        text = visible_text(app)
        assert "ổ đĩa đã đầy: /media/usb/goi.deskbundle" in text
        assert os.strerror(errno.ENOSPC) not in text and "Errno" not in text


def test_the_os_words_inside_a_problem_are_vietnamese():
    strerror = os.strerror(errno.EROFS)
    p = problem("export.write_failed", path="/media/usb", reason=strerror)
    vi = Strings("vi").problem(p)
    assert "ổ đĩa chỉ đọc" in vi and strerror not in vi
    assert strerror in Strings("en").problem(p)  # English stays English
    p = problem("file.unreadable", field="file", name="scan.pdf", detail=os.strerror(errno.EACCES))
    assert "không có quyền truy cập" in Strings("vi").problem(p)


@pilot_test
async def test_an_export_failure_an_older_version_recorded_in_english(desk):
    # an older desk recorded the words, not the problem: no English reaches the Vietnamese sync screen
    words = "the folder /media/usb does not exist (is the USB stick plugged in?)"
    record = {"at": "2026-11-23T08:00:00", "error": words}
    queries.set_meta(desk.db, "sync.last_export", json.dumps(record))
    desk.db.commit()
    app = DeskApp(desk.home.root, "vi")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        text = visible_text(app)
        assert "KHÔNG thành công" in text and "phiên bản cũ" in text
        assert "USB stick" not in text and "does not exist" not in text
    english = DeskApp(desk.home.root, "en")
    async with english.run_test(size=(120, 36)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert "does not exist" in flat(visible_text(english))


@pytest.mark.skipif(sys.platform == "win32", reason="a shell-script lp")
@pilot_test
async def test_the_day_report_without_a_printer_says_where_its_pdf_is_at_80x24(desk, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", fake_lp(tmp_path, "lp: Error - No default destination.", 1))
    app = DeskApp(desk.home.root, "vi")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot, lambda: "Tệp PDF" in visible_text(app))
        text = visible_text(app)
        [pdf] = sorted(desk.home.printed.glob("report_*.pdf"))
        assert "Không tìm thấy máy in" in text and str(pdf) in flat(text)
        assert "destination" not in text and "p In báo cáo" in text.splitlines()[-1]
