"""Small notebook-editing helpers for course authors (not run by the tests).

  python3 lib/tests/nbcells.py list notebooks/09-transformer-block.ipynb      # index, type, first line of each cell

In Python:
  from nbcells import load, save, md, code, exercise
  nb = load("notebooks/01-tensors.ipynb")
  nb.cells[i:i] = [md("## Exercises ..."), *exercise("01.1", answer_src, check_src)]
  save(nb, "notebooks/01-tensors.ipynb")    # written without outputs, as committed
"""
import sys

import nbformat


def load(path):
    return nbformat.read(path, as_version=4)


def save(nb, path):
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.id = "c%02d" % i                # the course's ids: the cell's position
    nbformat.write(nb, path)


def md(text):
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def code(text):
    return nbformat.v4.new_code_cell(text.strip("\n"))


def exercise(ex_id, answer, check):
    """The answer cell (a placeholder calling Exercise.todo()) and its check cell, marked for the tests."""
    a, c = code(answer), code(check)
    a.metadata["fasttrack"] = {"exercise": ex_id, "role": "answer"}
    c.metadata["fasttrack"] = {"exercise": ex_id, "role": "check"}
    return [a, c]


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "list":
    for i, cell in enumerate(load(sys.argv[2]).cells):
        role = cell.metadata.get("fasttrack", {})
        first = cell.source.splitlines()[0] if cell.source else ""
        print("%3d %-8s %-30s %s" % (i, cell.cell_type, role or "", first[:90]))
