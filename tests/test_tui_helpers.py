"""The TUI tests' own helpers (tests/tui_helpers.py) read the screen as the screenshot shows it."""

from __future__ import annotations

import pytest

from screens.app import DeskApp
from screens.intake import IntakeScreen
from tests.tui_helpers import SCAN, _visible_text_from_svg, pilot_test, scan_into, visible_text


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
@pilot_test
async def test_visible_text_is_the_text_of_the_screenshot(desk, size):
    """``visible_text`` skips the SVG: on the first screen, a dialog over it and a filled form it gives what the SVG
    export's text said, line for line (the app's title, which the SVG carries, included)."""
    app = DeskApp(desk.home.root, "vi")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        seen = [visible_text(app)]
        assert seen[0] == _visible_text_from_svg(app)
        assert app.title in seen[0] and "Hôm nay, thứ Hai 23/11/2026" in seen[0]
        await pilot.press("question_mark")
        await pilot.pause()
        seen.append(visible_text(app))
        assert seen[-1] == _visible_text_from_svg(app)
        await pilot.press("escape", "f2", "1", "1", "9", "3", "enter")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        await scan_into(pilot, app.screen.form.scan_input, SCAN)
        seen.append(visible_text(app))
        assert seen[-1] == _visible_text_from_svg(app)
        assert "Nguyễn Văn An" in seen[-1]
    assert len(set(seen)) == 3
