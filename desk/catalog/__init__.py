"""The procedure catalogue: its file formats and the desk's stored copy."""
