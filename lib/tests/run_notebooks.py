"""Executes every notebook headless through real Jupyter with the fasttrack-java kernel.

usage: python run_notebooks.py [NOTEBOOK ...]     (default: every notebooks/*.ipynb, in order)

A notebook fails when a cell errors or times out, when fewer "check yourself" lines passed than its
metadata declares (fasttrack.min_checks), when it recorded fewer study notes than declared
(fasttrack.min_notes), or when its exercises fail: it needs fasttrack.min_exercises of them (default 2),
each shipped as a placeholder, each solution in notebooks/solutions/ must pass its check, and each wrong
answer there must be rejected (see exercises.py). The notebook runs once, as a learner gets it, with the
solution probes added after each exercise's check cell. Notes and checkpoints go to scratch folders, never
into the learner's data/. Executed copies land in target/executed-notebooks/ for inspection.
"""
import os
import pathlib
import re
import shutil
import sys
import tempfile
import time

import nbformat
import exercises
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

REPO = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
EXECUTED = REPO / "target" / "executed-notebooks"
CHECK_MARK = "\u2713 "          # printed by fasttrack.check.Check for every claim that held
NOTE_HEADING = re.compile(r"^### Q: ", re.M)
CELL_TIMEOUT = int(os.environ.get("FASTTRACK_CELL_TIMEOUT", "600"))
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


def run(path):
    """Returns (failure messages, empty when it passed; checks passed; notes recorded; exercises)."""
    shipped = nbformat.read(path, as_version=4)
    declared = shipped.metadata.get("fasttrack", {})
    try:
        ids = exercises.exercises_in(shipped)
        sol_path = exercises.solutions_path(path)
        solutions = exercises.parse(sol_path) if sol_path.exists() else {}
    except exercises.SolutionsError as e:
        return [str(e)], 0, 0, 0
    problems, least = [], declared.get("min_exercises", 2)
    if len(ids) < least:
        problems.append("%d exercises, the notebook declares at least %d" % (len(ids), least))
    missing, unused = sorted(set(ids) - set(solutions)), sorted(set(solutions) - set(ids))
    if missing:
        problems.append("no solution in %s for exercise(s) %s" % (sol_path.relative_to(REPO), ", ".join(missing)))
    if unused:
        problems.append("%s has solutions for exercise(s) %s, which the notebook does not have" % (sol_path.relative_to(REPO), ", ".join(unused)))
    if problems:
        return problems, 0, 0, 0
    nb = exercises.with_solutions(shipped, solutions)
    notes_dir = pathlib.Path(tempfile.mkdtemp(prefix="notes-"))
    os.environ["FASTTRACK_NOTES_DIR"] = str(notes_dir)   # inherited by the kernel process
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=CELL_TIMEOUT, startup_timeout=120,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    failures = []
    try:
        client.execute()
    except CellTimeoutError as e:
        failures.append("a cell ran past %d s: %s" % (CELL_TIMEOUT, str(e).splitlines()[0]))
    except DeadKernelError as e:
        failures.append("the kernel died: %s" % e)
    except CellExecutionError:
        pass  # reported below from the outputs, with the cell number
    finally:
        EXECUTED.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, EXECUTED / path.name)

    failures += ["cell %d raised %s" % (i, e) for i, e in errors_in(nb)]
    failures += exercises.verdicts(nb)
    checks = sum(1 for line in stdout_lines(nb) if line.startswith(CHECK_MARK))
    if checks < declared.get("min_checks", 0):
        failures.append("%d checks passed, the notebook declares at least %d" % (checks, declared["min_checks"]))
    notes = sum(len(NOTE_HEADING.findall(f.read_text(encoding="utf-8"))) for f in notes_dir.glob("*.md"))
    keep = os.environ.get("FASTTRACK_SAVE_NOTES_TO")   # authors: refresh the notes shipped in data/notes/
    if keep and not failures:
        for f in notes_dir.glob("*.md"):
            shutil.copy(f, pathlib.Path(keep) / f.name)
    if notes < declared.get("min_notes", 0):
        failures.append("%d notes recorded, the notebook declares at least %d" % (notes, declared["min_notes"]))
    return failures, checks, notes, len(ids)


def main():
    if any(arg.startswith("-") for arg in sys.argv[1:]):
        print(__doc__)
        sys.exit(0 if sys.argv[1:] in (["-h"], ["--help"]) else 2)
    paths = [pathlib.Path(p).resolve() for p in sys.argv[1:]] or sorted(NOTEBOOKS.glob("*.ipynb"))
    # Checkpoints of this run go to one scratch folder, shared so a later notebook can load an
    # earlier one's model; never into the learner's data/checkpoints.
    # (An author may set FASTTRACK_TEST_CHECKPOINTS to a folder to reuse notebook 10's model across runs.)
    os.environ["FASTTRACK_CHECKPOINT_DIR"] = os.environ.get("FASTTRACK_TEST_CHECKPOINTS") or tempfile.mkdtemp(prefix="checkpoints-")
    if not paths:
        print("no notebooks found in %s" % NOTEBOOKS)
        sys.exit(1)
    failed = 0
    for path in paths:
        start = time.perf_counter()
        failures, checks, notes, solved = run(path)
        took = time.perf_counter() - start
        status = "FAIL" if failures else "ok"
        print("%-4s %s  (%.1f s, %d checks, %d notes, %d exercises)" % (status, path.name, took, checks, notes, solved), flush=True)
        for failure in failures:
            print("     - " + failure, flush=True)
        failed += bool(failures)
    print("notebooks: %d passed, %d failed" % (len(paths) - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
