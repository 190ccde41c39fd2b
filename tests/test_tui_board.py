"""The hub's board of desks in the TUI (issue 17, point 3): B on the sync screen of a hub (in the footer
and the cheat sheet), the desks shown, PageDown / PageUp turning pages through the database."""

from __future__ import annotations

import screens.board
from desk.sync.outbox import outbox_of
from desk.sync.store import hub_store
from screens.app import DeskApp
from screens.board import BoardScreen
from screens.dialogs.cheatsheet import CheatSheet
from screens.sync import SyncScreen
from tests.test_board import hub_and_desks  # noqa: F401 (the fixture)
from tests.test_hub_store import make_hub
from tests.test_tui_hub_search import UNREACHABLE, said_then_back_to
from tests.test_tui_strings import test_every_binding_has_an_id_a_label_and_a_command as check_bindings
from tests.tui_helpers import SIZE, pilot_test, settle, visible_text


def rows(app) -> list[str]:
    table = app.screen.table
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def test_the_board_keys_have_ids_labels_and_commands():
    check_bindings(BoardScreen)
    check_bindings(SyncScreen)


@pilot_test
async def test_the_board_shows_the_desks_and_pages(hub_and_desks, monkeypatch):  # noqa: F811
    hub, d1 = hub_and_desks[0], hub_and_desks[1]
    # a record of desk 1 the national portal refused (forwarding set it aside): the board says so, and why
    store = hub_store(hub)
    oq = outbox_of(store.q)
    with store.writing() as db:
        oq.enqueue(db, d1.desk_id, ["000.00.12.H29-261120-1001"], "2026-11-20T10:00:00")
        assert oq.claim(db, "w", 1.0, 300.0, 10)
        assert oq.set_aside(
            db, "000.00.12.H29-261120-1001", "w", "rejected", "-5", "Thiếu mã lĩnh vực", "2026-11-20T10:01:00"
        )
    monkeypatch.setattr(screens.board.BoardScreen, "page_size", 2)
    app = DeskApp(hub.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert "Bảng các quầy" in visible_text(app).splitlines()[-1]  # the footer
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, CheatSheet)
        assert "Bảng các quầy" in visible_text(app)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert rows(app) == ["1 · 000.00.12.H29", "2 · 000.00.12.H29"]
        text = visible_text(app)
        assert "Trang 1 · quầy 1–2 trên 3" in text
        assert "Có chỗ hở" in text and "Liền" in text and "+7 phút" in text
        assert "Cổng trả" in text  # the column
        assert "Cổng DVC quốc gia từ chối 000.00.12.H29-261120-1001 (-5): Thiếu mã lĩnh vực" in text

        await pilot.press("pagedown")
        await settle(pilot)
        assert rows(app) == ["3 · 000.00.12.H29"]
        assert "Chưa có" in visible_text(app) and "Trang 2 · quầy 3–3 trên 3" in visible_text(app)
        await pilot.press("pagedown")  # the last page: nothing further
        await settle(pilot)
        assert rows(app) == ["3 · 000.00.12.H29"]

        await pilot.press("pageup")
        await settle(pilot)
        assert rows(app) == ["1 · 000.00.12.H29", "2 · 000.00.12.H29"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)


@pilot_test
async def test_a_desk_that_is_no_hub_has_no_board_key(desk):
    app = DeskApp(desk.home.root, "en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert "Desk board" not in visible_text(app)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)


@pilot_test
async def test_a_board_whose_postgresql_is_out_of_reach_says_so_and_goes_on(tmp_path, now):
    hub = make_hub(tmp_path / "hub", UNREACHABLE)
    app = DeskApp(hub.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        await pilot.press("b")
        await said_then_back_to(pilot, BoardScreen)
        assert rows(app) == [] and "Chưa đọc được danh sách quầy từ cơ sở dữ liệu · F5: thử lại" in visible_text(app)
        await pilot.press("f5")  # still out of reach: said again, the app goes on
        await said_then_back_to(pilot, BoardScreen)
