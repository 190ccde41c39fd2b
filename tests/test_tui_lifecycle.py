"""The dossier's later life in the TUI, driven by Pilot: the digitisation checklist, lifecycle moves
with their dialogs, Mẫu 02/03/04 printing, the sync screen (F5) and the reports screen (F6).

Keys are pressed as a clerk would; the assertions read the database.
"""

from __future__ import annotations

import io

import pytest

from desk.dossier import query as dossiers
from desk.dossier.intake import IntakeRequest, applicant_from_scan, receive
from desk.dossier.lifecycle import record_result, return_result, transfer
from desk.models import Digitisation, Status
from desk.sync.status import sync_status
from screens.app import DeskApp
from screens.checklist import ChecklistScreen
from screens.dialogs.basic import ConfirmDialog, TextDialog
from screens.dialogs.forms import ApologyDialog, ReturnDialog, ReuseDialog, SupplementDialog
from screens.dialogs.previews import LetterPreview
from screens.dossier import DossierScreen
from screens.messages import OpenDossier
from screens.reports import ReportsScreen
from screens.sync import SyncScreen
from tests.tui_helpers import SCAN, SIZE, pilot_test, settle, until, visible_text


@pytest.fixture
def app(desk):
    return DeskApp(desk.home.root, "vi")


@pytest.fixture
def dossier(desk):
    """A birth registration received this morning (its birth certificate must be digitised)."""
    d, _ = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    return d


@pytest.fixture
def printed(monkeypatch):
    """A printer that takes everything; the PDFs it was given, in order."""
    import printing
    from printing.dispatch import PrintOutcome

    sent = []

    def fake_printer(path, *, printer="", copies=1):
        sent.append(path)
        return PrintOutcome(True, "sent", path, "lp", copies=copies, job="desk-1")

    monkeypatch.setattr(printing, "send_to_printer", fake_printer)
    return sent


def small_pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


async def open_dossier(pilot, code: str) -> DossierScreen:
    pilot.app.post_message(OpenDossier(code))
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DossierScreen)
    return screen


async def open_checklist(pilot, code: str) -> ChecklistScreen:
    """The dossier ``code`` opened, then its digitisation checklist (D)."""
    await open_dossier(pilot, code)
    await pilot.press("d")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ChecklistScreen)
    return screen


def line(desk, code: str, component: str):
    return next(c for c in dossiers.get(desk, code).components if c.code == component)


# --- the digitisation checklist ------------------------------------------------------------


@pilot_test
async def test_checklist_attach_newest_scan_mark_reused_and_undo(app, desk, dossier, signer):
    (desk.home.inbox / "scan_0001.pdf").write_bytes(small_pdf(2))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checklist(pilot, dossier.code)
        assert "0/1 thành phần cần số hoá đã số hoá" in visible_text(app)
        assert "scan_0001.pdf" in visible_text(app)  # the inbox is watched

        # the birth certificate (second line) gets the newest scan: one key
        await pilot.press("down", "a")
        await settle(pilot)
        attached = line(desk, dossier.code, "giay_chung_sinh")
        assert attached.digitisation is Digitisation.DIGITISED
        assert (attached.file_pages, len(attached.file_sha256)) == (2, 64)
        assert (desk.home.root / "files" / attached.file_path).is_file()
        assert (desk.home.inbox / "done" / "scan_0001.pdf").is_file(), "the scan is filed away, not deleted"
        assert not (desk.home.inbox / "scan_0001.pdf").exists()
        assert "1/1 thành phần cần số hoá đã số hoá" in visible_text(app)
        assert screen.query_one("#digitise-progress").has_class("-complete")

        # the ID card (third line) is reused from VNeID: the dialog lists the data stores
        await pilot.press("down", "r")
        await pilot.pause()
        assert isinstance(app.screen, ReuseDialog)
        await pilot.press("enter")
        await settle(pilot)
        reused = line(desk, dossier.code, "giay_to_tuy_than")
        assert (reused.digitisation, reused.reuse_source) == (Digitisation.REUSED_STORE, "VNeID")

        # undo puts it back; undo on a pending line is not offered
        await pilot.press("u")
        await settle(pilot)
        assert line(desk, dossier.code, "giay_to_tuy_than").digitisation is Digitisation.PENDING
        assert screen.check_action("undo", ()) is None

        # a must-digitise paper marked "not required" needs a note
        await pilot.press("up", "n")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        app.screen.text_input.value = "Đã có bản điện tử trên hệ thống"
        await pilot.press("enter")
        await settle(pilot)
        assert line(desk, dossier.code, "giay_chung_sinh").digitisation is Digitisation.NOT_REQUIRED
        await pilot.press("escape")
        assert isinstance(app.screen, DossierScreen)
    types = [e.type for e in dossiers.timeline(desk, dossier.code)]
    assert types == [
        "dossier.received",
        "component.digitised",
        "component.reused",
        "component.undone",
        "component.not_required",
    ]


