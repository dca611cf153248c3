"""Outputs say exactly what was run and never overstate (issue 20).

Small experiments (2% of the rural department, 1 year, 6 replicates) built with the CLI; the
CSV exports, the CLI table, Python's Results and the HTML report are checked against them:
verdicts against the minimal important difference, ties sharing a rank, a planner's own
scenarios without consultation sentences, an override that cancels a scenario's lever, and a
sweep reported as a response surface with no baseline.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import govsim

REPO = Path(__file__).resolve().parents[2]
STATUS_QUO = str(REPO / "scenarios" / "governance" / "status-quo.json")


def govsim_bin() -> str:
    return os.environ.get("GOVSIM_BIN") or str(Path(sys.executable).parent / "govsim")


def planner_config(tmp: Path, mid: dict | None = None, sweep: bool = False) -> Path:
    """A planner's own experiment: scenarios without seed_contribution, one identical twin of the
    baseline (a tie) and one without any mediation (a large, detectable deterioration)."""
    scen = [
        {"name": "my-baseline", "title": "My baseline", "extends": STATUS_QUO},
        {"name": "my-twin", "title": "Identical twin", "extends": STATUS_QUO},
        {"name": "no-mediation", "title": "No mediation at all", "extends": STATUS_QUO,
         # No session anywhere: France Services have their own session rate, and since
         # turned-away residents are re-oriented (issue 26) they would absorb the others' demand.
         "parameters": {"mediation.sessions_per_fte_week": 0, "mediation.sessions_per_fte_week_france_services": 0}},
    ]
    doc = {"name": "planner-own", "description": "A planner's own scenarios.", "territory": "rural-department",
           "scenarios": scen[:1] if sweep else scen, "baseline": "my-baseline",
           "parameters": {"sim.population_scale": 0.02, "sim.horizon_weeks": 52},
           "experiment": {"runs": 6, "seed": 7}}
    if mid is not None:
        doc["experiment"]["minimal_important_difference"] = mid
    if sweep:
        doc["sweep"] = {"method": "grid", "parameters": {"mediation.sessions_per_fte_week": {"values": [0, 20]}}}
    path = tmp / ("sweep.json" if sweep else "config.json")
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([govsim_bin(), *args], capture_output=True, text=True)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def planner(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("planner")
    out = tmp / "out"
    p = run("compare", str(planner_config(tmp)), "--out", str(out), "--quiet", "--threads", "2")
    assert p.returncode == 0, p.stderr
    return out


def test_ties_share_a_rank_and_verdicts_follow_the_mid(planner: Path, tmp_path: Path):
    summary = [r for r in read_csv(planner / "summary.csv") if r["metric"] == "non_recours_rate"]
    rank = {r["scenario"]: (r["rank"], r["rank_tied"]) for r in summary}
    # The twin runs the same parameters on the same random streams: not detectably different.
    assert rank["my-baseline"][0] == rank["my-twin"][0] and rank["my-twin"][1] == "true", rank
    assert rank["no-mediation"] == ("3", "false"), rank
    paired = {(r["scenario"], r["metric"]): r for r in read_csv(planner / "paired.csv")}
    assert paired[("my-twin", "non_recours_rate")]["verdict"] == "no_detectable_difference"
    worse = paired[("no-mediation", "non_recours_rate")]
    assert float(worse["ci_low"]) > 0, "no mediation must raise non-recours detectably"
    assert float(worse["mid"]) == pytest.approx(0.001)  # default for shares: 0.1 point
    # Whether it is "clearly" worse depends on the MID: a huge MID makes the same effect small.
    expected = "clearly_worse" if float(worse["mean_diff"]) >= 0.001 else "worse_below_mid"
    assert worse["verdict"] == expected
    tmp = tmp_path / "mid"
    tmp.mkdir()
    out = tmp / "out"
    p = run("compare", str(planner_config(tmp, mid={"non_recours_rate": 0.9})), "--out", str(out), "--quiet")
    assert p.returncode == 0, p.stderr
    big = {(r["scenario"], r["metric"]): r for r in read_csv(out / "paired.csv")}
    assert big[("no-mediation", "non_recours_rate")]["verdict"] == "worse_below_mid"
    assert float(big[("no-mediation", "non_recours_rate")]["mid"]) == 0.9


def test_cli_table_units_and_ties(planner: Path, tmp_path: Path):
    p = run("compare", str(planner_config(tmp_path)), "--out", str(tmp_path / "o"), "--threads", "1")
    assert p.returncode == 0, p.stderr
    table = p.stdout
    assert " pt [" in table, "differences of shares must be in points"
    assert "Δ" in table and "%]" in table
    assert "=. my-" in table or "= . my-" in table or "1=." in table, table  # a shared rank
    assert "€" in table and "," in table.split("total_cost_eur")[1].split("\n")[0], "euros with unit and separators"
    assert "clearly worse" in table or "worse, below the minimal important difference" in table
    # A single scenario prints no paired-difference legend.
    one = run("run", str(planner_config(tmp_path)), "--out", str(tmp_path / "one"), "--threads", "1")
    assert one.returncode == 0, one.stderr
    assert "Δ" not in one.stdout and "excludes 0" not in one.stdout


def test_override_that_cancels_a_lever_warns_and_targeted_override_does_not(tmp_path: Path):
    cfg = str(planner_config(tmp_path))
    p = run("validate", cfg, "--set", "mediation.sessions_per_fte_week=20")
    # validate may not print warnings; compare must.
    out = tmp_path / "o1"
    p = run("compare", cfg, "--out", str(out), "--quiet", "--runs", "2", "--set", "mediation.sessions_per_fte_week=20")
    assert p.returncode == 0, p.stderr
    assert "warning:" in p.stderr and "no-mediation" in p.stderr and "my-twin" not in p.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["config"]["warnings"] and manifest["config"]["overrides"] == ["mediation.sessions_per_fte_week=20"]
    out2 = tmp_path / "o2"
    p = run("compare", cfg, "--out", str(out2), "--quiet", "--runs", "2",
            "--set", "my-twin:mediation.sessions_per_fte_week=5")
    assert p.returncode == 0, p.stderr
    assert "warning:" not in p.stderr
    res = govsim.open_results(out2)
    vals = {s: res.scenario_info[s]["parameters"].get("mediation.sessions_per_fte_week") for s in res.scenarios}
    assert vals["my-twin"] == 5 and vals["no-mediation"] == 0 and vals["my-baseline"] is None
    bad = run("compare", cfg, "--out", str(tmp_path / "o3"), "--quiet", "--set", "nobody:mediation.sessions_per_fte_week=5")
    assert bad.returncode == 2 and "nobody" in bad.stderr and not (tmp_path / "o3" / "results.sqlite").exists()
    with pytest.warns(UserWarning, match="no-mediation"):
        govsim.load_config(cfg, overrides={"mediation.sessions_per_fte_week": 20})


def test_report_of_a_planners_own_scenarios(planner: Path, tmp_path: Path):
    html_path = govsim.report(planner, tmp_path / "r.html", lang="en")
    html = Path(html_path).read_text(encoding="utf-8")
    assert "public consultation" not in html, "no consultation sentence for scenarios without seed_contribution"
    assert "are assumptions rather than observed figures" in html
    assert html.index("are assumptions rather than observed figures") < html.index("Key findings") + 400
    assert ">1=<" in html or ">2=<" in html, "tied scenarios share a rank in the ranking table"
    assert "govsim compare" in html


def test_report_below_mid_is_not_announced_as_an_effect(tmp_path: Path):
    out = tmp_path / "out"
    p = run("compare", str(planner_config(tmp_path, mid={"non_recours_rate": 0.9})), "--out", str(out), "--quiet")
    assert p.returncode == 0, p.stderr
    html = Path(govsim.report(out, tmp_path / "r.html", lang="en")).read_text(encoding="utf-8")
    assert "Below the minimal important difference" in html
    assert "too small to matter in practice" in html
    assert 'class="small" title="worse, but below the minimal important difference"' in html
    # The same verdicts in French (the default language).
    fr = Path(govsim.report(out, tmp_path / "fr.html")).read_text(encoding="utf-8")
    assert "En deçà de la différence minimale importante" in fr
    assert "trop faible pour compter en pratique" in fr
    assert 'class="small" title="moins bon, mais en deçà de la différence minimale importante"' in fr


def test_sweep_is_a_response_surface_without_baseline(tmp_path: Path):
    out = tmp_path / "sweep"
    p = run("sweep", str(planner_config(tmp_path, sweep=True)), "--out", str(out), "--runs", "2", "--threads", "2")
    assert p.returncode == 0, p.stderr
    assert "mediation.sessions_per_fte_week=0" in p.stdout and "non_recours_rate" in p.stdout
    res = govsim.open_results(out)
    assert res.baseline is None and res.is_sweep
    assert len(res.paired()) == 0
    design = res.design()
    assert sorted(design["mediation.sessions_per_fte_week"].tolist()) == [0, 20]
    html = Path(govsim.report(out, tmp_path / "s.html", lang="en")).read_text(encoding="utf-8")
    assert "Response surface of the sweep" in html
    assert "Paired differences vs the baseline" not in html
    assert "raises non-recours" not in html and "lowers non-recours" not in html
    assert "govsim sweep" in html, "the reproduce command is the sweep, not a compare"


def test_undefined_series_values_are_absent_not_zero(small_compare):
    """A rate with nothing to divide yet is absent (NaN; empty in timeseries.csv), not 0 (issue 29
    item 2): 'in the past 52 weeks' before a year has passed, the yearly activity before its first
    year, non-recours (overall and by subgroup) before any need has closed."""
    res = small_compare[0]
    s = res.scenarios[0]
    gave_up = res.series(s, "adults_gave_up_rate")  # replicates x weeks
    assert np.isnan(gave_up[:, :52]).all() and np.isfinite(gave_up[:, 53:]).all()
    assert (gave_up[:, 53:] > 0).all()
    requests = res.series(s, "france_services_requests_per_site_year")
    assert np.isnan(requests[:, :53]).all() and (requests[:, 53:] > 0).all()
    assert np.isnan(res.series(s, "non_recours_rate")[:, 0]).all()
    urban = res.series(s, "non_recours_rate@density:urban")
    assert np.isnan(urban[:, 0]).all() and np.isfinite(urban[:, 10:]).all()
    home = res.series(s, "home_internet_rate")  # a stock: defined from week 0
    assert np.isfinite(home).all() and (home[:, 0] > 0).all()


@pytest.mark.parametrize("lever", ["network.france_services.fte=3.2", "network.epn.sites=10"])
def test_per_commune_outputs_survive_network_levers(tmp_path: Path, lever: str):
    """A network lever runs the scenario on a modified copy of the territory's points; its
    communes are the same and keep their values (issue 29 item 1: blank communes.csv rows, NaN
    commune_values, an all-grey change map)."""
    out = tmp_path / "lever"
    p = run("run", str(REPO / "scenarios" / "governance" / "status-quo.json"), "--territory", "charente",
            "--set", lever, "--set", "sim.population_scale=0.02", "--set", "sim.horizon_weeks=52",
            "--runs", "1", "--out", str(out), "--quiet")
    assert p.returncode == 0, p.stderr
    with open(out / "communes.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 300 and all(r["adults"] != "" for r in rows)
    res = govsim.open_results(out)
    assert np.isfinite(res.commune_values(0)).all()
    assert res.communes().groupby("scenario")["adults"].sum().iloc[0] > 100_000


def test_cost_per_need_resolved_by_mediation_divides_total_spending(tmp_path: Path):
    """The caption (docs/metrics.md, the report) says total spending / needs resolved through
    mediation: recomputed from runs.csv (total_cost_eur) and communes.csv (needs_mediated, full
    population), one replicate per scenario so that the commune sums are that run's."""
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({
        "name": "cost-per-need", "description": "cost per need as captioned",
        "territory": "rural-department",
        "scenarios": [STATUS_QUO, str(REPO / "scenarios" / "governance" / "single-contracting-authority.json")],
        "parameters": {"sim.population_scale": 0.02, "sim.horizon_weeks": 104},
        "experiment": {"runs": 1, "seed": 11, "outputs": ["summary", "runs"]}}))
    out = tmp_path / "out"
    subprocess.run([govsim_bin(), "compare", str(cfg), "--out", str(out), "--quiet"], check=True)
    with open(out / "runs.csv", newline="") as f:
        runs = {r["scenario"]: r for r in csv.DictReader(f)}
    mediated: dict[str, float] = {}
    with open(out / "communes.csv", newline="") as f:
        for r in csv.DictReader(f):
            mediated[r["scenario"]] = mediated.get(r["scenario"], 0.0) + float(r["needs_mediated"])
    assert set(runs) == set(mediated) and len(runs) == 2
    for s, r in runs.items():
        assert mediated[s] > 0
        expected = float(r["total_cost_eur"]) / mediated[s]
        assert float(r["cost_per_need_resolved_by_mediation_eur"]) == pytest.approx(expected, rel=1e-6), s
