"""Traps a hurried clerk falls into (issue 16, point 4), each driven by keys as a clerk would."""

from __future__ import annotations

import pytest

from desk.dossier.intake import ApplicantInput, IntakeRequest, applicant_from_scan, receive
from screens.app import DeskApp
from screens.search import SearchScreen
from tests.tui_helpers import SCAN, SIZE, pilot_test, settle, visible_text


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


# --- the digitisation checklist -------------------------------------------------------------------


def small_pdf(pages: int = 1) -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


async def open_checklist(pilot, code: str):
    from screens.checklist import ChecklistScreen
    from screens.messages import OpenDossier

    pilot.app.post_message(OpenDossier(code))
    await pilot.pause()
    await pilot.press("d")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ChecklistScreen)
    return pilot.app.screen


def line(desk, code: str, component: str):
    from desk.dossier import query as dossiers

    return next(c for c in dossiers.get(desk, code).components if c.code == component)


@pilot_test
async def test_file_by_path_keeps_the_folder_and_types_after_it(app, desk, signer):
    from desk.models import Digitisation
    from screens.dialogs.basic import TextDialog

    an, _ = receive_two(desk)
    (desk.home.inbox / "giay_chung_sinh.pdf").write_bytes(small_pdf())
    async with app.run_test(size=SIZE) as pilot:
        await open_checklist(pilot, an.code)
        await pilot.press("down", "f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        box = dialog.text_input
        assert box.selected_text == "" and box.cursor_position == len(box.value)
        await pilot.press(*"giay_chung_sinh.pdf", "enter")
        await settle(pilot)
    attached = line(desk, an.code, "giay_chung_sinh")
    assert attached.digitisation is Digitisation.DIGITISED


@pilot_test
async def test_next_a_takes_the_next_scan_and_one_scan_on_two_papers_asks(app, desk, signer):
    import os

    from desk.models import Digitisation
    from screens.dialogs.basic import ConfirmDialog

    an, _ = receive_two(desk)
    inbox = desk.home.inbox
    (inbox / "scan_1.pdf").write_bytes(small_pdf(1))
    (inbox / "scan_2.pdf").write_bytes(small_pdf(2))
    os.utime(inbox / "scan_1.pdf", (1_000_000, 1_000_000))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checklist(pilot, an.code)
        await pilot.press("down", "a")
        await settle(pilot)
        assert line(desk, an.code, "giay_chung_sinh").file_pages == 2
        assert (inbox / "done" / "scan_2.pdf").is_file()
        screen.poll_inbox()
        assert screen.newest == inbox / "scan_1.pdf"  # the next A takes the next scan
        await pilot.press("down", "a")
        await settle(pilot)
        assert line(desk, an.code, "giay_to_tuy_than").file_pages == 1

        # the same file again, on a third paper: asked first, No keeps it off
        (inbox / "scan_1.pdf").write_bytes(small_pdf(1))
        screen.poll_inbox()
        await pilot.press("down", "a")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert isinstance(app.screen, ConfirmDialog)
        assert "đã được gắn cho" in visible_text(app)
        await pilot.press("enter")  # No has the focus
        await settle(pilot)
        assert line(desk, an.code, "giay_chung_nhan_ket_hon").digitisation is Digitisation.PENDING
        await pilot.press("a")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert isinstance(app.screen, ConfirmDialog), (app.screen, app.focused, screen.newest, screen.busy)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog), visible_text(app)
        assert line(desk, an.code, "giay_chung_nhan_ket_hon").digitisation is Digitisation.DIGITISED


@pilot_test
async def test_reuse_from_a_dossier_that_does_not_exist_is_refused(app, desk):
    from desk.models import Digitisation
    from screens.dialogs.basic import ErrorDialog
    from screens.dialogs.forms import ReuseDialog

    an, duc = receive_two(desk)
    async with app.run_test(size=SIZE) as pilot:
        await open_checklist(pilot, an.code)
        await pilot.press("down", "r")
        await pilot.pause()
        assert isinstance(app.screen, ReuseDialog)
        await pilot.press("tab")
        app.screen.query_one("#reuse-dossier").value = "000.00.12.H29-261120-1003"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "Không có hồ sơ 000.00.12.H29-261120-1003" in visible_text(app)
        await pilot.press("escape")
        assert line(desk, an.code, "giay_chung_sinh").digitisation is Digitisation.PENDING
        await pilot.press("r", "tab")
        app.screen.query_one("#reuse-dossier").value = duc.code
        await pilot.press("enter")
        await settle(pilot)
    reused = line(desk, an.code, "giay_chung_sinh")
    assert (reused.digitisation, reused.reuse_source) == (Digitisation.REUSED_DOSSIER, duc.code)


