"""QR codes as vector shapes: the module matrix from ``qrcode``, drawn as merged runs.

No raster image: each row's horizontal runs of dark modules become one rectangle,
all in one filled path, so the code is sharp at any printer resolution and the
PDF stays small.
"""

from __future__ import annotations

import functools
import re
from functools import cache, lru_cache

# A fixed mask skips qrcode's search over all eight (~6 ms); any mask decodes.
MASK_PATTERN = 2
QUIET_ZONE = 4  # modules of white the standard asks for around the code

Matrix = tuple[tuple[bool, ...], ...]


@lru_cache(maxsize=64)
def qr_matrix(data: str, error_correction: str = "M") -> Matrix:
    """The module matrix (True = dark) of a QR code for ``data``, without the quiet zone."""
    # qrcode loads with the first receipt, not when printing is imported
    import qrcode
    from qrcode import constants

    level = {
        "L": constants.ERROR_CORRECT_L,
        "M": constants.ERROR_CORRECT_M,
        "Q": constants.ERROR_CORRECT_Q,
        "H": constants.ERROR_CORRECT_H,
    }[error_correction]
    code = qrcode.QRCode(error_correction=level, border=0, mask_pattern=MASK_PATTERN)
    code.add_data(data.encode("utf-8"))
    # qrcode's own steps (its segments, its smallest version, its codewords), with the bits written as text and the
    # error correction computed byte by byte: qrcode's bit-by-bit buffer and recursive polynomials took 4 of the
    # 5 ms of a receipt's code
    code.version = _smallest_version(code.data_list, level)
    code.data_cache = _codewords(code.version, level, code.data_list)
    code.map_data = functools.partial(_map_data, code)  # type: ignore[method-assign]
    code.make(fit=False)
    return tuple(tuple(map(bool, row)) for row in code.modules)


