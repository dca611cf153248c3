"""Helpers of the CLI tests (tests/cli/test_cli.py, tests/cli/test_mpi.py): the govsim executable
(GOVSIM_BIN, else `govsim` beside this Python: .venv/bin/govsim after `make build`), the
experiments they run, and the checks they share (exit status 2 with a message, identical exports,
runs in a store)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
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

BIN = str(Path(os.environ.get("GOVSIM_BIN") or Path(sys.executable).parent / "govsim").resolve())


def check(name: str, ok: bool, detail: str = "") -> bool:
    """One check: a failure fails the test with the check's name and detail."""
    assert ok, f"{name}" + (f": {detail}" if detail else "")
    return True


def govsim(*args: str, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
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


def tree_snapshot(d: Path) -> dict[str, str]:
    return {p.name: file_digest(p) for p in sorted(d.iterdir()) if p.is_file()}


def write_json(path: Path, doc) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return path
