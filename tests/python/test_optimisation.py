"""govsim optimise (python/govsim/optimisation, docs/optimisation.md) through its own pipeline
with an injected analytical evaluator: a bi-objective problem whose front is known is
recovered; a design beaten beyond its Monte Carlo interval leaves the final front while one
within it stays; a search stopped mid-batch and resumed, or continued with more evaluations,
gives the same evaluations and front as one run straight through. The space's checks (exit 2
naming the file and pointer) are in the bad-input corpus (tests/cli/bad/optimise-*.json, run by
tests/cli/test_cli.py) and here for `govsim optimise` itself; one small real search runs the
model (a few seconds)."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsim
from govsim.optimisation import Replicates, from_section, optimise
from govsim.optimisation.front import non_dominated, re_evaluate, reach
from optuna._hypervolume import compute_hypervolume

ROOT = Path(__file__).resolve().parents[2]
GOVSIM = Path(sys.executable).parent / "govsim"

# f1 = x, f2 = 1 - sqrt(x) + y on [0, 1]^2, both minimised: the front is y = 0, f2 = 1 - sqrt(f1).
SPACE = from_section({
    "levers": [{"name": "x", "type": "real", "min": 0.0, "max": 1.0, "step": 0.05},
               {"name": "y", "type": "real", "min": 0.0, "max": 1.0, "step": 0.05}],
    "objectives": [{"metric": "f1", "direction": "minimise"}, {"metric": "f2", "direction": "minimise"}],
    "constraints": [], "evaluations": 64, "population": 8}, "<analytic>", metric_names=["f1", "f2"])
NOISE_COMMON, NOISE_OWN = 0.05, 0.005  # replicate effect shared by every design (CRN), own noise


class Analytic:
    """An evaluator: replicate r adds the same shock to every design (common random numbers)."""

    def __init__(self, fail_at_call: int | None = None, shift: dict | None = None) -> None:
        self.calls = 0
        self.fail_at_call = fail_at_call
        self.shift = shift or {}

    def __call__(self, designs, runs, out, resume):
        self.calls += 1
        if self.fail_at_call is not None and self.calls == self.fail_at_call:
            raise KeyboardInterrupt("killed")
        rng = np.random.default_rng(12345)
        common = rng.normal(0, NOISE_COMMON, size=runs)
        pts = [{"x": 0.5, "y": 0.5}] + [dict(d) for d in designs]
        vals = np.empty((len(pts), runs, 2))
        for k, d in enumerate(pts):
            key = (round(d["x"], 6), round(d["y"], 6), self.shift.get(k, 0.0))
            own = np.random.default_rng(abs(hash(key)) % 2**32)
            f1 = d["x"] + self.shift.get(k, 0.0)
            f2 = 1 - math.sqrt(d["x"]) + d["y"] + self.shift.get(k, 0.0)
            vals[k, :, 0] = f1 + common + own.normal(0, NOISE_OWN, size=runs)
            vals[k, :, 1] = f2 + common + own.normal(0, NOISE_OWN, size=runs)
        return Replicates(["f1", "f2"], vals)


@pytest.fixture
def shm_path(tmp_path: Path):
    """A folder in memory when the machine has one: the study's SQLite commits (about a thousand
    for 64 designs) cost a disk sync each on tmp_path."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    import shutil
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="govsim-test-optimise-", dir=shm))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _search(out: Path, evaluator=None, evaluations: int = 64, sampler: str = "nsga2", **kw):
    return optimise(None, evaluations=evaluations, runs=5, final_runs=20, out=out, progress=False, seed=3,
                    evaluator=evaluator or Analytic(), space=dataclasses.replace(SPACE, sampler=sampler), **kw)


