"""The govsim Python API: registry, configs, runs, results, scenarios, errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import govsim
from conftest import SMALL, SMALL_OVERRIDES


def test_public_names_documented():
    for name in govsim.__all__:
        if name == "__version__":
            continue
        assert getattr(govsim, name).__doc__, name
    assert issubclass(govsim.ConfigError, ValueError)
    assert issubclass(govsim.StoreError, RuntimeError)


def test_parameters_frame():
    df = govsim.parameters()
    assert list(df.columns) == ["name", "type", "default", "unit", "min", "max", "choices", "source", "doc",
                                "uncertainty_low", "uncertainty_high", "distribution", "uncertainty_reason"]
    assert df["name"].is_unique and len(df) > 10
    row = df.set_index("name").loc["sim.population_scale"]
    assert row["default"] == 1.0 and row["type"] == "real"
    assert df["doc"].str.len().min() > 0


def test_metrics_frame():
    df = govsim.metrics()
    assert list(df.columns) == ["name", "higher_is_better", "unit", "doc", "direction"]
    assert "non_recours_rate" in set(df["name"])
    assert not df.set_index("name").loc["non_recours_rate", "higher_is_better"]


def test_load_config_good():
    cfg = govsim.load_config(SMALL, overrides=SMALL_OVERRIDES)
    assert cfg.name == "seed-scenarios-small"
    assert cfg.baseline == "status-quo" and cfg.scenarios[0] == "status-quo" and len(cfg.scenarios) == 8
    assert cfg.runs == 4 and cfg.seed == 20181102
    d = cfg.to_dict()
    assert d["baseline"] == "status-quo" and len(d["scenarios"]) == 8
    assert cfg.scenario_parameters()["sim.population_scale"] == pytest.approx(0.02)
    json.dumps(d)


def test_load_config_unknown_parameter(tmp_path):
    doc = json.loads(SMALL.read_text())
    doc["parameters"]["needs.rate_per_yer"] = 3
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    doc["scenarios"] = [str((SMALL.parent / s).resolve()) for s in doc["scenarios"]]
    bad.write_text(json.dumps(doc))
    with pytest.raises(govsim.ConfigError) as e:
        govsim.load_config(bad)
    msg = str(e.value)
    assert str(bad) in msg and "/parameters/needs.rate_per_yer" in msg and "expected" in msg


def test_load_config_bad_type(tmp_path):
    doc = json.loads(SMALL.read_text())
    doc["scenarios"] = [str((SMALL.parent / s).resolve()) for s in doc["scenarios"]]
    doc["experiment"]["runs"] = "many"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(govsim.ConfigError, match=r"/experiment/runs.*expected"):
        govsim.load_config(bad)
    assert isinstance(pytest.raises(ValueError, govsim.load_config, bad).value, govsim.ConfigError)


def test_load_config_missing_file(tmp_path):
    with pytest.raises(govsim.ConfigError, match="expected an existing config file"):
        govsim.load_config(tmp_path / "nope.json")


def test_override_errors():
    with pytest.raises(govsim.ConfigError, match="did you mean"):
        govsim.load_config(SMALL, overrides={"sim.population_scal": 0.1})
    with pytest.raises(govsim.ConfigError, match="sim.population_scale"):
        govsim.load_config(SMALL, overrides={"sim.population_scale": "lots"})
    with pytest.raises(govsim.ConfigError, match="name=value"):
        govsim.load_config(SMALL, overrides=["no-equals"])


def test_compare_frames(small_compare):
    res, _ = small_compare
    cfg = govsim.load_config(SMALL)
    assert res.scenarios == cfg.scenarios and res.baseline == "status-quo"
    summary = res.summary()
    assert list(summary.columns) == ["scenario", "metric", "mean", "sd", "ci_low", "ci_high", "n", "q05", "q50", "q95",
                                     "rank", "rank_tied", "budget"]
    assert len(summary) == len(res.scenarios) * len(res.metric_names)
    assert not summary.duplicated(["scenario", "metric"]).any()
    assert (summary["n"] == 2).all()
    paired = res.paired()
    assert list(paired.columns[:3]) == ["scenario", "baseline", "metric"]
    assert len(paired) == (len(res.scenarios) - 1) * len(res.metric_names)
    assert not paired.duplicated(["scenario", "metric"]).any()
    assert set(paired["baseline"]) == {"status-quo"}
    runs = res.runs()
    assert list(runs.columns) == ["scenario", "replicate", *res.metric_names]
    assert len(runs) == 2 * len(res.scenarios)
    ts = res.timeseries()
    assert list(ts.columns) == ["scenario", "replicate", "week", "series", "value"]
    assert len(ts) == len(runs) * len(res.series_names) * res.weeks
    # the CSV exports agree with the frames
    csv = pd.read_csv(res.path / "summary.csv")
    assert np.allclose(csv["mean"].to_numpy(), summary["mean"].to_numpy(), equal_nan=True)
    assert res.manifest.get("complete") is True
    assert "non_recours_rate" in res.table()


def test_series(small_compare):
    res, _ = small_compare
    name = res.series_names[0]
    a = res.series("status-quo", name)
    assert a.shape == (2, res.weeks) and a.dtype == np.float64
    ts = res.timeseries()
    sel = ts[(ts.scenario == "status-quo") & (ts.series == name)].sort_values(["replicate", "week"])
    assert np.array_equal(a.reshape(-1), sel["value"].to_numpy(), equal_nan=True)
    assert res.replicates("status-quo") == [0, 1]
    with pytest.raises(KeyError):
        res.series("nope", name)
    with pytest.raises(KeyError):
        res.series("status-quo", "nope")


def test_progress_called(small_compare):
    _, calls = small_compare
    assert calls and calls[-1] == (16, 16)
    assert len(calls) <= 16 + 2


def test_open_results_equal(small_compare):
    res, _ = small_compare
    again = govsim.open_results(res.path)
    assert again.scenarios == res.scenarios
    pd.testing.assert_frame_equal(again.runs(), res.runs())
    pd.testing.assert_frame_equal(again.summary(), res.summary())
    pd.testing.assert_frame_equal(again.paired(), res.paired())
    assert again.manifest == res.manifest


def test_determinism_and_threads(tmp_path):
    kw = dict(runs=2, seed=7, overrides=SMALL_OVERRIDES, progress=False)
    cfg = {**json.loads(SMALL.read_text())}
    cfg["scenarios"] = cfg["scenarios"][:3]
    config = govsim.Config.from_dict(cfg, base_dir=SMALL.parent)
    a = govsim.compare(config, threads=1, out=tmp_path / "a", **kw)
    b = govsim.compare(config, threads=2, out=tmp_path / "b", **kw)
    c = govsim.compare(config, threads=2, out=tmp_path / "c", **kw)
    pd.testing.assert_frame_equal(a.runs(), b.runs())
    pd.testing.assert_frame_equal(b.runs(), c.runs())
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())
    d = govsim.compare(config, threads=2, out=tmp_path / "d", **{**kw, "seed": 8})
    assert not a.runs().equals(d.runs())


def test_run_one_scenario_and_existing_out(tmp_path):
    res = govsim.run(SMALL, scenario="regional-hubs", runs=1, out=tmp_path, overrides=SMALL_OVERRIDES,
                     progress=False)
    assert res.scenarios == ["regional-hubs"] and len(res.runs()) == 1
    with pytest.raises(govsim.ConfigError, match="already holds results.sqlite"):
        govsim.run(SMALL, scenario="regional-hubs", runs=1, out=tmp_path, overrides=SMALL_OVERRIDES, progress=False)
    again = govsim.run(SMALL, scenario="regional-hubs", runs=1, out=tmp_path, overrides=SMALL_OVERRIDES,
                       progress=False, force=True)
    assert len(again.runs()) == 1
    same = govsim.run(SMALL, scenario="regional-hubs", runs=1, out=tmp_path, overrides=SMALL_OVERRIDES,
                      progress=False, resume=True)
    assert same.run_report["runs_resumed"] == 1 and same.run_report["runs_done"] == 0
    with pytest.raises(govsim.StoreError, match="config differs"):
        govsim.run(SMALL, scenario="regional-hubs", runs=2, out=tmp_path, overrides=SMALL_OVERRIDES,
                   progress=False, resume=True)
    with pytest.raises(govsim.ConfigError, match="a scenario named"):
        govsim.run(SMALL, scenario="nope", runs=1, out=tmp_path / "x", progress=False)


def test_run_options_checked_as_by_the_cli(tmp_path):
    # Same checks as the CLI (engine/run_request.cpp), named as Python keywords; nothing written.
    cases = [(dict(runs=0), r"runs: expected a positive integer, got 0"),
             (dict(seed=-1), r"seed: expected a non-negative integer, got -1"),
             (dict(threads=-1), r"threads: expected 0 or a positive integer"),
             (dict(target_ci=0.0), r"target_ci: expected a positive half-width"),
             (dict(target_ci=0.01, target_metric="happiness"), r"target_metric: expected a metric name"),
             (dict(shard=(2, 2)), r"shard: expected K/N with 0 <= K < N, got '2/2'")]
    for kw, message in cases:
        out = tmp_path / "out"
        with pytest.raises(govsim.ConfigError, match=message):
            govsim.compare(SMALL, out=out, overrides=SMALL_OVERRIDES, progress=False, **kw)
        assert not out.exists(), kw


def test_sweep(tmp_path):
    res = govsim.sweep(SMALL.parent / "sweep-uncertain.json", runs=1, out=tmp_path, progress=False,
                       overrides=SMALL_OVERRIDES)
    assert len(res.scenarios) == 8
    assert all("sweep" in info for info in res.scenario_info.values())
    with pytest.raises(govsim.ConfigError, match="sweep"):
        govsim.sweep(SMALL, runs=1, out=tmp_path / "x", progress=False)


def test_cancel_via_callback(tmp_path):
    seen = []

    def cb(done, total):
        seen.append(done)
        if done >= 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt, match="resume=True"):
        govsim.compare(SMALL, runs=2, threads=1, out=tmp_path, overrides=SMALL_OVERRIDES, progress=cb)
    partial = govsim.open_results(tmp_path)
    n_partial = partial.n_runs
    assert 1 <= n_partial < 16
    assert partial.manifest["complete"] is False
    done = govsim.compare(SMALL, runs=2, threads=1, out=tmp_path, overrides=SMALL_OVERRIDES, progress=False,
                          resume=True)
    assert done.n_runs == 16 and done.run_report["runs_resumed"] == n_partial


def test_callback_error_propagates(tmp_path):
    def cb(done, total):
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError, match="boom"):
        govsim.compare(SMALL, runs=1, out=tmp_path, overrides=SMALL_OVERRIDES, progress=cb)


def test_open_results_errors(tmp_path):
    with pytest.raises(govsim.StoreError):
        govsim.open_results(tmp_path)
    (tmp_path / "results.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(govsim.StoreError):
        govsim.open_results(tmp_path)


def test_scenarios_roundtrip(tmp_path):
    base = govsim.load_scenario(SMALL.parent.parent / "governance" / "single-contracting-authority.json")
    assert base.name == "single-contracting-authority"
    assert base.parameters["governance.funding_structure"] == "single_authority"
    tuned = base.with_parameters({"mobile.units": 4}, name="tuned")
    path = govsim.save_scenario(tuned, tmp_path / "tuned.json")
    back = govsim.load_scenario(path)
    assert back.name == "tuned" and back.parameters == tuned.parameters
    saved = json.loads(path.read_text())
    assert saved["parameters"]["mobile.units"] == 4
    govsim.save_scenario({"name": "plain", "parameters": {"mobile.units": 1}}, tmp_path / "plain.json")
    assert govsim.load_scenario(tmp_path / "plain.json").parameters["mobile.units"] == 1
    with pytest.raises(govsim.ConfigError, match="/parameters/mobile.unit"):
        base.with_parameters({"mobile.unit": 3})
    with pytest.raises(govsim.ConfigError, match="/parameters/mobile.units"):
        base.with_parameters({"mobile.units": "many"})
    with pytest.raises(govsim.ConfigError, match="/name"):
        govsim.save_scenario({"name": "has space"}, tmp_path / "x.json")
    with pytest.raises(govsim.ConfigError):
        govsim.load_scenario(tmp_path / "missing.json")


def test_config_from_scenarios(tmp_path):
    base = govsim.load_scenario(SMALL.parent.parent / "governance" / "status-quo.json")
    tuned = base.with_parameters({"mobile.units": 3}, name="more-mobile")
    cfg = govsim.Config.from_scenarios([base, tuned], territory="rural-department", runs=1,
                                       parameters={"sim.population_scale": 0.02, "sim.horizon_weeks": 52})
    assert cfg.scenarios == ["status-quo", "more-mobile"] and cfg.baseline == "status-quo"
    res = govsim.compare(cfg, out=tmp_path, progress=False)
    assert set(res.paired()["scenario"]) == {"more-mobile"}


def test_report_is_lazy():
    assert "report" in dir(govsim)


def test_ctrl_c_stops_cleanly(tmp_path):
    import os
    import signal

    sent = []

    def cb(done, total):  # runs in the worker thread: the signal goes to the main thread
        if done >= 1 and not sent:
            sent.append(done)
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        govsim.compare(SMALL, runs=2, threads=1, out=tmp_path, overrides=SMALL_OVERRIDES, progress=cb)
    assert govsim.open_results(tmp_path).manifest["complete"] is False
