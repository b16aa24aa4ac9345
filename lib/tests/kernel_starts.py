"""Starts the kernel N times in a row; each start must answer kernel_info and run a cell.

usage: python kernel_starts.py [N]   (default 100)
Prints one line per failure and a summary with start and first-cell timings.
"""
import os
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel

KERNEL = os.environ.get("FASTTRACK_KERNEL_NAME", "fasttrack-java")
TIMEOUT = 30


def one_start():
    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=TIMEOUT)  # waits for kernel_info
    started = time.perf_counter() - t0
    try:
        t1 = time.perf_counter()
        reply = kc.execute_interactive("1 + 1", timeout=TIMEOUT, output_hook=lambda msg: None)
        cell = time.perf_counter() - t1
        if reply["content"]["status"] != "ok":
            raise RuntimeError("cell failed: %s" % reply["content"])
        return started, cell
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    starts, cells, failures = [], [], 0
    for i in range(n):
        try:
            s, c = one_start()
            print("start %3d: %.2f s, first cell %.0f ms" % (i + 1, s, 1000 * c), flush=True)
            starts.append(s)
            cells.append(c)
        except Exception as e:  # any failure counts; the loop goes on to measure the rate
            failures += 1
            print("start %d failed: %r" % (i + 1, e), flush=True)
    if starts:
        print("kernel start + kernel_info: median %.2f s, max %.2f s; first cell (1 + 1): median %.0f ms"
              % (statistics.median(starts), max(starts), 1000 * statistics.median(cells)))
    print("kernel starts: %d passed, %d failed" % (n - failures, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
