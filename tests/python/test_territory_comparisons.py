"""Each scenario on its own territory (config "territory_comparisons", issue 13): in the same run,
a scenario is also compared on another territory against the baseline run there."""

from __future__ import annotations

import numpy as np
import pytest

import govsim
from conftest import ROOT

GOV = ROOT / "scenarios" / "governance"
PARAMS = {"sim.population_scale": 0.03, "sim.horizon_weeks": 104}


def _config(budget: str, territory_comparisons=None) -> dict:
    cfg = {
        "name": "own-territories",
        "territory": "rural-department",
        "scenarios": [str(GOV / "status-quo.json"), str(GOV / "animated-epn-network.json")],
        "baseline": "status-quo",
        "experiment": {"runs": 3, "seed": 11, "budget": budget},
        "parameters": PARAMS,
    }
    if territory_comparisons is not None:
        cfg["territory_comparisons"] = territory_comparisons
    return cfg


GROUPS = [{"territory": "city", "scenarios": [str(GOV / "city-master-plan.json")]}]


@pytest.fixture(scope="module")
def combined(tmp_path_factory):
    return govsim.compare(_config("as_configured", GROUPS), out=tmp_path_factory.mktemp("own"), progress=False)


def _by(res, scenario):
    runs = res.runs()
    return runs[runs["scenario"] == scenario].sort_values("replicate").reset_index(drop=True)


def test_groups_are_named_and_compared_with_their_own_baseline(combined):
    assert combined.scenarios == ["status-quo", "animated-epn-network", "status-quo@city", "city-master-plan@city"]
    paired = combined.paired()
    base = paired.drop_duplicates("scenario").set_index("scenario")["baseline"]
    assert base["animated-epn-network"] == "status-quo"
    assert base["city-master-plan@city"] == "status-quo@city"
    assert "status-quo@city" not in set(paired["scenario"])  # a territory's baseline is no scenario
    ranks = combined.summary().set_index(["scenario", "metric"])["rank"]
    assert np.isnan(ranks[("city-master-plan@city", "non_recours_rate")])  # not ranked with the others
    assert "On their own territory" in combined.table()


def test_roles_are_typed_fields_of_the_store(combined):
    # Each scenario's role is stored as typed columns (not keys of its info, nor its name).
    roles = combined.scenario_roles()
    assert list(roles.index) == combined.scenarios
    assert list(roles["role"]) == ["main", "main", "territory_baseline", "territory_comparison"]
    assert roles.loc["city-master-plan@city", "compared_with"] == "status-quo@city"
    assert roles.loc["city-master-plan@city", "territory"] == "city"
    assert roles.loc["city-master-plan@city", "of"] == "city-master-plan"
    assert roles.loc["status-quo@city", "of"] == "status-quo"
    assert roles["arm_of"].isna().all() and (roles["budget"] == "as_configured").all()
    assert roles.loc["status-quo", ["compared_with", "territory"]].isna().all()
    for info in combined.scenario_info.values():
        assert not {"arm_of", "compared_with", "territory_baseline", "budget"} & set(info)
    # The engine's reader gives the same rows.
    assert govsim._core.scenario_roles(str(combined.store)) == combined._reader.scenario_roles
    # The loaded experiment carries the same roles before any run.
    exp = govsim.Config.from_dict(_config("as_configured", GROUPS)).experiment
    assert exp.scenario_roles == combined._reader.scenario_roles


def test_a_group_runs_exactly_as_an_experiment_on_that_territory(combined, tmp_path):
    # The same scenarios in an experiment of their own on the city: bit-identical runs.
    alone = _config("as_configured")
    alone["territory"] = "city"
    alone["scenarios"] = [str(GOV / "status-quo.json"), str(GOV / "city-master-plan.json")]
    ref = govsim.compare(alone, out=tmp_path / "city", progress=False)
    cols = combined.metric_names
    for own, plain in (("status-quo@city", "status-quo"), ("city-master-plan@city", "city-master-plan")):
        np.testing.assert_array_equal(_by(combined, own)[cols].to_numpy(), _by(ref, plain)[cols].to_numpy(),
                                      err_msg=own)
    # ... and differently from the same scenario on the rural department.
    assert not np.array_equal(_by(combined, "status-quo@city")["coverage_30min"],
                              _by(combined, "status-quo")["coverage_30min"])


