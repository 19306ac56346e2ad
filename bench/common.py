"""What the three benchmarks (bench/run, bench/search/run, bench/serve/run)
share: building and finding the binaries, finding peers, percentiles, and
turning the search index off in a generated handbook."""

import os
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def target_dir(explicit=None):
    """Cargo's target folder: `explicit`, else CARGO_TARGET_DIR, else
    target/; a relative one is taken from the repository, as cargo does."""
    target = explicit or os.environ.get("CARGO_TARGET_DIR") or "target"
    return target if os.path.isabs(target) else os.path.join(REPO, target)


def build(examples, build=True, target=None):
    """Builds (unless `build` is false) the release `handbook` binary and the
    given examples; returns their paths, handbook first. Exits when one is
    missing."""
    target = target_dir(target)
    if build:
        cmd = ["cargo", "build", "--release", "--bin", "handbook"]
        for e in examples:
            cmd += ["--example", e]
        log(f"building release binaries (handbook, {', '.join(examples)}) ...")
        env = dict(os.environ, CARGO_TARGET_DIR=target)
        if subprocess.run(cmd, cwd=REPO, env=env).returncode != 0:
            sys.exit("cargo build failed")
    paths = [os.path.join(target, "release", "handbook")]
    paths += [os.path.join(target, "release", "examples", e) for e in examples]
    for p in paths:
        if not os.access(p, os.X_OK):
            sys.exit(f"missing {p}: build it first, or let the benchmark build it")
    return paths


def find_tool(name):
    """A peer on PATH, or where `cargo install` puts it."""
    p = shutil.which(name)
    if p:
        return p
    cargo_bin = os.path.expanduser(f"~/.cargo/bin/{name}")
    return cargo_bin if os.access(cargo_bin, os.X_OK) else None


def percentile(values, p):
    """The value at percentile `p` (nearest rank); NaN for no values."""
    v = sorted(values)
    if not v:
        return float("nan")
    k = max(0, min(len(v) - 1, int(round(p / 100 * (len(v) - 1)))))
    return v[k]


def search_off(toml):
    """A generated handbook's book.toml with the search index turned off."""
    on = "[search]\nenabled = true"
    if toml.count(on) != 1:
        sys.exit("the generated book.toml does not have `[search] enabled = true` where expected")
    return toml.replace(on, "[search]\nenabled = false")
