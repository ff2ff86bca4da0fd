"""A cgroup v1 of its own for one command: a memory limit, and optionally a CPU quota, as a
small instance would give it (a t3.micro: 0.2 of a CPU and about 700 MiB). Used by the
memory test (tests/reliability/memory_test.py) and by bench/run's t3.micro envelope.

    cgroup = Cgroup(700 * MiB, cpus=0.2)
    subprocess.run(cgroup.wrapper() + cmd)
    print(cgroup.figures())   # peaks, OOM kills, CPU throttling
    cgroup.close()            # removes it

Needs root and the cgroup v1 memory controller (and the cpu controller for a quota) mounted
under /sys/fs/cgroup: see available().

Peak memory is given twice: memory.max_usage_in_bytes counts the page cache of the files the
command reads and writes, which the kernel reclaims under the limit instead of failing; the
sampled total_rss of memory.stat is the command's own (anonymous) memory."""

import os
import signal
import threading
import time
import uuid

MiB = 1 << 20
ROOT = "/sys/fs/cgroup"
CFS_PERIOD_US = 100000


class Cgroup:
    """A memory cgroup limited to `memory` bytes and, when `cpus` is given, a cpu cgroup with
    that share of one CPU (cfs_quota_us = cpus x cfs_period_us); both removed by close()."""

    def __init__(self, memory, cpus=None, prefix="s3proc-"):
        name = prefix + uuid.uuid4().hex[:12]
        self.memory = os.path.join(ROOT, "memory", name)
        self.cpu = os.path.join(ROOT, "cpu", name) if cpus is not None else None
        self.paths = []
        try:
            os.mkdir(self.memory)
            self.paths.append(self.memory)
            self._write(self.memory, "memory.limit_in_bytes", str(memory))
            if self.cpu:
                os.mkdir(self.cpu)
                self.paths.append(self.cpu)
                self._write(self.cpu, "cpu.cfs_period_us", str(CFS_PERIOD_US))
                self._write(self.cpu, "cpu.cfs_quota_us", str(round(cpus * CFS_PERIOD_US)))
        except OSError:
            for path in self.paths:
                os.rmdir(path)
            raise
        self.max_rss = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    @staticmethod
    def _write(path, name, value):
        with open(os.path.join(path, name), "w") as f:
            f.write(value)

    @staticmethod
    def _read(path, name):
        with open(os.path.join(path, name)) as f:
            return f.read()

    def _fields(self, path, name):
        return {k: int(v) for k, v in (line.split() for line in self._read(path, name)
                                       .splitlines())}

    def oom_kills(self):
        return self._fields(self.memory, "memory.oom_control").get("oom_kill", 0)

    def wrapper(self):
        """A command prefix that moves itself into the cgroup(s), then execs the command: the
        process is limited from its first instruction, and its parent (the caller) is not."""
        return (["/bin/sh", "-c",
                 'while [ "$1" != -- ]; do echo $$ > "$1/tasks" || exit 126; shift; done; '
                 'shift; exec "$@"', "cgroup"] + self.paths + ["--"])

    def _sample(self):
        while not self._stop.wait(0.1):
            try:
                rss = self._fields(self.memory, "memory.stat").get("total_rss", 0)
            except OSError:
                return
            self.max_rss = max(self.max_rss, rss)

    def figures(self):
        """The run's figures so far: memory in MiB, CPU throttling when there is a quota."""
        out = {"limit_mib": int(self._read(self.memory, "memory.limit_in_bytes")) // MiB,
               "max_usage_mib_with_page_cache":
                   int(self._read(self.memory, "memory.max_usage_in_bytes")) // MiB,
               "sampled_max_rss_mib": self.max_rss // MiB,
               "failcnt": int(self._read(self.memory, "memory.failcnt")),
               "oom_kills": self.oom_kills()}
        if self.cpu:
            stat = self._fields(self.cpu, "cpu.stat")
            out["cpus"] = (int(self._read(self.cpu, "cpu.cfs_quota_us"))
                           / int(self._read(self.cpu, "cpu.cfs_period_us")))
            out["nr_periods"] = stat.get("nr_periods", 0)
            out["nr_throttled"] = stat.get("nr_throttled", 0)
            out["throttled_s"] = stat.get("throttled_time", 0) / 1e9
        return out

    def close(self):
        """Removes the cgroups. A command still in them (its caller was interrupted) is killed
        first: a cgroup with tasks cannot be removed."""
        self._stop.set()
        self._sampler.join()
        for path in self.paths:
            for pid in self._read(path, "cgroup.procs").split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            for attempt in range(50):  # a killed task leaves its cgroup as it exits
                try:
                    os.rmdir(path)  # its page cache is handed to the parent
                    break
                except OSError:
                    if attempt == 49:
                        raise
                    time.sleep(0.1)


def available(cpu=False):
    """None when a Cgroup (with a CPU quota, if `cpu`) can be made here, else why not."""
    if os.geteuid() != 0:
        return "not root"
    controllers = ["memory"] + (["cpu"] if cpu else [])
    for c in controllers:
        if not os.path.isdir(os.path.join(ROOT, c)):
            return f"no cgroup v1 {c} controller at {ROOT}/{c}"
    try:
        Cgroup(64 * MiB, cpus=0.5 if cpu else None).close()
    except OSError as e:
        return f"cannot make a cgroup v1 ({', '.join(controllers)}): {e}"
    return None
