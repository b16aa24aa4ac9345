"""The "README commands" stage of lib/bin/test: every command README.md shows is run as written, in a smoke form, so a
wrong path, a short key, a renamed flag or a renamed program fails the tests.

The rule: a command is a shell line that runs a program of lib/bin/, optionally after VAR=value assignments
(`lib/bin/NAME ARGS...`, `VAR=value lib/bin/NAME ARGS...`), wherever README.md shows it: a line of a ```bash, ```sh
or ```shell block, or an inline `code span` on one line. A `# comment` ends it; [optional arguments] are run too,
without their brackets; an argument in capitals (NOTEBOOKS_DIR, OUT_DIR, DIR) is a placeholder filled in here. A
command shown twice runs once.

Each runs from the repository root with the line's own assignments, program and arguments (FASTTRACK_API_KEYS,
FASTTRACK_API_KEY_FILE and FASTTRACK_CHECKPOINT_DIR are taken from the line only). The smoke forms:
  lib/bin/serve      with a checkpoint where notebook 10 writes one (when there is none, a small one is made for the
                     test and removed after; a learner's is never touched) and a free port as --port's value: GET
                     /health must answer, then one completion with the line's key; then the server is stopped
  lib/bin/notebook   the setup, then Jupyter with --no-browser on a free port: it must serve 00-environment.ipynb and
                     list the course's kernel; then it is stopped
  lib/bin/book       NOTEBOOKS_DIR is two of the course's notebooks: the book must have its contents page. Without
                     arguments it renders target/executed-notebooks, or, before lib/bin/test has executed them, must
                     refuse and say to run the tests
  lib/bin/benchmark  with --help added: the other arguments are checked (an unknown flag fails), the options printed
  lib/bin/test       with --list (added if missing: it cannot run itself): the stages are listed, and every
                     VAR=value on the line must change the listing (a variable nothing reads any more is a stale line)
A lib/bin program with no smoke form here fails the stage: give it one in SMOKE. Processes run in their own process
groups and are always stopped; a server is waited for while it prints (a first setup downloads and builds for
minutes), and fails after QUIET_S without output.

usage: readme_commands.py [README]   (default: the repository's README.md; lib/tests/test_readme_commands.py passes
fixtures)
"""
import contextlib
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[2]
SHELL_FENCES = {"bash", "sh", "shell"}
COMMAND = re.compile(r"(?:[A-Za-z_]\w*=\S*\s+)*lib/bin/\S+.*")
PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9_]*")
FROM_THE_LINE_ONLY = ("FASTTRACK_API_KEYS", "FASTTRACK_API_KEY_FILE", "FASTTRACK_CHECKPOINT_DIR")
QUIET_S = 600     # a server starting with no output: every lib/bin command builds the jars first (Maven), on 2 busy cores
COMMAND_S = 600   # a command that runs to its end


class Failure(Exception):
    pass


class Command(NamedTuple):
    line: int          # where README.md shows it first
    text: str          # as shown, comment removed
    env: dict
    program: str       # lib/bin/NAME
    args: list


def commands(readme):
    """The commands README text shows, by the rule above, in order of first appearance."""
    found, fence = {}, None
    for number, line in enumerate(readme.splitlines(), 1):
        opening = re.fullmatch(r"\s*```\s*(\w*).*", line)
        if opening:
            fence = opening.group(1).lower() if fence is None else None
            continue
        shown = [line] if fence in SHELL_FENCES else re.findall(r"`([^`]+)`", line) if fence is None else []
        for text in shown:
            text = " ".join(re.sub(r"(^|\s)#.*", "", text).split())
            if COMMAND.fullmatch(text) and text not in found:
                words = shlex.split(text.replace("[", " ").replace("]", " "))
                n = next(i for i, w in enumerate(words) if w.startswith("lib/bin/"))
                assignments = dict(w.split("=", 1) for w in words[:n])
                found[text] = Command(number, text, assignments, words[n], words[n + 1:])
    return list(found.values())


