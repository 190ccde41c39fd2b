"""Reusable widgets of the desk's screens."""
