"""The TUI's words for signatures: the signer on the settings screen, the files of the dossier view.

Merged into ``vi.STRINGS`` and ``en.STRINGS`` by ``screens/i18n/__init__.py`` (each language file
stays under 500 lines); the parity tests read the merged catalogues.
"""

from __future__ import annotations

VI: dict[str, str] = {
    "digit.digitised_unsigned": "Quét, chưa ký",
    "dossier.files": "Bản điện tử và chữ ký số",
    "col.file_code": "Mã kết quả số hoá",
    "col.signed_by": "Người ký",
    "col.signed_at": "Thời điểm ký",
    "col.file_state": "Tình trạng",
    "file_state.intact": "Nguyên vẹn",
    "file_state.altered": "Đã bị sửa!",
    "file_state.unsigned": "Chưa ký số",
    "settings.signer": "Chữ ký số",
    "settings.signer_none": "Chưa có chữ ký số: bản quét được lưu nhưng chưa ký (không có giá trị pháp lý). Cán bộ CNTT chọn bằng `desk signer set`.",
    "settings.signer_pkcs12": "Tệp PKCS#12 {path}",
    "settings.signer_pkcs11": "USB token “{token}”, khoá “{key}”",
    "settings.signer_locked": "Đang khoá: bấm F9 để nhập mật khẩu / mã PIN (chỉ giữ trong phiên làm việc này).",
    "settings.signer_cert": "Chủ thể: {subject}\nCấp bởi: {issuer}\nHiệu lực: {start} đến {end}",
    "settings.signer_pin_title": "Mở chữ ký số",
    "settings.signer_pin_prompt": "Nhập mật khẩu / mã PIN của chữ ký số. Token tự khoá sau vài lần nhập sai.",
    "settings.signer_unlocked": "Đã mở chữ ký số cho phiên làm việc này.",
    "key.settings.unlock": "Nhập PIN",
    "cmd.settings.unlock": "cài đặt: nhập mã PIN chữ ký số",
    "event.result.attached": "Đính kèm kết quả điện tử",
}

EN: dict[str, str] = {
    "digit.digitised_unsigned": "Scanned, unsigned",
    "dossier.files": "Electronic copies and signatures",
    "col.file_code": "Digitisation code",
    "col.signed_by": "Signed by",
    "col.signed_at": "Signed at",
    "col.file_state": "State",
    "file_state.intact": "Intact",
    "file_state.altered": "Altered!",
    "file_state.unsigned": "Not signed",
    "settings.signer": "Digital signature",
    "settings.signer_none": "No signer: scans are kept but not signed (no legal value). IT sets one with `desk signer set`.",
    "settings.signer_pkcs12": "PKCS#12 file {path}",
    "settings.signer_pkcs11": "USB token “{token}”, key “{key}”",
    "settings.signer_locked": "Locked: press F9 to type the passphrase / PIN (kept for this session only).",
    "settings.signer_cert": "Subject: {subject}\nIssuer: {issuer}\nValid: {start} to {end}",
    "settings.signer_pin_title": "Unlock the signer",
    "settings.signer_pin_prompt": "Type the signer's passphrase / PIN. A token locks itself after a few wrong PINs.",
    "settings.signer_unlocked": "Signer unlocked for this session.",
    "key.settings.unlock": "PIN",
    "cmd.settings.unlock": "settings: type the signer's PIN",
    "event.result.attached": "Electronic result attached",
}