@pilot_test
async def test_closing_the_checklist_before_its_footer_is_rebuilt_does_not_stop_the_app(app, desk, dossier):
    # under load, Escape could close the checklist between a change of its keys and the footer's rebuild after
    # the next refresh: the rebuild then asked the checklist whether its keys apply, the checklist looked for its
    # table, already removed, and the app stopped on NoMatches (seen once in a suite run with both cores busy)
    from screens.widgets.footer import DeskFooter

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checklist(pilot, dossier.code)
        footer = screen.query_one(DeskFooter)
        await screen.table.remove()  # what taking the screen down does first, before the footer's turn
        await footer._rebuild()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen) and app.return_code is None


@pilot_test
async def test_a_refused_file_shows_an_error_and_changes_nothing(app, desk, dossier):
    (desk.home.inbox / "notes.txt").write_text("not a scan")
    async with app.run_test(size=SIZE) as pilot:
        await open_dossier(pilot, dossier.code)
        await pilot.press("d", "down", "a")
        await settle(pilot)
        assert "Lỗi" in visible_text(app) and "notes.txt" in visible_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ChecklistScreen) and not app.screen.busy
    assert line(desk, dossier.code, "giay_chung_sinh").digitisation is Digitisation.PENDING


# --- lifecycle moves -----------------------------------------------------------------------


@pilot_test
async def test_transfer_asks_first_with_yes_focused(app, desk, dossier):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dossier(pilot, dossier.code)
        assert "refuse" in screen.allowed and screen.check_action("resume", ()) is False
        await pilot.press("t")
        assert isinstance(app.screen, ConfirmDialog) and app.focused.id == "confirm-yes"
        await pilot.press("n")  # changed their mind: nothing happens
        await settle(pilot)
        assert dossiers.get(desk, dossier.code).status is Status.RECEIVED
        await pilot.press("t", "enter")
        await settle(pilot, lambda: isinstance(app.screen, LetterPreview))
        assert isinstance(app.screen, LetterPreview) and app.screen.kind == "control"  # Mẫu 06 offered
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert "Đang xử lý" in visible_text(app)
        assert screen.check_action("refuse", ()) is False  # no refusal once transferred
    assert dossiers.get(desk, dossier.code).status is Status.TRANSFERRED
    assert [e.type for e in dossiers.timeline(desk, dossier.code)][-1] == "dossier.transferred"


@pilot_test
async def test_refusal_takes_a_reason_and_enter_alone_refuses_nothing(app, desk, dossier, printed):
    async with app.run_test(size=SIZE) as pilot:
        await open_dossier(pilot, dossier.code)
        await pilot.press("x")
        assert isinstance(app.screen, TextDialog)
        await pilot.press("enter")  # no reason: the dialog stays
        assert isinstance(app.screen, TextDialog) and "Cần nhập" in visible_text(app)
        app.screen.text_input.value = "Hồ sơ không thuộc thẩm quyền của xã"
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmDialog) and app.focused.id == "confirm-no"
        await pilot.press("enter")  # the focused answer is No
        await settle(pilot)
        assert dossiers.get(desk, dossier.code).status is Status.RECEIVED
        # again, and yes: Mẫu 03 is offered and printed
        await pilot.press("x")
        app.screen.text_input.value = "Hồ sơ không thuộc thẩm quyền của xã"
        await pilot.press("enter", "y")
        await settle(pilot)
        assert isinstance(app.screen, LetterPreview) and app.screen.kind == "refusal"
        assert "không thuộc thẩm quyền" in visible_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen)
    d = dossiers.get(desk, dossier.code)
    assert d.status is Status.REFUSED
    last = dossiers.timeline(desk, d.code)[-1]
    assert last.type == "document.printed" and last.payload["print"]["kind"] == "refusal"
    assert printed[0].read_bytes().startswith(b"%PDF")


