"""Regression cases with truth files (tests/regression/README.md); `--update` rewrites them.

Two truths per case: `truth.csv` (every end metric of every run, as runs.csv) and
`series_truth.csv` (every weekly series of every run: one row per scenario, replicate and
series, one column per week; the long timeseries.csv export reshaped).
"""
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
    # An absent metric (NaN, e.g. the rural-urban gap without rural adults) is an empty field.
    data = {(r[0], r[1]): [float(r[i]) if r[i] != "" else math.nan for i in keep] for r in rows[1:]}
    return [header[i] for i in keep], data


def wide_series(timeseries_csv: Path) -> str:
    """The long export (scenario,replicate,week,series,value) as one row per run and series."""
    rows: dict[tuple[str, str, str], dict[int, str]] = {}
    weeks = 0
    with open(timeseries_csv, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            w = int(r["week"])
            weeks = max(weeks, w + 1)
            rows.setdefault((r["scenario"], r["replicate"], r["series"]), {})[w] = r["value"]
    out = [",".join(["scenario", "replicate", "series"] + [f"w{w}" for w in range(weeks)])]
    for (sc, rep, name), vals in rows.items():  # export order: run by run, series in layout order
        assert sorted(vals) == list(range(weeks)), f"{sc} r{rep} {name}: missing weeks"
        out.append(",".join([sc, rep, name] + [vals[w] for w in range(weeks)]))
    return "\n".join(out) + "\n"


def read_series(text: str) -> tuple[list[str], dict[tuple[str, str, str], list[float]]]:
    rows = list(csv.reader(text.splitlines()))
    return rows[0], {(r[0], r[1], r[2]): [float(v) if v != "" else math.nan for v in r[3:]] for r in rows[1:]}


def close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.fixture(scope="module", params=CASES, ids=[c.name for c in CASES])
def case_run(request, tmp_path_factory):
    case: Path = request.param
    out = tmp_path_factory.mktemp(case.name) / "out"
    subprocess.run([govsim_bin(), "compare", str(case / "config.json"), "--out", str(out), "--quiet", "--threads", "2"],
                   check=True)
    return case, out


def test_regression_end_values(case_run, request):
    case, out = case_run
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
            if not close(a, b):
                diffs.append(f"{key[0]} r{key[1]} {name}: {a!r} != truth {b!r}")
    assert not diffs, "results moved (update the truth on purpose with --update):\n" + "\n".join(diffs[:20])


def test_regression_weekly_series(case_run, request):
    case, out = case_run
    truth = case / "series_truth.csv"
    got_text = wide_series(out / "timeseries.csv")
    if request.config.getoption("--update"):
        truth.write_text(got_text, encoding="utf-8")
        pytest.skip(f"series truth rewritten: {truth}")
    assert truth.exists(), f"no series truth file: run pytest {__file__} --update"
    header, got = read_series(got_text)
    truth_header, want = read_series(truth.read_text(encoding="utf-8"))
    assert header == truth_header, "weeks changed: update the truth on purpose (--update)"
    assert list(got) == list(want), "series list or runs changed: update the truth on purpose (--update)"
    diffs = []
    for key, w in want.items():
        for week, (a, b) in enumerate(zip(got[key], w)):
            if not close(a, b):
                diffs.append(f"{key[0]} r{key[1]} {key[2]} week {week}: {a!r} != truth {b!r}")
    assert not diffs, "weekly series moved (update the truth on purpose with --update):\n" + "\n".join(diffs[:20])
