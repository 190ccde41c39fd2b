"""Who is at the desk, in the TUI (issue 16, point 6): the login screen, lockout, the idle lock with an
injected clock, signing out for the next shift, and a supervisor's act refused to a clerk."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from desk.dossier import operators
from desk.dossier import query as dossiers
from desk.dossier.intake import IntakeRequest, applicant_from_scan, receive
from desk.models import Status
from screens.app import DeskApp
from screens.dialogs.basic import ConfirmDialog
from screens.dossier import DossierScreen
from screens.login import LoginScreen
from screens.messages import OpenDossier
from screens.settings import SettingsScreen
from screens.sync import SyncScreen
from screens.today import TodayScreen
from tests.operator_helpers import CLERK, SUPERVISOR
from tests.tui_helpers import SCAN, SIZE, pilot_test, settle, visible_text

pytestmark = pytest.mark.usefixtures("quick_kdf")


@pytest.fixture
def staffed(desk):
    """A supervisor (PIN 9999) and a clerk (PIN 1234); the desk signed out again."""
    operators.add_operator(desk, SUPERVISOR, "supervisor", "9999")
    operators.sign_in(desk, SUPERVISOR, "9999")
    operators.add_operator(desk, CLERK, "clerk", "1234")
    operators.sign_out(desk)
    return desk


class FakeClock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def problem_shown(app) -> str:
    """What the login screen says under the password (whole, however the dialog wraps it)."""
    return str(app.screen.query_one("#login-problem").render())


async def sign_in(pilot, name: str, secret: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, LoginScreen)
    screen.query_one("#login-name", Input).value = name
    screen.query_one("#login-password", Input).value = secret
    screen.query_one("#login-password", Input).focus()
    await pilot.press("enter")
    await pilot.pause()


@pilot_test
async def test_a_desk_without_accounts_opens_on_today_as_before(desk):
    app = DeskApp(desk.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen) and not app.signed_out


@pilot_test
async def test_the_login_screen_keeps_the_desk_until_someone_signs_in(staffed):
    app = DeskApp(staffed.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert "ĐĂNG NHẬP" in visible_text(app)
        await pilot.press("f2", "f3", "f7", "ctrl+p")  # nothing past it
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await sign_in(pilot, "pham thi mai", "0000")
        assert isinstance(app.screen, LoginScreen)
        assert "Sai tên hoặc mật khẩu (còn 4 lần thử" in problem_shown(app)
        assert app.screen.query_one("#login-password", Input).value == ""
        await sign_in(pilot, "pham thi mai", "1234")  # accents and case optional
        assert isinstance(app.screen, TodayScreen)
        assert app.desk.operator is not None and app.desk.operator.name == CLERK
        assert CLERK in app.sub_title  # the title names who is at the desk
        await pilot.press("f2")
        await pilot.pause()
        assert app.current_mode == "intake"


@pilot_test
async def test_repeated_failures_lock_the_account(staffed):
    app = DeskApp(staffed.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(5):
            await sign_in(pilot, CLERK, "0000")
        assert "bị khoá do nhập sai mật khẩu nhiều lần, đến 09:15" in problem_shown(app)
        await sign_in(pilot, CLERK, "1234")  # the right PIN, but locked
        assert isinstance(app.screen, LoginScreen) and "bị khoá" in problem_shown(app)
        await sign_in(pilot, SUPERVISOR, "9999")  # another account is not locked
        assert isinstance(app.screen, TodayScreen)


@pilot_test
async def test_the_idle_lock_follows_the_setting_with_an_injected_clock(staffed):
    app = DeskApp(staffed.home.root, "vi")
    clock = FakeClock()
    app.idle_clock = clock
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, CLERK, "1234")
        await pilot.press("f2")  # typing an intake
        await pilot.pause()
        app.screen.form.field("name").value = "Lê Thị Hoa"
        clock.seconds += 9 * 60 + 59  # a key resets the count; 10 minutes (the default) not yet reached
        app.lock_if_idle()
        await pilot.pause()
        assert not isinstance(app.screen, LoginScreen)
        await pilot.press("shift")  # a key: the count starts again
        clock.seconds += 9 * 60
        app.lock_if_idle()
        assert not isinstance(app.screen, LoginScreen)
        clock.seconds += 60
        app.lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.desk.operator is None
        assert "Màn hình đã khoá sau 10 phút không sử dụng" in str(app.screen.query_one("#login-idle").render())
        assert app.screen.query_one("#login-name", Input).value == CLERK  # the same clerk, only the PIN
        await sign_in(pilot, CLERK, "1234")
        assert app.screen.form.field("name").value == "Lê Thị Hoa"  # what was typed waited beneath


@pilot_test
async def test_sign_out_hands_over_the_shift_and_events_record_the_operator(staffed):
    app = DeskApp(staffed.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, CLERK, "1234")
        await pilot.press("ctrl+o")  # đăng xuất
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.desk.operator is None
        await sign_in(pilot, SUPERVISOR, "9999")
        assert app.desk.operator is not None and app.desk.operator.name == SUPERVISOR
        # a worker's desk acts as the one signed in
        with app.thread_desk() as desk:
            d, _ = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    (event,) = dossiers.timeline(staffed, d.code)
    assert (event.clerk, event.payload["operator"], d.clerk) == (SUPERVISOR, "tran van binh", SUPERVISOR)


@pilot_test
async def test_a_clerk_may_not_refuse_nor_change_the_settings(staffed):
    operators.sign_in(staffed, SUPERVISOR, "9999")
    d, _ = receive(staffed, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    operators.sign_out(staffed)
    app = DeskApp(staffed.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, CLERK, "1234")
        app.post_message(OpenDossier(d.code))
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        footer = visible_text(app).splitlines()[-1]
        assert "Chuyển" in footer  # the clerk's moves are offered
        assert not [w for w in ("Từ chối", "Rút", "Dừng") if w in footer], footer  # a supervisor's are not
        for key in ("x", "w", "s"):  # nor do their keys work
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, DossierScreen), key
        await pilot.press("escape")
        await pilot.press("f7")
        await settle(pilot, lambda: isinstance(app.screen, SettingsScreen))
        app.screen.field("printer").value = "Canon"
        await pilot.press("ctrl+s")
        await pilot.pause()
        outcome = str(app.screen.query_one("#settings-outcome").render())
        assert "Chỉ trưởng bộ phận (giám sát) mới được thay đổi cài đặt" in outcome
        assert not isinstance(app.screen, ConfirmDialog)
    assert dossiers.get(staffed, d.code).status is Status.RECEIVED
    assert staffed.settings.printer == "" and "Canon" not in staffed.home.config.read_text(encoding="utf-8")


@pilot_test
async def test_a_supervisor_is_offered_refuse_withdraw_and_stop(staffed):
    operators.sign_in(staffed, SUPERVISOR, "9999")
    d, _ = receive(staffed, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    operators.sign_out(staffed)
    app = DeskApp(staffed.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, SUPERVISOR, "9999")
        app.post_message(OpenDossier(d.code))
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        footer = visible_text(app).splitlines()[-1]
        assert "Từ chối" in footer and "Rút" in footer, footer
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot, lambda: dossiers.get(staffed, d.code).status is Status.WITHDRAWN)
    assert dossiers.get(staffed, d.code).status is Status.WITHDRAWN


@pilot_test
async def test_the_export_folder_typed_on_f5_is_kept_for_that_operator_only(staffed, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    operators.sign_in(staffed, SUPERVISOR, "9999")
    receive(staffed, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    operators.sign_out(staffed)
    app = DeskApp(staffed.home.root, "vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, CLERK, "1234")
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        assert app.screen.folder_input.value == str(staffed.home.outbox)
        app.screen.folder_input.value = str(usb)
        await pilot.press("e")
        await settle(pilot, lambda: "Đã xuất" in visible_text(app))
        assert len(list(usb.glob("*.deskbundle"))) == 1
        await pilot.press("ctrl+o")  # the next shift
        await pilot.pause()
        await sign_in(pilot, SUPERVISOR, "9999")
        await pilot.press("f5")
        await pilot.pause()
        assert app.screen.folder_input.value == str(staffed.home.outbox)  # the desk's default, not the clerk's stick
        await pilot.press("ctrl+o")
        await pilot.pause()
        await sign_in(pilot, CLERK, "1234")
        await pilot.press("f5")
        await pilot.pause()
        assert app.screen.folder_input.value == str(usb)  # the clerk's own, kept
    assert "usb" not in staffed.home.config.read_text(encoding="utf-8")  # a clerk's export changes no setting
    again = DeskApp(staffed.home.root, "vi")  # and it is kept between runs
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, CLERK, "1234")
        await pilot.press("f5")
        await pilot.pause()
        assert again.screen.folder_input.value == str(usb)


def test_login_screen_snapshot_80x24(snap_compare, staffed):
    async def wait(pilot):
        await settle(pilot, lambda: isinstance(pilot.app.screen, LoginScreen))
        await settle(pilot)

    assert snap_compare(DeskApp(staffed.home.root, "vi"), terminal_size=(80, 24), run_before=wait)
