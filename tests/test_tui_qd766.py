"""The TUI's part of issue 18: the VNeID channel at intake, and the QĐ 766 table on the reports screen (V)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Select

from desk.dossier import query as dossiers
from desk.dossier.intake import IntakeRequest, applicant_from_scan, receive
from desk.dossier.lifecycle import record_result
from desk.models import Channel
from screens.app import DeskApp
from screens.dialogs.previews import ReceiptPreview
from screens.reports import ReportsScreen
from tests.test_tui import open_intake
from tests.tui_helpers import SCAN, SIZE, pilot_test, scan_into, settle, visible_text


@pytest.fixture
def app(desk):
    return DeskApp(desk.home.root, "vi")


@pilot_test
async def test_intake_through_vneid(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        await scan_into(pilot, screen.form.scan_input, SCAN)
        channel = screen.query_one("#channel", Select)
        assert channel.value == Channel.COUNTER and "Kênh tiếp nhận" in visible_text(app)
        channel.value = Channel.VNEID
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
        await pilot.press("escape")
        await pilot.pause()
        assert screen.query_one("#channel", Select).value == Channel.COUNTER  # the next citizen: the counter
    [d] = dossiers.search(desk, "001099012345")
    assert dossiers.get(desk, d.code).channel is Channel.VNEID


@pilot_test
async def test_reports_screen_shows_the_766_table(app, desk):
    d, _ = receive(desk, IntakeRequest("2.000884", applicant_from_scan(SCAN)))
    record_result(desk, d.code)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert "cách tính tại quầy" in visible_text(app)
        await pilot.press("v")
        await settle(pilot)
        text = visible_text(app)
        assert screen.view == "766" and "Cổng DVC quốc gia" in text
        table = screen.query_one("#report-766", DataTable)
        assert table.row_count == 9
        on_time = table.get_row("2.1")
        assert str(on_time[2]) == "100,00 %" and str(on_time[3]) == "> 96 %" and str(on_time[4]) == "Đạt"
        digitised = table.get_row("4.2")
        assert str(digitised[2]) == "0,00 %" and str(digitised[4]) == "Chưa đạt"
        await pilot.press("v")
        await settle(pilot)
        assert screen.view == "desk" and not screen.query_one("#report-766").display
