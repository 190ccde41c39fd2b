"""The Textual application of the desk. Screens are thin: they call ``desk`` services."""
