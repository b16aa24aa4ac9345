# Shared by lib/bin/*: locating the repo, explaining failures, and the idempotent setup steps.
# shellcheck shell=bash

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KERNEL_NAME="${FASTTRACK_KERNEL_NAME:-fasttrack-java}"
KERNEL_JAR="$REPO/lib/kernel/target/fasttrack-kernel.jar"
# The library's three tiers (pom.xml): support, the course, the applications. The applications' jar and its
# target/lib (which holds the other two tiers' jars and every dependency) are the one classpath of everything.
COURSE_JAR="$REPO/lib/fasttrack/target/fasttrack-lib.jar"
APPS_JAR="$REPO/lib/apps/target/fasttrack-apps.jar"
CLASSPATH_ALL="$APPS_JAR:$REPO/lib/apps/target/lib/*"
DEBIAN_JUPYTER_PACKAGES="jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client python3-jupyter-kernel-test"

export DJL_OFFLINE=true           # DJL must never reach for the network (see data/README.md)
export PYDEVD_DISABLE_FILE_VALIDATION=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() {
  printf '\n\033[1;31mSetup failed:\033[0m %s\n' "$1" >&2
  shift
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}

# A JDK 17 or newer: javac too, because Maven compiles the library.
find_java() {
  if [ -n "${JAVA_HOME:-}" ]; then
    JAVA="$JAVA_HOME/bin/java"
    [ -x "$JAVA" ] || die "JAVA_HOME is $JAVA_HOME, but $JAVA does not exist." \
      "Point JAVA_HOME at a JDK 17+ (e.g. /usr/lib/jvm/java-17-openjdk-amd64) or unset it to use 'java' on PATH."
  else
    JAVA="$(command -v java || true)"
  fi
  [ -n "$JAVA" ] || die "no Java found." \
    "Install a JDK 17 or newer, e.g. 'sudo apt-get install openjdk-17-jdk-headless'," \
    "or create the conda environment: 'conda env create -f environment.yml && conda activate llm-fasttrack'."
  local version major
  version="$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
  major="${version%%.*}"
  [ "${major:-0}" -ge 17 ] 2>/dev/null || die "Java $version found at $JAVA, but the course needs Java 17 or newer." \
    "Install JDK 17+ ('sudo apt-get install openjdk-17-jdk-headless') and point JAVA_HOME at it," \
    "e.g. export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"
  local javac; javac="$(dirname "$JAVA")/javac"
  [ -x "$javac" ] || die "$JAVA is a JRE without javac; Maven needs a full JDK." \
    "Install one: 'sudo apt-get install openjdk-17-jdk-headless' (or set JAVA_HOME to a JDK)."
  export JAVA_HOME="${JAVA_HOME:-$(cd "$(dirname "$(readlink -f "$JAVA")")/.." && pwd)}"
}

# Root on Debian/Ubuntu without the package: install it; anywhere else: say how.
apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "Installing Debian packages: $*"
    apt-get update -qq >/dev/null || die "apt-get update failed." "Check the machine can reach its Debian mirror."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
      || die "apt-get install $* failed." "Run it by hand to see why."
  else
    die "missing: $*." "As root on Debian/Ubuntu: apt-get install --no-install-recommends $*" \
      "Elsewhere: conda env create -f environment.yml && conda activate llm-fasttrack"
  fi
}

warn() {
  printf '\033[1;33mWarning:\033[0m %s\n' "$1" >&2
  shift
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
}

# The browser tests (fasttrack.testing.Browsers) drive Debian's chromium through Debian's chromedriver.
# Root on Debian/Ubuntu without them: install them. When both are there, FASTTRACK_REQUIRE_BROWSER=1 makes a
# browser test that cannot start one fail instead of skip; when they cannot be installed, say they will be skipped.
BROWSER_PACKAGES="chromium chromium-driver"
ensure_browser() {
  if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "Installing Debian packages: $BROWSER_PACKAGES (for the browser tests)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $BROWSER_PACKAGES; } >/dev/null 2>&1 \
      || warn "apt-get install $BROWSER_PACKAGES failed; run it by hand to see why."
  fi
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    export FASTTRACK_REQUIRE_BROWSER=1
  else
    warn "no chromium and chromedriver in /usr/bin: the browser tests will be skipped." \
      "To run them, as root on Debian/Ubuntu: apt-get install --no-install-recommends $BROWSER_PACKAGES"
  fi
}