# --- search: a phone by any 4+ consecutive digits ------------------------------------------------


@pilot_test
async def test_search_finds_a_phone_by_digits_from_its_middle(app, desk):
    from desk.dossier import query as dossiers

    an, duc = receive_two(desk)  # Đức's phone is 0987654321; An's ID number is 001099012345
    assert [d.code for d in dossiers.search(desk, "7654")] == [duc.code]
    assert [d.code for d in dossiers.search(desk, "654 321")] == [duc.code]
    assert [d.code for d in dossiers.search(desk, "99012")] == [an.code]
    assert dossiers.search(desk, "765") == []  # three digits are too few to mean anything
    assert [d.code for d in dossiers.search(desk, "1002")] == [duc.code]  # a code's number still works
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", *"54321", "enter")
        await pilot.pause()
        assert [d.code for d in app.screen.results.dossiers] == [duc.code]


# --- dialogs -------------------------------------------------------------------------------------


@pilot_test
async def test_the_return_dialog_opens_on_the_satisfaction_question(app, desk):
    from desk.dossier import query as dossiers
    from desk.dossier.lifecycle import record_result
    from desk.models import Status
    from screens.dialogs.forms import ReturnDialog
    from screens.messages import OpenDossier

    an, _ = receive_two(desk)
    record_result(desk, an.code)
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(OpenDossier(an.code))
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReturnDialog)
        assert app.focused is dialog.satisfaction_list
        await pilot.press("down", "enter")  # "Rất hài lòng": two keys
        await settle(pilot)
    d = dossiers.get(desk, an.code)
    assert (d.status, d.collected_by, d.satisfaction) == (Status.RETURNED, "Nguyễn Văn An", "Rất hài lòng")


@pilot_test
async def test_esc_in_a_dialog_with_typed_text_asks_before_discarding_it(app, desk):
    from screens.dialogs.basic import ConfirmDialog, TextDialog
    from screens.dossier import DossierScreen
    from screens.messages import OpenDossier

    an, _ = receive_two(desk)
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(OpenDossier(an.code))
        await pilot.pause()
        await pilot.press("x")  # refuse: the reason first
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        await pilot.press(*"Thiếu giấy", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is dialog and dialog.text_input.value == "Thiếu giấy"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        # nothing typed: Esc closes at once
        await pilot.press("x", "escape")
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)


# --- pasted text with escape sequences --------------------------------------------------------------


def parsed(parser, *reads: str) -> list:
    events = []
    for data in reads:
        events.extend(parser.feed(data))
    return events


def test_textuals_own_parser_breaks_such_a_paste():
    """Why the desk has its own: the remnant and the reordering the clerk saw."""
    from textual import events
    from textual._xterm_parser import XTermParser

    got = parsed(XTermParser(), "\x1b[200~Nguy\x1b[31mễn\x1b[201~")
    keys = "".join(e.character for e in got if isinstance(e, events.Key))
    assert keys.startswith("^[31m")


@pytest.mark.parametrize(
    "reads",
    [
        ("\x1b[200~Nguy\x1b[31mễn Văn\x1b[0m An\x1b[201~",),
        ("\x1b[200~Nguy\x1b[3", "1mễn Văn\x1b[0m An\x1b", "[201~"),  # cut anywhere between reads
        ("\x1b[200~Nguy\x1b]8;;http://x\x07ễn Văn An\x1b[201~",),  # a hyperlink's OSC
    ],
    ids=["one-read", "cut-between-reads", "osc"],
)
def test_a_pasted_name_with_escape_sequences_arrives_whole_clean_and_in_order(reads):
    from textual import events

    from screens.paste import CleanPasteParser

    got = parsed(CleanPasteParser(), *reads)
    assert [type(e) for e in got] == [events.Paste]
    assert got[0].text == "Nguyễn Văn An"


def test_keys_outside_a_paste_are_untouched():
    from textual import events

    from screens.paste import CleanPasteParser

    got = parsed(CleanPasteParser(), "a\x1b[A", "\x1b[200~x\x1b[201~b")
    assert [getattr(e, "key", None) for e in got] == ["a", "up", None, "b"]
    assert isinstance(got[2], events.Paste) and got[2].text == "x"