@pilot_test
async def test_supplement_request_then_print_mau_02(app, desk, dossier, printed):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dossier(pilot, dossier.code)
        await pilot.press("b")
        dialog = app.screen
        assert isinstance(dialog, SupplementDialog)
        await pilot.press("ctrl+s")  # nothing ticked, no note: refused by the dialog
        assert app.screen is dialog and "Đánh dấu ít nhất" in visible_text(app)
        await pilot.press("down", "space")  # the birth certificate
        dialog.query_one("#supplement-reason").value = "Bản sao chưa chứng thực"
        dialog.query_one("#supplement-note").value = "Bổ sung trong 05 ngày làm việc"
        await pilot.press("ctrl+s")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, LetterPreview) and preview.kind == "supplement"
        assert "Bản sao chưa chứng thực" in visible_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "Chờ bổ sung" in visible_text(app)
        assert screen.check_action("print_supplement", ()) is True  # Mẫu 02 can be printed again
    d = dossiers.get(desk, dossier.code)
    assert d.status is Status.SUPPLEMENT and d.paused_at is not None
    request, printed_event = dossiers.timeline(desk, d.code)[-2:]
    assert request.type == "dossier.supplement_requested"
    assert request.payload["details"]["missing"][0]["component"] == "giay_chung_sinh"
    assert request.payload["note"] == "Bổ sung trong 05 ngày làm việc"
    assert printed_event.type == "document.printed" and printed_event.payload["print"]["kind"] == "supplement"
    assert len(printed) == 1 and "_supplement_" in printed[0].name


@pilot_test
async def test_returning_a_result_records_who_and_satisfaction(app, desk, dossier):
    record_result(desk, dossier.code)
    async with app.run_test(size=SIZE) as pilot:
        await open_dossier(pilot, dossier.code)
        await pilot.press("g")
        assert isinstance(app.screen, ReturnDialog)
        await pilot.press("tab", *"Me", "enter", "down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen)
    d = dossiers.get(desk, dossier.code)
    assert (d.status, d.collected_by, d.satisfaction) == (Status.RETURNED, "Me", "Hài lòng")


@pilot_test
async def test_an_overdue_dossier_offers_the_apology_letter(app, desk, now, printed):
    d, _ = receive(desk, IntakeRequest("1.004873", applicant_from_scan(SCAN)))
    transfer(desk, d.code)
    now("2026-12-03T10:00:00")  # three working days have long passed
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dossier(pilot, d.code)
        assert "QUÁ HẠN" in visible_text(app)
        await pilot.press("4")
        dialog = app.screen
        assert isinstance(dialog, ApologyDialog)
        dialog.days_input.value = "3"
        await pilot.pause()
        assert "10:00, thứ Ba 08/12/2026" in visible_text(app)
        dialog.reason_input.value = "Cần xác minh thêm"
        await pilot.press("ctrl+s")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, LetterPreview) and preview.kind == "apology"
        assert preview.new_due is not None and preview.new_due.date().isoformat() == "2026-12-08"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
    last = dossiers.timeline(desk, d.code)[-1]
    assert last.type == "document.printed" and last.payload["print"]["kind"] == "apology"


# --- sync (F5) -------------------------------------------------------------------------


