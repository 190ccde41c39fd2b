"""The TUI's search and dossier view at a hub, on either store (issue 17: every hub operation, search
included, runs on SQLite and on PostgreSQL).

At a hub on its home's SQLite the desks' dossiers are in the home; on PostgreSQL they are in its store,
and the TUI finds them there too: F3 lists them, Enter opens one with its timeline, read only (it is the
other desk's to move), and a citizen's receipt QR scanned at the hub opens it.
"""

from __future__ import annotations

from desk.config import read_agency_key
from desk.context import open_desk
from desk.dossier.query import get
from desk.rules.receipt_qr import build_payload
from screens.app import DeskApp
from screens.dialogs.basic import ErrorDialog
from screens.dossier import DOSSIER_ACTIONS, DossierScreen
from screens.search import SearchScreen
from tests.conftest import run_desk
from tests.test_hub_store import export, intake, make_desk, make_hub
from tests.tui_helpers import SIZE, pilot_test, scan_into, settle, visible_text


def desk_dossier(home, name: str):
    d = open_desk(home)
    try:
        code = d.db.execute("SELECT code FROM dossiers WHERE applicant_name = ?", (name,)).fetchone()[0]
        return get(d, code)
    finally:
        d.close()


@pilot_test
async def test_the_hub_finds_and_shows_any_desks_dossier_read_only(tmp_path, now, hub_store):
    hub = make_hub(tmp_path / "hub", hub_store)
    desk = make_desk(tmp_path / "a", 1, hub)
    intake(desk, 2, "Nguyễn Văn Đức")
    assert run_desk("import", str(export(desk, tmp_path / "bundle")), home=hub.root).returncode == 0
    first = desk_dossier(desk, "Nguyễn Văn Đức 0")
    on_pg = bool(hub_store)

    app = DeskApp(hub.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", *"nguyen van duc", "enter")
        await settle(pilot)
        search = app.screen
        assert isinstance(search, SearchScreen)
        assert sorted(d.applicant.name for d in search.results.dossiers) == ["Nguyễn Văn Đức 0", "Nguyễn Văn Đức 1"]
        assert "Nguyễn Văn Đức 1" in visible_text(app)

        search.results.focus()
        row = [d.code for d in search.results.dossiers].index(first.code)
        search.results.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen) and app.screen.code == first.code
        text = visible_text(app)
        assert first.code in text and "Nguyễn Văn Đức 0" in text
        assert "Tiếp nhận" in text or "tiếp nhận" in text  # the timeline's intake event
        if on_pg:
            assert "Quầy         số 1, lưu tại hub (chỉ xem)" in text
            assert app.screen.held is not None and app.screen.allowed == []
            footer = text.splitlines()[-1]
            assert not any(words in footer for words in ("Chuyển", "Số hoá", "In giấy tiếp nhận")), footer
            assert not any(app.screen.check_action(a.method, ()) for a in DOSSIER_ACTIONS)  # nothing to act on
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is search

        # the citizen's receipt QR scanned into the hub's search opens the same dossier
        await scan_into(pilot, search.box, build_payload(first, read_agency_key(desk)))
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen) and app.screen.code == first.code


@pilot_test
async def test_at_a_postgresql_hub_search_pages_through_the_store(tmp_path, now, pg_url, monkeypatch):
    import screens.widgets.dossier_table as tables

    monkeypatch.setattr(tables, "PAGE_SIZE", 2)
    hub = make_hub(tmp_path / "hub", pg_url)
    desk = make_desk(tmp_path / "a", 1, hub)
    intake(desk, 5, "Trần Thị Lan")
    assert run_desk("import", str(export(desk, tmp_path / "bundle")), home=hub.root).returncode == 0

    app = DeskApp(hub.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", *"tran thi lan", "enter")
        await settle(pilot)
        table = app.screen.results
        pages = [[d.applicant.name for d in table.dossiers]]
        table.focus()
        for _ in range(10):  # PageDown moves to the page's last row, then to the next page
            if not table.has_next and table.cursor_row == table.row_count - 1:
                break
            await pilot.press("pagedown")
            await settle(pilot)
            if [d.applicant.name for d in table.dossiers] != pages[-1]:
                pages.append([d.applicant.name for d in table.dossiers])
        assert [len(p) for p in pages] == [2, 2, 1]
        assert sorted(sum(pages, [])) == [f"Trần Thị Lan {i}" for i in range(5)]  # each once
        assert "Trang 3" in visible_text(app)


UNREACHABLE = "postgresql://hub@/nodb?host=/nonexistent-desk-pg"
"""A hub database no server answers for."""


async def said_then_back_to(pilot, screen_type) -> None:
    """An error dialog names the database out of reach; Escape goes back to a ``screen_type``, the app running."""
    app = pilot.app
    await settle(pilot, lambda: isinstance(app.screen, ErrorDialog))
    assert isinstance(app.screen, ErrorDialog)
    assert "nonexistent-desk-pg" in visible_text(app)  # the problem's words name the database
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(app.screen, screen_type) and app.return_code is None


@pilot_test
async def test_a_hub_whose_postgresql_is_out_of_reach_says_so_and_goes_on(tmp_path, now):
    hub = make_hub(tmp_path / "hub", UNREACHABLE)
    app = DeskApp(hub.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", *"nguyen van duc", "enter")
        await said_then_back_to(pilot, SearchScreen)