@pytest.mark.parametrize("sampler", ["nsga2", "tpe"])
def test_analytic_front_is_recovered(shm_path: Path, sampler: str) -> None:
    opt = _search(shm_path / "a", evaluations=48, sampler=sampler)
    front = opt.front
    assert len(front) >= 4, front
    # Most designs on the final front lie near the true front (y, their distance to it, at most
    # 0.1), and the noise-free hypervolume of the front is within 10% of the best one the grid
    # allows (the front y = 0 at every x step).
    assert (front["y"] <= 0.1).mean() >= 0.75, front[["x", "y"]]
    x = np.arange(0, 1.0001, 0.05)
    best = sum((nxt - a) * (2.1 - (1 - math.sqrt(a))) for a, nxt in zip(x, list(x[1:]) + [1.1]))
    pts = np.c_[front["x"], 1 - np.sqrt(front["x"]) + front["y"]]
    hv_true = compute_hypervolume(pts[non_dominated(pts)], np.array([1.1, 2.1]))
    assert hv_true >= 0.9 * best, (hv_true, best)
    # Each front design's f2 is its true value within the interval's reach (3 standard errors of
    # the shared replicate shock over 20 replicates).
    se = 3 * NOISE_COMMON / math.sqrt(20)
    gap = front["f2"] - (1 - np.sqrt(front["x"]) + front["y"])
    assert (gap.abs() <= se).all(), pd.DataFrame({"gap": gap, "y": front["y"]})
    # It spans the front, not one corner of it.
    assert front["x"].max() - front["x"].min() >= 0.5
    # The files: pareto.csv with intervals, hypervolume over every evaluation, never decreasing.
    csv = pd.read_csv(shm_path / "a" / "pareto.csv")
    for c in ("design", "x", "y", "f1", "f1_ci_low", "f1_ci_high", "f2_diff", "f2_diff_ci_low"):
        assert c in csv.columns
    assert (csv["f1_ci_low"] <= csv["f1"]).all() and (csv["f1"] <= csv["f1_ci_high"]).all()
    hv = pd.read_csv(shm_path / "a" / "hypervolume.csv")
    assert list(hv["evaluations"]) == list(range(1, 49))
    assert (np.diff(hv["hypervolume"]) >= -1e-12).all() and hv["hypervolume"].iloc[-1] > hv["hypervolume"].iloc[7]


def test_design_beaten_beyond_its_interval_leaves_the_front(shm_path: Path) -> None:
    # Design 2 is design 1 shifted by +0.2 on both objectives: beaten beyond any interval of 20
    # replicates. Design 3 is design 1 shifted by +0.0005, far inside the interval of its paired
    # difference (own noise 0.005 per replicate): not decided, so it stays.
    designs = [{"x": 0.25, "y": 0.0}, {"x": 0.25, "y": 0.0}, {"x": 0.25, "y": 0.0}, {"x": 0.81, "y": 0.0}]
    ev = Analytic(shift={2: 0.2, 3: 0.0005})
    final = re_evaluate(SPACE, ev, designs, 20, shm_path / "final")
    assert final.kept == [True, False, True, True]
    assert final.beaten_by[1] == 0


def test_regret_across_worlds_against_the_final_candidates(shm_path: Path) -> None:
    """robust=True (worlds as replicates; here the analytical evaluator's replicates): per world, a
    front design's regret is its outcome minus the best outcome in that world among the baseline
    and the feasible candidates of the final re-evaluation; pareto.csv gives its maximum and 90th
    percentile per objective."""
    opt = _search(shm_path / "r", evaluations=16, robust=True)
    cands = opt.summary["final_candidates"]
    evaluated = opt.evaluated.set_index("design")
    rep = Analytic()([{"x": evaluated.loc[n, "x"], "y": evaluated.loc[n, "y"]} for n in cands], 20, None, False)
    assert len(opt.front) >= 2 and "regret" in opt.summary["robust"]
    for k, metric in enumerate(("f1", "f2")):
        x = rep.values[:, :, k]
        best = x.min(axis=0)  # no constraint: every candidate is feasible
        for _, r in opt.front.iterrows():
            regret = x[cands.index(r["design"]) + 1] - best
            assert r[f"{metric}_regret_max"] == pytest.approx(regret.max(), abs=1e-12)
            assert r[f"{metric}_regret_p90"] == pytest.approx(np.percentile(regret, 90), abs=1e-12)
            assert 0 <= r[f"{metric}_regret_p90"] <= r[f"{metric}_regret_max"]
    # f1 = x plus a shock every design shares in a world: the front's design of largest x regrets
    # about the x it has over the smallest, the design of smallest x only its own noise.
    lo, hi = opt.front.loc[opt.front["x"].idxmin()], opt.front.loc[opt.front["x"].idxmax()]
    assert hi["f1_regret_max"] >= hi["x"] - lo["x"] - 6 * NOISE_OWN
    assert lo["f1_regret_max"] <= 6 * NOISE_OWN
    csv = pd.read_csv(shm_path / "r" / "pareto.csv")
    assert {"p_beats_baseline", "f1_regret_max", "f1_regret_p90", "f2_regret_max", "f2_regret_p90"} <= set(csv.columns)


