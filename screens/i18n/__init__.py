"""Every user-facing string of the TUI, one catalogue per language."""
