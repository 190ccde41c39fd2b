"""Traps a hurried clerk falls into (issue 16, point 4), each driven by keys as a clerk would."""

from __future__ import annotations

import pytest

from desk.dossier.intake import ApplicantInput, IntakeRequest, applicant_from_scan, receive
from screens.app import DeskApp
from screens.search import SearchScreen
from tests.tui_helpers import SCAN, SIZE, pilot_test, settle, until, visible_text


@pytest.fixture
def app(desk):
    return DeskApp(desk.home.root, "vi")


def receive_two(desk):
    an, _ = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    duc, _ = receive(
        desk,
        IntakeRequest("2.000815", ApplicantInput(name="Nguyễn Văn Đức", phone="0987654321")),
    )
    return an, duc


# --- F3: the previous query is selected, typing replaces it -------------------------------------


@pilot_test
async def test_f3_again_selects_the_previous_query_and_typing_replaces_it(app, desk):
    an, duc = receive_two(desk)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", *"nguyen van duc", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert [d.code for d in screen.results.dossiers] == [duc.code]
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        assert app.focused is screen.box
        assert screen.box.selected_text == "nguyen van duc"
        await pilot.press(*"nguyen van an", "enter")
        await pilot.pause()
        assert screen.box.value == "nguyen van an"
        assert [d.code for d in screen.results.dossiers] == [an.code]
        # from the results too (Enter moved the focus there)
        await pilot.press("f4", "f3", *"987654", "enter")
        await pilot.pause()
        assert screen.box.value == "987654"
