"""Starts the kernel N times in a row; each start must answer kernel_info and run two cells.

usage: python kernel_starts.py [N]   (default 100)
Prints one line per start and a summary: the median start (process start to kernel_info reply),
the first cell (which may wait for the kernel to finish warming up) and a second, trivial cell
(the round trip a learner feels on every cell).
"""
import os
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel

KERNEL = os.environ.get("FASTTRACK_KERNEL_NAME", "fasttrack-java")
TIMEOUT = 30


def timed_cell(kc):
    t0 = time.perf_counter()
    reply = kc.execute_interactive("1 + 1", timeout=TIMEOUT, output_hook=lambda msg: None)
    if reply["content"]["status"] != "ok":
        raise RuntimeError("cell failed: %s" % reply["content"])
    return time.perf_counter() - t0


def one_start():
    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=TIMEOUT)  # waits for kernel_info
    started = time.perf_counter() - t0
    try:
        return started, timed_cell(kc), timed_cell(kc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    starts, firsts, seconds, failures = [], [], [], 0
    for i in range(n):
        try:
            s, first, second = one_start()
            print("start %3d: %.2f s, first cell %.0f ms, second cell %.0f ms"
                  % (i + 1, s, 1000 * first, 1000 * second), flush=True)
            starts.append(s)
            firsts.append(first)
            seconds.append(second)
        except Exception as e:  # any failure counts; the loop goes on to measure the rate
            failures += 1
            print("start %d failed: %r" % (i + 1, e), flush=True)
    if starts:
        print("kernel start + kernel_info: median %.2f s, max %.2f s; "
              "first cell (1 + 1): median %.0f ms; second cell (1 + 1): median %.0f ms"
              % (statistics.median(starts), max(starts),
                 1000 * statistics.median(firsts), 1000 * statistics.median(seconds)))
    print("kernel starts: %d passed, %d failed" % (n - failures, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
