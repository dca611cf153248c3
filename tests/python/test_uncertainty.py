"""Uncertainty analyses: the registry's uncertainty space, the SALib pipeline on analytical
functions, sensitivity of the model, robust comparison (threads, shards) and PRIM discovery."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsim
from govsim import uncertainty as gu

ROOT = Path(__file__).resolve().parents[2]
GOV = ROOT / "scenarios" / "governance"
GOVSIM = Path(sys.executable).parent / "govsim"


def tiny(uncertainty: dict | None = None, scenarios=("status-quo", "single-contracting-authority"),
         runs: int = 1) -> dict:
    doc = {"name": "tiny-uncertainty", "territory": "rural-department",
           "scenarios": [str(GOV / f"{s}.json") for s in scenarios], "baseline": scenarios[0],
           "experiment": {"runs": runs, "seed": 7},
           "parameters": {"sim.population_scale": 0.01, "sim.horizon_weeks": 26}}
    if uncertainty is not None:
        doc["uncertainty"] = uncertainty
    return doc


# ---- the uncertainty space ----------------------------------------------------------------------
def test_space_is_the_registry_assumptions_with_ranges() -> None:
    p = govsim.parameters()
    assumptions = p[p["source"].str.startswith("assumption")]
    assert assumptions["distribution"].notna().all()
    assert p[~p["source"].str.startswith("assumption")]["distribution"].isna().all()
    sp = gu.space(include_fixed=True)
    assert sorted(sp["name"]) == sorted(assumptions["name"])
    varied = gu.space()
    assert (varied["distribution"] != "fixed").all() and len(varied) > 80
    assert (varied["low"] < varied["high"]).all()
    assert (varied["reason"].str.len() > 10).all()
    # The config schema lists exactly the varied ones.
    schema = json.loads((ROOT / "scenarios/schema/config.schema.json").read_text())
    items = schema["properties"]["uncertainty"]["properties"]["parameters"]["oneOf"][1]["items"]["enum"]
    assert sorted(items) == sorted(varied["name"])


def test_design_values_follow_the_ranges() -> None:
    sp = gu.space().set_index("name")
    names = ["needs.rate_per_year", "resolution.relatives_weekly", "funders.caf.grant_years"]
    v = gu.design_values(names, np.array([[0.0, 0.0, 0.0], [0.5, 0.5, 0.5], [1.0, 1.0, 0.999]]))
    assert v.iloc[0].tolist() == [sp.loc[n, "low"] for n in names]
    assert v.iloc[2].tolist() == pytest.approx([sp.loc[n, "high"] for n in names])
    assert v.iloc[1, 0] == pytest.approx(math.sqrt(2 * 8))  # loguniform on [2, 8]: geometric midpoint
    assert v.iloc[1, 1] == pytest.approx(0.35)  # uniform on [0.15, 0.55]
    assert float(v.iloc[1, 2]).is_integer()


def test_uncertainty_section_is_validated() -> None:
    cfg = govsim.Config.from_dict(tiny({"parameters": ["resolution.relatives_weekly"], "samples": 5}))
    assert cfg.experiment.uncertainty == {"parameters": ["resolution.relatives_weekly"], "samples": 5,
                                          "method": "lhs"}
    everything = govsim.Config.from_dict(tiny({"parameters": "assumptions"})).experiment.uncertainty
    assert everything["parameters"] == list(gu.space()["name"]) and everything["samples"] == 64
    with pytest.raises(govsim.ConfigError, match=r"/uncertainty/parameters/0.*plausible range.*network.france_services.fte"):
        govsim.Config.from_dict(tiny({"parameters": ["network.france_services.fte"]}))  # measured (IGA 2020), not an assumption
    with pytest.raises(govsim.ConfigError, match=r"/uncertainty/parameters/0.*did you mean"):
        govsim.Config.from_dict(tiny({"parameters": ["resolution.relatives_weekli"]}))
    with pytest.raises(govsim.ConfigError, match=r"/uncertainty/parameters/0.*sim.population_scale"):
        govsim.Config.from_dict(tiny({"parameters": ["sim.population_scale"]}))  # fixed
    with pytest.raises(govsim.ConfigError, match=r"/uncertainty/method"):
        govsim.Config.from_dict(tiny({"method": "grid"}))
    with pytest.raises(govsim.ConfigError, match=r"/uncertainty.*unknown key"):
        govsim.Config.from_dict(tiny({"sample": 4}))


# ---- the SALib pipeline on analytical functions ------------------------------------------------
def test_ishigami_sobol_indices_through_the_pipeline() -> None:
    from SALib.test_functions import Ishigami

    bounds = {"x1": (-math.pi, math.pi), "x2": (-math.pi, math.pi), "x3": (-math.pi, math.pi)}
    df = gu.sensitivity_of_function(Ishigami.evaluate, bounds, method="sobol", samples=2048, seed=3)
    # Analytical values for a = 7, b = 0.1 (Ishigami & Homma 1990; Saltelli et al. 2008).
    s1 = [0.3139, 0.4424, 0.0]
    st = [0.5576, 0.4424, 0.2437]
    for i in range(3):
        # conf is a 95% bootstrap half-width (~2 sd): allow 1.5 of it plus 0.01 for the bootstrap's own noise.
        assert abs(df["S1"][i] - s1[i]) <= 1.5 * df["S1_conf"][i] + 0.01, df
        assert abs(df["ST"][i] - st[i]) <= 1.5 * df["ST_conf"][i] + 0.01, df
        assert df["ST_conf"][i] < 0.1


def test_morris_on_a_linear_function_gives_its_slopes() -> None:
    # Elementary effects of a linear function are exact: mu* = |slope| x range, sigma = 0.
    df = gu.sensitivity_of_function(lambda x: 3 * x[:, 0] - 2 * x[:, 2], {"a": (0, 1), "b": (0, 1), "c": (0, 2)},
                                    method="morris", samples=20, seed=1)
    assert df["mu_star"].tolist() == pytest.approx([3.0, 0.0, 4.0])
    assert df["sigma"].tolist() == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)


# ---- sensitivity of the model --------------------------------------------------------------------
def test_an_ignored_parameter_has_a_total_index_of_zero(tmp_path) -> None:
    # Neither scenario has a demonstrator or a master plan: their costs change nothing; relatives
    # matter. Stations exist only in single-contracting-authority: their cost matters there, on costs.
    params = ["resolution.relatives_weekly", "demonstrator.cost_eur", "master_plan.cost_eur", "stations.cost_eur"]
    df = govsim.sensitivity(govsim.Config.from_dict(tiny()), method="sobol", samples=16, parameters=params,
                            outcomes=["non_recours_rate", "total_cost_eur"], threads=2, out=tmp_path, progress=False)
    assert set(df["kind"]) == {"outcome", "difference"}
    assert set(df["scenario"]) == {"status-quo", "single-contracting-authority"}
    st = df[df["parameter"] == "stations.cost_eur"]
    ignored = pd.concat([df[df["parameter"].isin(["demonstrator.cost_eur", "master_plan.cost_eur"])],
                         st[(st["metric"] == "non_recours_rate") | (st["scenario"] == "status-quo")]])
    assert len(ignored) == 2 * 6 + 4
    assert (ignored["ST"].abs() <= ignored["ST_conf"] + 1e-12).all(), ignored
    assert ignored["ST"].abs().max() < 1e-9  # common random numbers: exactly the same runs
    used = st[(st["metric"] == "total_cost_eur") & (st["scenario"] == "single-contracting-authority")]
    assert (used["ST"] > used["ST_conf"]).all(), used
    rel = df[(df["parameter"] == "resolution.relatives_weekly") & (df["metric"] == "non_recours_rate")
             & (df["kind"] == "outcome")]
    assert (rel["ST"] > rel["ST_conf"]).all() and (rel["ST"] > 0.5).all(), rel


def test_morris_of_the_model_returns_every_target(tmp_path) -> None:
    params = ["resolution.relatives_weekly", "demonstrator.cost_eur", "needs.rate_per_year"]
    df = govsim.sensitivity(govsim.Config.from_dict(tiny()), method="morris", samples=3, parameters=params,
                            outcomes=["non_recours_rate"], threads=2, out=tmp_path, progress=False)
    assert len(df) == 3 * 3  # (2 outcomes + 1 difference) x 3 parameters
    assert (df[df["parameter"] == "demonstrator.cost_eur"]["mu_star"] == 0).all()
    assert (df[df["parameter"] == "resolution.relatives_weekly"]["mu_star"] > 0).all()


# ---- robust comparison ---------------------------------------------------------------------------
ROB = {"parameters": ["resolution.relatives_weekly", "needs.rate_per_year", "mediation.mediator_skill",
                      "funders.caf.grant_years"], "samples": 6, "method": "sobol"}


@pytest.fixture(scope="module")
def robust_1_thread(tmp_path_factory):
    return govsim.robustness(govsim.Config.from_dict(tiny(ROB, runs=2)), threads=1,
                             out=tmp_path_factory.mktemp("rob1"), progress=False)


def test_robustness_is_identical_for_1_and_2_threads(robust_1_thread, tmp_path) -> None:
    r2 = govsim.robustness(govsim.Config.from_dict(tiny(ROB, runs=2)), threads=2, out=tmp_path, progress=False)
    for name in ("worlds", "probability", "ranks", "regret"):
        pd.testing.assert_frame_equal(getattr(robust_1_thread, name), getattr(r2, name), check_exact=True)


def test_robustness_tables_are_consistent(robust_1_thread) -> None:
    r = robust_1_thread
    assert r.n_worlds == 6 and r.runs == 2 and r.baseline == "status-quo"
    assert len(r.worlds) == 6
    heads = gu.headline_metrics()
    assert set(r.probability["metric"]) == set(heads)
    for m in heads:
        sc = r.worlds[f"{m}|single-contracting-authority"]
        sq = r.worlds[f"{m}|status-quo"]
        sign = 1 if govsim.metrics().set_index("name").loc[m, "higher_is_better"] else -1
        p = r.probability.set_index(["scenario", "metric"]).loc[("single-contracting-authority", m)]
        assert p["p_better"] == pytest.approx(float((sign * (sc - sq) > 0).mean()))
        assert p["se"] == pytest.approx(math.sqrt(p["p_better"] * (1 - p["p_better"]) / 6))
        assert p["ci_low"] <= p["p_better"] <= p["ci_high"]
        k = r.ranks[r.ranks["metric"] == m]
        assert k[["rank_1", "rank_2"]].sum(axis=0).tolist() == pytest.approx([1.0, 1.0])
        g = r.regret.set_index(["scenario", "metric"])
        best = np.maximum(sign * sc, sign * sq)
        assert g.loc[("status-quo", m), "mean_regret"] == pytest.approx(float((best - sign * sq).mean()))
    # The worlds' parameter values are the registry quantiles of the design.
    sp = gu.space(ROB["parameters"]).set_index("name")
    for n in ROB["parameters"]:
        assert r.worlds[n].between(sp.loc[n, "low"], sp.loc[n, "high"]).all()


def test_robustness_shards_merge_to_the_same_result(robust_1_thread, tmp_path) -> None:
    cfg = govsim.Config.from_dict(tiny(ROB, runs=2))
    for k in range(2):
        with pytest.raises(gu.IncompleteError):
            govsim.robustness(cfg, out=tmp_path / f"s{k}", shard=(k, 2), progress=False)
    subprocess.run([str(GOVSIM), "merge", str(tmp_path / "all"), str(tmp_path / "s0"), str(tmp_path / "s1")],
                   check=True, capture_output=True)
    merged = gu.open_robustness(tmp_path / "all")
    pd.testing.assert_frame_equal(merged.probability, robust_1_thread.probability, check_exact=True)
    pd.testing.assert_frame_equal(merged.worlds, robust_1_thread.worlds, check_exact=True)


def test_prim_finds_the_box_where_a_scenario_fails() -> None:
    # A synthetic set of worlds with a known failure region: relatives > 0.45 and need rate < 4.4.
    rng = np.random.default_rng(5)
    n = 400
    x, y, z = rng.uniform(0.15, 0.55, n), rng.uniform(2, 8, n), rng.uniform(0.65, 0.95, n)
    fails = (x > 0.45) & (y < 4.4)
    worlds = pd.DataFrame({"world": range(n), "resolution.relatives_weekly": x, "needs.rate_per_year": y,
                           "mediation.mediator_skill": z,
                           "non_recours_rate|status-quo": 0.2, "non_recours_rate|a": np.where(fails, 0.25, 0.15)})
    rob = gu.Robustness(path=Path("."), parameters=["resolution.relatives_weekly", "needs.rate_per_year",
                                                    "mediation.mediator_skill"],
                        scenarios=["status-quo", "a"], baseline="status-quo", worlds=worlds,
                        probability=pd.DataFrame(), ranks=pd.DataFrame(), regret=pd.DataFrame(), n_worlds=n)
    box = gu.discover(rob, "a", "non_recours_rate")
    assert box.attrs["n_failures"] == int(fails.sum())
    assert box.attrs["density"] >= 0.8 and box.attrs["coverage"] >= 0.7
    lims = box.set_index("parameter")
    assert set(lims.index) == {"resolution.relatives_weekly", "needs.rate_per_year"}
    assert lims.loc["resolution.relatives_weekly", "low"] == pytest.approx(0.45, abs=0.03)
    # The chosen box trades a little density for coverage: its edge is at or just past 4.4.
    assert 4.2 <= lims.loc["needs.rate_per_year", "high"] <= 5.2
    text = gu.describe_box(box)
    assert "relatives_weekly is above" in text and "rate_per_year is below" in text
    # A parameter of a mechanism neither scenario sets cannot act on them: never in a box, even
    # where it alone separates the failures.
    worlds["mobile.fte"] = rng.uniform(1, 2, n)
    worlds["non_recours_rate|a"] = np.where(worlds["mobile.fte"] > 1.7, 0.25, 0.15)
    rob.parameters.append("mobile.fte")
    rob.mechanisms = {"status-quo": [], "a": ["animation"]}
    assert "mobile.fte" not in set(gu.discover(rob, "a", "non_recours_rate")["parameter"])
    rob.mechanisms = {"status-quo": [], "a": ["mobile"]}
    assert "mobile.fte" in set(gu.discover(rob, "a", "non_recours_rate")["parameter"])


# ---- command line --------------------------------------------------------------------------------
def test_cli_robustness_and_discover(tmp_path) -> None:
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps(tiny(ROB)))
    out = tmp_path / "out"
    r = subprocess.run([str(GOVSIM), "robustness", str(cfg), "--samples", "4", "--out", str(out), "-q",
                        "--threads", "2"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "P(beats baseline)" in r.stdout
    for f in ("robustness_probability.csv", "robustness_ranks.csv", "robustness_regret.csv", "discovery.csv"):
        assert (out / f).is_file()
    d = subprocess.run([str(GOVSIM), "discover", str(out), "--scenario", "single-contracting-authority",
                        "--plot", str(tmp_path / "box.png")], capture_output=True, text=True)
    assert d.returncode == 0, d.stderr
    assert "plausible worlds" in d.stdout


def test_cli_bad_input_exits_2_without_output(tmp_path) -> None:
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps(tiny({"parameters": ["population.rr_rural"]})))
    r = subprocess.run([str(GOVSIM), "robustness", str(cfg), "--out", str(tmp_path / "o")], capture_output=True,
                       text=True)
    assert r.returncode == 2
    assert "/uncertainty/parameters/0" in r.stderr
    assert not (tmp_path / "o").exists()
    r = subprocess.run([str(GOVSIM), "sensitivity", str(ROOT / "scenarios/experiments/robustness-small.json"),
                        "--method", "fast"], capture_output=True, text=True)
    assert r.returncode == 2


def test_robustness_resumes_after_an_interruption(tmp_path) -> None:
    # A progress callback that raises stops the ensemble after the runs in flight (as Ctrl-C or a
    # kill would leave a partial store); resuming with another thread count completes it to the
    # same result as an uninterrupted run. 40 worlds x 2 scenarios x 2 runs = 160 runs.
    doc = tiny(dict(ROB, samples=40), runs=2)
    doc["parameters"]["sim.horizon_weeks"] = 52
    cfg = govsim.Config.from_dict(doc)
    whole = govsim.robustness(cfg, threads=2, out=tmp_path / "whole", progress=False)

    def stop(done: int, total: int) -> None:
        if done > 0:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        govsim.robustness(cfg, threads=2, out=tmp_path / "cut", progress=stop)
    partial = govsim.open_results(tmp_path / "cut").n_runs
    assert 0 < partial < 160
    with pytest.raises(govsim.ConfigError, match="resume"):
        govsim.robustness(cfg, threads=2, out=tmp_path / "cut", progress=False)  # neither resume nor force
    r = govsim.robustness(cfg, threads=1, out=tmp_path / "cut", progress=False, resume=True)
    for name in ("worlds", "probability", "ranks", "regret"):
        pd.testing.assert_frame_equal(getattr(whole, name), getattr(r, name), check_exact=True)


def test_robustness_compares_each_scenario_with_its_own_reference(tmp_path) -> None:
    """Issue 28: a territory comparison is scored against the baseline run on its territory, the
    @as_configured arms (cost-effectiveness only) are not run, only the main scenarios are ranked,
    and PRIM describes no box from a handful of failing worlds."""
    cfg = {"name": "rob-roles", "territory": "rural-department",
           "scenarios": [str(GOV / "status-quo.json"), str(GOV / "single-contracting-authority.json"),
                         str(GOV / "city-master-plan.json")],
           "baseline": "status-quo",
           "territory_comparisons": [{"territory": "city", "scenarios": [str(GOV / "city-master-plan.json")]}],
           "experiment": {"runs": 1, "seed": 3, "budget": "equal_to_baseline"},
           "parameters": {"sim.population_scale": 0.02, "sim.horizon_weeks": 52},
           "uncertainty": {"parameters": "assumptions", "samples": 6, "method": "lhs"}}
    rob = gu.robustness(cfg, out=tmp_path / "rob", progress=False)
    assert not any("@as_configured" in s for s in rob.scenarios)
    # Not even run: 6 worlds x (3 scenarios + the two on the city), no arm.
    stored = govsim.Results(tmp_path / "rob").scenarios
    assert len(stored) == 6 * 5 and not any("@as_configured" in s for s in stored)
    assert rob.reference("city-master-plan@city") == "status-quo@city"
    assert rob.reference("single-contracting-authority") == "status-quo"
    assert rob.reference("status-quo") is None and rob.reference("status-quo@city") is None
    assert set(rob.compared) == {"single-contracting-authority", "city-master-plan", "city-master-plan@city"}
    # Ranked: the main territory's scenarios only.
    assert set(rob.ranks["scenario"]) == {"status-quo", "single-contracting-authority", "city-master-plan"}
    assert {c for c in rob.ranks.columns if c.startswith("rank_")} == {"rank_1", "rank_2", "rank_3"}
    # P(beats its reference), recomputed from the worlds' outcomes (lower non-recours is better).
    p = rob.probability.set_index(["scenario", "metric"])
    w = rob.worlds
    mine = float((w["non_recours_rate|city-master-plan@city"] < w["non_recours_rate|status-quo@city"]).mean())
    assert p.loc[("city-master-plan@city", "non_recours_rate"), "p_better"] == pytest.approx(mine)
    # One run per world: the replicate noise is not estimated (NaN), not 0.
    assert p["share_decided"].isna().all()
    # Fewer than MIN_WORLDS failing (or succeeding) worlds: no box, and the sentence says why.
    for s in rob.compared:
        box = gu.discover(rob, s)
        f = box.attrs["n_failures"]
        if 0 < f < gu.discovery.MIN_WORLDS or 0 < 6 - f < gu.discovery.MIN_WORLDS:
            assert box.empty and "too few" in gu.describe_box(box)
