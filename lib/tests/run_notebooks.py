"""Executes every notebook headless through real Jupyter with the fasttrack-java kernel.

usage: python run_notebooks.py [NOTEBOOK ...]     (default: every notebooks/*.ipynb, in order)

A notebook fails when a cell errors or times out, when fewer "check yourself" lines passed than its
metadata declares (fasttrack.min_checks), or when it recorded fewer study notes than declared
(fasttrack.min_notes). Notes and checkpoints go to scratch folders, never into the learner's data/.
Executed copies land in target/executed-notebooks/ for inspection.
"""
import os
import pathlib
import re
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

REPO = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
EXECUTED = REPO / "target" / "executed-notebooks"
CHECK_MARK = "\u2713 "          # printed by fasttrack.check.Check for every claim that held
NOTE_HEADING = re.compile(r"^### Q: ", re.M)
CELL_TIMEOUT = int(os.environ.get("FASTTRACK_CELL_TIMEOUT", "600"))


def stdout_lines(nb):
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                yield from out.get("text", "").splitlines()


def errors_in(nb):
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                yield index, "%s: %s" % (out.get("ename"), out.get("evalue"))


def run(path):
    """Returns a list of failure messages (empty when the notebook passed)."""
    nb = nbformat.read(path, as_version=4)
    declared = nb.metadata.get("fasttrack", {})
    notes_dir = pathlib.Path(tempfile.mkdtemp(prefix="notes-"))
    os.environ["FASTTRACK_NOTES_DIR"] = str(notes_dir)   # inherited by the kernel process
    client = NotebookClient(nb, kernel_name="fasttrack-java", timeout=CELL_TIMEOUT, startup_timeout=120,
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
    checks = sum(1 for line in stdout_lines(nb) if line.startswith(CHECK_MARK))
    if checks < declared.get("min_checks", 0):
        failures.append("%d checks passed, the notebook declares at least %d" % (checks, declared["min_checks"]))
    notes = sum(len(NOTE_HEADING.findall(f.read_text(encoding="utf-8"))) for f in notes_dir.glob("*.md"))
    if notes < declared.get("min_notes", 0):
        failures.append("%d notes recorded, the notebook declares at least %d" % (notes, declared["min_notes"]))
    return failures, checks, notes


def main():
    paths = [pathlib.Path(p).resolve() for p in sys.argv[1:]] or sorted(NOTEBOOKS.glob("*.ipynb"))
    # Checkpoints of this run go to one scratch folder, shared so a later notebook can load an
    # earlier one's model; never into the learner's data/checkpoints.
    os.environ["FASTTRACK_CHECKPOINT_DIR"] = tempfile.mkdtemp(prefix="checkpoints-")
    if not paths:
        print("no notebooks found in %s" % NOTEBOOKS)
        sys.exit(1)
    failed = 0
    for path in paths:
        start = time.perf_counter()
        failures, checks, notes = run(path)
        took = time.perf_counter() - start
        status = "FAIL" if failures else "ok"
        print("%-4s %s  (%.1f s, %d checks, %d notes)" % (status, path.name, took, checks, notes), flush=True)
        for failure in failures:
            print("     - " + failure, flush=True)
        failed += bool(failures)
    print("notebooks: %d passed, %d failed" % (len(paths) - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
