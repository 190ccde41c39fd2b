"""The documents a desk prints: their form number (Phụ lục I, Thông tư 03/2025/TT-VPCP) and legal name.

One table for the PDFs (their titles, in capitals on paper) and for the print
events (which name the document they record).
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple


class FormName(NamedTuple):
    """How a printed document is called."""

    number: str
    """"Mẫu 01" … "Mẫu 07"; "" for a document of no form (the day report)."""
    title: str
    """The legal name, in sentence case ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")."""


FORMS: dict[str, FormName] = {
    "receipt": FormName("Mẫu 01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "supplement": FormName("Mẫu 02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "guidance": FormName("Mẫu 02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "refusal": FormName("Mẫu 03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    "apology": FormName("Mẫu 04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
    "stop": FormName("Mẫu 05", "Thông báo dừng giải quyết hồ sơ"),
    "control": FormName("Mẫu 06", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    "register": FormName("Mẫu 07", "Sổ theo dõi hồ sơ"),
    "report": FormName("", "Báo cáo kết quả tiếp nhận và giải quyết hồ sơ"),
}
"""Every kind of document the desk prints, by the kind its print events record."""


_ADMIN_PREFIXES = ("ủy ban nhân dân ", "uỷ ban nhân dân ", "ubnd ")
_COMMUNE_KINDS = ("xã ", "phường ", "đặc khu ", "thị trấn ")


def commune_of(agency_name: str) -> str:
    """The commune an agency's name names ("UBND xã Minh Khai" → "Minh Khai"), or "" when it names none.

    The forms' place line ("Minh Khai, ngày … tháng … năm …") defaults to it.
    """
    text = unicodedata.normalize("NFC", " ".join(agency_name.split()))
    low = text.lower()
    for prefix in _ADMIN_PREFIXES:
        if low.startswith(prefix):
            text, low = text[len(prefix) :], low[len(prefix) :]
            break
    for kind in _COMMUNE_KINDS:
        if low.startswith(kind):
            return text[len(kind) :].strip()
    return ""
