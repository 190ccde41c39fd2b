"""The intake screen's traps (issue 16, point 4): warnings before saving, an empty form after a save."""

from __future__ import annotations

import pytest

from desk.dossier.intake import IntakeRequest, applicant_from_scan, receive
from screens.app import DeskApp
from screens.dialogs.previews import ReceiptPreview
from screens.intake import IntakeScreen
from tests.tui_helpers import SCAN, SIZE, pilot_test, scan_into, settle, visible_text


@pytest.fixture
def app(desk):
    return DeskApp(desk.home.root, "vi")


async def open_intake(pilot, procedure_keys=("1", "1", "9", "3")) -> IntakeScreen:
    await pilot.press("f2", *procedure_keys, "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


def id_message(screen) -> str:
    return str(screen.query_one("#applicant-id_number-problem").render())


@pilot_test
async def test_the_same_id_and_procedure_open_today_is_said_under_the_id_before_saving(app, desk):
    first, _ = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        assert "Ngày 23/11/2026 là ngày nghỉ" not in visible_text(app)  # a Monday
        await scan_into(pilot, screen.form.scan_input, SCAN)
        await pilot.pause()
        assert first.code in id_message(screen) and "chưa kết thúc" in id_message(screen)
        # typed by hand, before the procedure is picked: said once it is
        screen.reset()
        await pilot.pause()
        screen.form.field("id_number").focus()
        await pilot.press(*"001099012345")
        await pilot.pause()
        assert first.code not in id_message(screen)
        screen.picker.filter_input.focus()
        await pilot.press(*"1193", "enter")
        await pilot.pause()
        assert first.code in id_message(screen)
        # another procedure: nothing open of it
        screen.reset()
        await pilot.press(*"0815", "enter")
        await pilot.pause()
        screen.form.field("id_number").focus()
        await pilot.press(*"001099012345")
        await pilot.pause()
        assert first.code not in id_message(screen)


@pilot_test
async def test_an_intake_on_a_sunday_is_said_before_and_after_saving(app, desk, now):
    now("2026-11-22T09:00")  # a Sunday: an extended opening
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        assert "Ngày 22/11/2026 là ngày nghỉ theo lịch của quầy" in visible_text(app)
        await scan_into(pilot, screen.form.scan_input, SCAN)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
        assert isinstance(app.screen, ReceiptPreview)  # not blocked
        assert any("22/11/2026 là ngày nghỉ" in str(n.message) for n in app._notifications)