@pytest.mark.parametrize("sampler", ["nsga2", "tpe"])
def test_resume_after_interruption_gives_the_same_front(shm_path: Path, sampler: str) -> None:
    straight = _search(shm_path / "straight", evaluations=16, sampler=sampler)
    with pytest.raises(KeyboardInterrupt):  # killed while the second batch runs
        _search(shm_path / "killed", evaluator=Analytic(fail_at_call=2), evaluations=16, sampler=sampler)
    resumed = _search(shm_path / "killed", evaluations=16, resume=True, sampler=sampler)
    pd.testing.assert_frame_equal(straight.evaluated, resumed.evaluated)
    pd.testing.assert_frame_equal(straight.front, resumed.front)
    # Killed while the second batch was being asked (one trial with one lever drawn, one whole
    # but not yet marked): those trials fail and the batch is asked again whole.
    from govsim.optimisation.search import open_study

    _search(shm_path / "asking", evaluations=8, sampler=sampler)
    study = open_study(shm_path / "asking", dataclasses.replace(SPACE, sampler=sampler), 5, 3, create=False)
    study.ask().suggest_float("x", 0.0, 1.0, step=0.05)
    whole = study.ask()
    for lever in SPACE.levers:
        lever.suggest(whole)
    asked = _search(shm_path / "asking", evaluations=16, resume=True, sampler=sampler)
    pd.testing.assert_frame_equal(straight.evaluated, asked.evaluated)
    pd.testing.assert_frame_equal(straight.front, asked.front)
    # A search continued with more evaluations equals one asked for them at once.
    _search(shm_path / "more", evaluations=8, sampler=sampler)
    more = _search(shm_path / "more", evaluations=16, resume=True, sampler=sampler)
    pd.testing.assert_frame_equal(straight.evaluated, more.evaluated)
    # Without --resume or --force a folder holding a search is refused, and left as it was.
    from govsim import ConfigError

    with pytest.raises(ConfigError, match="--resume"):
        _search(shm_path / "more", evaluations=16, sampler=sampler)


def test_searches_with_other_seeds_merge_into_one_front(shm_path: Path) -> None:
    a = _search(shm_path / "a", evaluations=16)
    b = optimise(None, evaluations=16, runs=5, final_runs=20, out=shm_path / "b", progress=False, seed=4,
                 evaluator=Analytic(), space=SPACE)
    m = optimise(None, runs=5, final_runs=20, out=shm_path / "m", progress=False, evaluator=Analytic(), space=SPACE,
                 merge=[shm_path / "a", shm_path / "b"])
    assert len(m.evaluated) == 32
    assert m.evaluated["design"].str.startswith("s3-").sum() == 16 and m.evaluated["design"].str.startswith("s4-").sum() == 16
    # the pooled front dominates-or-equals each one: its noise-free hypervolume is at least theirs
    def hv(front):
        pts = np.c_[front["x"], 1 - np.sqrt(front["x"]) + front["y"]]
        return compute_hypervolume(pts[non_dominated(pts)], np.array([1.1, 2.1]))
    assert hv(m.front) >= max(hv(a.front), hv(b.front)) - 1e-9
    assert set(m.front["design"]) <= set(m.evaluated["design"])
    from govsim import ConfigError

    with pytest.raises(ConfigError, match="seed 3 twice"):
        optimise(None, runs=5, out=shm_path / "m2", progress=False, evaluator=Analytic(), space=SPACE,
                 merge=[shm_path / "a", shm_path / "a"])
    with pytest.raises(ConfigError, match="same space, runs and seed"):  # searched with other replicates
        optimise(None, runs=4, out=shm_path / "m3", progress=False, evaluator=Analytic(), space=SPACE,
                 merge=[shm_path / "a", shm_path / "b"])


def test_time_limit_stops_after_a_batch_and_resume_continues(shm_path: Path) -> None:
    cut = _search(shm_path / "t", evaluations=16, time_limit=1e-9)
    assert len(cut.evaluated) == SPACE.population  # one batch, then the limit
    straight = _search(shm_path / "s", evaluations=16)
    resumed = _search(shm_path / "t", evaluations=16, resume=True)
    pd.testing.assert_frame_equal(straight.evaluated, resumed.evaluated)


def test_reach_answers_cheapest_or_closest() -> None:
    ev = pd.DataFrame({"design": ["a", "b", "c"], "nr": [0.30, 0.20, 0.25], "cost": [1.0, 5.0, 3.0]})
    yes = reach(ev, "nr", True, 0.26, "cost", 4.0)
    assert yes["reached"] and [c["design"] for c in yes["cheapest"]] == ["c"] and yes["cheapest"][0]["cost"] == 3.0
    no = reach(ev, "nr", True, 0.22, "cost", 4.0)
    assert not no["reached"] and no["closest"]["design"] == "c" and no["cheapest_over_budget"]["design"] == "b"


