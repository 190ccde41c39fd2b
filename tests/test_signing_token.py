"""Signing with a real PKCS#11 token: SoftHSM2 (Debian package softhsm2, installed by .ci/run).

The tokens are made in the run (``softhsm2-util --init-token``); the clerk's
key pair is generated on the token and the test CA issues its certificate.
SoftHSM reads ``SOFTHSM2_CONF`` once per process, so one configuration with
every token this module needs is made for the session.

What SoftHSM 2.6 does with wrong PINs (checked here): it refuses each one
with CKR_PIN_INCORRECT and raises CKF_USER_PIN_COUNT_LOW, but never sets
CKF_USER_PIN_FINAL_TRY nor locks the user PIN, however many wrong PINs come;
the right PIN still opens it and clears the flag. Real tokens count and lock
(often after 3 to 10 tries): the desk reads those flags and says so, never
tries a PIN on its own, and does not try a locked token at all.
"""

from __future__ import annotations

import io
import json
import os
import subprocess

import pytest

from desk.dossier import checklist, pades, signing
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.errors import InvalidInput
from desk.models import Digitisation
from tests.conftest import run_desk
from tests.problem_helpers import raises_problem
from tests.signing_helpers import TOKEN_PIN, init_softhsm, put_clerk_on_token, softhsm_lib

TOKEN = "desk-token"
KEY = "clerk-key"


_this_process: dict[str, str] = {}
"""The SoftHSM configuration this process made ("conf"): SoftHSM reads the first one it is given for good."""


@pytest.fixture(scope="module")
def token(tmp_path_factory, test_ca):
    """The SoftHSM library path, with a token holding the clerk's key and certificate.

    Made once per process: the module's tests may run in two stretches in one process (the suite's order, an
    xdist worker taking tests from another), and a second token made then would not be the one SoftHSM reads
    (the clerk's certificate put twice on the first: "more than one certificate with label 'clerk-key'")."""
    lib = softhsm_lib()
    assert lib is not None, "SoftHSM2 is not installed: apt-get install softhsm2 (see .ci/run)"
    before = os.environ.get("SOFTHSM2_CONF")
    if "conf" in _this_process:
        os.environ["SOFTHSM2_CONF"] = _this_process["conf"]
    else:
        os.environ["SOFTHSM2_CONF"] = _this_process["conf"] = str(
            init_softhsm(tmp_path_factory.mktemp("softhsm"), (TOKEN,))
        )
        put_clerk_on_token(lib, TOKEN, KEY, test_ca, "Trần Văn Token")
    yield lib
    signing.forget()
    if before is None:
        del os.environ["SOFTHSM2_CONF"]
    else:
        os.environ["SOFTHSM2_CONF"] = before


@pytest.fixture
def token_env(token):
    """The token, with no signer of an earlier test still unlocked."""
    signing.forget()
    yield token
    signing.forget()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _settings(lib: str) -> signing.SignerSettings:
    return signing.SignerSettings(kind="pkcs11", pkcs11_lib=lib, token=TOKEN, key_label=KEY)