class _Bits:
    """The writing half of qrcode's ``util.BitBuffer`` (``put``, ``put_bit``, ``len``), kept as one integer."""

    __slots__ = ("value", "length")

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:
        if length <= 0:
            return
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length

    def put_bit(self, bit: bool) -> None:
        self.value = (self.value << 1) | bool(bit)
        self.length += 1

    def __len__(self) -> int:
        return self.length

    def put_segment(self, segment) -> None:
        """A segment's data bits: bytes in one step (qrcode writes them one byte at a time), other modes as qrcode does."""
        from qrcode.util import MODE_8BIT_BYTE

        if segment.mode == MODE_8BIT_BYTE:
            self.put(int.from_bytes(segment.data, "big"), 8 * len(segment.data))
        else:
            segment.write(self)

    def codewords(self) -> list[int]:
        # whole bytes only: the callers pad to a multiple of 8 first
        return list(self.value.to_bytes(self.length // 8, "big")) if self.length else []


def _smallest_version(data_list, level: int) -> int:
    """``QRCode.best_fit``: the smallest version whose capacity holds the segments."""
    from bisect import bisect_left

    from qrcode import exceptions, util

    # each segment's data bits are the same at every version: only the length field's width changes
    lengths = []
    for segment in data_list:
        bits = _Bits()
        bits.put_segment(segment)
        lengths.append(len(bits))
    start = 1
    while True:
        sizes = util.mode_sizes_for_version(start)
        needed = sum(4 + sizes[segment.mode] + n for segment, n in zip(data_list, lengths))
        version = bisect_left(util.BIT_LIMIT_TABLE[level], needed, start)
        if version == 41:
            raise exceptions.DataOverflowError()
        if sizes is util.mode_sizes_for_version(version):
            return version
        start = version


def _codewords(version: int, level: int, data_list) -> list[int]:
    """``util.create_data``: the segments, terminator and padding, then each block's error correction, interleaved."""
    from qrcode import base, exceptions, util

    bits = _Bits()
    for segment in data_list:
        bits.put(segment.mode, 4)
        bits.put(len(segment), util.length_in_bits(segment.mode, version))
        bits.put_segment(segment)
    blocks = base.rs_blocks(version, level)
    limit = sum(block.data_count * 8 for block in blocks)
    if len(bits) > limit:
        raise exceptions.DataOverflowError(f"Code length overflow. Data size ({len(bits)}) > size available ({limit})")
    bits.put(0, min(limit - len(bits), 4))
    if len(bits) % 8:
        bits.put(0, 8 - len(bits) % 8)
    data = bits.codewords()
    for i in range((limit - len(bits)) // 8):
        data.append(util.PAD1 if i % 2 else util.PAD0)
    dc, ec, offset = [], [], 0
    for block in blocks:
        dc.append(data[offset : offset + block.data_count])
        offset += block.data_count
        ec.append(_error_correction(dc[-1], block.total_count - block.data_count))
    out = [d[i] for i in range(max(map(len, dc))) for d in dc if i < len(d)]
    out += [e[i] for i in range(max(map(len, ec))) for e in ec if i < len(e)]
    return out


def _map_data(code, data: list[int], mask_pattern: int) -> None:
    """``QRCode.map_data``: the codewords' bits into the free modules, in the standard's zigzag, masked.

    The free modules, their order and the mask over them depend on the version only: found once per version,
    then the whole (data xor mask) is written as one string of bits (qrcode walks the zigzag and calls the mask
    function for every module of every code).
    """
    positions, mask = _placement(code.version, mask_pattern, code.modules)
    total, used = len(positions), 8 * len(data)
    value = (int.from_bytes(bytes(data), "big") << (total - used)) ^ mask if used <= total else None
    if value is None:  # more codewords than modules: cannot happen for a version qrcode chose; let it say so
        return type(code).map_data(code, data, mask_pattern)
    modules = code.modules
    for (r, c), bit in zip(positions, format(value, f"0{total}b")):
        modules[r][c] = bit == "1"


_PLACEMENTS: dict[tuple[int, int], tuple[tuple[tuple[int, int], ...], int]] = {}


def _placement(version: int, mask_pattern: int, modules) -> tuple[tuple[tuple[int, int], ...], int]:
    """The free modules (still None) in qrcode's ``map_data`` order, and the mask over them as an integer."""
    key = (version, mask_pattern)
    if key not in _PLACEMENTS:
        from qrcode import util

        n = len(modules)
        mask_func = util.mask_func(mask_pattern)
        positions = []
        row, inc = n - 1, -1
        for col in range(n - 1, 0, -2):
            if col <= 6:
                col -= 1
            while True:
                for c in (col, col - 1):
                    if modules[row][c] is None:
                        positions.append((row, c))
                row += inc
                if row < 0 or n <= row:
                    row -= inc
                    inc = -inc
                    break
        mask = int("".join("1" if mask_func(r, c) else "0" for r, c in positions) or "0", 2)
        _PLACEMENTS[key] = (tuple(positions), mask)
    return _PLACEMENTS[key]


@cache
def _generator_logs(count: int) -> tuple[int | None, ...]:
    """The logarithms of the generator polynomial's coefficients after the leading 1 (None for a 0)."""
    from qrcode import LUT, base

    if count in LUT.rsPoly_LUT:
        coefficients = LUT.rsPoly_LUT[count]
    else:
        poly = base.Polynomial([1], 0)
        for i in range(count):
            poly = poly * base.Polynomial([1, base.gexp(i)], 0)
        coefficients = list(poly)
    return tuple(base.LOG_TABLE[c] if c else None for c in coefficients[1:])


@cache
def _products(count: int) -> tuple[int, ...]:
    """For each byte f, f times the generator polynomial (after its leading 1), as one integer of ``count`` bytes."""
    from qrcode.base import EXP_TABLE, LOG_TABLE

    logs = _generator_logs(count)
    table = [0]
    for factor in range(1, 256):
        lf = LOG_TABLE[factor]
        table.append(int.from_bytes(bytes(0 if g is None else EXP_TABLE[(lf + g) % 255] for g in logs), "big"))
    return tuple(table)


def _error_correction(data: list[int], count: int) -> list[int]:
    """The ``count`` Reed-Solomon codewords of a block: the remainder of data·x^count by the generator, in GF(256).

    The remainder is kept as one integer of ``count`` bytes (a shift register): each data byte shifts it by a
    byte and adds (xor) the generator times the byte that fell out, read from a table.
    """
    products = _products(count)
    top = 8 * (count - 1)
    mask = (1 << (8 * count)) - 1
    rest = 0
    for byte in data:
        rest = ((rest << 8) & mask) ^ products[byte ^ (rest >> top)]
    return list(rest.to_bytes(count, "big"))


_DARK_RUN = re.compile(rb"\x01+")


def runs(matrix: Matrix) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules: (row, first column, length)."""
    return [(r, m.start(), m.end() - m.start()) for r, row in enumerate(matrix) for m in _DARK_RUN.finditer(bytes(row))]


def draw_qr(canvas, matrix: Matrix, x: float, y: float, size: float) -> None:
    """Draw the code with its lower-left corner at (x, y), ``size`` points square.

    The caller leaves the quiet zone free around it. The path is written in module
    units under a scaling transform, so every coordinate is a small integer.
    """
    n = len(matrix)
    if n == 0:
        return
    module = size / n
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.translate(x, y)
    canvas.scale(module, module)
    canvas.addLiteral(_path(matrix))
    canvas.restoreState()


@lru_cache(maxsize=64)
def _path(matrix: Matrix) -> str:
    """The filled path of the dark runs, in module units (every copy of a receipt draws the same)."""
    n = len(matrix)
    return "\n".join(f"{c} {n - 1 - r} {length} 1 re" for r, c, length in runs(matrix)) + "\nf"


def qr_quiet(size: float, matrix: Matrix) -> float:
    """Width of the quiet zone around a QR code of ``size`` points."""
    return QUIET_ZONE * size / max(1, len(matrix))
