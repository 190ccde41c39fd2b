"""The TUI's strings of the counter's later parts in Vietnamese: the fee due at intake, signing in and out.

Merged into ``vi.STRINGS`` by ``screens.i18n`` (so that each module stays under 500 lines);
the same keys and placeholders as ``counter_en.py``.
"""

from __future__ import annotations

STRINGS: dict[str, str] = {
    "key.sign_out": "Đăng xuất",
    "cmd.app.sign_out": "ứng dụng: đăng xuất (giao ca, người khác đăng nhập)",
    "login.title": "ĐĂNG NHẬP",
    "login.desk": "quầy {desk}",
    "login.idle": "Màn hình đã khoá sau {minutes:# phút|# phút} không sử dụng. Đăng nhập để tiếp tục (hoặc người khác nhận ca).",
    "login.name": "Họ và tên",
    "login.name_hint": "tên tài khoản (không cần dấu)",
    "login.password": "Mật khẩu/PIN",
    "login.hint": "Enter: đăng nhập · Ctrl+Q: thoát",
    "login.welcome": "Xin chào {name}.",
    "field.pages": "Số trang/bản",
    "field.copies": "Số bản",
    "placeholder.pages": "số trang của mỗi bản",
    "intake.fee_due": "Số tiền phải nộp: {amount}",
    "intake.fee_capped": " (đã áp mức tối đa)",
    "action.catch_up": "nhập bù hồ sơ tiếp nhận trước đó",
    "action.settings": "thay đổi cài đặt",
    "action.operators": "quản lý tài khoản người dùng",
    "action.hub_token": "cấp mã truy cập (token) cho máy chủ",
    "action.recover": "đưa quầy vừa khôi phục từ bản sao lưu trở lại hoạt động",
    "action.hub_key": "ghim khóa của máy chủ tổng hợp",
    "action.signer": "đặt hoặc gỡ chữ ký số dùng để ký bản quét và kết quả",
    "action.hub_migrate": "chuyển dữ liệu của máy chủ tổng hợp sang PostgreSQL",
    "action.hub_desks": "ghi danh hoặc thu hồi quầy",
}
