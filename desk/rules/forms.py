"""The documents a desk prints: their form number (Phụ lục I, Thông tư 03/2025/TT-VPCP) and legal name.

One table for the PDFs (their titles, in capitals on paper) and for the print
events (which name the document they record).
"""

from __future__ import annotations

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
    "register": FormName("Mẫu 07", "Sổ theo dõi hồ sơ"),
    "report": FormName("", "Báo cáo kết quả tiếp nhận và giải quyết hồ sơ"),
}
"""Every kind of document the desk prints, by the kind its print events record."""
