"""Unit tests of the exercise machinery the notebook stage relies on (exercises.py)."""
import pathlib
import tempfile
import unittest

import nbformat

import exercises
from nbcells import code, exercise, md

GOOD = """# Solutions

## Exercise 01.1 · Square
Why.

```java
int sq(int x) { return x * x; }
```

### Wrong: doubling

```java
int sq(int x) { return 2 * x; }
```

### Wrong: off by one

```java
int sq(int x) { return x * x + 1; }
```

## Exercise 01.2 · Cube

```java
int cube(int x) { return x * x * x; }
```

### Wrong: square

```java
int cube(int x) { return x * x; }
```
"""


def write(text):
    path = pathlib.Path(tempfile.mkdtemp()) / "01-x.md"
    path.write_text(text, encoding="utf-8")
    return path


def notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [md("# x"), *exercise("01.1", "int sq(int x) { return Exercise.todo(); }", "CHECK 01.1"),
                code("later();"), *exercise("01.2", "int cube(int x) { return Exercise.todo(); }", "CHECK 01.2")]
    return nb


def stream(cell, text):
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]


def error(cell, evalue):
    cell.outputs = [nbformat.v4.new_output("error", ename="ExerciseFailed", evalue=evalue, traceback=[])]


class ExercisesTest(unittest.TestCase):

    def test_a_solutions_file_gives_each_solution_and_its_wrong_answers(self):
        solutions = exercises.parse(write(GOOD))
        self.assertEqual(sorted(solutions), ["01.1", "01.2"])
        solution, wrongs = solutions["01.1"]
        self.assertEqual(solution, "int sq(int x) { return x * x; }\n")
        self.assertEqual(wrongs, ["int sq(int x) { return 2 * x; }\n", "int sq(int x) { return x * x + 1; }\n"])

    def test_an_exercise_without_a_wrong_answer_is_refused(self):
        text = GOOD.split("### Wrong: square")[0]
        with self.assertRaisesRegex(exercises.SolutionsError, "01.2 needs at least one '### Wrong"):
            exercises.parse(write(text))

    def test_an_exercise_listed_twice_is_refused(self):
        with self.assertRaisesRegex(exercises.SolutionsError, "appears twice"):
            exercises.parse(write(GOOD + GOOD.split("# Solutions")[1]))

    def test_a_check_cell_must_follow_its_answer_cell(self):
        nb = notebook()
        del nb.cells[2]        # the check of 01.1
        with self.assertRaises(exercises.SolutionsError):
            exercises.exercises_in(nb)

    def test_probes_follow_each_check_wrong_answers_first_then_the_solution(self):
        nb = exercises.with_solutions(notebook(), exercises.parse(write(GOOD)))
        kinds = [exercises.injected(c) or exercises.role(c)[1] or "cell" for c in nb.cells]
        self.assertEqual(kinds, ["cell", "answer", "check", "wrong-answer", "rejected", "wrong-answer", "rejected",
                                 "solution", "solved", "cell", "answer", "check", "wrong-answer", "rejected",
                                 "solution", "solved"])
        self.assertIn("raises-exception", nb.cells[4].metadata["tags"])
        self.assertEqual(nb.cells[4].source, "CHECK 01.1")

    def test_verdicts_accept_only_open_then_rejected_then_solved(self):
        nb = exercises.with_solutions(notebook(), exercises.parse(write(GOOD)))
        for cell in nb.cells:
            ex, r = exercises.role(cell)
            kind = exercises.injected(cell)
            if r == "check":
                stream(cell, exercises.OPEN % ex + " (task)\n")
            elif kind == "rejected":
                error(cell, exercises.REJECTED % ex + " (task) not solved yet")
            elif kind == "solved":
                stream(cell, exercises.SOLVED % ex + ": task\n")
        self.assertEqual(exercises.verdicts(nb), [])

        stream(nb.cells[2], exercises.SOLVED % "01.1")                      # shipped with an answer
        nb.cells[4].outputs = []                                            # a wrong answer passed
        stream(nb.cells[8], "✓ something\n")                                # the solution did not solve it
        failures = exercises.verdicts(nb)
        self.assertEqual(len(failures), 3, failures)
        self.assertIn("must be a placeholder", failures[0])
        self.assertIn("was not rejected", failures[1])
        self.assertIn("did not pass its check", failures[2])


if __name__ == "__main__":
    unittest.main()
