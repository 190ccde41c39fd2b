"""Issue 13 point 2 in the TUI: the intake form and the receipt preview say when the appointment is counted
over days the notices have not confirmed."""

from __future__ import annotations

import pytest

from screens.app import DeskApp
from screens.dialogs.previews import ReceiptPreview
from screens.intake import IntakeScreen
from tests.tui_helpers import SCAN, SIZE, pilot_test, scan_into, settle


@pytest.fixture
def app(desk):
    return DeskApp(desk.home.root, "vi")


async def open_intake(pilot, keys) -> IntakeScreen:
    await pilot.press("f2", *keys, "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


@pilot_test
async def test_the_intake_form_and_the_receipt_preview_warn_of_a_pending_day(app, desk):
    # Monday 23/11/2026 09:00, ten working days: the span crosses 24/11 (pending)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot, ("1", "7", "7", "6"))
        assert screen.procedure is not None and screen.procedure.code == "1.001776"
        warning = str(screen.query_one("#due-warning").render())
        assert "24/11/2026" in warning and "chưa quyết định" in warning
        assert screen.query_one("#due-warning").has_class("-shown")
        await scan_into(pilot, screen.form.scan_input, SCAN)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
        preview = app.screen
        assert isinstance(preview, ReceiptPreview)
        texts = [str(w.render()) for w in preview.query(".receipt-warning")]
        assert len([t for t in texts if "24/11/2026" in t]) == 1  # said once (the QR's own warning may stand beside)
        await pilot.press("escape")


@pilot_test
async def test_no_warning_when_every_day_is_official(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot, ("1", "1", "9", "3"))  # same day, Monday 23/11
        assert not screen.query_one("#due-warning").has_class("-shown")
