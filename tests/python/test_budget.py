"""Equal-budget comparison (experiment.budget, issue 13): every scenario spends the baseline's total
over the horizon, replicate by replicate; the budget as configured is left untouched."""

from __future__ import annotations

import csv

import numpy as np
import pytest

import govsim
from conftest import ROOT

GOV = ROOT / "scenarios" / "governance"
# Stated tolerance: the model places the year's money so that projected spending meets the target
# exactly; what is left is floating-point rounding of sums over weeks and points (~1e-14).
REL_TOL = 1e-9
SCENARIOS = ["status-quo", "single-contracting-authority", "city-master-plan", "custodian-consortium"]


def _config(budget: str, scenarios=SCENARIOS, extra=()) -> dict:
    return {
        "name": f"budget-{budget}",
        "territory": "rural-department",
        "scenarios": [str(GOV / f"{s}.json") for s in scenarios] + list(extra),
        "baseline": "status-quo",
        "experiment": {"runs": 3, "seed": 7, "budget": budget},
        "parameters": {"sim.population_scale": 0.03, "sim.horizon_weeks": 130},
    }


@pytest.fixture(scope="module")
def equal(tmp_path_factory):
    # A scenario identical to the baseline (another name) must be left alone by the budget rule.
    twin = {"name": "status-quo-twin", "extends": str(GOV / "status-quo.json")}
    return govsim.compare(_config("equal_to_baseline", extra=[twin]), out=tmp_path_factory.mktemp("eq"),
                          progress=False)


@pytest.fixture(scope="module")
def configured(tmp_path_factory):
    return govsim.compare(_config("as_configured"), out=tmp_path_factory.mktemp("asc"), progress=False)


def _by(res, scenario: str):
    runs = res.runs()
    return runs[runs["scenario"] == scenario].sort_values("replicate").reset_index(drop=True)


def test_every_scenario_spends_the_baselines_total(equal):
    base = _by(equal, "status-quo")
    funders = [m for m in equal.metric_names if m.startswith("total_cost_eur@funder:")]
    assert funders
    for sc in SCENARIOS[1:]:
        run = _by(equal, sc)
        assert list(run["replicate"]) == list(base["replicate"]) == [0, 1, 2]
        # Independent computation of each total: the sum of what every funder paid.
        by_funder = run[funders].sum(axis=1)
        np.testing.assert_allclose(by_funder, run["total_cost_eur"], rtol=1e-12)
        np.testing.assert_allclose(run["total_cost_eur"], base["total_cost_eur"], rtol=REL_TOL, atol=0)
        # ... while the same scenario as configured spends a different amount.
        own = _by(equal, sc + "@as_configured")
        assert (np.abs(own["total_cost_eur"] - base["total_cost_eur"]) > 1000).all(), sc


def test_roles_name_the_runs_as_configured(equal, configured):
    # The runs as configured are typed in the store: their role, the scenario they are run of,
    # and what each scenario spends; the report reads them from there.
    roles = equal.scenario_roles()
    arms = roles[roles["role"] == "as_configured_arm"]
    others = SCENARIOS[1:] + ["status-quo-twin"]
    assert list(arms.index) == [sc + "@as_configured" for sc in others]
    assert list(arms["arm_of"]) == others and list(arms["of"]) == others
    assert (arms["budget"] == "as_configured").all()
    main = roles[roles["role"] == "main"]
    assert list(main.index) == SCENARIOS + ["status-quo-twin"] and (main["budget"] == "equal_to_baseline").all()
    assert (configured.scenario_roles()["role"] == "main").all()
    from govsim.reporting import load as report_load

    data = report_load.load(equal.path)
    assert data.main_scenarios == SCENARIOS + ["status-quo-twin"]
    assert all(data.is_arm(s) for s in arms.index)


def test_a_scenario_identical_to_the_baseline_is_unchanged(equal):
    base, twin = _by(equal, "status-quo"), _by(equal, "status-quo-twin")
    cols = [m for m in equal.metric_names]
    np.testing.assert_array_equal(twin[cols].to_numpy(), base[cols].to_numpy())


def test_as_configured_results_do_not_depend_on_the_mode(equal, configured):
    # The baseline and every "@as_configured" run of an equal-budget experiment are bit-identical
    # to the same scenarios in an experiment run as configured.
    cols = equal.metric_names
    for sc in SCENARIOS:
        a = _by(configured, sc)
        b = _by(equal, sc if sc == "status-quo" else sc + "@as_configured")
        np.testing.assert_array_equal(a[cols].to_numpy(), b[cols].to_numpy(), err_msg=sc)


