"""Các lỗi của gói niêm phong và giấy tiếp nhận kiểm tra được bằng khoá công khai, tiếng Việt; gộp vào
``problems_vi.PROBLEMS``."""

from __future__ import annotations

PROBLEMS: dict[str, str] = {
    "seal.key_readable_by_others": "Người dùng khác có thể đọc khoá niêm phong của máy chủ {path}: chỉ để chủ sở hữu đọc (chmod 600 {path}).",
    "seal.key_unreadable": "Không đọc được khoá niêm phong của máy chủ {path} ({detail}).",
    "seal.key_write_failed": "Không ghi được khoá niêm phong của máy chủ {path}: {detail}.",
    "seal.key_file_invalid": "{path}: không phải tệp khoá của máy chủ (một khoá công khai age, age1…).",
    "export.no_hub_key": "Gói này KHÔNG được niêm phong: quầy chưa có khoá của máy chủ, ai nhặt được tệp cũng đọc được. Hãy xin người phụ trách tệp khoá của máy chủ.",
    "export.no_field_code": "{count} hồ sơ trong dossiers.json chưa có MaLinhVuc: danh mục chưa có mã lĩnh vực (field_code) của thủ tục; Cổng DVC quốc gia yêu cầu trường này.",
    "export.plain": "Gói này KHÔNG được niêm phong (--plain): ai nhặt được tệp cũng đọc được.",
    "bundle.sealed_malformed": "{bundle}: gói niêm phong có phần bên ngoài không đúng như quầy ghi; bị từ chối.",
    "bundle.sealed_no_hub_key": "{bundle}: được niêm phong bằng khoá máy chủ {sealed_for}, mà nơi này không có khoá máy chủ: hãy nhập gói tại máy chủ đó.",
    "bundle.sealed_other_hub": "{bundle}: được niêm phong bằng khoá của máy chủ khác ({sealed_for}), không phải của máy chủ này ({hub}); bị từ chối.",
    "bundle.sealed_corrupt": "{bundle}: không giải mã được nội dung niêm phong (hỏng hoặc bị sửa); bị từ chối.",
    "bundle.sealed_routing": "{bundle}: thông tin chuyển gói bên ngoài ghi {keys:#|#} khác với bản kê bên trong; bị từ chối.",
    "receipt.signed": "Giấy tiếp nhận HỢP LỆ: hồ sơ {code}, có chữ ký bằng khoá giấy tiếp nhận của {agency}.",
    "receipt.other_agency": "Giấy tiếp nhận {code} ghi cơ quan {agency}, nhưng khoá công khai đưa vào là của {key_agency}.",
    "receipt.agency_only": "Giấy tiếp nhận {code} được in trước khi có chữ ký công khai: chỉ cơ quan cấp mới kiểm tra được.",
    "receipt.key_file_invalid": "{path}: không phải tệp khoá công khai của giấy tiếp nhận ({detail}).",
}
"""Code -> Vietnamese template."""
