"""Modal dialogs: they collect an answer and return it with ``dismiss``."""