def main(readme_path):
    shown = commands(Path(readme_path).read_text(encoding="utf-8"))
    if not shown:
        print(f"FAIL no lib/bin command found in {readme_path} by the rule at the top of lib/tests/{Path(__file__).name}")
        return 1
    failed = 0
    for cmd in shown:
        start = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="readme-command-") as scratch:
            try:
                smoke = SMOKE.get(Path(cmd.program).name)
                if smoke is None:
                    raise Failure(f"no smoke form for {cmd.program}: give it one in SMOKE in lib/tests/{Path(__file__).name}")
                detail, ok = smoke(cmd, Path(scratch)), True
            except Exception as e:   # a smoke form's own error fails its command, and the others still run
                detail, ok = str(e) if isinstance(e, Failure) else repr(e), False
        seconds = time.monotonic() - start
        if ok:
            print(f"ok   {seconds:6.1f} s  {cmd.text}  ({detail})", flush=True)
        else:
            failed += 1
            print(f"FAIL {seconds:6.1f} s  {cmd.text}  (README line {cmd.line})", flush=True)
            print("       " + detail.strip().replace("\n", "\n       "), flush=True)
    print(f"README commands: {len(shown) - failed} ok, {failed} failed")
    return 1 if failed else 0


# ---- running a command ------------------------------------------------------------------------------------------

def environment(assignments, **more):
    """This process's environment without the variables taken from the line only, then the line's assignments."""
    env = {k: v for k, v in os.environ.items() if k not in FROM_THE_LINE_ONLY}
    env.update(assignments, **more)
    return env


def fill(cmd, scratch):
    """The arguments with placeholders filled in: NOTEBOOKS_DIR (two course notebooks), OUT_DIR and DIR (scratch)."""
    def value(word):
        if not PLACEHOLDER.fullmatch(word):
            return word
        if word == "NOTEBOOKS_DIR":
            notebooks = scratch / "notebooks"
            notebooks.mkdir()
            for nb in sorted((REPO / "notebooks").glob("*.ipynb"))[:2]:
                shutil.copy(nb, notebooks)
            return str(notebooks)
        if word in ("OUT_DIR", "DIR"):
            return str(scratch / word.lower())
        raise Failure(f"placeholder {word}: the stage fills NOTEBOOKS_DIR, OUT_DIR and DIR; fill {word} in fill() too")
    return [value(w) for w in cmd.args]


