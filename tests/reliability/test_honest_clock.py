"""Point 9: honest clocks: an event's time is read once the write lock is held, and a clock behind the
last event is said at the intake itself (CLI and TUI), not only by `desk verify`."""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta

from db import queries
from desk.context import open_desk
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from screens.app import DeskApp
from screens.dialogs.previews import ReceiptPreview
from tests.conftest import run_desk
from tests.desk_helpers import PATIENCE
from tests.tui_helpers import SCAN, SIZE, pilot_test, scan_into, settle, until, visible_text

REQUEST = IntakeRequest(procedure_code="2.000815", applicant=ApplicantInput(name="Nguyễn Văn An"))


class TickingClock:
    """A clock one second later at every reading; says when thread ``watched`` first reads it."""

    def __init__(self) -> None:
        self.ticks = itertools.count()
        self.lock = threading.Lock()
        self.watched: threading.Thread | None = None
        self.watched_read = threading.Event()

    def __call__(self) -> datetime:
        with self.lock:
            value = datetime(2026, 11, 23, 9, 0) + timedelta(seconds=next(self.ticks))
        if threading.current_thread() is self.watched:
            self.watched_read.set()
        return value


def test_two_intakes_racing_for_the_lock_are_stamped_in_the_order_they_are_written(desk, monkeypatch):
    from desk import clock as desk_clock

    ticking = TickingClock()
    monkeypatch.setattr(desk_clock, "now", ticking)
    other = open_desk(desk.home)  # the TUI beside the CLI: a second connection to the same home
    outcome: dict = {}

    def slower_intake() -> None:
        outcome["dossier"], outcome["warnings"] = receive(desk, REQUEST)

    try:
        other.db.conn.execute("BEGIN IMMEDIATE")  # the other intake holds the write lock first
        racer = threading.Thread(target=slower_intake)
        ticking.watched = racer
        racer.start()
        assert ticking.watched_read.wait(PATIENCE), "the racing intake never read the clock"
        receive(other, REQUEST)  # written first, with a later clock reading than the racer's first
        other.db.conn.execute("COMMIT")
        racer.join(PATIENCE)
    finally:
        other.close()
    assert not racer.is_alive()
    assert outcome["warnings"] == []
    assert queries.get_meta(desk.db, "clock_backwards") is None
    times = [r[0] for r in desk.db.execute("SELECT at FROM events ORDER BY seq")]
    assert times == sorted(times) and len(times) == 2
    assert run_desk("verify", home=desk.home.root).stderr == ""


def test_an_intake_with_the_clock_behind_the_last_event_warns_at_once(desk, now):
    receive(desk, REQUEST)  # 09:00
    now("2026-11-23T08:30:00")  # the PC's clock was set back
    r = run_desk("intake", "--procedure", "2.000815", "--name", "Trần Thị Bình", home=desk.home.root)
    assert r.returncode == 0, r.stderr
    assert "before the desk's last event (2026-11-23T09:00:00)" in r.stderr


@pilot_test
async def test_the_tui_says_at_once_that_the_clock_is_behind(desk, now):
    receive(desk, REQUEST)  # 09:00
    now("2026-11-23T08:30:00")
    app = DeskApp(desk.home.root, "vi")
    async with app.run_test(size=SIZE, notifications=True) as pilot:  # toasts shown, as in real use
        await pilot.press("f2", "1", "1", "9", "3", "enter")
        await pilot.pause()
        screen = app.screen
        await scan_into(pilot, screen.form.scan_input, SCAN)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
        await until(pilot, lambda: "Đồng hồ máy đang chỉ" in visible_text(app))
        assert "Đồng hồ máy đang chỉ" in visible_text(app)
