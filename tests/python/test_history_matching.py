"""History matching (govsim worlds) and the plausible worlds used by robustness, sensitivity and
discovery: the implausibility measure, the inverse of the registry's quantile functions, a small
matching run whose survivors and waves are checked against their own definitions, and the shipped
worlds of Charente."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsim
from govsim import uncertainty as gu

ROOT = Path(__file__).resolve().parents[2]
GOVSIM = Path(sys.executable).parent / "govsim"
VARIED = ["population.aware_initial", "resolution.relatives_weekly"]


def test_implausibility_measure():
    # Observation sd = tolerance / 2, ensemble variance of the mean, discrepancy sd = share x |observed|.
    assert gu.implausibility(10.0, 2.0, [9.0, 11.0], 0.0) == 0.0
    assert gu.implausibility(10.0, 2.0, [12.0, 12.0], 0.0) == pytest.approx(2.0)
    assert gu.implausibility(10.0, 2.0, [12.0, 12.0], 0.1) == pytest.approx(2.0 / np.sqrt(2.0))
    v = [11.0, 13.0]  # mean 12, variance 2, of the mean 1
    assert gu.implausibility(10.0, 2.0, v, 0.0) == pytest.approx(2.0 / np.sqrt(1.0 + 1.0))
    assert gu.implausibility(10.0, 2.0, [16.0], 0.0) == pytest.approx(6.0)  # one run: no ensemble term


def test_unit_of_values_inverts_the_engine_quantiles():
    names = list(gu.space()["name"])
    unit = gu.sample(names, "lhs", 16, seed=3)
    values = gu.design_values(names, unit)
    back = gu.unit_of_values(names, values)
    again = gu.design_values(names, back)
    pd.testing.assert_frame_equal(again, values, rtol=1e-9, atol=1e-12)


@pytest.fixture(scope="module")
def matched(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("worlds")
    cfg = tmp / "c.json"
    cfg.write_text(json.dumps({"name": "tiny", "territory": "city",
                               "scenarios": [str(ROOT / "scenarios/governance/status-quo.json"),
                                             str(ROOT / "scenarios/governance/regional-hubs.json")],
                               "parameters": {"sim.horizon_weeks": 26, "sim.population_scale": 0.01}, "experiment": {"runs": 2, "seed": 11}}))
    targets = tmp / "t.json"
    # The share aware at 26 weeks follows population.aware_initial closely: a band around 0.55 rules
    # out part of its prior [0.33, 0.79]; the held-out target is missed by every world on purpose.
    targets.write_text(json.dumps({"targets": [
        {"name": "aware", "quantity": "aware_share", "value": 0.55, "tolerance": 0.1, "territory": "city",
         "year": 2024, "role": "fit", "source": {"reference": "test"}},
        {"name": "aware (held out)", "quantity": "aware_share", "value": 0.05, "tolerance": 0.01,
         "territory": "city", "year": 2024, "role": "holdout", "source": {"reference": "test"}}]}))
    res = gu.history_match(cfg, targets=[str(targets)], samples=20, waves=2, runs=2, discrepancy=0.0,
                           parameters=VARIED, population_scale=0.01, seed=5)
    out = gu.write_worlds(res, tmp / "out", "test")
    return res, out, cfg


def test_survivors_are_exactly_the_points_within_the_cutoff(matched):
    res, out, _ = matched
    imp = res.implausibility
    last = imp[imp["wave"] == 2]
    kept = last[last["implausibility"] <= 3.0]["point"].nunique()
    assert 0 < len(res.worlds) == kept < 20
    assert (res.worlds["max_implausibility"] <= 3.0).all()
    # The fit target decides: the prior range of aware_initial is narrowed; the other one is not
    # constrained by it as much.
    r = res.ranges.set_index("parameter")
    assert r.loc["population.aware_initial", "width_ratio"] < 0.8
    for f in ("worlds.csv", "waves.csv", "ranges.csv", "holdout.csv", "implausibility.csv", "provenance.json"):
        assert (out / f).is_file()
    assert json.loads((out / "provenance.json").read_text())["n_worlds"] == len(res.worlds)


def test_wave_two_samples_inside_the_box_of_wave_one(matched):
    res, _, _ = matched
    imp = res.implausibility
    w1 = imp[(imp["wave"] == 1) & (imp["implausibility"] <= 3.0)]
    assert res.waves.groupby("wave")["sampled"].first().tolist() == [20, 20]
    # Simulated values of wave 2 concentrate where wave 1 survived: a larger share survives.
    share = res.waves.groupby("wave")["survived"].first() / 20
    assert w1["point"].nunique() >= gu.history_matching.MIN_BOX  # enough survivors to draw a box
    assert share.loc[2] >= share.loc[1]


def test_held_out_targets_never_decide(matched):
    res, _, _ = matched
    h = res.holdout.set_index("target")
    assert h.loc["aware (held out)", "share_within"] == 0.0  # missed everywhere ...
    assert len(res.worlds) > 0  # ... yet the worlds survive: only fit targets keep them
    assert "aware (held out)" not in set(res.waves["target"])


def test_robustness_draws_its_worlds_from_the_plausible_set(matched, tmp_path):
    res, out, cfg = matched
    rob = govsim.robustness(cfg, worlds=out, runs=1, out=tmp_path / "rob", progress=False)
    assert rob.extra["worlds"] == "plausible" and rob.n_worlds == len(res.worlds)
    np.testing.assert_allclose(rob.worlds[VARIED].to_numpy(), res.worlds[VARIED].to_numpy(), rtol=1e-9)
    assert gu.open_robustness(tmp_path / "rob").extra["worlds"] == "plausible"
    two = govsim.robustness(cfg, worlds=out, samples=2, runs=1, out=tmp_path / "rob2", progress=False)
    assert two.n_worlds == 2
    prior = govsim.robustness(cfg, samples=3, parameters=VARIED, runs=1, out=tmp_path / "rob3", progress=False)
    assert prior.extra["worlds"] == "prior"
    # Discovery on the prior run, restricted to the plausible region: fewer (or as many) worlds.
    inside = gu.plausible_worlds.inside_box(prior.worlds[VARIED], out)
    b = govsim.discover(prior, "regional-hubs", "non_recours_rate", worlds=out)
    assert b.attrs["n_worlds"] == int(inside.sum())


def test_sensitivity_samples_within_the_plausible_box(matched, tmp_path):
    _, out, cfg = matched
    df = govsim.sensitivity(cfg, method="morris", samples=2, parameters=VARIED, runs=1, outcomes=["non_recours_rate"],
                            worlds=out, out=tmp_path / "s", progress=False)
    assert set(df["parameter"]) == set(VARIED)
    names, lo, hi = gu.plausible_worlds.plausible_box(out)
    unit = np.asarray(govsim.open_results(tmp_path / "s").config["design"]["unit_rows"])
    assert names == VARIED and (lo > 0).any() | (hi < 1).any()
    assert (unit >= lo - 1e-12).all() and (unit <= hi + 1e-12).all()


def test_the_shipped_worlds_of_charente_are_found_and_read():
    found = gu.default_worlds(ROOT / "scenarios/experiments/seed-scenarios.json", "charente")
    assert found is not None and found.parent.name == "charente"
    names, unit = gu.read_worlds(found)
    assert len(unit) >= 16 and ((unit >= 0) & (unit <= 1)).all()
    prov = json.loads((found.parent / "provenance.json").read_text())
    assert prov["command"].startswith("govsim worlds") and prov["git_commit"] and prov["created"]
    assert gu.default_worlds(ROOT / "scenarios/experiments/robustness-small.json", "rural-department") is None


def test_cli_worlds_bad_input_exits_2_without_output(tmp_path):
    cfg = ROOT / "scenarios/experiments/seed-scenarios.json"
    r = subprocess.run([str(GOVSIM), "worlds", str(cfg), "--targets", str(tmp_path / "none.json"), "--out",
                        str(tmp_path / "o")], capture_output=True, text=True)
    assert r.returncode == 2 and "none.json" in r.stderr and "expected an existing targets file" in r.stderr
    r = subprocess.run([str(GOVSIM), "worlds", str(cfg), "--waves", "0", "--out", str(tmp_path / "o")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "--waves" in r.stderr
    assert not (tmp_path / "o").exists()
