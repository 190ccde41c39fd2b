"""``make bench``: the budgets of SPEC §10, measured and written as JSON (never timed tests)."""
