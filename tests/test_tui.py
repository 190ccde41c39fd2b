"""The TUI driven by Pilot: real key presses, then assertions on the database.

Long values are set with ``input.value``; a few characters of a scanned line
are pressed to show that a keyboard-wedge scanner's typing works too.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from textual.widgets import DataTable

import printing
from desk.config import read_agency_key
from desk.dossier import query as dossiers
from desk.dossier.intake import ApplicantInput, IntakeRequest, applicant_from_scan, receive
from desk.rules.receipt_qr import build_payload
from screens.app import DeskApp
from screens.dialogs.basic import ConfirmDialog, ErrorDialog
from screens.dialogs.previews import ReceiptPreview
from screens.dossier import DossierScreen
from screens.intake import IntakeScreen
from screens.search import SearchScreen
from screens.today import TodayScreen
from screens.widgets.dossier_table import PAGE_SIZE, DossierTable
from tests.tui_helpers import SCAN, SIZE, pilot_test, scan_into, settle, until, visible_text


@pytest.fixture
def app(desk):
    """The app on a home with the sample catalogue (its own connection, as in real use)."""
    return DeskApp(desk.home.root, "vi")


async def open_intake(pilot, procedure_keys=("1", "1", "9", "3")) -> IntakeScreen:
    await pilot.press("f2", *procedure_keys, "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


# --- intake ------------------------------------------------------------------------------


@pilot_test
async def test_full_intake_with_a_scanned_id_card(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        assert screen.procedure is not None and screen.procedure.code == "1.001193"
        assert app.focused is screen.form.scan_input  # the card comes next
        assert "17:00, thứ Hai 23/11/2026" in str(screen.due_label.render())

        await scan_into(pilot, screen.form.scan_input, SCAN)
        form = screen.form
        assert form.field("name").value == "Nguyễn Văn An"
        assert form.field("id_number").value == "001099012345"
        assert form.field("birth_date").value == "01/01/1999"
        assert form.field("sex").value == "Nam"
        assert form.field("address").value == "Số 1 Phố Huế, Hai Bà Trưng, Hà Nội"
        assert form.scan_input.value == ""
        assert app.focused is screen.checklist  # then the papers

        # the parents' marriage certificate was handed in too (the 4th line, optional)
        await pilot.press("down", "down", "down", "space")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
        assert isinstance(app.screen, ReceiptPreview)
        await pilot.press("escape")  # no printing here
        await pilot.pause()
        assert app.screen is screen and screen.procedure is None  # ready for the next citizen
        assert app.focused is screen.picker.filter_input
        await pilot.pause()
        assert screen.form.field("name").value == ""
        assert not screen.query(".problem.-shown"), "an emptied form shows no messages"

    [d] = dossiers.search(desk, "001099012345")
    assert d.code == "000.00.12.H29-261123-1001"
    assert d.procedure_code == "1.001193"
    assert (d.applicant.name, d.applicant.sex, str(d.applicant.birth_date)) == ("Nguyễn Văn An", "Nam", "1999-01-01")
    received = {c.code: c.received for c in d.components}
    assert received == {
        "to_khai": True,
        "giay_chung_sinh": True,
        "giay_to_tuy_than": True,
        "giay_chung_nhan_ket_hon": True,
        "van_ban_uy_quyen": False,
    }
    assert [e.type for e in dossiers.timeline(desk, d.code)] == ["dossier.received"]


@pilot_test
async def test_a_scan_into_any_applicant_field_fills_them_all(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        # even into the procedure box: the applicant is filled, the box keeps what it had
        await pilot.press("f2", "k", "h", "a", "i")
        screen = app.screen
        await scan_into(pilot, screen.picker.filter_input, SCAN)
        assert screen.form.field("name").value == "Nguyễn Văn An"
        assert screen.picker.filter_input.value == "khai"
        await pilot.pause()
        assert len(screen.picker.shown) == 2  # khai sinh, khai tử
        screen.reset()
        await pilot.press("1", "1", "9", "3", "enter")
        phone = screen.form.field("phone")
        phone.focus()
        await pilot.press("0", "9", "1", "2", "3", "4", "5", "6", "7", "8")
        name = screen.form.field("name")
        name.focus()
        await pilot.pause()
        await scan_into(pilot, name, SCAN)
        assert name.value == "Nguyễn Văn An"
        assert screen.form.field("id_number").value == "001099012345"
        assert phone.value == "0912345678"  # untouched: the card has no phone
        # a scanner without an Enter suffix: the line is taken once the typing stops
        screen.reset()
        address = screen.form.field("address")
        address.focus()
        address.value = SCAN
        await until(pilot, lambda: screen.form.field("name").value != "")  # SCAN_SETTLE after the last keystroke
        assert screen.form.field("name").value == "Nguyễn Văn An"
        assert address.value == "Số 1 Phố Huế, Hai Bà Trưng, Hà Nội"


@pilot_test
async def test_live_validation_messages(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        phone = screen.form.field("phone")
        phone.focus()
        await pilot.press("1", "2", "3")
        await pilot.pause()
        problem = screen.query_one("#applicant-phone-problem")
        assert problem.has_class("-shown") and "Số điện thoại" in str(problem.render())
        assert phone.has_class("-invalid")
        phone.value = "0912 345 678"
        await pilot.pause()
        assert not problem.has_class("-shown") and not phone.has_class("-invalid")
        # untouched fields stay quiet until saving
        assert not screen.query_one("#applicant-name-problem").has_class("-shown")
        screen.form.field("id_number").value = "123456789"
        await pilot.pause()
        warning = screen.query_one("#applicant-id_number-problem")
        assert warning.has_class("-warning") and "CMND 9 số" in str(warning.render())


@pilot_test
async def test_save_refuses_an_incomplete_form_and_writes_nothing(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+s")
        assert screen.query_one("#procedure-problem").has_class("-shown")
        await pilot.press("1", "1", "9", "3", "enter", "ctrl+s")
        await pilot.pause()
        assert screen.query_one("#applicant-name-problem").has_class("-shown")
        assert app.focused is screen.form.field("name")
        assert not isinstance(app.screen, ReceiptPreview)
    assert dossiers.search(desk, "nguyen") == []


@pilot_test
async def test_checklist_keys_quantity_and_form(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot, ("k", "h", "a", "i", " ", "s", "i", "n", "h"))
        assert screen.procedure.code == "1.001193"
        screen.form.field("name").value = "Trần Văn Bình"
        screen.checklist.focus()
        await pilot.press("plus", "plus", "minus", "f")
        line = screen.checklist.lines[0]
        assert (line.quantity, line.form.value, line.received) == (2, "ban_sao", True)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
        await pilot.press("escape")
    [d] = dossiers.search(desk, "tran van binh")
    first = d.components[0]
    assert (first.quantity, first.form.value, first.received) == (2, "ban_sao", True)


@pilot_test
async def test_an_unticked_required_box_offers_the_guidance_not_a_receipt(app, desk, monkeypatch):
    from printing import PrintOutcome

    sent = []

    def fake_printer(path, *, printer="", copies=1):
        sent.append(path)
        return PrintOutcome(True, "sent", path, "lp", copies=copies, job="desk-1")

    monkeypatch.setattr(printing, "send_to_printer", fake_printer)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        screen.form.field("name").value = "Trần Văn Bình"
        screen.checklist.focus()
        await pilot.press("down", "space")  # the birth certificate (required) was not brought
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Giấy chứng sinh" in app.screen.question and "Mẫu 02" in app.screen.question
        await pilot.press("y")
        await settle(pilot, lambda: screen.procedure is None)
        assert not isinstance(app.screen, ReceiptPreview)
    assert dossiers.search(desk, "tran van binh") == [] and len(sent) == 1
    [(kind, code, payload)] = desk.db.execute("SELECT type, dossier_code, payload FROM events").fetchall()
    assert (kind, code) == ("guidance.issued", "")
    assert '"giay_chung_sinh"' in payload and "Trần Văn Bình" in payload


@pilot_test
async def test_escape_leaves_intake_and_keeps_what_was_typed(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        screen.form.field("name").value = "Lê Thị Cúc"
        await pilot.press("escape")
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("f2")
        assert app.screen is screen and screen.form.field("name").value == "Lê Thị Cúc"
        # quitting with a form half done asks first; No keeps the app running
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert app.screen is screen and app.is_running


@pilot_test
async def test_a_failing_save_shows_an_error_dialog(app, desk, monkeypatch):
    import desk.dossier.intake as intake

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(intake, "receive", disk_full)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        await scan_into(pilot, screen.form.scan_input, SCAN)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ErrorDialog))
        assert isinstance(app.screen, ErrorDialog)
        # in Vietnamese: the operating system's English stays out of the Vietnamese UI
        assert "ổ đĩa đã đầy" in visible_text(app) and "No space left" not in visible_text(app)
        await pilot.press("escape")
        assert app.screen is screen and not screen.saving


# --- printing ------------------------------------------------------------------------------


@pilot_test
async def test_print_from_the_preview_records_the_event(app, desk, monkeypatch):
    import printing
    from printing.dispatch import PrintOutcome

    sent = []

    def fake_printer(path, *, printer="", copies=1):
        sent.append(path)
        return (
            PrintOutcome(False, "no_printer", path, "none")
            if len(sent) == 1
            else PrintOutcome(True, "sent", path, "lp", copies=copies, job="desk-1")
        )

    monkeypatch.setattr(printing, "send_to_printer", fake_printer)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        await scan_into(pilot, screen.form.scan_input, SCAN)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
        preview = app.screen
        assert isinstance(preview, ReceiptPreview)
        await pilot.press("enter")
        await settle(pilot, lambda: "Không tìm thấy máy in" in visible_text(app))
        # no printer: the preview stays, says where the PDF is, and Enter tries again
        assert app.screen is preview and "Không tìm thấy máy in" in visible_text(app)
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is screen)
        assert app.screen is screen
    code = preview.dossier.code
    assert sent[0].is_file() and sent[0].read_bytes().startswith(b"%PDF")
    types = [e.type for e in dossiers.timeline(desk, code)]
    assert types == ["dossier.received", "document.print_failed", "document.printed"]


@pilot_test
async def test_reprint_from_the_dossier_view(app, desk, monkeypatch):
    import printing
    from printing.dispatch import PrintOutcome

    monkeypatch.setattr(
        printing, "send_to_printer", lambda path, *, printer="", copies=1: PrintOutcome(True, "sent", path, "lp")
    )
    d, _ = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(__import__("screens.messages", fromlist=["OpenDossier"]).OpenDossier(d.code))
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        await pilot.press("p")
        assert isinstance(app.screen, ReceiptPreview)
        await pilot.press("enter")

        def last_event() -> str:
            timeline = app.screen.query_one("#dossier-timeline", DataTable)
            return timeline.get_row_at(timeline.row_count - 1)[1].plain if timeline.row_count else ""

        await settle(pilot, lambda: isinstance(app.screen, DossierScreen) and last_event() == "In giấy tiếp nhận")
        assert isinstance(app.screen, DossierScreen)
        assert last_event() == "In giấy tiếp nhận"  # the timeline names what was printed
    assert [e.type for e in dossiers.timeline(desk, d.code)][-1] == "document.printed"


# --- search ------------------------------------------------------------------------------


def receive_some(desk):
    an, _ = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    duc, _ = receive(
        desk,
        IntakeRequest(
            "2.000815",
            ApplicantInput(
                name="Nguyễn Văn Đức", id_number="001095001234", birth_date="1995-02-03", phone="0987654321"
            ),
        ),
    )
    return an, duc


@pilot_test
async def test_search_by_folded_name_then_open(app, desk):
    an, duc = receive_some(desk)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", *"nguyen van duc", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert [d.code for d in screen.results.dossiers] == [duc.code]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen) and app.screen.code == duc.code
        assert "Nguyễn Văn Đức" in visible_text(app)
        await pilot.press("escape")
        assert app.screen is screen
        # by phone and by ID number through the same box
        screen.box.focus()
        screen.box.value = "+84987654321"
        await pilot.press("enter")
        assert [d.code for d in screen.results.dossiers] == [duc.code]
        screen.box.focus()
        screen.box.value = "001099012345"
        await pilot.press("enter")
        assert [d.code for d in screen.results.dossiers] == [an.code]


@pilot_test
async def test_scanned_receipt_opens_the_dossier_genuine_altered_or_forged(app, desk):
    an, _ = receive_some(desk)
    key = read_agency_key(desk.home)
    genuine = build_payload(an, key)
    altered = build_payload(replace(an, due_at=an.due_at - timedelta(hours=1)), key)
    forged = re.sub(r"sig=\w+", "sig=AAAAAAAAAAAAAAAA", genuine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        search = app.screen
        for payload, banner, words in (
            (genuine, "-genuine", "HỢP LỆ"),
            (altered, "-altered", "ngày hẹn trả"),
            (forged, "-forged", "KHÔNG HỢP LỆ"),
        ):
            await scan_into(pilot, search.box, payload)
            assert isinstance(app.screen, DossierScreen), payload
            assert app.screen.code == an.code
            assert app.screen.query_one("#dossier-verdict").has_class(banner)
            assert words in visible_text(app)
            await pilot.press("escape")
            assert app.screen is search and search.box.value == ""


@pilot_test
async def test_lists_page_through_the_database(app, desk):
    for i in range(PAGE_SIZE + 5):
        receive(desk, IntakeRequest("2.000884", ApplicantInput(name=f"Người Thứ {i}")))
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one("#today-table", DossierTable)
        assert table.row_count == PAGE_SIZE and table.has_next
        assert "1–50" in table.border_subtitle
        table.move_cursor(row=PAGE_SIZE - 1)
        await pilot.press("down")
        assert table.page == 1 and table.row_count == 5 and not table.has_next
        await pilot.press("up")
        assert table.page == 0 and table.cursor_row == PAGE_SIZE - 1


# --- language, palette ---------------------------------------------------------------------


@pilot_test
async def test_english_with_lang_en_and_switching_at_run_time(desk):
    app = DeskApp(desk.home.root, "en")
    async with app.run_test(size=SIZE) as pilot:
        text = visible_text(app)
        assert "Today, Monday 23/11/2026" in text and "Received today" in text
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.t.language == "vi"
        text = visible_text(app)
        assert "Hôm nay, thứ Hai 23/11/2026" in text and "Đã nhận hôm nay" in text
        await pilot.press("f2")
        assert "Người nộp hồ sơ" in visible_text(app)


@pilot_test
async def test_palette_offers_namespaced_commands_for_the_screen(app, desk):
    d, _ = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    async with app.run_test(size=SIZE) as pilot:
        from screens.messages import OpenDossier

        app.post_message(OpenDossier(d.code))
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"in giay")  # no accents needed
        await until(pilot, lambda: "hồ sơ: in giấy tiếp nhận" in visible_text(app))  # the palette searches in a worker
        assert "hồ sơ: in giấy tiếp nhận" in visible_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptPreview)


@pilot_test
async def test_the_receipt_preview_warns_once_of_a_qr_no_phone_can_open(app, desk):
    # issue 13 point 7: printing.lookup_url is empty, the QR starts with the bare "motcua:"
    seen = []
    async with app.run_test(size=SIZE) as pilot:
        for name in ("Trần Văn Bình", "Lê Thị Cúc"):
            screen = await open_intake(pilot)
            screen.form.field("name").value = name
            await pilot.press("ctrl+s")
            await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
            seen.append([str(w.render()) for w in app.screen.query(".receipt-warning")])
            await pilot.press("escape")
            await settle(pilot, lambda: not isinstance(app.screen, ReceiptPreview))
    assert len(seen[0]) == 1 and "không tra cứu được" in seen[0][0] and seen[1] == []
