"""Lời tiếng Việt cho chữ ký số của bản số hoá và kết quả điện tử."""

from __future__ import annotations

PROBLEMS: dict[str, str] = {
    "signer.none": "Chưa có chữ ký số: hãy chọn tệp PKCS#12 hoặc USB token trong Cài đặt (hoặc `desk signer set`).",
    "signer.locked": "Chữ ký số đang khoá: hãy nhập mật khẩu / mã PIN ở màn Cài đặt (F7, rồi F9).",
    "signer.pin_wrong": "Sai mật khẩu hoặc mã PIN; token sẽ tự khoá sau vài lần nhập sai.",
    "signer.pin_locked": "Token {token} đã bị khoá do nhập sai PIN quá nhiều lần; nhờ cán bộ CNTT mở khoá bằng SO PIN.",
    "signer.pin_count_low": "Sai mã PIN; token {token} báo chỉ còn ít lần thử trước khi tự khoá.",
    "signer.pin_final_try": "Sai mã PIN; nhập sai thêm một lần nữa token {token} sẽ bị khoá: hãy kiểm tra kỹ trước khi thử lại.",
    "signer.pin_needed": "Cần mật khẩu của tệp chữ ký số.",
    "signer.token_missing": "Không thấy token {token}; hãy cắm token vào máy rồi thử lại.",
    "signer.key_missing": "Trên token không có khoá và chứng thư mang nhãn {label} ({detail}).",
    "signer.unreadable": "Không dùng được {path} làm chữ ký số: {detail}.",
    "signer.library_unusable": "Không nạp được thư viện PKCS#11 {path} ({detail}); hãy chọn tệp .so / .dll của hãng token.",
    "signer.missing_option": "Thiếu --{option}.",
    "signer.both_kinds": "Chọn tệp PKCS#12 hoặc token PKCS#11, không chọn cả hai.",
    "sign.failed": "Không ký được tệp PDF ({detail}); hãy quét lại hoặc lưu thành PDF thường.",
    "sign.timestamp_failed": "Máy chủ dấu thời gian {url} không trả lời; thử lại, hoặc bỏ trống signer.timestamp_url.",
    "sign.font_unusable": "Không dùng được phông chữ {path} cho dấu ký ({detail}).",
    "scan.pages_mismatch": "Giấy tờ có {paper} trang nhưng bản quét có {pdf} trang; hãy quét đủ mỗi trang một lần.",
    "scan.pages_invalid": "Số trang {pages}: hãy nhập số trang của giấy tờ (từ 1 trở lên).",
    "scan.pages_without_file": "Số trang đi kèm tệp quét (--file).",
    "result.closed": "Hồ sơ {code} ở trạng thái “{status}”: không có kết quả để đính kèm.",
    "result.needs_signer": "Kết quả điện tử phải được ký số: hãy chọn chữ ký số, hoặc đính kèm bản PDF cơ quan giải quyết đã ký.",
    "result.signature_broken": "Chữ ký của {signer} trên kết quả không còn hợp lệ: tệp đã bị sửa sau khi ký; hãy xin bản gốc.",
    "result.busy": "Một cửa sổ khác vừa đính kèm kết quả {code}; hãy đính kèm lại.",
}
"""Code -> Vietnamese template (merged into problems_vi.PROBLEMS)."""
