"""The intake form's applicant kind (issue 16, point 1), driven by Pilot: an organisation with its tax code,
a foreigner with a passport; plus the SVG snapshots of an organisation's intake at 80×24 and 120×36."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from desk.dossier import query as dossiers
from desk.models import ApplicantKind, IdKind
from screens.app import DeskApp
from screens.dialogs.previews import ReceiptPreview
from screens.intake import IntakeScreen
from tests.tui_helpers import SCAN, SIZE, pilot_test, scan_into, settle, visible_text

COMPANY = "Công ty TNHH Minh Khai"
TAX_CODE = "0100109106"


@pytest.fixture
def app(desk):
    return DeskApp(desk.home.root, "vi")


async def open_intake(pilot, procedure_keys=("2", ".", "0", "0", "0", "8", "1", "5")) -> IntakeScreen:
    await pilot.press("f2", *procedure_keys, "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    assert screen.procedure is not None
    return screen


async def choose_kind(pilot, screen: IntakeScreen, downs: int) -> None:
    """From the scan box, Tab to the kind, open its list, go down ``downs`` rows and pick."""
    screen.form.scan_input.focus()
    await pilot.pause()
    await pilot.press("tab")
    assert pilot.app.focused is screen.form.kind_select
    await pilot.press("enter", *["down"] * downs, "enter")
    await pilot.pause()


def problem_under(screen: IntakeScreen, name: str) -> str:
    return str(screen.query_one(f"#applicant-{name}-problem").render())


@pilot_test
async def test_a_company_is_taken_in_with_its_tax_code(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        form = screen.form
        # as a citizen, a tax code is not a personal ID: said under the field
        form.field("id_number").value = TAX_CODE
        await pilot.pause()
        assert "12 chữ số" in problem_under(screen, "id_number")

        await choose_kind(pilot, screen, 1)
        assert form.kind is ApplicantKind.BUSINESS
        text = visible_text(app)
        assert "Tổ chức, doanh nghiệp" in text and "Tên tổ chức" in text and "Mã số thuế" in text
        assert "Ngày sinh" not in text and "Giới tính" not in text  # an organisation has neither
        assert problem_under(screen, "id_number") == ""  # the tax code is now right
        form.field("name").value = COMPANY
        form.field("id_number").value = "0100109107"
        await pilot.pause()
        assert "chữ số kiểm tra" in problem_under(screen, "id_number")
        form.field("id_number").value = TAX_CODE
        await pilot.pause()

        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
        preview = visible_text(app)
        assert "Người nộp là: Tổ chức, doanh nghiệp" in preview and f"Mã số thuế: {TAX_CODE}" in preview
        await pilot.press("escape")
        await pilot.pause()
        # the next applicant starts as a citizen again, every field back
        assert form.kind is ApplicantKind.CITIZEN
        assert "Ngày sinh" in visible_text(app) and "Họ và tên" in visible_text(app)
    [d] = dossiers.search(desk, "Minh Khai")
    assert (d.applicant.kind, d.applicant.id_number, d.applicant.id_kind) == (
        ApplicantKind.BUSINESS,
        TAX_CODE,
        IdKind.TAX_CODE,
    )


@pilot_test
async def test_a_foreigner_is_taken_in_with_a_passport(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        form = screen.form
        await choose_kind(pilot, screen, 2)
        assert form.kind is ApplicantKind.FOREIGNER
        assert "Số hộ chiếu" in visible_text(app) and "Ngày sinh" in visible_text(app)
        form.field("name").value = "John Smith"
        form.field("id_number").value = "123456789"  # a citizen's old ID card would be warned of: not a passport
        await pilot.pause()
        assert problem_under(screen, "id_number") == ""
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceiptPreview))
        assert "Người nộp là: Người nước ngoài" in visible_text(app)
        await pilot.press("escape")
        await pilot.pause()
    [d] = dossiers.search(desk, "John Smith")
    assert (d.applicant.kind, d.applicant.id_kind) == (ApplicantKind.FOREIGNER, IdKind.PASSPORT)


@pilot_test
async def test_a_chip_card_scan_makes_the_applicant_a_citizen(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        await choose_kind(pilot, screen, 1)
        assert screen.form.kind is ApplicantKind.BUSINESS
        screen.form.scan_input.focus()
        await pilot.pause()
        await scan_into(pilot, screen.form.scan_input, SCAN)
        assert screen.form.kind is ApplicantKind.CITIZEN
        assert screen.form.field("birth_date").value == "01/01/1999" and "Ngày sinh" in visible_text(app)


@pilot_test
async def test_choosing_an_organisation_counts_as_typed(app, desk):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        screen.reset()
        await pilot.pause()
        assert not screen.dirty
        screen.form.kind_select.value = ApplicantKind.BUSINESS
        await pilot.pause()
        assert screen.dirty


# --- snapshots ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["120x36", "80x24"])
def test_organisation_intake_snapshot(snap_compare, desk, size):
    async def fill(pilot):
        screen = await open_intake(pilot)
        screen.form.kind_select.value = ApplicantKind.BUSINESS
        await pilot.pause()
        screen.form.field("name").value = COMPANY
        screen.form.field("id_number").value = TAX_CODE
        screen.form.field("phone").value = "0243 825 1234"
        screen.form.field("id_number").focus()
        for box in pilot.app.screen.query(Input):  # a blinking cursor is on or off by the clock: hold it on
            box.cursor_blink = False
        await settle(pilot, lambda: isinstance(pilot.app.screen.focused, Input))
        await settle(pilot)
        assert isinstance(screen.form.kind_select, Select)

    assert snap_compare(DeskApp(desk.home.root, "vi"), terminal_size=size, run_before=fill)


@pilot_test
async def test_keys_typed_right_after_tab_go_to_the_next_field(app, desk):
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(pilot)
        form = screen.form
        form.field("name").focus()
        await pilot.pause()
        # as a terminal delivers a fast clerk's keys: all queued before the app has handled the first
        for key, char in [("tab", None), *[(c, c) for c in "0100"]]:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert (form.field("name").value, form.field("id_number").value) == ("", "0100")
        app.post_message(events.Key("shift+tab", None))
        app.post_message(events.Key("A", "A"))
        await settle(pilot)
        assert form.field("name").value == "A"


@pilot_test
async def test_the_dossier_view_says_the_kind_and_the_tax_code(app, desk):
    from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
    from screens.dossier import DossierScreen
    from screens.messages import OpenDossier

    d, _ = receive(
        desk, IntakeRequest("2.000815", ApplicantInput(name=COMPANY, id_number=TAX_CODE, kind=ApplicantKind.BUSINESS))
    )
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(OpenDossier(d.code))
        await settle(pilot, lambda: isinstance(app.screen, DossierScreen))
        text = visible_text(app)
        assert "Tổ chức, doanh nghiệp" in text and f"Mã số thuế {TAX_CODE}" in " ".join(text.split())
        assert f"Tên tổ chức {COMPANY}" in " ".join(text.split()) and "Ngày sinh" not in text
