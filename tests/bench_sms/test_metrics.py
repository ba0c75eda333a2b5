"""The benchmark's arithmetic: a wrong window count would hide a rate violation."""

from __future__ import annotations

from bench.sms_outbound import metrics


def test_evenly_spaced_sends_at_the_limit_fill_a_window_exactly():
    times = [i * 0.1 for i in range(50)]  # 10 per second for 5 s
    assert metrics.max_in_window(times) == 10


def test_a_burst_is_counted_wherever_it_falls():
    times = [0.0, 0.5, *[3.0 + i * 0.01 for i in range(12)], 9.0]
    assert metrics.max_in_window(times) == 12


def test_window_is_half_open():
    assert metrics.max_in_window([0.0, 1.0]) == 1
    assert metrics.max_in_window([0.0, 0.999]) == 2


def test_order_of_input_does_not_matter():
    assert metrics.max_in_window([2.0, 0.1, 0.2, 0.3, 5.0]) == 3
    assert metrics.max_in_window([]) == 0


def test_nearest_rank_percentiles():
    values = [float(v) for v in range(1, 101)]
    assert metrics.percentile(values, 0.50) == 50.0
    assert metrics.percentile(values, 0.99) == 99.0
    assert metrics.percentile(values, 1.0) == 100.0
    assert metrics.percentile([7.0], 0.99) == 7.0


def test_duplicates_lists_only_repeated_markers():
    assert metrics.duplicates(["a", "b", "a", "c", "a"]) == {"a": 3}
    assert metrics.duplicates(["a", "b"]) == {}