@pilot_test
async def test_export_from_the_sync_screen_into_a_folder(app, desk, dossier, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SyncScreen)
        assert screen.folder_input.value == str(desk.home.outbox)  # no export_dir set: the outbox
        assert screen.status.pending_events == 1
        assert screen.check_action("push", ()) is None  # no hub configured
        screen.folder_input.value = str(usb)
        await pilot.press("e")
        await settle(pilot)
        assert "Đã xuất 1 sự kiện, 1 hồ sơ" in visible_text(app)
        assert screen.status.pending_events == 0
        await pilot.press("e")  # again: nothing new
        await settle(pilot)
        assert "Không có gì mới" in visible_text(app)
    bundles = list(usb.glob("*.deskbundle"))
    assert len(bundles) == 1 and bundles[0].stat().st_size > 0
    status = sync_status(desk)
    assert (status.pending_events, status.pending_dossiers) == (0, 0)
    assert status.last_export["path"] == str(bundles[0])


@pilot_test
async def test_push_now_from_the_sync_screen(desk, dossier, tmp_path):

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
    token = hub.add_token(hub_home)
    server = hub.make_server(hub_desk, port=0, max_body=2_000_000, request_timeout=5.0).start()
    update_settings(desk.home, sync_endpoint=f"http://127.0.0.1:{server.server_address[1]}", sync_token=token)
    try:
        app = DeskApp(desk.home.root, "vi")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f5")
            await pilot.pause()
            assert app.screen.check_action("push", ()) is True
            await pilot.press("g")
            await settle(pilot)
            assert "máy chủ nhận 1 sự kiện; còn 0 chờ" in visible_text(app)
            assert "Lần gửi gần nhất" in visible_text(app)
    finally:
        server.shutdown()
        server.server_close()
        hub_desk.close()
    assert sync_status(desk).pending_events == 0


@pilot_test
async def test_esc_stops_an_export_and_nothing_is_marked(app, desk, dossier, tmp_path, monkeypatch):
    import threading

    started = threading.Event()

    def slow_export(desk_, out_dir, *, progress=None, **kw):
        started.set()
        for i in range(3000):  # a minute at most
            progress(i, 3000)  # raises Cancelled once Esc was pressed
            threading.Event().wait(0.02)
        raise AssertionError("not stopped")

    monkeypatch.setattr("screens.sync.export_bundle", slow_export)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", "e")
        await until(pilot, started.is_set)
        assert app.screen.running == "export" and app.screen.check_action("back", ()) is False
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen) and not app.screen.running
        assert "Đã dừng xuất gói" in visible_text(app)
    assert sync_status(desk).pending_events == 1


# --- reports (F6) ----------------------------------------------------------------------


@pilot_test
async def test_reports_screen_shows_the_figures_against_targets(app, desk, dossier):
    other, _ = receive(desk, IntakeRequest("2.000884", applicant_from_scan(SCAN)))
    record_result(desk, dossier.code)
    return_result(desk, dossier.code, satisfaction="Rất hài lòng")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        text = visible_text(app)
        assert "Ngày 23/11/2026" in text and "Chỉ số chất lượng" in text
        assert screen.figures.overall.received == 2 and screen.figures.overall.returned == 1
        # one result, on time: 100 % meets 96 %; nothing digitised: 0 % misses 80 %
        assert screen.query_one("#rate-on_time_rate").has_class("-meets")
        assert screen.query_one("#rate-digitisation_rate").has_class("-misses")
        assert "100,0 %" in text and "mục tiêu ≥ 96 %" in text
        assert "Đăng ký khai sinh" in text  # by procedure
        await pilot.press("3")
        await settle(pilot)
        assert screen.period == "month" and "Tháng 11/2026" in visible_text(app)
        assert screen.query_one("#period-month").has_class("-active")


@pilot_test
async def test_print_the_day_report_from_the_reports_screen(app, desk, dossier, printed):
    before = sync_status(desk).pending_events
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert not app.screen.printing
    assert len(printed) == 1 and printed[0].name.startswith("report_")
    assert printed[0].read_bytes().startswith(b"%PDF")
    assert sync_status(desk).pending_events == before + 1  # the print is an event too
