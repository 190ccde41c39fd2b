"""The signer in the TUI: the settings screen shows it and asks its PIN in a modal; the dossier view
shows who signed each file, when, and whether it is intact."""

from __future__ import annotations

import io

import pytest

from desk.dossier import checklist, signing
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from screens.app import DeskApp
from screens.dialogs.basic import ErrorDialog, TextDialog
from screens.dossier import DossierScreen
from screens.messages import OpenDossier
from screens.settings import SettingsScreen
from tests.signing_helpers import PASSPHRASE
from tests.tui_helpers import SIZE, pilot_test, until, visible_text


@pytest.fixture
def app(desk):
    return DeskApp(desk.home.root, "vi")


@pytest.fixture
def locked(signer, monkeypatch):
    """A signer whose passphrase nobody gave yet."""
    monkeypatch.delenv("DESK_SIGNER_PIN")
    signing.forget()
    yield
    signing.forget()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


async def _settings(pilot) -> SettingsScreen:
    await pilot.press("f7")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SettingsScreen)
    return pilot.app.screen


@pilot_test
async def test_the_settings_screen_asks_the_pin_in_a_modal_and_shows_the_certificate(app, desk, locked):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settings(pilot)
        shown = screen.query_one("#settings-signer").render()
        assert "Đang khoá" in str(shown) and "signer.p12" in str(shown)
        # a wrong passphrase first: a clear message, still locked
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog) and app.screen.text_input.password
        app.screen.text_input.value = "sai mật khẩu"
        await pilot.press("enter")
        assert await until(pilot, lambda: isinstance(app.screen, ErrorDialog))
        assert "Sai mật khẩu hoặc mã PIN" in visible_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not signing.is_unlocked(
            signing.SignerSettings(kind="pkcs12", pkcs12_path=str(desk.home.root / "signer.p12"))
        )
        # the right one: the certificate is shown, and the PIN is kept for the session only
        await pilot.press("f9")
        await pilot.pause()
        app.screen.text_input.value = PASSPHRASE
        await pilot.press("enter")
        assert await until(pilot, lambda: "Nguyễn Thị Số Hoá" in str(screen.query_one("#settings-signer").render()))
        text = str(screen.query_one("#settings-signer").render())
        assert "Test CA Một Cửa" in text and "Hiệu lực" in text
    assert PASSPHRASE not in desk.home.config.read_text(encoding="utf-8")


@pilot_test
async def test_the_dossier_view_shows_who_signed_each_file_and_an_altered_one(app, desk, signer, tmp_path):
    d, _ = receive(desk, IntakeRequest("1.001193", ApplicantInput(name="Lê Văn Bình")))
    scan = tmp_path / "a.pdf"
    scan.write_bytes(_pdf())
    d = checklist.attach_file(desk, d.code, "giay_chung_sinh", scan)
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(OpenDossier(d.code))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DossierScreen)
        assert await until(pilot, lambda: "Nguyên vẹn" in visible_text(app))
        text = visible_text(app)
        assert f"{d.code}-SH2" in text and "Nguyễn Thị Số Hoá" in text
        # the stored copy is changed behind the desk's back
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

        stored = desk.home.files / d.components[1].file_path
        w = IncrementalPdfFileWriter(io.BytesIO(stored.read_bytes()))
        w.root["/Lang"] = generic.TextStringObject("vi")
        w.update_root()
        out = io.BytesIO()
        w.write(out)
        stored.write_bytes(out.getvalue())
        screen.load()
        assert await until(pilot, lambda: "Đã bị sửa!" in visible_text(app))