# One serve test has a real Prometheus (Debian's prometheus, 2.42) scrape the server's /metrics over loopback.
# Root on Debian/Ubuntu without it: install it (about 20 s; nothing is started as a service). When it is there,
# FASTTRACK_REQUIRE_PROMETHEUS=1 makes that test fail instead of skip; when it cannot be installed, say it is skipped.
PROMETHEUS_PACKAGES="prometheus"
ensure_prometheus() {
  if [ ! -x /usr/bin/prometheus ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "Installing Debian packages: $PROMETHEUS_PACKAGES (for the scrape test of the server's /metrics)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PROMETHEUS_PACKAGES; } >/dev/null 2>&1 \
      || warn "apt-get install $PROMETHEUS_PACKAGES failed; run it by hand to see why."
  fi
  if [ -x /usr/bin/prometheus ]; then
    export FASTTRACK_REQUIRE_PROMETHEUS=1
  else
    warn "no /usr/bin/prometheus: the test where Prometheus scrapes the server will be skipped." \
      "To run it, as root on Debian/Ubuntu: apt-get install --no-install-recommends $PROMETHEUS_PACKAGES"
  fi
}

# The book typesets its formulas with MathJax 2.7, which fasttrack.book.MathJax copies into it: Debian's libjs-mathjax
# and fonts-mathjax (Debian's Jupyter Notebook depends on them, so setup has usually installed them), or the MathJax 2.7
# folder FASTTRACK_MATHJAX names. Root on Debian/Ubuntu without them: install them; anywhere else: say how.
MATHJAX_PACKAGES="libjs-mathjax fonts-mathjax"
ensure_mathjax() {
  local dir="${FASTTRACK_MATHJAX:-/usr/share/javascript/mathjax}"
  [ -f "$dir/MathJax.js" ] && return 0
  if [ -z "${FASTTRACK_MATHJAX:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt_install $MATHJAX_PACKAGES
  else
    die "no MathJax 2.7 at $dir: the book typesets its formulas with it, offline." \
      "As root on Debian/Ubuntu: apt-get install --no-install-recommends $MATHJAX_PACKAGES" \
      "Elsewhere: set FASTTRACK_MATHJAX to a MathJax 2.7 folder (the one holding MathJax.js)"
  fi
}

# OpenAI's tokenizers as an outside reference (notebook 05, fasttrack.text.RankedBpe and its tests, lib/bin/benchmark
# --tokenizers): the npm package js-tiktoken, the exact version lib/tiktoken/package-lock.json pins, in
# lib/tiktoken/node_modules (ignored by git). Installed once with npm (needs the npm registry that one time); afterwards
# this is an offline check. Without node and npm, say what is skipped. When it is there, FASTTRACK_REQUIRE_JS_TIKTOKEN=1
# makes the tests that compare with it fail instead of skip.
ensure_js_tiktoken() {
  local dir="$REPO/lib/tiktoken"
  # Notebook 05 compares the learner's encoder with OpenAI's tokenizers and reads their rank tables from this package:
  # node and npm are part of the course's setup, like Jupyter. Root on Debian/Ubuntu without them: install them.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt_install nodejs npm
    else
      die "no node and npm on the PATH: notebook 05 runs OpenAI's tokenizers (js-tiktoken) under node." \
        "Install Node.js 18+ with npm (Debian: sudo apt-get install --no-install-recommends nodejs npm;" \
        "conda: environment.yml includes nodejs), then run this command again."
    fi
  fi
  local major; major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  [ "${major:-0}" -ge 18 ] 2>/dev/null || die "node $(node --version 2>/dev/null) is older than 18, which js-tiktoken needs." \
    "Install Node.js 18 or newer (https://nodejs.org, or conda's nodejs), then run this command again."
  export FASTTRACK_REQUIRE_JS_TIKTOKEN=1
  # Installed and the version the lock pins: nothing to do (no network).
  if (cd "$dir" && node -e 'const want = require("./package-lock.json").packages["node_modules/js-tiktoken"].version;
        process.exit(require("./node_modules/js-tiktoken/package.json").version === want ? 0 : 1)') >/dev/null 2>&1; then
    return 0
  fi
  say "Installing js-tiktoken (OpenAI's tokenizers, pinned by lib/tiktoken/package-lock.json) with npm"
  local log; log="$(mktemp)"
  (cd "$dir" && npm ci --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error) >"$log" 2>&1 || {
    tail -n 15 "$log" >&2
    die "npm ci in $dir failed (full log: $log)." \
      "npm needs its registry (https://registry.npmjs.org, or the one in ~/.npmrc) this once; check the network, then run this command again."
  }
  rm -f "$log"
}

find_maven() {
  command -v mvn >/dev/null || apt_install maven
}

# The Python that runs Jupyter: the active conda env's, else Debian's (the pyenv python first on PATH cannot import it).
find_jupyter_python() {
  local candidates=()
  [ -n "${CONDA_PREFIX:-}" ] && candidates+=("$CONDA_PREFIX/bin/python")
  candidates+=(/usr/bin/python3 python3)
  for py in "${candidates[@]}"; do
    if "$py" -c 'import notebook, nbclient, nbformat, jupyter_client, jupyter_kernel_test' 2>/dev/null; then
      PYTHON="$py"; return 0
    fi
  done
  return 1
}

ensure_jupyter() {
  find_jupyter_python || { apt_install $DEBIAN_JUPYTER_PACKAGES; find_jupyter_python; } \
    || die "Jupyter is installed but its Python cannot import notebook, nbclient and jupyter_kernel_test." \
           "Install: apt-get install $DEBIAN_JUPYTER_PACKAGES (or use environment.yml)."
}

build_jars() {
  say "Building the kernel and the library (Maven)"
  local log; log="$(mktemp)"
  # A moved or deleted source leaves its old class in target/, where the kernel would still see it
  # (two LoraConfig classes, say): when the set of source files changed since the last build, clean first.
  # The clean is the modules' only (-pl): the parent project's clean would delete the repository's target/,
  # where lib/bin/test keeps the executed notebooks and lib/bin/book writes the book.
  local stamp="$REPO/lib/apps/target/.source-files" sources goals=(package)
  sources="$(cd "$REPO" && find lib/*/src/main -type f | LC_ALL=C sort | cksum)"
  # lib/jlama-check (Jlama's jars for the hub tests' reference check) is in the list because lib/fasttrack depends on it.
  [ "$(cat "$stamp" 2>/dev/null)" = "$sources" ] || goals=(-pl lib/kernel,lib/jlama-check,lib/support,lib/fasttrack,lib/apps clean package)
  if ! (cd "$REPO" && mvn -B -q -DskipTests "${goals[@]}") >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    if grep -q "Could not resolve\|Could not transfer\|Failed to read artifact descriptor\|Non-resolvable" "$log"; then
      die "Maven could not download dependencies (full log: $log)." \
        "The build needs Maven Central (https://repo.maven.apache.org) once; afterwards ~/.m2 serves it offline." \
        "Check the network or the proxy/mirror in ~/.m2/settings.xml, then run this command again."
    fi
    die "the Maven build failed (full log: $log)." "Run 'mvn -B package -DskipTests' in $REPO to see the error."
  fi
  echo "$sources" >"$stamp"
  rm -f "$log"
}

# The kernelspec points at this checkout's jars; reinstalling it is cheap, so do it every time.
install_kernelspec() {
  local dir; dir="$(mktemp -d)/$KERNEL_NAME"
  mkdir -p "$dir"
  "$PYTHON" - "$dir/kernel.json" "$JAVA_HOME/bin/java" "$KERNEL_JAR" "$REPO" "$CLASSPATH_ALL" <<'PY'
import json, sys
out, java, kernel_jar, repo, classpath = sys.argv[1:]
spec = {
    "argv": [java, "-XX:+IgnoreUnrecognizedVMOptions", "-Djava.awt.headless=true",
             "-jar", kernel_jar, "{connection_file}"],
    "display_name": "Java (LLM FastTrack)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {
        "FASTTRACK_HOME": repo,
        "FASTTRACK_KERNEL_CLASSPATH": classpath,
        "DJL_OFFLINE": "true",
    },
    "metadata": {"debugger": False},
}
json.dump(spec, open(out, "w"), indent=2)
PY
  local where="--user"
  [ -n "${CONDA_PREFIX:-}" ] && [ "$PYTHON" = "$CONDA_PREFIX/bin/python" ] && where="--sys-prefix"
  "$PYTHON" -m jupyter kernelspec install "$where" --replace --name "$KERNEL_NAME" "$dir" >/dev/null 2>&1 \
    || die "could not install the Jupyter kernelspec." "Try: $PYTHON -m jupyter kernelspec install --user --replace --name $KERNEL_NAME $dir"
  say "Kernel '$KERNEL_NAME' installed ($where)"
}

setup() {
  find_java
  find_maven
  ensure_jupyter
  build_jars
  ensure_js_tiktoken
  install_kernelspec
}
