"""Dossiers: rows, events, queries, and every change, one transaction each."""
