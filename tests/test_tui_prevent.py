"""A message one widget silences (Textual's ``prevent``) is silenced for that widget's code only (screens.prevent).

Textual kept the silenced types on one stack shared by every task of the app: while a message posted inside
a ``prevent`` block was being handled (across its awaits), a field's change anywhere else was silenced too,
and the intake never heard it (a scanner's line was never taken: 2 runs of 45 of
``test_a_scan_into_any_applicant_field_fills_them_all`` on a busy machine).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from textual.message import Message
from textual.widgets import Input, Static

from screens.app import DeskApp
from screens.intake import IntakeScreen
from tests.tui_helpers import SCAN, SIZE, Patience, pilot_test, settle


class Slow(Static):
    """A widget whose handler of a message takes a while (awaits), as a handler reading a file does."""

    class Ping(Message):
        pass

    def __init__(self) -> None:
        super().__init__()
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def on_slow_ping(self, message: Ping) -> None:
        self.started.set()
        await self.release.wait()


@contextlib.asynccontextmanager
async def held_in_a_silenced_handler(pilot) -> AsyncIterator[None]:
    """Meanwhile a widget of the screen is busy with a message it posted inside ``prevent(Input.Changed)``;
    let go after (whatever the test found: the app cannot close with a handler still waiting)."""
    slow = Slow()
    await pilot.app.screen.mount(slow)
    with slow.prevent(Input.Changed):
        slow.post_message(Slow.Ping())
    try:
        await meanwhile(slow.started.is_set)
        assert slow.started.is_set()
        yield
    finally:
        slow.release.set()
    await settle(pilot)


async def meanwhile(condition) -> None:
    """Let the app's tasks run until ``condition()`` holds (or patience runs out: the assertion after says what
    is missing). Not Pilot's pause, which waits for every widget to be done with its messages: the busy one
    is not, until the test lets it go."""
    patience = Patience(30.0)
    while not condition() and not patience.exhausted():
        await asyncio.sleep(0.005)


@pilot_test
async def test_fields_changed_meanwhile_are_heard(desk):
    app = DeskApp(desk.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        async with held_in_a_silenced_handler(pilot):
            screen.form.field("phone").value = "09"  # too short: said under the field
            await meanwhile(lambda: "phone" in screen.touched)
            assert "phone" in screen.touched
            assert str(screen.query_one("#applicant-phone-problem", Static).content)

            screen.form.field("address").value = SCAN  # a scanner without an Enter suffix: taken once typing stops
            await meanwhile(lambda: screen.form.field("name").value != "")
            assert screen.form.field("name").value == "Nguyễn Văn An"


def test_each_task_has_its_own_stack():
    from screens.prevent import STACKS

    async def block(types: set, inside: asyncio.Event, out: asyncio.Event) -> set:
        STACKS.append(types)
        inside.set()
        await out.wait()
        return STACKS.pop()

    async def scenario():
        inside, out = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(block({Input.Changed}, inside, out))
        await inside.wait()
        seen_meanwhile = STACKS[-1]
        out.set()
        return seen_meanwhile, await task, STACKS[-1]

    seen_meanwhile, popped, after = asyncio.run(scenario())
    assert seen_meanwhile == set()
    assert popped == {Input.Changed}
    assert after == set()
