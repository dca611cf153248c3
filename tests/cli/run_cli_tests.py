#!/usr/bin/env python3
"""The govsim CLI driven as a user would (stdlib only; run by ctest).

    GOVSIM_BIN=build/release/govsim python3 tests/cli/run_cli_tests.py [-k SUBSTRING] [-v]

Checks: the malformed-config corpus in tests/cli/bad/ (exit status 2, message naming the file,
the JSON pointer and what was expected, nothing written to --out), bad command-line options,
help/version/describe/schema/validate, determinism across thread counts, resume after SIGKILL,
sharding + `govsim merge`, and that no progress bar is drawn unless stderr is a terminal.
Prints one line per check and ends with "N passed, M failed"; exits 1 on any failure.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import pty
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BAD = REPO / "tests" / "cli" / "bad"
SMALL = "scenarios/experiments/seed-scenarios-small.json"
# The determinism / sharding experiment (8 scenarios x 3 runs, 2% sample: ~1 s in Release).
DET_ARGS = ["compare", SMALL, "--runs", "3", "--set", "sim.population_scale=0.02", "--quiet"]
# The resume experiment: enough work that a SIGKILL lands mid-way (8 x 8 runs, 5% sample).
RESUME_ARGS = ["compare", SMALL, "--runs", "8", "--set", "sim.population_scale=0.05", "--threads", "2", "--quiet"]
EXPORTS = ["runs.csv", "summary.csv", "paired.csv", "timeseries.csv"]
PROGRESS_MARK = "[#"

passed = 0
failed = 0
verbose = "-v" in sys.argv
only = sys.argv[sys.argv.index("-k") + 1] if "-k" in sys.argv else None


def check(name: str, ok: bool, detail: str = "") -> bool:
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {name}", flush=True)
    else:
        failed += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""), flush=True)
    return ok


def govsim(*args: str, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    if verbose:
        print("  $ govsim " + " ".join(args), flush=True)
    return subprocess.run([BIN, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout, **kw)


def brief(p: subprocess.CompletedProcess) -> str:
    err = p.stderr.strip().replace("\n", " | ")
    return f"exit {p.returncode}, stderr: {err[:400]!r}"


def expect_input_error(name: str, p: subprocess.CompletedProcess, substrings: list[str],
                       out_dir: Path | None = None) -> None:
    """Exit status 2, an "error: " message containing every substring, nothing written to out_dir."""
    problems = []
    if p.returncode != 2:
        problems.append(f"exit status {p.returncode}, expected 2")
    if not p.stderr.startswith("error: "):
        problems.append("stderr does not start with 'error: '")
    missing = [s for s in substrings if s not in p.stderr]
    if missing:
        problems.append(f"stderr lacks {missing}")
    if "internal error" in p.stderr:
        problems.append("reported as an internal error")
    if out_dir is not None and out_dir.exists():
        problems.append(f"--out {out_dir.name} was created")
    check(name, not problems, "; ".join(problems) + f" ({brief(p)})")


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def csv_without(path: Path, column: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(path.read_text())))
    if not rows or column not in rows[0]:
        return rows
    i = rows[0].index(column)
    return [r[:i] + r[i + 1:] for r in rows]


def same_exports(name: str, a: Path, b: Path, files: list[str], ignore_wall: bool = True) -> None:
    """Byte equality of the exports; runs.csv compared without its wall_seconds column (timing)."""
    for f in files:
        fa, fb = a / f, b / f
        if not fa.is_file() or not fb.is_file():
            check(f"{name}: {f}", False, f"missing {fa if not fa.is_file() else fb}")
            continue
        if f == "runs.csv" and ignore_wall:
            ra, rb = csv_without(fa, "wall_seconds"), csv_without(fb, "wall_seconds")
            check(f"{name}: {f} (without wall_seconds) identical", ra == rb and len(ra) > 1,
                  f"{len(ra)} vs {len(rb)} rows; first difference at row "
                  f"{next((i for i, (x, y) in enumerate(zip(ra, rb)) if x != y), min(len(ra), len(rb)))}")
        else:
            check(f"{name}: {f} byte-identical", fa.read_bytes() == fb.read_bytes(),
                  f"{fa} and {fb} differ")


def count_runs(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(con.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0  # not created yet / schema not written yet / busy


def section(name: str) -> bool:
    if only and only not in name:
        return False
    print(f"-- {name}", flush=True)
    return True


# ---------------------------------------------------------------------------------------------
def test_corpus(tmp: Path) -> None:
    spec = json.loads((BAD / "expected.json").read_text())["cases"]
    files = sorted(p.name for p in BAD.glob("*.json") if p.name != "expected.json")
    check("corpus: at least 30 malformed configs", len(files) >= 30, f"only {len(files)}")
    check("corpus: expected.json covers every file", sorted(spec) == files,
          f"no entry for {sorted(set(files) - set(spec))}, no file for {sorted(set(spec) - set(files))}")
    for name in files:
        if name not in spec:
            continue
        case = spec[name]
        rel = f"tests/cli/bad/{name}"
        out = tmp / f"corpus-out-{Path(name).stem}"
        p = govsim("compare", rel, "--out", str(out), "--quiet", *case.get("args", []))
        subs = case["stderr"]
        expect_input_error(f"corpus compare {name}", p, subs, out)
        if p.returncode != case.get("exit", 2):
            check(f"corpus {name}: exit {case.get('exit', 2)}", False, brief(p))
        p = govsim("validate", rel)
        expect_input_error(f"corpus validate {name}", p, subs)
        check(f"corpus validate {name}: nothing on stdout", p.stdout == "", repr(p.stdout[:200]))


def test_bad_options(tmp: Path) -> None:
    cases = [
        ("--set unknown name", ["--set", "needs.rate_per_yer=5"],
         ["--set", "needs.rate_per_yer", 'did you mean "needs.rate_per_year"?']),
        ("--set bad value", ["--set", "needs.rate_per_year=lots"],
         ["--set", "needs.rate_per_year", "expected a number in [0, 100]", "'lots'"]),
        ("--set out of range", ["--set", "sim.population_scale=5"],
         ["--set", "sim.population_scale", "expected a number in [0.0001, 1]", "'5'"]),
        ("--set bad choice", ["--set", "governance.owner_level=planet"],
         ["--set", "governance.owner_level", "expected one of commune | epci"]),
        ("--set without '='", ["--set", "needs.rate_per_year"], ["--set", "expected name=value"]),
        ("--set with empty name", ["--set", "=5"], ["--set", "expected name=value"]),
        ("--threads -1", ["--threads", "-1"], ["--threads", "expected 0 or a positive integer", "got -1"]),
        ("--threads not a number", ["--threads", "many"], ["--threads", "many"]),
        ("--runs 0", ["--runs", "0"], ["--runs", "expected a positive integer", "got 0"]),
        ("--runs -2", ["--runs=-2"], ["--runs", "expected a positive integer", "got -2"]),
        ("--shard 2/2", ["--shard", "2/2"], ["--shard", "expected K/N with 0 <= K < N", "'2/2'"]),
        ("--shard garbage", ["--shard", "x"], ["--shard", "expected K/N"]),
        ("--shard trailing junk", ["--shard", "0/2x"], ["--shard", "expected K/N", "'0/2x'"]),
        ("--seed -1", ["--seed", "-1"], ["--seed", "expected a non-negative integer", "got -1"]),
        ("--max-runs 0 with --target-ci", ["--target-ci", "0.01", "--max-runs", "0"],
         ["--max-runs", "expected a positive integer", "got 0"]),
        ("--rank-by unknown metric", ["--rank-by", "happiness"], ["--rank-by", "happiness"]),
        ("--target-ci 0", ["--target-ci", "0"], ["--target-ci", "expected a positive half-width"]),
        ("unknown option", ["--frobnicate"], ["frobnicate", "govsim compare --help"]),
    ]
    for label, extra, subs in cases:
        out = tmp / ("opt-out-" + "".join(c if c.isalnum() else "_" for c in label))
        p = govsim("compare", SMALL, "--out", str(out), "--quiet", *extra)
        expect_input_error(f"option {label}", p, subs, out)
    out = tmp / "opt-missing-config"
    p = govsim("compare", "tests/cli/bad/no-such-config.json", "--out", str(out))
    expect_input_error("option missing CONFIG file", p, ["no-such-config.json", "expected an existing config file"], out)
    p = govsim("compare", "--out", str(out))
    expect_input_error("option no CONFIG", p, ["missing CONFIG"], out)
    p = govsim("frobnicate")
    check("unknown command exits 2", p.returncode == 2 and "unknown command" in p.stderr, brief(p))
    p = govsim()
    check("no command exits 2 with usage", p.returncode == 2 and "Usage" in p.stderr, brief(p))


def test_good_paths() -> None:
    p = govsim("--help")
    check("--help", p.returncode == 0 and "Usage: govsim <command>" in p.stdout and "compare" in p.stdout, brief(p))
    p = govsim("--version")
    check("--version", p.returncode == 0 and p.stdout.startswith("govsim ") and len(p.stdout.split()) >= 2, brief(p))
    for cmd in ["compare", "run", "sweep", "validate", "describe", "schema", "merge", "report"]:
        p = govsim(cmd, "--help")
        check(f"{cmd} --help shows an Example", p.returncode == 0 and "Example" in p.stdout
              and f"govsim {cmd}" in p.stdout, brief(p) + f" stdout {p.stdout[:200]!r}")
    p = govsim("describe", "governance.")
    names = [ln.split()[0] for ln in p.stdout.splitlines() if ln and not ln.startswith(" ")]
    check("describe governance. lists governance parameters",
          p.returncode == 0 and len(names) >= 5 and all(n.startswith("governance.") for n in names)
          and "governance.funding_structure" in names and "default" in p.stdout and "source:" in p.stdout,
          brief(p) + f" names {names[:5]}")
    p = govsim("describe", "--json")
    try:
        all_params = json.loads(p.stdout)
        ok = p.returncode == 0 and len(all_params) > 20 and {"name", "type", "default", "range", "source"} <= set(all_params[0])
    except json.JSONDecodeError as e:
        ok, all_params = False, []
        p.stderr += f" (bad JSON: {e})"
    check("describe --json is a JSON list of parameters", ok, brief(p))
    p = govsim("describe", "nosuchprefix")
    expect_input_error("describe nosuchprefix exits 2", p, ["nosuchprefix"])
    for which in ["config", "scenario"]:
        committed = REPO / "scenarios" / "schema" / f"{which}.schema.json"
        p = govsim("schema", which)
        ok = p.returncode == 0 and committed.is_file() and p.stdout == committed.read_text()
        check(f"schema {which} equals the committed scenarios/schema/{which}.schema.json", ok,
              f"the committed schema is stale (exit {p.returncode}): regenerate it with "
              f"`govsim schema {which} > scenarios/schema/{which}.schema.json` and commit it")
    p = govsim("schema", "bogus")
    expect_input_error("schema bogus exits 2", p, ["config or scenario", "'bogus'"])
    for cfg in sorted((REPO / "scenarios" / "experiments").glob("*.json")):
        rel = cfg.relative_to(REPO).as_posix()
        p = govsim("validate", rel)
        check(f"validate {rel}", p.returncode == 0 and ": valid (" in p.stdout and p.stderr == "", brief(p))


def tree_snapshot(d: Path) -> dict[str, str]:
    return {p.name: file_digest(p) for p in sorted(d.iterdir()) if p.is_file()}


def test_determinism_sharding_progress(tmp: Path) -> None:
    dirs = {}
    for t in [1, 2, 8]:
        d = tmp / f"det-t{t}"
        p = govsim(*DET_ARGS, "--threads", str(t), "--out", str(d))
        check(f"determinism: compare --threads {t} succeeds", p.returncode == 0, brief(p))
        check(f"progress: --quiet --threads {t} draws no bar", PROGRESS_MARK not in p.stderr, repr(p.stderr[:200]))
        dirs[t] = d
    for t in [2, 8]:
        same_exports(f"determinism threads 1 vs {t}", dirs[1], dirs[t], EXPORTS)

    # Results already in --out: refused without --force, nothing touched.
    before = tree_snapshot(dirs[1])
    p = govsim(*DET_ARGS, "--threads", "1", "--out", str(dirs[1]))
    expect_input_error("--out with results and no --force exits 2", p,
                       [str(dirs[1]), "already holds results.sqlite", "--force"])
    check("--out with results and no --force: files untouched", tree_snapshot(dirs[1]) == before)

    # Sharding: two processes, then merge; equal to the unsharded run.
    shards = [tmp / "shard0", tmp / "shard1"]
    procs = [subprocess.Popen([BIN, *DET_ARGS, "--threads", "1", "--shard", f"{k}/2", "--out", str(shards[k])],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k in range(2)]
    for k, pr in enumerate(procs):
        out, err = pr.communicate(timeout=300)
        check(f"sharding: --shard {k}/2 succeeds", pr.returncode == 0, f"exit {pr.returncode}: {err[:300]!r}")
    n0, n1 = count_runs(shards[0] / "results.sqlite"), count_runs(shards[1] / "results.sqlite")
    check("sharding: the shards split the 24 runs", n0 + n1 == 24 and n0 > 0 and n1 > 0, f"{n0} + {n1}")
    merged = tmp / "merged"
    p = govsim("merge", str(merged), str(shards[0]), str(shards[1]))
    check("sharding: govsim merge succeeds", p.returncode == 0 and "merged 24 runs" in p.stdout, brief(p) + f" {p.stdout!r}")
    same_exports("sharding merge vs unsharded", dirs[1], merged, ["summary.csv", "paired.csv", "runs.csv"])
    p = govsim("merge", str(tmp / "merged-bad"), str(tmp / "no-such-store"))
    expect_input_error("merge of a missing store exits 2", p, ["no-such-store", "results store"])

    # Progress bar: absent when stderr is not a terminal (even without --quiet) ...
    args = ["compare", SMALL, "--set", "sim.population_scale=0.02"]  # DET_ARGS without --runs/--quiet
    p = govsim(*args, "--runs", "1", "--threads", "2", "--out", str(tmp / "progress-pipe"))
    check("progress: stderr not a terminal draws no bar", p.returncode == 0 and PROGRESS_MARK not in p.stderr
          and "\r" not in p.stderr, brief(p))
    check("progress: without --quiet the table is printed", "runs (" in p.stdout, repr(p.stdout[-300:]))
    # ... and present on a terminal (so the check above is not vacuous).
    master, slave = pty.openpty()
    pr = subprocess.Popen([BIN, *args, "--runs", "1", "--threads", "2", "--out", str(tmp / "progress-tty")],
                          cwd=REPO, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    tty_err = b""
    deadline = time.time() + 120
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            tty_err += chunk
        elif pr.poll() is not None:
            break
    pr.wait(timeout=60)
    os.close(master)
    check("progress: a terminal gets the bar", pr.returncode == 0 and PROGRESS_MARK.encode() in tty_err,
          f"exit {pr.returncode}, tty output {tty_err[:200]!r}")
    p = subprocess.run([BIN, *args, "--runs", "1", "--threads", "2", "--quiet", "--out", str(tmp / "progress-tty-q")],
                       cwd=REPO, capture_output=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    check("progress: --quiet draws no bar", p.returncode == 0 and PROGRESS_MARK.encode() not in p.stderr, repr(p.stderr[:200]))


def test_resume(tmp: Path) -> None:
    ref = tmp / "resume-ref"
    p = govsim(*RESUME_ARGS, "--out", str(ref))
    check("resume: uninterrupted reference run succeeds", p.returncode == 0, brief(p))
    total = count_runs(ref / "results.sqlite")

    out = tmp / "resume-killed"
    pr = subprocess.Popen([BIN, *RESUME_ARGS, "--out", str(out)], cwd=REPO,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    db = out / "results.sqlite"
    deadline = time.time() + 300
    n = 0
    while time.time() < deadline and pr.poll() is None:
        n = count_runs(db)
        if n >= 2:
            break
        time.sleep(0.01)
    still_running = pr.poll() is None
    if still_running:
        pr.send_signal(signal.SIGKILL)
    pr.wait(timeout=60)
    saved = count_runs(db)
    check("resume: SIGKILLed mid-way with >= 2 runs saved", still_running and 2 <= saved < total,
          f"running at kill {still_running}, {saved} of {total} runs saved")
    check("resume: no exports written by the killed run", not (out / "summary.csv").exists())
    p = govsim(*RESUME_ARGS, "--out", str(out), "--resume")
    check("resume: --resume completes", p.returncode == 0, brief(p))
    check("resume: store holds every run once", count_runs(db) == total, f"{count_runs(db)} vs {total}")
    same_exports("resume vs uninterrupted", ref, out, ["runs.csv", "summary.csv", "paired.csv"])


def main() -> int:
    global BIN
    BIN = os.environ.get("GOVSIM_BIN", "")
    if not BIN:
        print("GOVSIM_BIN is not set (path to the govsim executable)")
        print("0 passed, 1 failed")
        return 1
    BIN = str(Path(BIN).resolve())
    if not os.access(BIN, os.X_OK):
        print(f"GOVSIM_BIN={BIN} is not an executable")
        print("0 passed, 1 failed")
        return 1
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="govsim-cli-") as td:
        tmp = Path(td)
        for name, fn, args in [("corpus", test_corpus, (tmp,)),
                               ("bad options", test_bad_options, (tmp,)),
                               ("good paths", test_good_paths, ()),
                               ("determinism, sharding, progress", test_determinism_sharding_progress, (tmp,)),
                               ("resume after SIGKILL", test_resume, (tmp,))]:
            if not section(name):
                continue
            try:
                fn(*args)
            except Exception as e:  # noqa: BLE001 -- a crash of the harness is a failed check
                check(f"{name}: harness", False, f"{type(e).__name__}: {e}")
    print(f"({time.time() - t0:.1f} s)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


BIN = ""
if __name__ == "__main__":
    sys.exit(main())
