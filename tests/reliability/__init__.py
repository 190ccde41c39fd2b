"""Issue 12's attacks, each kept as a fast test that failed before its fix."""
