"""Tests of the README commands stage (readme_commands.py): which lines it finds, and that README lines which
would fail a learner (a wrong path, a short key, a renamed flag, a variable nothing reads) fail it.
Run by lib/bin/test's "README commands" stage before the stage itself; standard library only."""
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import readme_commands  # noqa: E402

FOUND = """
```bash
lib/bin/notebook    # 1. open the notebooks
conda activate llm-fasttrack
```

```java
lib/bin/ignored();
```

Start it: `FASTTRACK_API_KEYS=a-key-of-16-chars A=1 lib/bin/serve data/x.ckpt [--port 8080]` (`lib/bin/notebook` again),
not lib/bin/book in plain prose, nor `lib/bin/` or `python3 lib/tests/run_notebooks.py`; `lib/bin/book IN OUT_DIR`.
"""

# Each line would fail a learner who copies it; the stage must fail every one.
BROKEN = """
`FASTTRACK_API_KEYS=replace-with-your-secret lib/bin/serve checkpoints/gpt-kjv.ckpt [--port 8080]` (the old path)
`FASTTRACK_API_KEYS=yourkey lib/bin/serve data/checkpoints/gpt-kjv.ckpt [--port 8080]` (a key under 16 characters)
`lib/bin/benchmark --profiles DIR` (a renamed flag)
`FASTTRACK_KERNEL_START=100 lib/bin/test` (a variable nothing reads)
`lib/bin/book no-such-folder OUT_DIR` (a wrong path)
`lib/bin/make-kjv-corpus` (a command without a smoke form)
"""


class Extraction(unittest.TestCase):

    def test_lines_of_shell_blocks_and_code_spans_that_run_lib_bin_are_found_once(self):
        found = readme_commands.commands(FOUND)
        self.assertEqual([c.text for c in found], [
            "lib/bin/notebook",
            "FASTTRACK_API_KEYS=a-key-of-16-chars A=1 lib/bin/serve data/x.ckpt [--port 8080]",
            "lib/bin/book IN OUT_DIR"])
        self.assertEqual([c.line for c in found], [3, 11, 12])

    def test_assignments_program_and_arguments_are_split_and_brackets_dropped(self):
        serve = readme_commands.commands(FOUND)[1]
        self.assertEqual(serve.env, {"FASTTRACK_API_KEYS": "a-key-of-16-chars", "A": "1"})
        self.assertEqual(serve.program, "lib/bin/serve")
        self.assertEqual(serve.args, ["data/x.ckpt", "--port", "8080"])

    def test_an_unknown_placeholder_is_refused(self):
        book = readme_commands.commands(FOUND)[2]
        with tempfile.TemporaryDirectory() as scratch, self.assertRaisesRegex(readme_commands.Failure, "placeholder IN"):
            readme_commands.fill(book, Path(scratch))


class BrokenReadme(unittest.TestCase):

    def test_every_line_that_would_fail_a_learner_fails_the_stage(self):
        with tempfile.TemporaryDirectory() as scratch:
            readme = Path(scratch) / "README.md"
            readme.write_text(BROKEN)
            run = subprocess.run([sys.executable, readme_commands.__file__, str(readme)], capture_output=True, text=True,
                                 timeout=1800)
        out = run.stdout + run.stderr
        self.assertEqual(run.returncode, 1, out)
        self.assertIn("README commands: 0 ok, 6 failed", out)
        for why in ["no checkpoint at", "at least 16", "unknown option --profiles", "FASTTRACK_KERNEL_START=100 does not change",
                    "no executed notebooks in no-such-folder", "no smoke form for lib/bin/make-kjv-corpus"]:
            self.assertIn(why, out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
