"""Problems, not prose (issue #11, point 5): a sync failure shown by the Vietnamese TUI (F5) is in
Vietnamese: the error dialog, the outcome line and the recorded "last export" / "last push" lines carry
no English sentence (the core gives problems; the TUI's catalogue words them)."""

from __future__ import annotations

import errno
import re

import pytest

from desk.dossier.intake import IntakeRequest, applicant_from_scan, receive
from desk.sync.status import sync_status
from screens.app import DeskApp
from screens.dialogs.basic import ErrorDialog
from screens.sync import SyncScreen
from tests.tui_helpers import SCAN, SIZE, pilot_test, settle

ENGLISH = re.compile(
    r"\b(the|is|are|not|must|cannot|can|of|and|or|with|from|before|after|does|exist|was|were|refused|"
    r"folder|bundle|write|token|hub|answered|stopped|nothing|exported|pending|error)\b",
    re.IGNORECASE,
)
"""English words that are not Vietnamese ones too ("in" is to print, "to" big, "no" full)."""

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)


def english_in(text: str, *known: str) -> list[str]:
    """The English words of ``text`` once the paths, addresses and system details it quotes are left out."""
    for each in sorted(known, key=len, reverse=True):
        text = text.replace(each, " ")
    text = re.sub(r"(https?://|/)\S*", " ", text)
    text = re.sub(r"\b[a-z_]+\.[a-z_]+\b", " ", text)  # a setting's name (sync.token), as desk.toml spells it
    return ENGLISH.findall(text)


def shown(app) -> dict[str, str]:
    """What the sync screen and its error dialog (when one is open) say, piece by piece."""
    screen = app.screen
    out = {}
    if isinstance(screen, ErrorDialog):
        out["dialog"] = f"{screen.message}\n{screen.detail}"
        screen = app.screen_stack[-2]
    assert isinstance(screen, SyncScreen)
    for piece in ("sync-outcome", "sync-last-export", "sync-last-push"):
        out[piece] = str(screen.query_one(f"#{piece}").content)
    return out


@pytest.fixture
def dossier(desk):
    d, _ = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    return d


@pilot_test
async def test_an_export_to_a_missing_folder_is_refused_in_vietnamese(desk, dossier, tmp_path):
    missing = str(tmp_path / "usb-not-plugged-in")
    app = DeskApp(desk.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        app.screen.folder_input.value = missing
        await pilot.press("e")
        await settle(pilot)
        words = shown(app)
        assert "dialog" in words, words
        assert missing in words["dialog"] and VIETNAMESE.search(words["dialog"]), words
        for piece, text in words.items():
            assert english_in(text, missing) == [], f"{piece}: {text}"
    assert sync_status(desk).pending_events == 1


@pilot_test
async def test_an_export_onto_a_read_only_stick_is_recorded_and_shown_in_vietnamese(
    desk, dossier, tmp_path, monkeypatch
):
    # the stick's write-protect switch is on: the kernel answers EROFS (root included)
    usb = tmp_path / "usb"
    usb.mkdir()
    real_open = open
    system_says = "Read-only file system"

    def read_only(file, mode="r", *args, **kwargs):
        if str(file).startswith(str(usb)) and any(m in mode for m in "wax+"):
            raise OSError(errno.EROFS, system_says, str(file))
        return real_open(file, mode, *args, **kwargs)

    app = DeskApp(desk.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        app.screen.folder_input.value = str(usb)
        monkeypatch.setattr("builtins.open", read_only)
        await pilot.press("e")
        await settle(pilot)
        monkeypatch.undo()
        words = shown(app)
        assert "dialog" in words, words
        # the recorded outcome of the last export says it failed, and why, in the clerk's language
        assert "KHÔNG thành công" in words["sync-last-export"], words
        assert str(usb) in words["sync-last-export"], words
        for piece, text in words.items():
            # the operating system's own detail is quoted as it is (for IT), inside the Vietnamese sentence
            assert english_in(text, str(usb), system_says) == [], f"{piece}: {text}"
    last = sync_status(desk).last_export
    assert last is not None and last["path"] is None and last["error"]
    assert sync_status(desk).pending_events == 1


@pilot_test
async def test_a_push_the_hub_refuses_is_shown_in_vietnamese(desk, dossier, tmp_path):
    from desk.catalog.formats import sample_catalog_path
    from desk.catalog.store import import_catalog
    from desk.config import Home, init_home, update_settings
    from desk.context import open_desk
    from desk.sync import hub

    hub_home = Home(tmp_path / "hub")
    init_home(hub_home, agency_code="000.00.12.H29", agency_name="UBND xã Minh Khai", desk_no=0, clerk="Hub")
    hub_desk = open_desk(hub_home)
    import_catalog(hub_desk, sample_catalog_path())
    hub.add_token(hub_home)
    server = hub.make_server(hub_desk, port=0, max_body=2_000_000, request_timeout=5.0).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    update_settings(desk.home, sync_endpoint=url, sync_token="not-the-hub-s-token-0123456789abcdef")
    try:
        app = DeskApp(desk.home.root, "vi")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f5")
            await pilot.pause()
            await pilot.press("g")
            await settle(pilot)
            words = shown(app)
            assert "dialog" in words, words
            assert "401" in words["dialog"] and VIETNAMESE.search(words["dialog"]), words
            assert "dừng giữa chừng" in words["sync-last-push"], words
            for piece, text in words.items():
                assert english_in(text) == [], f"{piece}: {text}"
    finally:
        server.shutdown()
        server.server_close()
        hub_desk.close()
    assert sync_status(desk).pending_events == 1
