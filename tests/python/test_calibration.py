"""`govsim targets check` and `govsim calibrate` driven as a user would (small runs)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

GOVSIM = shutil.which("govsim", path=str(Path(sys.executable).parent))


def _config(tmp: Path, extra: dict | None = None) -> Path:
    doc = {"name": "calib-test", "territory": "former-mining-agglomeration",
           "scenarios": [str(ROOT / "scenarios/governance/status-quo.json")],
           "parameters": {"sim.population_scale": 0.02, "sim.horizon_weeks": 26},
           "experiment": {"runs": 2, "seed": 7}}
    doc.update(extra or {})
    p = tmp / "config.json"
    p.write_text(json.dumps(doc))
    return p


def _targets(tmp: Path, targets: list[dict], name: str = "targets.json") -> Path:
    p = tmp / name
    p.write_text(json.dumps({"description": "test", "targets": targets}))
    return p


def _target(**kw) -> dict:
    t = {"name": "75+ illectronisme", "quantity": "initial:illectronisme_rate@age:75+", "value": 0.67,
         "tolerance": 0.05, "territory": "former-mining-agglomeration", "year": 2019, "role": "fit",
         "source": {"reference": "Insee Analyses n°85 (2023)"}}
    t.update(kw)
    return t


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([GOVSIM, *args], capture_output=True, text=True, timeout=600)


def test_targets_check_passes_fails_and_rejects_bad_input(tmp_path):
    cfg = _config(tmp_path)
    good = _targets(tmp_path, [_target(), _target(name="no internet", quantity="initial:no_home_internet_rate",
                                                   value=0.12, tolerance=0.04, role="holdout")])
    r = run("targets", "check", str(cfg), "--targets", str(good))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "75+ illectronisme" in r.stdout and "pass" in r.stdout and "holdout" in r.stdout
    # A figure the model cannot meet: exit 1, verdict FAIL.
    bad = _targets(tmp_path, [_target(value=0.2)], "bad.json")
    r = run("targets", "check", str(cfg), "--targets", str(bad))
    assert r.returncode == 1 and "FAIL" in r.stdout
    # Bad input: exit 2, message naming file, pointer and expectation; no table.
    broken = _targets(tmp_path, [_target(role="maybe")], "broken.json")
    r = run("targets", "check", str(cfg), "--targets", str(broken))
    assert r.returncode == 2 and r.stdout == ""
    assert "broken.json" in r.stderr and "/targets/0/role" in r.stderr and "fit or holdout" in r.stderr
    unknown = _targets(tmp_path, [_target(quantity="no_such_metric")], "unknown.json")
    r = run("targets", "check", str(cfg), "--targets", str(unknown))
    assert r.returncode == 2 and "/targets/0/quantity" in r.stderr


def test_end_metric_target_is_the_mean_over_replicates(tmp_path):
    import govsim
    from govsim import calibration

    cfg = _config(tmp_path)
    ts = calibration.load_targets(_targets(tmp_path, [_target(name="nr", quantity="non_recours_rate", value=0.05,
                                                              tolerance=1.0)]))
    sim = calibration.evaluate(cfg, ts)["nr"]
    res = govsim.run(cfg, out=tmp_path / "run", progress=False)
    assert sim == pytest.approx(res.runs()["non_recours_rate"].mean(), rel=1e-12)


def test_calibrate_fits_resumes_and_writes_an_includable_parameters_file(tmp_path):
    pytest.importorskip("optuna")
    cfg = _config(tmp_path)
    # One target the free parameter controls: the week-0 share of adults aware of the help is
    # not a target, so fit the 75+ rate through its own target parameter (a known optimum: 0.60).
    tg = _targets(tmp_path, [_target(value=0.60, tolerance=0.03)])
    store = tmp_path / "study.sqlite3"
    out = tmp_path / "fitted.json"
    args = ["calibrate", str(cfg), "--targets", str(tg), "--free", "population.illectronisme_75_plus=0.4:0.8",
            "--trials", "6", "--storage", str(store), "--out", str(out), "--seed", "3", "--quiet"]
    r = run(*args)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(out.read_text())
    best = doc["parameters"]["population.illectronisme_75_plus"]
    assert 0.4 <= best <= 0.8
    prov = doc["provenance"]
    assert prov["trials"] == 6 and prov["seed"] == 3 and prov["fitted_targets"] == ["75+ illectronisme"]
    assert prov["objective"].startswith("sum over fit targets") and prov["git_commit"]
    # Resume: asking for 9 trials adds 3 to the same study.
    r = run(*args[:6], "--trials", "9", "--storage", str(store), "--out", str(out), "--seed", "3", "--quiet")
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text())["provenance"]["trials"] == 9
    # A config including the file gets the fitted value where no scenario sets it.
    import govsim

    inc = _config(tmp_path, {"parameter_files": [str(out)]})
    fitted = json.loads(out.read_text())["parameters"]["population.illectronisme_75_plus"]
    assert govsim.load_config(inc).scenario_parameters()["population.illectronisme_75_plus"] == pytest.approx(fitted)
    # Bad free-parameter spec: exit 2.
    r = run("calibrate", str(cfg), "--targets", str(tg), "--free", "population.illectronisme_75_plus=0.9:0.1")
    assert r.returncode == 2 and "MIN < MAX" in r.stderr


def test_activity_targets_cover_every_shipped_real_territory_and_pass():
    """Issue 26: `govsim targets check` covers every shipped real territory with one parameter set,
    fit and held-out targets alike (the shipped calibration config, 10% of adults, 4 replicates)."""
    listed = run("territory", "list")
    assert listed.returncode == 0, listed.stderr
    real = {line.split()[0] for line in listed.stdout.splitlines() if "(real," in line}
    assert {"charente", "loir-et-cher"} <= real
    doc = json.loads((ROOT / "data/targets/activity-2023.json").read_text(encoding="utf-8"))
    covered = {t["territory"] for t in doc["targets"]}
    assert real <= covered, f"real territories without activity targets: {real - covered}"
    for name in real:
        roles = {t["role"] for t in doc["targets"] if t["territory"] == name}
        assert "fit" in roles or "holdout" in roles
    r = run("targets", "check", str(ROOT / "scenarios/experiments/calibration.json"),
            "--targets", str(ROOT / "data/targets/activity-2023.json"), "--threads", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    for name in real:
        assert name in r.stdout
