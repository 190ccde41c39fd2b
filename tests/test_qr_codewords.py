"""printing.qr writes qrcode's codewords itself (its bit buffer and error correction are slow): the same matrix."""

from __future__ import annotations

import random

import pytest
import qrcode
from qrcode import constants

from printing.qr import MASK_PATTERN, qr_matrix

LEVELS = {
    "L": constants.ERROR_CORRECT_L,
    "M": constants.ERROR_CORRECT_M,
    "Q": constants.ERROR_CORRECT_Q,
    "H": constants.ERROR_CORRECT_H,
}
ALPHABETS = ("0123456789", "ABCDEFGHIJ0123 $%*+-./:", "motcua:?mhs=000.00.12.H29-261122-1005&ten=Giấy%20hẹn")


def reference(data: str, level: str) -> tuple[tuple[bool, ...], ...]:
    code = qrcode.QRCode(error_correction=LEVELS[level], border=0, mask_pattern=MASK_PATTERN)
    code.add_data(data.encode("utf-8"))
    code.make(fit=True)
    return tuple(tuple(map(bool, row)) for row in code.modules)


# lengths on both sides of the versions where the count field grows (9/10, 26/27) and blocks of two sizes
CASES = [
    (alphabet, length, level)
    for alphabet in ALPHABETS
    for length in (1, 2, 3, 40, 150, 247, 330, 900, 1200)
    for level in "LMQH"
    if not (length >= 900 and level in "QH")
] + [("0123456789", 1500, "M")]  # its data fills version 19 to the last bit: no terminator


@pytest.mark.parametrize(("alphabet", "length", "level"), CASES)
def test_the_matrix_is_qrcode_s_own(alphabet, length, level):
    rng = random.Random(f"{alphabet}{length}{level}")
    data = "".join(rng.choice(alphabet) for _ in range(length))
    assert qr_matrix.__wrapped__(data, level) == reference(data, level)
