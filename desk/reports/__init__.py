"""Indicators and the end-of-day report."""
