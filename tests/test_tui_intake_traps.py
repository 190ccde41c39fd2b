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
        assert first.code in id_message(screen) and "Tránh nhận trùng" in id_message(screen)
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


@pilot_test
async def test_after_a_save_the_form_is_truly_empty(app, desk):
    from textual.widgets import Input

    from desk.models import ApplicantKind

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot, tuple("0815"))
        assert screen.procedure is not None and screen.procedure.code == "2.000815"
        screen.form.kind_select.value = ApplicantKind.BUSINESS
        await pilot.pause()
        screen.form.field("name").value = "Công ty TNHH Hoa Sen"
        screen.query_one("#fee-pages", Input).value = "12"
        screen.query_one("#fee-copies", Input).value = "2"
        screen.checklist.focus()
        await pilot.press("down")
        await pilot.pause()
        detail = screen.query_one("#component-detail")
        assert str(detail.render()).strip()  # the highlighted paper's description
        shown = str(detail.render())
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
        assert isinstance(app.screen, ReceiptPreview)
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen)
        assert app.screen is screen
        await pilot.pause()
        assert screen.procedure is None and not screen.dirty
        assert str(detail.render()).strip() == "" and shown not in visible_text(app)
        assert screen.query_one("#fee-pages", Input).value == "" and screen.query_one("#fee-copies", Input).value == ""
        assert str(screen.query_one("#fee-due").render()).strip() == ""
        assert screen.form.kind is ApplicantKind.CITIZEN
        assert all(screen.form.field(n).value == "" for n in ("name", "id_number", "phone", "address"))
        assert screen.picker.filter_input.value == ""
        assert not screen.query(".problem.-shown")
        assert "Công ty" not in visible_text(app) and "28.000" not in visible_text(app)
