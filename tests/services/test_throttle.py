"""The sender rate holds across processes, because the bucket lives in Redis."""

import multiprocessing
import uuid

import pytest

from inbox.throttle import Throttled, Throughput, take_slot


def _send_burst(key: str, rate: float, count: int, out) -> None:
    import time

    import django

    django.setup()
    stamps = []
    for _ in range(count):
        while True:
            try:
                slot = take_slot(Throughput(key=key, per_second=rate), max_ahead=0.5)
                break
            except Throttled as exc:
                time.sleep(exc.retry_after)
        assert time.time() >= slot - 0.001  # the caller was held until its slot
        stamps.append(slot)
    out.put(stamps)


def max_in_any_window(stamps: list[float], window: float) -> int:
    stamps = sorted(stamps)
    best = 0
    j = 0
    for i, start in enumerate(stamps):
        while j < len(stamps) and stamps[j] < start + window:
            j += 1
        best = max(best, j - i)
    return best


def test_two_processes_never_exceed_the_sender_rate():
    key = f"test-{uuid.uuid4()}"
    rate = 20.0
    queue = multiprocessing.get_context("fork").Queue()
    procs = [
        multiprocessing.get_context("fork").Process(target=_send_burst, args=(key, rate, 30, queue))
        for _ in range(2)
    ]
    for proc in procs:
        proc.start()
    stamps = queue.get(timeout=60) + queue.get(timeout=60)
    for proc in procs:
        proc.join(10)
    assert len(stamps) == 60
    assert max_in_any_window(stamps, 1.0) <= rate
    gaps = [b - a for a, b in zip(sorted(stamps), sorted(stamps)[1:], strict=False)]
    assert min(gaps) >= (1 / rate) - 1e-5  # evenly spaced, never a burst


def test_a_slot_too_far_ahead_is_refused_with_the_wait():
    key = f"test-{uuid.uuid4()}"
    limit = Throughput(key=key, per_second=1.0, cost=3)
    take_slot(limit, max_ahead=0.5)  # books the next 3 seconds
    with pytest.raises(Throttled) as err:
        take_slot(limit, max_ahead=0.5)
    assert 2.0 < err.value.retry_after <= 3.0
