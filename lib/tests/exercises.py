"""Exercises in the notebooks and their solutions in notebooks/solutions/.

An exercise is two cells in a notebook, marked in the cell metadata:
  {"fasttrack": {"exercise": "09.1", "role": "answer"}}   the placeholder the learner replaces
  {"fasttrack": {"exercise": "09.1", "role": "check"}}    Exercise.check(...), which the answer must pass

notebooks/solutions/<notebook>.md holds, for each exercise, a section

  ## Exercise 09.1 · <title>
  <why it works>
  ```java
  <the solution: replaces the answer cell>
  ```
  ### Wrong: <a plausible mistake>
  ```java
  <a wrong answer the check must reject>
  ```

with_solutions() returns the notebook with probes added after every check cell: each wrong answer and
the check (which must fail), then the solution and the check (which must pass). Later cells then run
on top of the solution, as they would for a learner who solved it.
"""
import copy
import pathlib
import re

import nbformat

SOLVED = "\u2605 Exercise %s solved"
OPEN = "\u25fb Exercise %s not answered yet"
REJECTED = "\u2717 Exercise %s"
SECTION = re.compile(r"^## Exercise (\S+)", re.M)
CODE = re.compile(r"^```java\n(.*?)^```", re.M | re.S)


class SolutionsError(Exception):
    pass


def parse(path):
    """{id: (solution, [wrong answers])} from a solutions file."""
    text = path.read_text(encoding="utf-8")
    heads = list(SECTION.finditer(text))
    solutions = {}
    for i, head in enumerate(heads):
        body = text[head.end(): heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        parts = re.split(r"^### ", body, flags=re.M)
        solution = CODE.search(parts[0])
        wrongs = [CODE.search(part) for part in parts[1:]]
        if not solution:
            raise SolutionsError("%s: exercise %s has no ```java solution block" % (path.name, head.group(1)))
        if not wrongs or not all(wrongs):
            raise SolutionsError("%s: exercise %s needs at least one '### Wrong: ...' section with a ```java block"
                                 % (path.name, head.group(1)))
        if head.group(1) in solutions:
            raise SolutionsError("%s: exercise %s appears twice" % (path.name, head.group(1)))
        solutions[head.group(1)] = (solution.group(1), [w.group(1) for w in wrongs])
    return solutions


def role(cell):
    meta = cell.get("metadata", {}).get("fasttrack", {})
    return meta.get("exercise"), meta.get("role")


def exercises_in(nb):
    """Exercise ids in order, after checking each has exactly one answer cell followed by one check cell."""
    answers, checks = [], []
    for cell in nb.cells:
        ex, r = role(cell)
        if r == "answer":
            answers.append(ex)
        elif r == "check":
            checks.append(ex)
    if answers != checks or len(set(answers)) != len(answers):
        raise SolutionsError("each exercise needs one answer cell, then one check cell: answers %s, checks %s" % (answers, checks))
    return answers


def solutions_path(notebook):
    return notebook.parent / "solutions" / (notebook.stem + ".md")


def with_solutions(nb, solutions):
    """A copy of nb with the probes added after each check cell (marked fasttrack.injected)."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        cells.append(cell)
        ex, r = role(cell)
        if r != "check":
            continue
        solution, wrongs = solutions[ex]
        for wrong in wrongs:
            cells.append(_probe(wrong, ex, "wrong-answer"))
            rejected = _probe(cell.source, ex, "rejected")
            rejected.metadata["tags"] = ["raises-exception"]
            cells.append(rejected)
        cells.append(_probe(solution, ex, "solution"))
        cells.append(_probe(cell.source, ex, "solved"))
    out.cells = cells
    return out


def _probe(source, ex, kind):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["fasttrack"] = {"injected": kind, "exercise": ex}
    return cell


def injected(cell):
    return cell.get("metadata", {}).get("fasttrack", {}).get("injected")


def text_of(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append("%s: %s" % (out.get("ename"), out.get("evalue")))
    return "".join(parts)


def has_error(cell):
    return any(out.get("output_type") == "error" for out in cell.get("outputs", []))


def verdicts(nb):
    """Failure messages about the exercises of an executed notebook with probes (empty when all held)."""
    failures = []
    for cell in nb.cells:
        ex, r = role(cell)
        kind = injected(cell)
        text = text_of(cell)
        if r == "check" and not kind and OPEN % ex not in text:
            failures.append("exercise %s: the shipped answer cell must be a placeholder (Exercise.todo()), "
                            "but its check printed: %s" % (ex, text.strip()[:300] or "nothing"))
        elif kind == "rejected" and not (has_error(cell) and REJECTED % ex in text):
            failures.append("exercise %s: a wrong answer was not rejected by the check: %s" % (ex, text.strip()[:300] or "no output"))
        elif kind == "solved" and SOLVED % ex not in text:
            failures.append("exercise %s: the solution did not pass its check: %s" % (ex, text.strip()[:300] or "no output"))
    return failures
