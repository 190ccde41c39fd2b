"""The TUI bench stays runnable: it reports every figure (timings are never asserted)."""

from bench import bench_tui


def test_tui_bench_reports_first_screen_and_memory(desk):
    report = bench_tui.bench(desk.home.root, runs=1)
    for key in ("tui_first_screen_ms", "tui_first_screen_cpu_ms", "tui_intake_open_ms", "tui_rss_mb"):
        assert isinstance(report[key], (int, float)) and report[key] > 0, key