def stop(process):
    """Ends a command's whole process group: SIGTERM (servers shut down cleanly), SIGKILL after 30 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            pass
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def run(argv, env, timeout=COMMAND_S):
    """Runs a command to its end: (exit status, stdout and stderr together)."""
    process = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure(f"still running after {timeout} s: {shlex.join(argv)}")
    finally:
        stop(process)
    return process.returncode, out


@contextlib.contextmanager
def started(argv, env, log):
    """A long-running command (a server) in its own process group, output to log; always stopped after."""
    with open(log, "w") as out:
        process = subprocess.Popen(argv, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        stop(process)


def tail(log, lines=15):
    return "\n".join(Path(log).read_text(errors="replace").splitlines()[-lines:])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, headers=None, body=None, timeout=60):
    """(status, body) of a GET, or a JSON POST when body is given."""
    request = urllib.request.Request(url, headers=dict(headers or {}))
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def first_answer(process, url, headers, log):
    """The first answer from url, once the server listens. Fails when the command exits first, or prints nothing for
    QUIET_S (a first setup's Maven build is silent while it downloads and compiles: minutes on 2 busy cores)."""
    seen, quiet_since = 0, time.monotonic()
    while True:
        if process.poll() is not None:
            raise Failure(f"it exited with status {process.returncode} before answering:\n{tail(log)}")
        try:
            return http(url, headers, timeout=10)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
        size = Path(log).stat().st_size
        if size != seen:
            seen, quiet_since = size, time.monotonic()
        elif time.monotonic() - quiet_since > QUIET_S:
            raise Failure(f"no answer from {url}, and no output for {QUIET_S} s:\n{tail(log)}")


# ---- the smoke forms --------------------------------------------------------------------------------------------

def notebook_10_checkpoint():
    """Where notebook 10 saves its model: it calls KjvGpt.checkpointPath(), data/checkpoints/ + KjvGpt.CHECKPOINT."""
    ten = next((REPO / "notebooks").glob("10-*.ipynb"))
    source = "".join("".join(c["source"]) for c in json.loads(ten.read_text(encoding="utf-8"))["cells"])
    kjv = REPO / "lib/fasttrack/src/main/java/fasttrack/train/KjvGpt.java"
    name = re.search(r'String CHECKPOINT = "([^"]+)"', kjv.read_text(encoding="utf-8")) if kjv.exists() else None
    if "KjvGpt.checkpointPath()" not in source or not name:
        raise Failure(f"{ten.name} no longer saves to KjvGpt.checkpointPath() (KjvGpt.CHECKPOINT): update notebook_10_checkpoint()")
    return REPO / "data" / "checkpoints" / name.group(1)


@contextlib.contextmanager
def checkpoint_present(target):
    """A checkpoint at target while the block runs. A learner's is used as it is; otherwise a small one is made
    (lib/tests/KjvCheckpoint.java), linked in only if the place is still free, and removed after unless replaced."""
    if target.exists():
        yield
        return
    made_folder = not target.parent.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    ours = None
    try:
        with tempfile.TemporaryDirectory(prefix=".tmp-readme-", dir=target.parent) as scratch:
            jar = REPO / "lib/apps/target/fasttrack-apps.jar"
            if not jar.exists():
                raise Failure(f"no {jar.relative_to(REPO)} to write a test checkpoint with: build it (lib/bin/test does) first")
            java = Path(os.environ["JAVA_HOME"], "bin/java") if os.environ.get("JAVA_HOME") else "java"
            made = Path(scratch) / target.name
            status, out = run([str(java), "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                               "-cp", f"{jar}:{jar.parent}/lib/*", str(REPO / "lib/tests/KjvCheckpoint.java"), str(made)],
                              environment({}, FASTTRACK_HOME=str(REPO), DJL_OFFLINE="true"))
            if status != 0:
                raise Failure(f"writing a test checkpoint failed (lib/tests/KjvCheckpoint.java):\n{out[-2000:]}")
            with contextlib.suppress(FileExistsError):   # notebook 10 wrote one meanwhile: that one is served and kept
                os.link(made, target)
                ours = os.stat(target)
        yield
    finally:
        if ours and target.exists() and os.path.samestat(ours, os.stat(target)):
            target.unlink()
        if made_folder:
            with contextlib.suppress(OSError):
                target.parent.rmdir()


def serve(cmd, scratch):
    args = fill(cmd, scratch)
    if "--port" not in args[:-1]:
        raise Failure("the line gives no --port N: the stage needs one to serve on a free port")
    port = free_port()
    args[args.index("--port") + 1] = str(port)
    key = cmd.env.get("FASTTRACK_API_KEYS", "").split(",")[0]
    if not key:
        raise Failure("the line sets no FASTTRACK_API_KEYS=KEY: the stage calls the API with that key")
    base, log = f"http://127.0.0.1:{port}", scratch / "serve.log"
    with checkpoint_present(notebook_10_checkpoint()), started([cmd.program, *args], environment(cmd.env), log) as process:
        status, body = first_answer(process, f"{base}/health", {}, log)
        if status != 200:
            raise Failure(f"GET /health answered {status}: {body}\n{tail(log)}")
        status, body = http(f"{base}/v1/completions", {"Authorization": f"Bearer {key}"},
                            {"prompt": "And God said", "max_tokens": 8, "seed": 1})
        if status != 200 or "text" not in json.loads(body):
            raise Failure(f"POST /v1/completions with the line's key answered {status}: {body}\n{tail(log)}")
    return f"port {port}: /health, then a completion with the line's key: {json.loads(body)['text']!r}"


def notebook(cmd, scratch):
    port, token = free_port(), secrets.token_hex(16)
    log, auth = scratch / "jupyter.log", {"Authorization": f"token {token}"}
    argv = [cmd.program, *fill(cmd, scratch), "--no-browser", f"--port={port}"]
    with started(argv, environment(cmd.env, JUPYTER_TOKEN=token), log) as process:
        status, body = first_answer(process, f"http://127.0.0.1:{port}/api/contents/00-environment.ipynb?content=0", auth, log)
        if status != 200:
            raise Failure(f"Jupyter answered {status} for 00-environment.ipynb (is --notebook-dir notebooks/?): {body[:300]}")
        kernel = os.environ.get("FASTTRACK_KERNEL_NAME", "fasttrack-java")
        status, body = http(f"http://127.0.0.1:{port}/api/kernelspecs", auth)
        if status != 200 or kernel not in json.loads(body).get("kernelspecs", {}):
            raise Failure(f"Jupyter does not list the kernel {kernel} ({status}): {body[:300]}")
    return f"Jupyter on port {port} served 00-environment.ipynb with kernel {kernel}"


def book(cmd, scratch):
    args = fill(cmd, scratch)
    notebooks = Path(args[0]) if args else REPO / "target/executed-notebooks"
    if not args and not any(notebooks.glob("*.ipynb")):
        status, out = run([cmd.program], environment(cmd.env))
        if status == 0 or str(notebooks) not in out or "lib/bin/test" not in out:
            raise Failure(f"with no executed notebooks it must refuse, name {notebooks} and say to run lib/bin/test; "
                          f"exit status {status}:\n{out[-2000:]}")
        return "no executed notebooks yet: refused, saying to run lib/bin/test"
    out_dir = Path(args[1]) if len(args) > 1 else REPO / "target/book"
    start = time.time()
    status, out = run([cmd.program, *args], environment(cmd.env))
    pages = [out_dir / "index.html"] + [out_dir / f"{nb.stem}.html" for nb in sorted(notebooks.glob("*.ipynb"))]
    stale = [p.name for p in pages if not p.exists() or p.stat().st_mtime < start - 1]
    if status != 0 or stale:
        raise Failure(f"exit status {status}; pages not written: {', '.join(stale) or 'none'}:\n{out[-2000:]}")
    return f"{len(pages) - 1} notebooks and the contents page written to {out_dir}"


def benchmark(cmd, scratch):
    status, out = run([cmd.program, *fill(cmd, scratch), "--help"], environment(cmd.env))
    if status != 0 or "usage: lib/bin/benchmark" not in out:
        raise Failure(f"--help must print the usage and exit 0; exit status {status}:\n{out[-2000:]}")
    return "arguments accepted, --help printed the options"


def tests(cmd, scratch):
    argv = [cmd.program, *fill(cmd, scratch), *([] if "--list" in cmd.args else ["--list"])]
    status, listing = run(argv, environment(cmd.env))
    if status != 0 or "README commands" not in listing:
        raise Failure(f"--list must print the stages and exit 0; exit status {status}:\n{listing[-2000:]}")
    for variable in cmd.env:
        _, without = run(argv, {k: v for k, v in environment(cmd.env).items() if k != variable})
        if without == listing:
            raise Failure(f"{variable}={cmd.env[variable]} does not change what lib/bin/test runs (--list): "
                          f"is the variable still read?\n{listing}")
    return "--list: " + ", ".join(line.split(":")[0] for line in listing.splitlines())


SMOKE = {"serve": serve, "notebook": notebook, "book": book, "benchmark": benchmark, "test": tests}

if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # lib/bin/test stopped: the finally blocks clean up
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else REPO / "README.md"))
