"""What the screens make Textual do, counted (never timed): a screen that comes back is not restyled whole,
a keystroke in a text box lays out nothing, a move of the focus between boxes with the same keys keeps the footer.

A counter PC is slow: each of these was, on the intake, a pass over every one of its widgets.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
from textual.widget import Widget

from screens.app import DeskApp
from screens.intake import IntakeScreen
from tests.tui_helpers import SIZE, pilot_test


@pytest.fixture
def app(desk):
    return DeskApp(desk.home.root, "vi")


@contextmanager
def counting(owner, name: str):
    """Count the calls of ``owner.name`` meanwhile (the method still runs)."""
    calls: list[object] = []
    method = getattr(owner, name)

    def counted(self, *args, **kwargs):
        calls.append(self)
        return method(self, *args, **kwargs)

    setattr(owner, name, counted)
    try:
        yield calls
    finally:
        setattr(owner, name, method)


@pilot_test
async def test_a_screen_that_comes_back_is_not_restyled_whole(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        nodes = len(list(screen.walk_children(with_self=True)))
        await pilot.press("f4")
        await pilot.pause()
        with counting(Stylesheet, "apply") as styled:
            await pilot.press("f2")
            await pilot.pause()
        assert app.screen is screen
        # focus and footer restyle a few widgets; the whole screen (every node, again) is not
        assert len(styled) < nodes, f"{len(styled)} nodes styled of {nodes}"


@pilot_test
async def test_typing_into_a_field_lays_out_nothing(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        name = app.screen.form.field("name")
        name.focus()
        await pilot.pause()
        with counting(Screen, "_refresh_layout") as layouts:
            await pilot.press(*"Nguyen Van An")
            await pilot.pause()
        assert name.value == "Nguyen Van An"
        assert layouts == [], f"{len(layouts)} layouts of the screen for 13 keys"


@pilot_test
async def test_the_footer_stays_as_the_focus_moves_between_fields_with_the_same_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        form = app.screen.form
        form.field("name").focus()
        await pilot.pause()
        with counting(Widget, "recompose") as rebuilt:
            await pilot.press("tab", "tab")
            await pilot.pause()
        assert app.focused is form.field("birth_date")
        assert rebuilt == [], [type(w).__name__ for w in rebuilt]