def test_equal_budget_moves_staff_not_outputs(equal):
    # The mechanisms' costs come out of the envelope: a scenario that costs more as configured
    # has less mediation capacity at equal budget, so it delivers fewer sessions than as configured.
    eq, own = _by(equal, "single-contracting-authority"), _by(equal, "single-contracting-authority@as_configured")
    assert (eq["sessions_per_1000_adults"] < own["sessions_per_1000_adults"]).all()


def test_mode_is_reported(equal, configured, tmp_path):
    assert equal.manifest["budget"] == "equal_to_baseline"
    assert configured.manifest["budget"] == "as_configured"
    summary = equal.summary()
    mode = summary.drop_duplicates("scenario").set_index("scenario")["budget"]
    assert mode["status-quo"] == "equal_to_baseline" and mode["city-master-plan"] == "equal_to_baseline"
    assert mode["city-master-plan@as_configured"] == "as_configured"
    # The "@as_configured" runs are not ranked (they are there for cost-effectiveness).
    assert summary[summary["scenario"].str.endswith("@as_configured")]["rank"].isna().all()
    rows = list(csv.DictReader(open(equal.path / "summary.csv", encoding="utf-8")))
    assert {r["budget"] for r in rows} == {"equal_to_baseline", "as_configured"}
    table = equal.table()
    assert "Budget: equal_to_baseline" in table and "Cost-effectiveness" in table
    assert "Budget: as_configured" in configured.table()


def test_cost_effectiveness_matches_an_independent_computation(equal):
    rows = [r for r in csv.DictReader(open(equal.path / "cost_effectiveness.csv", encoding="utf-8"))
            if r["scenario"] == "single-contracting-authority" and r["metric"] == "non_recours_rate"]
    assert len(rows) == 1
    r = rows[0]
    base, own = _by(equal, "status-quo"), _by(equal, "single-contracting-authority@as_configured")
    gain = -(own["non_recours_rate"] - base["non_recours_rate"])  # lower is better
    cost = (own["total_cost_eur"] - base["total_cost_eur"]) / 1e6
    assert float(r["gain_per_million_eur"]) == pytest.approx(gain.mean() / cost.mean(), rel=1e-9)
    assert float(r["extra_cost_eur"]) == pytest.approx((cost * 1e6).mean(), rel=1e-9)
    assert float(r["ci_low"]) < float(r["gain_per_million_eur"]) < float(r["ci_high"])


@pytest.mark.parametrize("budget, match", [
    ("same_money", "/experiment/budget"),
    (3, "/experiment/budget"),
])
def test_bad_budget_is_a_clear_error(budget, match):
    cfg = _config("as_configured")
    cfg["experiment"]["budget"] = budget
    with pytest.raises(govsim.ConfigError, match=match) as e:
        govsim.Config.from_dict(cfg)
    assert "equal_to_baseline" in str(e.value)


def test_equal_budget_needs_something_to_compare():
    cfg = _config("equal_to_baseline", scenarios=["status-quo"])
    with pytest.raises(govsim.ConfigError, match="single scenario"):
        govsim.Config.from_dict(cfg)
    cfg = _config("equal_to_baseline")
    cfg["sweep"] = {"method": "grid", "parameters": {"animation.intensity": {"values": [0, 1]}}}
    with pytest.raises(govsim.ConfigError, match="sweep"):
        govsim.Config.from_dict(cfg)


def test_report_first_screen_at_equal_budget(equal, tmp_path):
    """The summary table compares at equal budget and adds each scenario's cost-effectiveness
    (as configured) from cost_effectiveness.csv; the "@as_configured" runs are not rows."""
    import re

    en = govsim.report(equal.path, tmp_path / "en.html", lang="en").read_text(encoding="utf-8")
    summary = re.search(r'<section id="summary">(.*?)</section>', en, re.S).group(1)
    assert "Cost-effectiveness (as configured)" in summary and "At equal budget" in summary
    assert "@as_configured" not in summary
    rows = re.findall(r"<tr( class=\"baseline\")?><td>", summary)
    assert len(rows) == len(SCENARIOS) + 1  # the baseline, three scenarios and the twin
    # The values are those of cost_effectiveness.csv (non-recours gained per M EUR, in points).
    with open(equal.path / "cost_effectiveness.csv", newline="") as f:
        ce = {r["scenario"]: r for r in csv.DictReader(f) if r["metric"] == "non_recours_rate"}
    sca = float(ce["single-contracting-authority"]["gain_per_million_eur"])
    assert np.isfinite(sca)
    shown = f"{abs(100 * sca):.2f} pt"
    assert shown in summary, (shown, summary[:2000])
    fr = govsim.report(equal.path, tmp_path / "fr.html").read_text(encoding="utf-8")
    summary_fr = re.search(r'<section id="summary">(.*?)</section>', fr, re.S).group(1)
    assert "Coût-efficacité (tel que configuré)" in summary_fr and "À budget égal" in summary_fr
