"""Executes every notebook headless through real Jupyter with the fasttrack-java kernel.

usage: python run_notebooks.py [NOTEBOOK ...]     (default: every notebooks/*.ipynb, in order)

A notebook fails when a cell errors or times out, when fewer "check yourself" lines passed than its
metadata declares (fasttrack.min_checks, less any the run declared skipped with Check.skipped because the
machine lacks what they need, such as a Java 21+ for Jlama), when it recorded fewer study notes than declared
(fasttrack.min_notes), or when its exercises fail: it needs fasttrack.min_exercises of them (default 2),
each shipped as a placeholder, each solution in notebooks/solutions/ must pass its check, and each wrong
answer there must be rejected (see exercises.py). The notebook runs once, as a learner gets it, with the
solution probes added after each exercise's check cell. Notes and checkpoints go to scratch folders, never
into the learner's data/. Executed copies land in target/executed-notebooks/ for inspection.

Each notebook's kernel is watched: its peak resident memory must stay within the notebook's budget
(fasttrack.memory_gb, default 3 GB). A table of every notebook's time, slowest cell and peak memory ends the run.

Notebooks after 10 read notebook 10's model through KjvGpt.checkpoint(), which trains notebook 10's recipe when
the checkpoint is missing (KjvGptTest proves that path gives notebook 10's weights, tensor for tensor); the run
shares one scratch checkpoint folder, so notebook 10 trains the model once and the later notebooks read it.
"""
import os
import pathlib
import re
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime

import nbformat
import exercises
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

REPO = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
EXECUTED = REPO / "target" / "executed-notebooks"
CHECK_MARK = "\u2713 "          # printed by fasttrack.check.Check for every claim that held
SKIPPED = re.compile(r"^\u2298 (\d+) checks? skipped: ")   # Check.skipped: checks this machine cannot run (no Java 21+, say)
NOTE_HEADING = re.compile(r"^### Q: ", re.M)
# Generous on purpose: the slowest cell (notebook 10's training) takes minutes on a slow machine, and the limit
# must hold three times that; a hung kernel is still caught.
CELL_TIMEOUT = int(os.environ.get("FASTTRACK_CELL_TIMEOUT", "1800"))
DEFAULT_MEMORY_GB = 3.0
KERNEL = os.environ.get("FASTTRACK_KERNEL_NAME", "fasttrack-java")


def stdout_lines(nb):
    for cell in nb.cells:
        if exercises.injected(cell):
            continue                 # probes prove the exercises; the notebook's own checks are counted
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                yield from out.get("text", "").splitlines()


def errors_in(nb):
    for index, cell in enumerate(nb.cells):
        if exercises.injected(cell) == "rejected":
            continue                 # a wrong answer must fail its check: exercises.verdicts() asserts it
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                yield index, "%s: %s" % (out.get("ename"), out.get("evalue"))


