"""A worker limits glibc's heaps at start-up and moves its start-up heap out of the
collector's reach once it is ready."""

from __future__ import annotations

import gc

from celery.signals import celeryd_init, worker_process_init, worker_ready

from config.celery import freeze_startup_heap, limit_malloc_arenas


def _receivers(signal) -> list:
    return [ref() if callable(ref) else ref for _key, ref in signal.receivers]


def test_a_ready_worker_freezes_what_start_up_made():
    assert freeze_startup_heap in _receivers(worker_ready)
    assert freeze_startup_heap in _receivers(worker_process_init)
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_starting_worker_limits_its_malloc_arenas():
    assert limit_malloc_arenas in _receivers(celeryd_init)
    limit_malloc_arenas()  # glibc: mallopt; elsewhere nothing (never raises)
