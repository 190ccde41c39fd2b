"""Problems, not prose (issue #11, point 5): a sync failure shown by the Vietnamese TUI (F5) is in
Vietnamese: the error dialog, the outcome line and the recorded "last export" / "last push" lines carry
no English sentence (the core gives problems; the TUI's catalogue words them)."""

from __future__ import annotations

import errno
import json
import re
from datetime import date

import pytest

from desk.cli.wording import describe
from desk.dossier.intake import IntakeRequest, applicant_from_scan, receive
from desk.errors import IntegrityFailure
from desk.rules.problems import Problem
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from desk.sync.ingest import Cancelled, cancelled
from desk.sync.status import sync_status
from screens.app import DeskApp
from screens.dialogs.basic import ErrorDialog
from screens.i18n.catalogue import Strings
from screens.sync import SyncScreen
from tests.test_bundle import events_of, forged_hash, intake, jsonl, members, rewrite
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
    from tests.desk_helpers import know_each_other

    hub_home = Home(tmp_path / "hub")
    init_home(hub_home, agency_code="000.00.12.H29", agency_name="UBND xã Minh Khai", desk_no=0, clerk="Hub")
    hub_desk = open_desk(hub_home)
    import_catalog(hub_desk, sample_catalog_path())
    know_each_other(desk, [hub_desk])  # enrolled at the hub, its key pinned
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


# --- an import refused (the records check, a fork of the hub's chain): the same problem, in both languages


def _refusal(make_desk, out, tmp_path, *, fork: bool) -> IntegrityFailure:
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    for i in range(1 if fork else 3):
        intake(a, f"Người {i}")
    if fork:  # the hub already has the desk's events; the bundle's first one is another
        import_bundle(hub, export_bundle(a, out).path)
        src = export_bundle(a, tmp_path, day=date(2026, 11, 23)).path
    else:
        src = export_bundle(a, out).path
    records = events_of(src)
    records[0 if fork else 1]["clerk"] = "Kẻ giả mạo"
    if fork:
        records[0]["hash"] = forged_hash(records[0])  # a well-made event, but not the one the hub has
    manifest = json.loads(members(src)["manifest.json"])
    manifest["last_hash"] = records[-1]["hash"]
    path = rewrite(
        src,
        tmp_path / "t.deskbundle",
        change={"events.jsonl": jsonl(records), "manifest.json": json.dumps(manifest).encode()},
        fix_manifest=True,
    )
    with pytest.raises(IntegrityFailure) as info:
        import_bundle(hub, path)
    return info.value


@pytest.mark.parametrize(
    ("fork", "code", "english", "vietnamese"),
    [
        (
            False,
            "records.altered",
            "event #2 (seq 2): altered (its hash does not match its content). Nothing was imported.",
            "sự kiện thứ 2 (số thứ tự 2): đã bị sửa (mã băm không khớp nội dung). Không nhập gì.",
        ),
        (
            True,
            "records.differs",
            "seq 1 differs from the event this home already has for that desk. Nothing was imported.",
            "số thứ tự 1 khác với sự kiện đã có ở đây cho quầy đó. Không nhập gì.",
        ),
    ],
    ids=["altered", "fork"],
)
def test_an_import_refusal_names_each_finding_in_the_clerks_language(
    make_desk, out, tmp_path, fork, code, english, vietnamese
):
    refusal = _refusal(make_desk, out, tmp_path, fork=fork)
    (finding,) = refusal.problem.params["findings"]
    assert code in (finding.code, finding.params.get("finding", finding).code)
    assert describe(refusal.problem).endswith(english)
    vi = Strings("vi").problem(refusal.problem)
    assert vi.endswith(vietnamese), vi
    assert english_in(vi, "t.deskbundle", "events.jsonl", "a-1") == [], vi


def test_an_export_stopped_by_the_clerk_is_recorded_as_a_problem_not_in_the_language_of_that_moment(desk, dossier, out):
    def stop(done, total):
        raise cancelled()  # what the sync screen's Esc raises

    with pytest.raises(Cancelled):
        export_bundle(desk, out, progress=stop)
    recorded = Problem.from_json(sync_status(desk).last_export["error"])
    assert recorded.code == "sync.cancelled"
    # worded when shown: in the language the TUI has then
    assert Strings("vi").problem(recorded) == "Cán bộ đã dừng."
    assert Strings("en").problem(recorded) == "Stopped by the clerk."
