"""Regression cases with truth files (tests/regression/README.md); `--update` rewrites them."""
from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted(p for p in (ROOT / "tests" / "regression").iterdir() if (p / "config.json").exists())


def govsim_bin() -> str:
    return os.environ.get("GOVSIM_BIN") or str(Path(sys.executable).parent / "govsim")


def read_runs(path: Path) -> tuple[list[str], dict[tuple[str, str], list[float]]]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    keep = [i for i, h in enumerate(header) if h not in ("scenario", "replicate", "wall_seconds")]
    data = {(r[0], r[1]): [float(r[i]) for i in keep] for r in rows[1:]}
    return [header[i] for i in keep], data


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_regression_case(case: Path, tmp_path: Path, request):
    out = tmp_path / "out"
    subprocess.run([govsim_bin(), "compare", str(case / "config.json"), "--out", str(out), "--quiet", "--threads", "2"],
                   check=True)
    truth = case / "truth.csv"
    if request.config.getoption("--update"):
        truth.write_text((out / "runs.csv").read_text(encoding="utf-8"), encoding="utf-8")
        pytest.skip(f"truth rewritten: {truth}")
    assert truth.exists(), f"no truth file: run pytest {__file__} --update"
    names, got = read_runs(out / "runs.csv")
    truth_names, want = read_runs(truth)
    assert names == truth_names, "metric list changed: update the truth on purpose (--update)"
    assert got.keys() == want.keys()
    diffs = []
    for key in want:
        for name, a, b in zip(names, got[key], want[key]):
            if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
                diffs.append(f"{key[0]} r{key[1]} {name}: {a!r} != truth {b!r}")
    assert not diffs, "results moved (update the truth on purpose with --update):\n" + "\n".join(diffs[:20])
