"""Equity across communes in the CLI and equity.csv (issue 29 item 8b): the gap between EPCIs and
non-recours by travel time to the nearest procedure help, computed by the engine, agree with
govsim.equity (Python, from the per-commune values) and are printed by `govsim compare`."""

from __future__ import annotations

import csv
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import govsim
import govsim.equity
from conftest import ROOT

GOVSIM = shutil.which("govsim", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def charente_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("equity")
    cfg = {"name": "equity-test", "territory": "charente",
           "scenarios": [str(ROOT / "scenarios/governance/status-quo.json"),
                         str(ROOT / "scenarios/governance/single-contracting-authority.json")],
           "baseline": "status-quo", "parameters": {"sim.population_scale": 0.05},
           "experiment": {"runs": 3, "seed": 7}}
    (tmp / "c.json").write_text(json.dumps(cfg), encoding="utf-8")
    r = subprocess.run([GOVSIM, "compare", str(tmp / "c.json"), "--out", str(tmp / "out"), "--threads", "2"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return tmp / "out", r.stdout


def test_equity_csv_agrees_with_python_and_is_printed(charente_run):
    out, stdout = charente_run
    rows = list(csv.DictReader((out / "equity.csv").open(encoding="utf-8")))
    assert list(rows[0]) == govsim._core.csv_columns()["equity"]
    res = govsim.open_results(out)
    by = {(r["scenario"], r["measure"]): r for r in rows}
    gap = govsim.equity.epci_gap(res)
    assert len(gap) == 2
    for g in gap.itertuples():
        row = by[(g.scenario, "non_recours_rate@epci:gap")]
        assert int(row["n"]) == g.n == 3
        assert float(row["mean"]) == pytest.approx(g.gap, rel=1e-9, abs=1e-12)
        assert float(row["ci_low"]) == pytest.approx(g.ci_low, rel=1e-9, abs=1e-12)
        assert (row["worst"], row["best"]) == (g.worst_epci, g.best_epci)
        assert float(row["mean"]) > 0  # nine EPCIs never all give up at the same rate
    travel = govsim.equity.by_travel_time(res)
    assert len(travel) == 6
    for t in travel.itertuples():
        row = by[(t.scenario, f"non_recours_rate@travel:{t.minutes}")]
        assert int(row["zones"]) == t.communes
        assert float(row["people"]) == pytest.approx(t.adults, rel=1e-9)
        if t.n == 0:
            assert row["mean"] == "" or math.isnan(float(row["mean"]))
        else:
            assert float(row["mean"]) == pytest.approx(t.non_recours_rate, rel=1e-9)
    # Every commune is in exactly one class.
    zones = sum(int(by[("status-quo", f"non_recours_rate@travel:{k}")]["zones"]) for k in ("<=15", "15-30", ">30"))
    assert zones == 362
    assert "Equity across communes" in stdout and "epci:gap" in stdout and "travel:<=15" in stdout