def test_a_scan_is_signed_on_the_token_and_pdfsig_finds_it_valid(desk, token_env, tmp_path):
    r = run_desk(
        "signer", "set", "--pkcs11-lib", token_env, "--token", TOKEN, "--key-label", KEY,
        home=desk.home.root, env={"DESK_SIGNER_PIN": TOKEN_PIN},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Trần Văn Token" in r.stdout and "Test CA Một Cửa" in r.stdout
    config = (desk.home.root / "desk.toml").read_text(encoding="utf-8")
    assert 'kind = "pkcs11"' in config and TOKEN_PIN not in config
    desk.reload_settings()
    # the PIN given once is kept in memory for the session: no PIN in the environment now
    d, _ = receive(desk, IntakeRequest(procedure_code="1.001193", applicant=ApplicantInput(name="Lê Văn Bình")))
    scan = tmp_path / "a.pdf"
    scan.write_bytes(_pdf())
    d = checklist.attach_file(desk, d.code, "giay_chung_sinh", scan)
    line = d.components[1]
    assert line.digitisation is Digitisation.DIGITISED
    stored = desk.home.files / line.file_path
    report = subprocess.run(["pdfsig", str(stored)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in report and "Trần Văn Token" in report
    (check,) = pades.check_file(stored)
    assert check.signer == "Trần Văn Token" and check.state == "intact"
    r = run_desk("show", d.code, "--json", home=desk.home.root)
    assert json.loads(r.stdout)["components"][1]["signatures"][0]["signer"] == "Trần Văn Token"


def test_the_pin_is_asked_at_the_first_signature_and_a_locked_token_says_so(desk, token_env, tmp_path):
    from desk.config import update_settings

    desk.settings = update_settings(
        desk.home, signer_kind="pkcs11", signer_pkcs11_lib=token_env, signer_token=TOKEN, signer_key_label=KEY
    )
    d, _ = receive(desk, IntakeRequest(procedure_code="1.001193", applicant=ApplicantInput(name="Lê Văn Bình")))
    scan = tmp_path / "a.pdf"
    scan.write_bytes(_pdf())
    with raises_problem(InvalidInput, "signer.locked"):
        checklist.attach_file(desk, d.code, "giay_chung_sinh", scan)
    assert d.components[1].digitisation is Digitisation.PENDING


def test_wrong_pins_are_refused_clearly_and_softhsm_never_locks(token_env):
    config = _settings(token_env)
    for _ in range(3):
        # SoftHSM raises "count low" at the first wrong PIN and stays there
        with raises_problem(InvalidInput, "signer.pin_count_low", says="wrong PIN; the token desk-token says few"):
            signing.unlock(config, "0000")
    # SoftHSM does not count: the right PIN still opens it after three wrong ones
    info = signing.unlock(config, TOKEN_PIN)
    assert info.common_name == "Trần Văn Token"


def test_a_wrong_pin_through_the_command_is_a_clear_message(desk, token_env):
    r = run_desk(
        "signer", "set", "--pkcs11-lib", token_env, "--token", TOKEN, "--key-label", KEY,
        home=desk.home.root, env={"DESK_SIGNER_PIN": "9999"},
    )  # fmt: skip
    assert r.returncode == 3 and "wrong PIN" in r.stderr and "Traceback" not in r.stderr
    assert "pkcs11" not in (desk.home.root / "desk.toml").read_text(encoding="utf-8").split("[signer]")[1][:20]


def test_unknown_token_and_key_labels_are_named(token_env):
    with raises_problem(InvalidInput, "signer.token_missing"):
        signing.unlock(signing.SignerSettings(kind="pkcs11", pkcs11_lib=token_env, token="nope", key_label=KEY), "1")
    with raises_problem(InvalidInput, "signer.key_missing"):
        signing.unlock(
            signing.SignerSettings(kind="pkcs11", pkcs11_lib=token_env, token=TOKEN, key_label="nope"), TOKEN_PIN
        )


def test_what_a_counting_token_says_reaches_the_clerk(token_env, monkeypatch):
    """SoftHSM cannot be made to count, so its answer to the login is replaced by what a counting token
    (a SafeNet, an ePass) gives: the flags after a wrong PIN, then the lock."""
    import pkcs11
    from pkcs11 import TokenFlag

    real_lib = pkcs11.lib
    answers = iter(
        [
            TokenFlag.USER_PIN_COUNT_LOW,
            TokenFlag.USER_PIN_FINAL_TRY,
            TokenFlag.USER_PIN_LOCKED,
        ]
    )
    state = {"flags": TokenFlag(0)}

    class CountingToken:
        def __init__(self, token):
            self._token = token

        @property
        def flags(self):
            return self._token.flags | state["flags"]

        def open(self, **kwargs):
            state["flags"] = next(answers)
            raise pkcs11.exceptions.PinIncorrect()

    class CountingLib:
        def __init__(self, path):
            self._lib = real_lib(path)

        def get_token(self, **kwargs):
            return CountingToken(self._lib.get_token(**kwargs))

    monkeypatch.setattr(pkcs11, "lib", CountingLib)
    config = _settings(token_env)
    for expected in ("signer.pin_count_low", "signer.pin_final_try", "signer.pin_locked"):
        with raises_problem(InvalidInput, expected):
            signing.unlock(config, "0000")
    # locked: the desk does not even try the PIN
    with raises_problem(InvalidInput, "signer.pin_locked"):
        signing.unlock(config, TOKEN_PIN)


def test_the_token_lock_words_are_clear(desk):
    from desk.cli.wording import describe
    from desk.rules.problems import Problem

    text = describe(Problem("signer.pin_final_try", "pin", {"token": TOKEN}))
    assert "one more wrong PIN locks the token desk-token" in text
    assert isinstance(InvalidInput("signer.pin_locked", token=TOKEN).problem, Problem)
