"""QR codes as vector shapes: the module matrix from ``qrcode``, drawn as merged runs.

No raster image: each row's horizontal runs of dark modules become one rectangle,
all in one filled path, so the code is sharp at any printer resolution and the
PDF stays small.
"""

from __future__ import annotations

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
    code.make(fit=False)
    return tuple(tuple(map(bool, row)) for row in code.modules)


class _Bits:
    """The writing half of qrcode's ``util.BitBuffer`` (``put``, ``put_bit``, ``len``), kept as text."""

    __slots__ = ("parts", "length")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def put(self, num: int, length: int) -> None:
        if length <= 0:
            return  # (format gives a "0" for a width of 0)
        self.parts.append(format(num & ((1 << length) - 1), f"0{length}b"))
        self.length += length

    def put_bit(self, bit: bool) -> None:
        self.parts.append("1" if bit else "0")
        self.length += 1

    def __len__(self) -> int:
        return self.length

    def codewords(self) -> list[int]:
        bits = "".join(self.parts)
        return list(int(bits, 2).to_bytes(len(bits) // 8, "big")) if bits else []


def _smallest_version(data_list, level: int) -> int:
    """``QRCode.best_fit``: the smallest version whose capacity holds the segments."""
    from bisect import bisect_left

    from qrcode import exceptions, util

    start = 1
    while True:
        sizes = util.mode_sizes_for_version(start)
        bits = _Bits()
        for segment in data_list:
            bits.put(segment.mode, 4)
            bits.put(len(segment), sizes[segment.mode])
            segment.write(bits)
        version = bisect_left(util.BIT_LIMIT_TABLE[level], len(bits), start)
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
        segment.write(bits)
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


def _error_correction(data: list[int], count: int) -> list[int]:
    """The ``count`` Reed-Solomon codewords of a block: the remainder of data·x^count by the generator, in GF(256)."""
    from qrcode.base import EXP_TABLE, LOG_TABLE

    logs = _generator_logs(count)
    rest = [0] * count
    for byte in data:
        factor = byte ^ rest[0]
        rest = rest[1:]
        rest.append(0)
        if factor:
            lf = LOG_TABLE[factor]
            rest = [r if g is None else r ^ EXP_TABLE[(lf + g) % 255] for r, g in zip(rest, logs)]
    return rest


def runs(matrix: Matrix) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules: (row, first column, length)."""
    out = []
    for r, row in enumerate(matrix):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                out.append((r, start, c - start))
            else:
                c += 1
    return out


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
