"""The settings screen (F7, palette "cài đặt"): what a clerk changes without IT, written to desk.toml."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input

from desk.config import load_settings
from screens.app import DeskApp
from screens.dialogs.basic import ConfirmDialog
from screens.settings import SettingsScreen, parse_days
from screens.sync import SyncScreen
from tests.tui_helpers import SIZE, pilot_test, settle, until, visible_text


@pytest.fixture
def app(desk):
    return DeskApp(desk.home.root, "vi")


async def open_settings(pilot) -> SettingsScreen:
    await pilot.press("f7")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


def test_days_are_read_as_a_clerk_writes_them():
    assert parse_days("02/01/2026, 30/04/2026; 2026-09-02") == (date(2026, 1, 2), date(2026, 4, 30), date(2026, 9, 2))
    assert parse_days("") == ()
    assert parse_days("31/02/2026") is None


@pilot_test
async def test_handover_printer_days_and_hub_are_written_to_desk_toml_keeping_comments(app, desk):
    config = desk.home.config
    config.write_text("# the commune's desk, set up by IT\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        assert app.focused is screen.field("clerk")
        screen.field("clerk").value = ""
        await pilot.press(*"Lê Thu Hà")
        screen.field("printer").value = "HP-LaserJet"
        screen.paper_select.value = "a5"
        screen.field("copies").value = "3"
        screen.field("days_off").value = "02/01/2026, 30/04/2026"
        screen.field("days_worked").value = "25/04/2026"
        screen.field("export_dir").value = "/media/usb"
        screen.field("endpoint").value = "https://hub.example.vn"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Đã lưu" in visible_text(app)
        assert "Lê Thu Hà" in app.sub_title  # the header names the clerk now on duty
        assert app.desk.clerk == "Lê Thu Hà"  # and new events record her
    saved = load_settings(desk.home)
    assert saved.clerk == "Lê Thu Hà"
    assert (saved.printer, saved.paper, saved.copies) == ("HP-LaserJet", "a5", 3)
    assert saved.extra_days_off == (date(2026, 1, 2), date(2026, 4, 30))
    assert saved.extra_working_days == (date(2026, 4, 25),)
    assert (saved.export_dir, saved.sync_endpoint) == ("/media/usb", "https://hub.example.vn")
    assert config.read_text(encoding="utf-8").startswith("# the commune's desk, set up by IT\n")


@pilot_test
async def test_a_wrong_value_is_shown_under_its_field_and_nothing_is_written(app, desk):
    before = desk.home.config.read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        screen.field("days_off").value = "30/02/2026"
        screen.field("endpoint").value = "hub.example.vn"
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = visible_text(app)
        assert "ngày/tháng/năm" in text
        assert "https://" in text
        assert "Chưa lưu" in text
        assert app.focused is screen.field("days_off")
    assert desk.home.config.read_bytes() == before


@pilot_test
async def test_the_palette_opens_the_settings(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"cai dat")
        assert await until(pilot, lambda: "cài đặt: người trực" in visible_text(app))
        await pilot.press("enter")
        assert await until(pilot, lambda: isinstance(app.screen, SettingsScreen))


@pilot_test
async def test_esc_with_unsaved_changes_asks_first(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await pilot.press(*"x")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and screen.field("clerk").value.endswith("x")
        await pilot.press("escape", "y")
        await pilot.pause()
        assert app.current_mode == "today"
    assert load_settings(desk.home).clerk == desk.settings.clerk


@pilot_test
async def test_the_export_folder_is_kept_across_runs_and_a_language_switch(app, desk, out):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        screen.field("export_dir").value = str(out)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        assert app.screen.folder_input.value == str(out)
        await pilot.press("ctrl+l")
        for box in pilot.app.screen.query(Input):  # a blinking cursor is on or off by the clock: hold it on
            box.cursor_blink = False
        await settle(pilot)
        assert app.screen.folder_input.value == str(out)
    again = DeskApp(desk.home.root, "vi")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        assert again.screen.folder_input.value == str(out)


@pilot_test
async def test_a_folder_typed_on_the_sync_screen_is_kept_after_an_export(app, desk, out):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        screen.folder_input.value = str(out)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app.screen.folder_input.value == str(out)
    assert load_settings(desk.home).export_dir == str(out)


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["120x36", "80x24"])
def test_settings_screen_snapshot(snap_compare, desk, size):
    async def open_it(pilot):
        await pilot.press("f7")
        # the screen mounted, its fields filled and focused, nothing left to run (not a fixed pause: under load
        # the first frame can come before the fields are filled)
        await settle(
            pilot, lambda: isinstance(pilot.app.screen, SettingsScreen) and pilot.app.screen.focused is not None
        )
        for box in pilot.app.screen.query(Input):  # a blinking cursor is on or off by the clock: hold it on
            box.cursor_blink = False
        await settle(pilot)

    assert snap_compare(DeskApp(desk.home.root, "vi"), terminal_size=size, run_before=open_it)
