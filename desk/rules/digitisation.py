"""Codes of digitisation results (Thông tư 01/2023/TT-VPCP Điều 7; NĐ 45/2020 Điều 14).

One module for both formats. An electronic result carries ``<MaHoSo>-KQ<n>``
(DOMAIN.md). The circular asks for a digitisation-result code on each scanned
component without publishing its shape: **assumption**, ``<MaHoSo>-SH<n>``
with ``n`` the component's position in the dossier (1, 2, …), so that the
code is unique in the dossier, stable when a paper is scanned again, and
names its dossier. An integrator who learns the province's format changes it
here.
"""

from __future__ import annotations

import re

_RESULT = re.compile(r"^(?P<dossier>.+)-KQ(?P<n>[1-9][0-9]{0,3})$")


def scan_code(dossier_code: str, position: int) -> str:
    """The digitisation-result code of the scan of a dossier's ``position``-th component."""
    return f"{dossier_code}-SH{position}"


def result_code(dossier_code: str, n: int) -> str:
    """The code of the dossier's ``n``-th electronic result: ``<MaHoSo>-KQ<n>``."""
    return f"{dossier_code}-KQ{n}"


def parse_result_code(code: str) -> tuple[str, int] | None:
    """(dossier code, n) of a result code, or None."""
    m = _RESULT.match(code.strip())
    return (m.group("dossier"), int(m.group("n"))) if m else None