def test_malformed_space_exits_2_naming_the_field(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name, pointer in (("optimise-unknown-lever.json", "at /optimise/levers/mediation.nope"),
                          ("optimise-inverted-range.json", "at /optimise/levers/sim.population_scale/max"),
                          ("optimise-objective-not-metric.json", "at /optimise/objectives/1")):
        p = subprocess.run([str(GOVSIM), "optimise", f"tests/cli/bad/{name}", "--out", str(out), "-q"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 2, p.stderr
        assert name in p.stderr and pointer in p.stderr, p.stderr
        assert not out.exists()


TINY = {
    "name": "optimise-tiny", "territory": "rural-department",
    "scenarios": ["../../scenarios/governance/status-quo.json"], "baseline": "status-quo",
    "parameters": {"sim.population_scale": 0.05, "sim.horizon_weeks": 26},
    "experiment": {"runs": 2, "seed": 7},
    "optimise": {"levers": {"governance.funding_structure": {"values": ["fragmented", "single_authority"]},
                            "governance.owner_level": {"values": ["commune", "department"]}},
                 "objectives": ["non_recours_rate", "total_cost_eur"], "evaluations": 4, "population": 2,
                 "final_runs": 2, "seed": 1},
}


@pytest.mark.slow
def test_small_real_search(tmp_path: Path) -> None:
    cfg = tmp_path / "cfg" / "tiny.json"
    cfg.parent.mkdir()
    doc = json.loads(json.dumps(TINY))
    doc["scenarios"] = [str(ROOT / "scenarios/governance/status-quo.json")]
    doc["optimise"]["place"] = [str(ROOT / "scenarios/governance/single-contracting-authority.json")]
    doc["optimise"]["warm_start"] = True
    cfg.write_text(json.dumps(doc))
    out = tmp_path / "out"
    p = subprocess.run([str(GOVSIM), "optimise", str(cfg), "--out", str(out), "-q", "--threads", "2",
                        "--target", "non_recours_rate<=0.0001", "--budget", "1e12"],
                       capture_output=True, text=True, timeout=900, env={**os.environ})
    assert p.returncode == 0, p.stderr
    assert "not reached" in p.stdout and "closest within budget" in p.stdout
    front = pd.read_csv(out / "pareto.csv")
    assert len(front) >= 1
    for c in ("non_recours_rate", "non_recours_rate_ci_low", "non_recours_rate_ci_high", "total_cost_eur"):
        assert c in front.columns
    designs = sorted((out / "designs").glob("*.json"))
    assert len(designs) == len(front)
    v = subprocess.run([str(GOVSIM), "validate", *map(str, designs)], capture_output=True, text=True, timeout=120)
    assert v.returncode == 0, v.stderr
    assert len(pd.read_csv(out / "hypervolume.csv")) == 4
    # warm start: the first design is the placed scenario's levers (single authority, department)
    first = pd.read_csv(out / "evaluations.csv").iloc[0]
    assert (first["governance.funding_structure"], first["governance.owner_level"]) == ("single_authority", "department")
    # placed: run as configured on the final front's replicates and seed (common random numbers):
    # its baseline is the final batch's, replicate by replicate
    placed = pd.read_csv(out / "placed.csv")
    assert placed["scenario"].tolist() == ["single-contracting-authority"]
    final, beside = govsim.open_results(out / "final"), govsim.open_results(out / "placed")
    a = final.runs().query("scenario == 'status-quo'").sort_values("replicate")["non_recours_rate"].to_numpy()
    b = beside.runs().query("scenario == 'status-quo'").sort_values("replicate")["non_recours_rate"].to_numpy()
    assert len(a) == 2 and (a == b).all()
    diff = beside.paired().query("scenario == 'single-contracting-authority' and metric == 'non_recours_rate'")
    assert float(diff["mean_diff"].iloc[0]) == pytest.approx(float(placed["non_recours_rate_diff"].iloc[0]), rel=1e-9)
    # a design file run by `govsim compare` at the same seed and replicates gives the front's numbers
    one = front.iloc[0]
    check = {k: v for k, v in doc.items() if k != "optimise"}
    check["scenarios"] = doc["scenarios"] + [str(out / "designs" / f"{one['design']}.json")]
    res = govsim.compare(govsim.Config.from_dict(check, base_dir=cfg.parent), out=tmp_path / "check", progress=False)
    runs = res.runs().query(f"scenario == '{one['design']}'")["non_recours_rate"]
    assert float(runs.mean()) == pytest.approx(float(one["non_recours_rate"]), rel=1e-12)
    # the report of an optimise folder: its placed scenarios with the section "Which design?"
    r = subprocess.run([str(GOVSIM), "report", str(out), "-o", str(tmp_path / "r.html"), "--lang", "en"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="design"' in html
    if len(front) >= 2:
        assert "What each €100k buys along the front" in html
    assert "One contracting authority" in html
    # bit-identical whatever the thread count: the same search on one thread writes the same files
    one = subprocess.run([str(GOVSIM), "optimise", str(cfg), "--out", str(tmp_path / "one"), "-q", "--threads", "1"],
                         capture_output=True, text=True, timeout=900)
    assert one.returncode == 0, one.stderr
    for name in ("pareto.csv", "placed.csv", "evaluations.csv", "hypervolume.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.slow
def test_robust_search_over_worlds(tmp_path: Path) -> None:
    """--robust: worlds play the part of replicates (the shipped plausible worlds of the territory
    when there are some, else the prior); pareto.csv gives P(beats the baseline) with its Wilson
    interval and the regrets; the placed scenarios run in the front's worlds, paired with it; a
    study over worlds is not resumed as one over replicates."""
    cfg = tmp_path / "tiny.json"
    doc = json.loads(json.dumps(TINY))
    doc["scenarios"] = [str(ROOT / "scenarios/governance/status-quo.json")]
    doc["optimise"]["place"] = [str(ROOT / "scenarios/governance/single-contracting-authority.json")]
    cfg.write_text(json.dumps(doc))
    out = tmp_path / "out"
    p = subprocess.run([str(GOVSIM), "optimise", str(cfg), "--out", str(out), "-q", "--threads", "2", "--robust",
                        "--runs", "3", "--final-runs", "4"], capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr
    assert "prior worlds" in p.stdout  # rural-department ships no plausible worlds
    front = pd.read_csv(out / "pareto.csv")
    for _, r in front.iterrows():
        assert 0 <= r["p_beats_baseline_ci_low"] <= r["p_beats_baseline"] <= r["p_beats_baseline_ci_high"] <= 1
        # four worlds: the share is a multiple of 1/4
        assert abs(r["p_beats_baseline"] * 4 - round(r["p_beats_baseline"] * 4)) < 1e-9
        assert 0 <= r["non_recours_rate_regret_p90"] <= r["non_recours_rate_regret_max"]
    summary = json.loads((out / "optimise.json").read_text())
    assert summary["robust"]["worlds"] == "prior"
    # placed across the same four worlds: its baseline is the front's, world by world
    from govsim.uncertainty.design_runs import _outcomes

    final, beside = _outcomes(govsim.open_results(out / "final")), _outcomes(govsim.open_results(out / "placed"))
    assert final[3].shape[0] == beside[3].shape[0] == 4 and np.array_equal(final[3], beside[3])  # the worlds
    assert np.array_equal(final[4][:, 0], beside[4][:, 0])  # the baseline's outcomes in each world
    placed = pd.read_csv(out / "placed.csv")
    assert placed["scenario"].tolist() == ["single-contracting-authority"]
    diff = beside[4][:, 1] - beside[4][:, 0]
    k = govsim.open_results(out / "placed").metric_names.index("non_recours_rate")
    assert float(placed["non_recours_rate_diff"].iloc[0]) == pytest.approx(float(diff[:, k].mean()), rel=1e-9)
    # the report's design section: P(beats the baseline) and both regrets of each front design, fr and en
    from types import SimpleNamespace

    from govsim.reporting import design, i18n

    catalog = govsim.open_results(out / "final")._reader.catalog()
    for lang, title in (("en", "Across worlds drawn from the prior"), ("fr", "Dans des mondes tirés de l’a priori")):
        with i18n.use(lang):
            rob = design.section(SimpleNamespace(catalog=catalog), out)["robust"]
        assert rob["title"] == title and len(rob["objectives"]) == 2
        assert [r["design"] for r in rob["rows"]] == front.sort_values("total_cost_eur")["design"].tolist()
        assert all(len(r["regrets"]) == 2 and all(x for pair in r["regrets"] for x in pair) for r in rob["rows"])
    # the report of a robust folder: placed scenarios ran once per world, not as replicates
    r = subprocess.run([str(GOVSIM), "report", str(out), "-o", str(tmp_path / "r.html")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "across worlds" in r.stderr, r.stderr
    again = subprocess.run([str(GOVSIM), "optimise", str(cfg), "--out", str(out), "-q", "--resume", "--runs", "3"],
                           capture_output=True, text=True, timeout=900)
    assert again.returncode == 2 and "same space" in again.stderr, again.stderr