def test_at_equal_budget_a_group_spends_its_own_baselines_total(tmp_path):
    res = govsim.compare(_config("equal_to_baseline", GROUPS), out=tmp_path, progress=False)
    own, base = _by(res, "city-master-plan@city"), _by(res, "status-quo@city")
    np.testing.assert_allclose(own["total_cost_eur"], base["total_cost_eur"], rtol=1e-9, atol=0)
    assert not np.allclose(base["total_cost_eur"], _by(res, "status-quo")["total_cost_eur"])
    assert "city-master-plan@city@as_configured" in res.scenarios


@pytest.mark.parametrize("groups, where", [
    ({"territory": "city"}, "/territory_comparisons"),
    ([{"territory": "atlantis", "scenarios": [str(GOV / "city-master-plan.json")]}],
     "/territory_comparisons/0/territory"),
    ([{"territory": "city", "scenarios": []}], "/territory_comparisons/0/scenarios"),
    ([{"territory": "city", "scenarios": [str(GOV / "city-master-plan.json")], "baseline": "x"}],
     "/territory_comparisons/0"),
])
def test_bad_groups_are_clear_errors(groups, where):
    with pytest.raises(govsim.ConfigError, match=where):
        govsim.Config.from_dict(_config("as_configured", groups))


def test_report_keeps_territory_comparisons_out_of_the_ranking(combined):
    # The report ranks the main scenarios only; each territory comparison has a table of its own,
    # against the baseline run on that territory, and its findings name that baseline.
    from govsim.reporting import load as report_load
    from govsim.reporting import page

    data = report_load.load(combined.path)
    assert data.main_scenarios == ["status-quo", "animated-epn-network"]
    assert set(data.ranked()) == {"status-quo", "animated-epn-network"}
    assert data.territory_groups() == [("city", "status-quo@city", ["city-master-plan@city"])]
    assert data.compared_with("city-master-plan@city") == "status-quo@city"
    html = page.render_html(data, lang="en")
    ranking = html[html.index('id="ranking"'):html.index('id="paired"')]
    assert "City master plan" not in ranking
    own = html[html.index('id="own-territory"'):html.index("</section>", html.index('id="own-territory"'))]
    assert "Territory: City" in own and "City master plan" in own
    # Its paired difference in that table is the one against its own baseline (paired.csv).
    r = combined.paired().set_index(["scenario", "metric"]).loc[("city-master-plan@city", "non_recours_rate")]
    assert r["baseline"] == "status-quo@city"
    findings = html[html.index('id="findings"'):html.index("</section>", html.index('id="findings"'))]
    assert "on its own territory (City)" in findings
    assert "status quo on City" in findings or "City master plan" in findings


def test_charts_draw_the_main_comparison_only(combined):
    # The trajectories and equity charts draw the main scenarios, not the runs on other
    # territories (each has its own baseline and population), and euro series that are costs per
    # unit are drawn in euros, totals in millions (issue 29: a cost per session read 0.0000-0.0001).
    from govsim.reporting import charts
    from govsim.reporting import load as report_load

    data = report_load.load(combined.path)
    chart = charts.timeseries(data)
    assert set(chart.values["scenario"]) == {"status-quo", "animated-epn-network"}
    units = chart.values.drop_duplicates("series").set_index("series")
    assert units.loc["cumulative_cost_eur", "unit"] == "M€"
    per_session = chart.values[chart.values["series"] == "cost_per_mediation_session_eur"]
    assert (per_session["unit"] == "EUR").all() and per_session["max"].max() > 1  # euros, not millions
