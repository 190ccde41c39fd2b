"""The fixed lists a clerk chooses from: where a component is reused from, a citizen's satisfaction.

Pure constants, so that the CLI can offer them in ``--help`` without loading the dossier layer.
"""

from __future__ import annotations

REUSE_SOURCES = ("VNeID", "CSDLQG dân cư", "Kho dữ liệu", "CSDL hộ tịch điện tử")
"""Data stores a component can be reused from (Kho dữ liệu = the citizen's personal data store)."""

SATISFACTION = ("Rất hài lòng", "Hài lòng", "Không hài lòng")
"""The answers a citizen may give when collecting a result (for the 766/QĐ-TTg indicators)."""
