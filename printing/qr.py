"""QR codes as vector shapes: the module matrix from ``qrcode``, drawn as merged runs.

No raster image: each row's horizontal runs of dark modules become one rectangle,
all in one filled path, so the code is sharp at any printer resolution and the
PDF stays small.
"""

from __future__ import annotations

from functools import lru_cache

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
    # the smallest version, found once: make(fit=True) would search for it twice
    code.best_fit()
    code.make(fit=False)
    return tuple(tuple(map(bool, row)) for row in code.modules)


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
