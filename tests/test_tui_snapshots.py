"""SVG snapshots of the main screens at 120×36 with a fixed clock (DESK_NOW) and a fixed home.

Dossier codes depend only on the agency, the date and the order of intake, so
they are stable; UUIDs and the agency key are never shown. Update after an
intended change of look with ``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from desk.dossier.intake import ApplicantInput, IntakeRequest, applicant_from_scan, receive
from screens.app import DeskApp
from screens.messages import OpenDossier
from tests.tui_helpers import SCAN, SIZE, scan_into


@pytest.fixture
def sample_home(desk):
    """Today's two dossiers and two overdue ones, always the same."""
    receive(
        desk,
        IntakeRequest(
            "1.000894",
            ApplicantInput(
                name="Lê Hoàng Đức", id_number="031095006789", birth_date="1995-07-21", sex="Nam", phone="0987654321"
            ),
            received_at=datetime(2026, 11, 13, 8, 15),
            catch_up=True,  # entered today: an earlier day is a catch-up
            catch_up_reason="Nhập bù dữ liệu mẫu",
        ),
    )
    receive(
        desk,
        IntakeRequest(
            "2.000815",
            ApplicantInput(name="Trần Thị Bích Ngọc", phone="0912345678"),
            received_at=datetime(2026, 11, 18, 14, 30),
            catch_up=True,  # entered today: an earlier day is a catch-up
            catch_up_reason="Nhập bù dữ liệu mẫu",
        ),
    )
    receive(
        desk,
        IntakeRequest(
            "1.001776",
            ApplicantInput(name="Đỗ Văn Quý", birth_date="1945-05-19"),
            received_at=datetime(2026, 11, 23, 8, 30),
        ),
    )
    receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN), not_received=frozenset({"van_ban_uy_quyen"})))
    return desk


def test_today(snap_compare, sample_home):
    assert snap_compare(DeskApp(sample_home.home.root, "vi"), terminal_size=SIZE)


def test_intake_after_a_scan(snap_compare, sample_home):
    async def fill(pilot):
        await pilot.press("f2", *"khai sinh", "enter")
        await pilot.pause()
        screen = pilot.app.screen
        await scan_into(pilot, screen.form.scan_input, SCAN)
        await pilot.press("down", "down", "down", "space")
        await pilot.pause()

    assert snap_compare(DeskApp(sample_home.home.root, "vi"), terminal_size=SIZE, run_before=fill)


def test_dossier_view(snap_compare, sample_home):
    async def open_dossier(pilot):
        pilot.app.post_message(OpenDossier("000.00.12.H29-261123-1002"))
        await pilot.pause()

    assert snap_compare(DeskApp(sample_home.home.root, "vi"), terminal_size=SIZE, run_before=open_dossier)


def test_intake_in_english_at_80x24(snap_compare, sample_home):
    async def fill(pilot):
        await pilot.press("f2", "1", "1", "9", "3", "enter")
        await pilot.pause()
        await scan_into(pilot, pilot.app.screen.form.scan_input, SCAN)

    assert snap_compare(DeskApp(sample_home.home.root, "en"), terminal_size=(80, 24), run_before=fill)


def test_reports_screen(snap_compare, sample_home):
    from desk.dossier.lifecycle import record_result, return_result, transfer

    # one result on time and returned, one late: bars on both sides of their targets
    transfer(sample_home, "000.00.12.H29-261113-1001")
    record_result(sample_home, "000.00.12.H29-261113-1001")
    record_result(sample_home, "000.00.12.H29-261123-1002")
    return_result(sample_home, "000.00.12.H29-261123-1002", satisfaction="Rất hài lòng")

    async def open_reports(pilot):
        await pilot.press("f6")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(DeskApp(sample_home.home.root, "vi"), terminal_size=SIZE, run_before=open_reports)
