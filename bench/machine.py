"""What every benchmark reports about where it ran, and how busy the machine was."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def describe() -> dict[str, str]:
    """CPU model, cores, RAM, OS, Python, date, commit and load: written beside each figure."""
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": model,
        "cores": str(len(os.sched_getaffinity(0))),
        "ram": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit or "?",
        "load": " / ".join(f"{x:.1f}" for x in os.getloadavg()) + " (1 / 5 / 15 min)",
    }


def tree_cpu(pids: list[int]) -> dict[int, float]:
    """CPU-seconds so far of each process under `pids` (children included)."""
    import psutil

    seen: dict[int, float] = {}
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for proc in [root, *root.children(recursive=True)]:
                t = proc.cpu_times()
                seen[proc.pid] = t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            continue
    return seen


def machine_busy() -> float:
    """CPU-seconds spent by every process on the machine (all cores, not idle/iowait)."""
    import psutil

    t = psutil.cpu_times()
    return t.user + t.nice + t.system + t.irq + t.softirq + getattr(t, "steal", 0.0)


class CpuMeter:
    """CPU cores each named group of process trees used between `start` and `stop`, and
    the whole machine's (others' work included: the machine is shared). One
    implementation for every end-to-end bench (sms_outbound, campaign)."""

    def __init__(self, groups: dict[str, list[int]]):
        self.groups = groups
        self.elapsed = 0.0

    def start(self) -> None:
        self._before = {k: tree_cpu(v) for k, v in self.groups.items()}
        self._busy, self._t0 = machine_busy(), time.monotonic()

    def stop(self) -> dict[str, float]:
        """{group: cores busy on average, ..., "machine": cores}; sets `elapsed`."""
        after = {k: tree_cpu(v) for k, v in self.groups.items()}
        busy = machine_busy() - self._busy
        self.elapsed = time.monotonic() - self._t0
        cores = {
            k: sum(after[k][p] - self._before[k].get(p, 0.0) for p in after[k]) / self.elapsed
            for k in self.groups
        }
        cores["machine"] = busy / self.elapsed
        return cores


class RssSampler(threading.Thread):
    """Resident memory (MiB) of process trees, every `every` seconds: (seconds, MiB)."""

    def __init__(self, pids: list[int], every: float = 5.0):
        super().__init__(daemon=True)
        self.pids, self.every, self.samples = pids, every, []
        self.stopped = threading.Event()

    def run(self) -> None:
        import psutil

        start = time.monotonic()
        while not self.stopped.wait(self.every):
            total = 0
            for pid in self.pids:
                try:
                    proc = psutil.Process(pid)
                    total += proc.memory_info().rss
                    total += sum(c.memory_info().rss for c in proc.children(recursive=True))
                except psutil.Error:
                    continue
            self.samples.append((time.monotonic() - start, total / 2**20))
