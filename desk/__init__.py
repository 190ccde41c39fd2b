"""motcua-desk: the core of the one-stop desk (no UI, no PDF)."""

__version__ = "0.1.0"
