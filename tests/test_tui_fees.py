"""The pages and copies of a per-page fee at intake, in the TUI (issue 16, point 5)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from desk.dossier import query as dossiers
from screens.app import DeskApp
from screens.dialogs.previews import ReceiptPreview
from screens.intake import IntakeScreen
from tests.tui_helpers import SIZE, pilot_test, settle, visible_text


@pytest.fixture
def app(desk):
    return DeskApp(desk.home.root, "vi")


@pilot_test
async def test_pages_and_copies_only_for_a_tariff_and_the_amount_due(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2", *"1193", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert "Số trang/bản" not in visible_text(app)  # a birth registration has no fee to count

        screen.picker.filter_input.value = ""
        screen.picker.filter_input.focus()
        await pilot.pause()
        await pilot.press(*"0815", "enter")
        await pilot.pause()
        assert screen.procedure is not None and screen.procedure.code == "2.000815"
        assert "Số trang/bản" in visible_text(app) and "Số bản" in visible_text(app)
        screen.query_one("#fee-pages", Input).value = "0"
        await pilot.pause()
        assert "Số trang 0 không hợp lệ" in visible_text(app)  # zero pages refused as typed
        screen.query_one("#fee-pages", Input).value = "12"
        screen.query_one("#fee-copies", Input).value = "2"
        await pilot.pause()
        assert "Số tiền phải nộp: 28.000 đ" in visible_text(app)

        screen.form.field("name").value = "Lê Thị Hoa"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
        await pilot.press("escape")
        await pilot.pause()
        assert screen.query_one("#fee-pages", Input).value == ""  # the next citizen starts empty

    [d] = dossiers.search(desk, "Lê Thị Hoa")
    d = dossiers.get(desk, d.code)
    assert d.fee_due is not None and (d.fee_due.amount, d.fee_due.pages, d.fee_due.copies) == (28000, 12, 2)
