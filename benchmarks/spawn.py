"""Run a command from a small process and print, on stdout, one JSON line: when it was
started and ended (time.time), its wait status, CPU seconds and peak RSS (KiB). Its own
output goes to this process's stderr.

    python -I -S benchmarks/spawn.py COMMAND [ARG...]

Why a process between the benchmark and a crawl: on Linux, a process's ru_maxrss starts at
the RSS high-water mark of the one that spawned it (exec keeps the old address space's
high-water mark, and vfork and posix_spawn run in the spawner's). A crawl spawned by
benchmarks/run.py itself, which holds a 100 000-row register's rows and replies, would
report the benchmark's peak (~345 MB), not its own. Started with -I -S, this one stays
near 10 MB, below any crawl. Standard library only: it runs before anything is imported.
"""

import json
import os
import subprocess
import sys
import time


def main(command: list[str]) -> int:
    started = time.time()
    child = subprocess.Popen(command, stdout=sys.stderr, stderr=sys.stderr)
    _, status, usage = os.wait4(child.pid, 0)
    print(json.dumps({"started": started, "ended": time.time(), "status": status,
                      "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kib": usage.ru_maxrss}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