class PeakMemory(threading.Thread):
    """Samples the kernel process's peak resident memory (VmHWM, which only grows) while a notebook runs."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client, self.peak_bytes, self.stopped = client, 0, threading.Event()

    def run(self):
        while not self.stopped.wait(0.5):
            try:
                pid = self.client.km.provisioner.pid
                with open("/proc/%d/status" % pid) as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            self.peak_bytes = max(self.peak_bytes, int(line.split()[1]) * 1024)
            except (AttributeError, TypeError, OSError, ValueError):
                pass                 # no kernel yet, or it just exited

    def stop(self):
        self.stopped.set()
        self.join()


def slowest_cell(nb):
    """(seconds, index) of the cell that took longest, from the timings nbclient records."""
    best = (0.0, -1)
    for index, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        start, end = timing.get("iopub.status.busy"), timing.get("shell.execute_reply")
        if start and end:
            took = (datetime.fromisoformat(end.rstrip("Z")) - datetime.fromisoformat(start.rstrip("Z"))).total_seconds()
            best = max(best, (took, index))
    return best


class Outcome:
    def __init__(self, failures, checks=0, notes=0, exercises=0, peak_bytes=0, slowest=(0.0, -1)):
        self.failures, self.checks, self.notes, self.exercises = failures, checks, notes, exercises
        self.peak_bytes, self.slowest, self.seconds = peak_bytes, slowest, 0.0


def run(path):
    """Executes one notebook; returns its Outcome (no failures when it passed)."""
    shipped = nbformat.read(path, as_version=4)
    declared = shipped.metadata.get("fasttrack", {})
    try:
        ids = exercises.exercises_in(shipped)
        sol_path = exercises.solutions_path(path)
        solutions = exercises.parse(sol_path) if sol_path.exists() else {}
    except exercises.SolutionsError as e:
        return Outcome([str(e)])
    problems, least = [], declared.get("min_exercises", 2)
    if len(ids) < least:
        problems.append("%d exercises, the notebook declares at least %d" % (len(ids), least))
    missing, unused = sorted(set(ids) - set(solutions)), sorted(set(solutions) - set(ids))
    if missing:
        problems.append("no solution in %s for exercise(s) %s" % (sol_path.relative_to(REPO), ", ".join(missing)))
    if unused:
        problems.append("%s has solutions for exercise(s) %s, which the notebook does not have" % (sol_path.relative_to(REPO), ", ".join(unused)))
    if problems:
        return Outcome(problems)
    nb = exercises.with_solutions(shipped, solutions)
    notes_dir = pathlib.Path(tempfile.mkdtemp(prefix="notes-"))
    os.environ["FASTTRACK_NOTES_DIR"] = str(notes_dir)   # inherited by the kernel process
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=CELL_TIMEOUT, startup_timeout=120,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    failures = []
    memory = PeakMemory(client)
    memory.start()
    try:
        client.execute()
    except CellTimeoutError as e:
        failures.append("a cell ran past %d s: %s" % (CELL_TIMEOUT, str(e).splitlines()[0]))
    except DeadKernelError as e:
        failures.append("the kernel died: %s" % e)
    except CellExecutionError:
        pass  # reported below from the outputs, with the cell number
    finally:
        memory.stop()
        EXECUTED.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, EXECUTED / path.name)

    failures += ["cell %d raised %s" % (i, e) for i, e in errors_in(nb)]
    failures += exercises.verdicts(nb)
    checks = sum(1 for line in stdout_lines(nb) if line.startswith(CHECK_MARK))
    skipped = sum(int(m.group(1)) for line in stdout_lines(nb) for m in [SKIPPED.match(line)] if m)
    if checks < declared.get("min_checks", 0) - skipped:
        failures.append("%d checks passed%s, the notebook declares at least %d" % (checks, " and %d were skipped" % skipped if skipped else "",
                                                                               declared["min_checks"]))
    notes = sum(len(NOTE_HEADING.findall(f.read_text(encoding="utf-8"))) for f in notes_dir.glob("*.md"))
    keep = os.environ.get("FASTTRACK_SAVE_NOTES_TO")   # authors: refresh the notes shipped in data/notes/
    if keep and not failures:
        for f in notes_dir.glob("*.md"):
            shutil.copy(f, pathlib.Path(keep) / f.name)
    if notes < declared.get("min_notes", 0):
        failures.append("%d notes recorded, the notebook declares at least %d" % (notes, declared["min_notes"]))
    budget = declared.get("memory_gb", DEFAULT_MEMORY_GB)
    if memory.peak_bytes > budget * 2**30:
        failures.append("the kernel's peak resident memory was %.2f GB, over the notebook's budget of %.1f GB (fasttrack.memory_gb)"
                        % (memory.peak_bytes / 2**30, budget))
    return Outcome(failures, checks, notes, len(ids), memory.peak_bytes, slowest_cell(nb))


def report(outcome, path):
    status = "FAIL" if outcome.failures else "ok"
    print("%-4s %s  (%.1f s, %d checks, %d notes, %d exercises, peak memory %.2f GB)"
          % (status, path.name, outcome.seconds, outcome.checks, outcome.notes, outcome.exercises, outcome.peak_bytes / 2**30), flush=True)
    for failure in outcome.failures:
        print("     - " + failure, flush=True)


def table(outcomes):
    print("\n%-34s %9s %18s %13s" % ("notebook", "time", "slowest cell", "peak memory"))
    for path, o in outcomes:
        seconds, index = o.slowest
        print("%-34s %8.1fs %10.1fs (#%2d) %10.2f GB%s" % (path.name, o.seconds, seconds, index, o.peak_bytes / 2**30, "  FAIL" if o.failures else ""))
    total = sum(o.seconds for _, o in outcomes)
    print("%-34s %8.1fs  (%.1f min)%s" % ("all", total, total / 60, "" if not outcomes else
          "; largest peak %.2f GB" % (max(o.peak_bytes for _, o in outcomes) / 2**30)), flush=True)


def main():
    if any(arg.startswith("-") for arg in sys.argv[1:]):
        print(__doc__)
        sys.exit(0 if sys.argv[1:] in (["-h"], ["--help"]) else 2)
    paths = [pathlib.Path(p).resolve() for p in sys.argv[1:]] or sorted(NOTEBOOKS.glob("*.ipynb"))
    # Checkpoints of this run go to one scratch folder, shared so a later notebook can load an
    # earlier one's model; never into the learner's data/checkpoints.
    # (An author may set FASTTRACK_TEST_CHECKPOINTS to a folder to reuse notebook 10's model across runs.)
    checkpoints = pathlib.Path(os.environ.get("FASTTRACK_TEST_CHECKPOINTS") or tempfile.mkdtemp(prefix="checkpoints-"))
    if not paths:
        print("no notebooks found in %s" % NOTEBOOKS)
        sys.exit(1)
    os.environ["FASTTRACK_CHECKPOINT_DIR"] = str(checkpoints)
    outcomes = []
    for path in paths:
        start = time.perf_counter()
        outcome = run(path)
        outcome.seconds = time.perf_counter() - start
        report(outcome, path)
        outcomes.append((path, outcome))
    table(sorted(outcomes, key=lambda po: po[0].name))
    failed = sum(1 for _, o in outcomes if o.failures)
    print("notebooks: %d passed, %d failed" % (len(outcomes) - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
