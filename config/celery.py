"""Celery application; tasks live next to the services they drive (inbox.tasks)."""

import ctypes
import ctypes.util
import gc
import os

from celery import Celery
from celery.signals import celeryd_init, worker_process_init, worker_ready

from config import broker_reconnect

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("inbox")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# A worker reconnects after its Redis broker restarts instead of exiting.
broker_reconnect.install()

M_ARENA_MAX = -8  # glibc's mallopt parameter
MALLOC_ARENAS = 2


@celeryd_init.connect
def limit_malloc_arenas(**_kwargs) -> None:
    """At most MALLOC_ARENAS glibc heaps in a worker, as MALLOC_ARENA_MAX=2 would set.

    glibc gives threads heaps of their own (up to eight per core), and each keeps what was
    freed in it: a threads-pool worker's resident memory crept up in steps after bursts
    (a campaign's chunks, beat's roll-up) while Python's live objects did not (glibc heap
    free, bench/campaign/RESULTS.md, 2026-12-06 23:00). Python allocates under the GIL
    almost always, so the threads seldom contend for the two. No-op without glibc."""
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        ctypes.CDLL(name).mallopt(M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError):
        return


@worker_ready.connect
@worker_process_init.connect
def freeze_startup_heap(**_kwargs) -> None:
    """Move everything start-up created (Django, the apps, their modules and URLconf) out
    of the collector's reach: it lives as long as the process, yet every full collection
    walked all of it again. A campaign's worker makes garbage at thousands of objects a
    second, so those collections cost ~0.08 ms of CPU per message; frozen, about a third
    of it (bench/RESULTS.md, 2026-12-07 campaign). Runs once the worker is ready
    (threads pool) or in each forked child (prefork)."""
    gc.collect()
    gc.freeze()