@pilot_test
async def test_a_paste_into_the_intake_form_is_stored_clean(app, desk):
    from textual import events

    from screens.paste import CleanPasteParser

    [paste] = parsed(CleanPasteParser(), "\x1b[200~\x1b[1;31mTrần Thị Bích\x1b[0m\x1b[201~")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2", "1", "1", "9", "3", "enter")
        await pilot.pause()
        form = app.screen.form
        form.field("name").focus()
        await pilot.pause()
        form.field("name").post_message(events.Paste(paste.text))
        await pilot.pause()
        assert form.field("name").value == "Trần Thị Bích"


# --- the footer and the cheat-sheet --------------------------------------------------------------


def footer_laid_out(app) -> bool:
    """The footer's keys have their size: the layout after a new screen's footer was built has run (before
    it the keys have no width, and every key would look cut)."""
    from textual.widgets._footer import FooterKey

    keys = list(app.screen.query(FooterKey))
    return bool(keys) and all(key.size.width > 0 for key in keys)


def footer_fits(app) -> list[str]:
    """The footer's keys that are cut or covered (by the palette key or the screen's edge)."""
    from textual.widgets._footer import FooterKey

    keys = list(app.screen.query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    limit = palette[0].region.x if palette else app.size.width
    bad = []
    for key in keys:
        if key in palette:
            continue
        text = key.render().plain
        if key.region.right > limit or key.region.width < len(text):
            bad.append(text)
    return bad


@pytest.mark.parametrize("width", [80, 100, 120])
@pilot_test
async def test_the_footer_never_cuts_a_key_and_hidden_keys_stay_reachable(app, desk, width):
    from screens.dialogs.cheatsheet import CheatSheet
    from screens.messages import OpenDossier

    an, _ = receive_two(desk)
    async with app.run_test(size=(width, 24)) as pilot:
        for keys in (("f4",), ("f2",), ("f3",), ("f5",), ("f6",), ("f7",)):
            await pilot.press(*keys)
            await settle(pilot, lambda: footer_laid_out(app))
            assert footer_fits(app) == [], (keys, width)
        await pilot.press("f4")
        app.post_message(OpenDossier(an.code))
        await settle(pilot, lambda: footer_laid_out(app))
        assert footer_fits(app) == [], [(k.region, k.render().plain) for k in app.screen.query("FooterKey")]
        await pilot.press("d")
        await settle(pilot, lambda: footer_laid_out(app))
        assert footer_fits(app) == []
        await pilot.press("escape", "escape")
        await pilot.pause()
        if width == 80:  # the least-used keys left the footer, not the keys themselves
            footer = visible_text(app).splitlines()[-1]
            assert "Cài đặt" not in footer
            await pilot.press("?")
            await pilot.pause()
            assert isinstance(app.screen, CheatSheet)
            assert "F7  Cài đặt" in visible_text(app)
            await pilot.press("escape", "f7")
            await pilot.pause()
            assert app.current_mode == "settings"


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_cheat_sheet_snapshot(snap_compare, desk, size):
    from screens.dialogs.cheatsheet import CheatSheet

    async def open_it(pilot):
        await pilot.press("?")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CheatSheet))  # shown, not one pause
        await settle(pilot)

    assert snap_compare(DeskApp(desk.home.root, "vi"), terminal_size=size, run_before=open_it)


# --- point 7: the timeline says what was printed, the counts what they count ------------------------


@pilot_test
async def test_the_timeline_names_each_printed_document_and_reprints(app, desk):
    from desk.dossier.lifecycle import advance
    from desk.dossier.print_log import record_print
    from screens.messages import OpenDossier

    an, _ = receive_two(desk)
    record_print(desk, an.code, "receipt", 2, "a4", True)
    record_print(desk, an.code, "receipt", 1, "a4", True)
    advance(desk, an.code, "supplement", "", missing=[("giay_chung_sinh", "mờ")])
    record_print(desk, an.code, "supplement", 1, "a4", True)
    record_print(desk, an.code, "refusal", 1, "a4", False, "No default destination")
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(OpenDossier(an.code))
        await settle(pilot)
        text = visible_text(app)
    assert "In giấy tiếp nhận (in lại)" in text
    assert "In Mẫu 02 (yêu cầu bổ sung)" in text
    assert "In Mẫu 03 (từ chối): không in được" in text
    assert "0/1 thành phần cần số hoá đã số hoá" in text
    assert "In giấy tờ" not in text
