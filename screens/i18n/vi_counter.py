"""Strings of a clerk alone at the counter (issue 16), in Vietnamese: the applicant's kind at intake
(công dân / tổ chức, doanh nghiệp / người nước ngoài), and failures said in English by an older version.

Merged into ``vi.STRINGS``; ``applicant_kind.*`` say a kind inside a sentence (a problem's
``applicant_kind`` parameter), ``kind.*`` as a choice or a label.
"""

from __future__ import annotations

STRINGS: dict[str, str] = {
    "field.tax_code": "Mã số thuế",
    "placeholder.id_number": "12 số (CMND cũ: 9 số)",
    "receipt.id_number": "Số định danh:",
    "field.passport": "Số hộ chiếu",
    "field.kind": "Người nộp là",
    "field.org_name": "Tên tổ chức",
    "kind.citizen": "Công dân",
    "kind.business": "Tổ chức, doanh nghiệp",
    "kind.state_agency": "Cơ quan nhà nước",
    "kind.other_org": "Tổ chức khác",
    "kind.foreigner": "Người nước ngoài",
    "applicant_kind.citizen": "công dân",
    "applicant_kind.business": "tổ chức, doanh nghiệp",
    "applicant_kind.state_agency": "cơ quan nhà nước",
    "applicant_kind.other_org": "tổ chức khác",
    "applicant_kind.foreigner": "người nước ngoài",
    "placeholder.org_name": "Công ty TNHH …",
    "placeholder.tax_code": "10 số (chi nhánh: thêm -3 số)",
    "placeholder.passport": "như in trên hộ chiếu",
    "receipt.tax_code": "Mã số thuế:",
    "receipt.passport": "Số hộ chiếu:",
    "receipt.kind": "Người nộp là:",
    # an export or push that failed under an older version, which recorded English words, not a problem
    "sync.error_old_version": "(lỗi do phiên bản cũ ghi bằng tiếng Anh; xem bằng desk --lang en)",
    # Tab and Shift+Tab on the intake form (listed in the cheat-sheet)
    "key.next_field": "Ô tiếp theo",
    "key.previous_field": "Ô trước",
    # the sync screen (F5): this desk's records the national portal refused, as the hub said (docs/forwarding.md)
    "sync.portal_rejections": "Cổng quốc gia từ chối {n} hồ sơ của quầy này (theo máy chủ ở lần gửi gần nhất):",
}
