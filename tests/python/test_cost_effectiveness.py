"""Cost-effectiveness in people per €100k with intervals (issue 29, item 11), printed only for an
effect that is detectable and at least the minimal important difference with a detectable extra
cost (issue 26), and equity on the territory's EPCIs (issue 29, 8b). Every expected value is
recomputed here from runs.csv and the per-commune values, independently of the engine."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from scipy import stats

import govsim
from govsim import equity
from govsim.reporting import i18n, page, text
from govsim.reporting.load import load

from conftest import ROOT

GOV = ROOT / "scenarios" / "governance"
# A fixed seed: the pooled authority changes non-recours by far more than its MID and costs more
# (ungated); a scenario that only adds a little spending on a lever with a small effect is gated.
CONFIG = {"name": "cost-effect",
          "territory": "rural-department",
          "scenarios": [str(GOV / "status-quo.json"), str(GOV / "single-contracting-authority.json"),
                        {"name": "one-more-bus", "title": "Status quo and one more mobile unit",
                         "extends": str(GOV / "status-quo.json"),
                         "parameters": {"mobile.units": 1}}],
          "baseline": "status-quo",
          "experiment": {"runs": 4, "seed": 20181102},
          "parameters": {"sim.population_scale": 0.02, "sim.horizon_weeks": 104}}
PRIMARY = "non_recours_rate"


@pytest.fixture(scope="module")
def res(tmp_path_factory):
    return govsim.compare(CONFIG, out=tmp_path_factory.mktemp("ce"), progress=False)


def _rows(res) -> dict[str, dict[str, str]]:
    with open(res.path / "cost_effectiveness.csv", newline="", encoding="utf-8") as f:
        return {r["scenario"]: r for r in csv.DictReader(f) if r["metric"] == PRIMARY}


def _field(res, name: str) -> int:
    """Index of a per-commune value in Results.commune_values' last axis (communes()' value columns)."""
    return [c for c in res.communes().columns if c in ("adults", "needs_closed", "needs_abandoned",
                                                         "needs_mediated", "coverage_30min")].index(name)


def _t_interval(d: np.ndarray) -> tuple[float, float]:
    hw = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
    return d.mean() - hw, d.mean() + hw


def _expected_note(res, scenario: str) -> str:
    """The gating rule, from runs.csv and paired.csv's MID (docs/metrics.md)."""
    runs = res.runs().sort_values("replicate")
    s, b = runs[runs["scenario"] == scenario], runs[runs["scenario"] == "status-quo"]
    d = s[PRIMARY].to_numpy() - b[PRIMARY].to_numpy()
    lo, hi = _t_interval(d)
    mid = res.paired().set_index(["scenario", "metric"]).loc[(scenario, PRIMARY), "mid"]
    c_lo, _c_hi = _t_interval(s["total_cost_eur"].to_numpy() - b["total_cost_eur"].to_numpy())
    if lo <= 0 <= hi:
        return "not_detectable"
    if abs(d.mean()) < mid:
        return "below_mid"
    return "" if c_lo > 0 else "no_extra_cost"


def test_gating_follows_the_rule_with_a_gated_and_an_ungated_case(res):
    rows = _rows(res)
    assert set(rows) == {"single-contracting-authority", "one-more-bus"}
    notes = {sc: _expected_note(res, sc) for sc in rows}
    assert notes["single-contracting-authority"] == "" and notes["one-more-bus"] != "", notes
    for sc, r in rows.items():
        assert r["note"] == notes[sc]
        keys = ["gain_per_million_eur", "adults_per_100k_eur", "procedures_per_100k_eur"]
        if notes[sc]:  # not meaningful: every ratio empty, the facts kept
            assert all(r[k] == r[k + "_ci_low"] == r[k + "_ci_high"] == "" for k in keys[1:]) and r[keys[0]] == ""
            assert r["extra_cost_eur"] != "" and r["gain"] != ""
        else:
            assert all(float(r[k + "_ci_low"]) < float(r[k]) < float(r[k + "_ci_high"]) for k in keys[1:])
    table = res.table()
    assert "not meaningful: " + {"not_detectable": "effect not detectable",
                                 "below_mid": "effect below the minimal important difference",
                                 "no_extra_cost": "no extra cost"}[notes["one-more-bus"]] in table
    line = next(x for x in table.splitlines() if "single-contracting-authority" in x and "extra" in x)
    assert "adults/€100k" in line and "procedures/€100k" in line
    ce = res.cost_effectiveness()
    assert list(ce.columns) == list(csv.DictReader(open(res.path / "cost_effectiveness.csv")).fieldnames)


def test_people_per_100k_match_an_independent_computation(res):
    r = _rows(res)["single-contracting-authority"]
    runs = res.runs().sort_values("replicate")
    s, b = runs[runs["scenario"] == "single-contracting-authority"], runs[runs["scenario"] == "status-quo"]
    values = {sc: res.commune_values(sc) for sc in ("status-quo", "single-contracting-authority")}
    adults_i, abandoned_i = _field(res, "adults"), _field(res, "needs_abandoned")
    adults_base = values["status-quo"][:, :, adults_i].sum(axis=1)
    cost = (s["total_cost_eur"].to_numpy() - b["total_cost_eur"].to_numpy()) / 1e5
    adults = -(s[PRIMARY].to_numpy() - b[PRIMARY].to_numpy()) * adults_base
    procedures = (values["status-quo"][:, :, abandoned_i].sum(axis=1)
                  - values["single-contracting-authority"][:, :, abandoned_i].sum(axis=1))
    assert float(r["adults_per_100k_eur"]) == pytest.approx(adults.mean() / cost.mean(), rel=1e-9)
    assert float(r["procedures_per_100k_eur"]) == pytest.approx(procedures.mean() / cost.mean(), rel=1e-9)
    # Delta-method interval for a ratio of paired means (docs/metrics.md), recomputed.
    n, ratio = len(cost), adults.mean() / cost.mean()
    var = (adults.var(ddof=1) - 2 * ratio * np.cov(adults, cost)[0, 1] + ratio**2 * cost.var(ddof=1)) / (
        n * cost.mean() ** 2)
    hw = stats.t.ppf(0.975, n - 1) * math.sqrt(var)
    assert float(r["adults_per_100k_eur_ci_low"]) == pytest.approx(ratio - hw, rel=1e-6)
    assert float(r["adults_per_100k_eur_ci_high"]) == pytest.approx(ratio + hw, rel=1e-6)


def test_report_shows_people_and_not_meaningful_in_both_languages(res):
    data = load(res.path)
    note = _rows(res)["one-more-bus"]["note"]
    for lang, words in (("en", "not meaningful"), ("fr", "non significatif")):
        with i18n.use(lang):
            ce = page._cost_effect(data)
            by = {r["title"]: r for r in ce["rows"]}
            gated = next(r for t, r in by.items() if t == data.title("one-more-bus"))
            assert gated["note"].startswith(words) and i18n._(text.COST_EFFECT_NOTE[note]) in gated["note"]
            ok = by[data.title("single-contracting-authority")]
            assert ok["note"] == "" and len(ok["cells"]) == 3 and all(c["value"] != i18n._("n/a") for c in ok["cells"])


def test_epci_gap_is_the_worst_minus_the_best_epci_per_run(res):
    gap = equity.epci_gap(res).set_index("scenario")
    assert set(gap.index) == set(res.scenarios)
    zones = res.communes()
    epci = zones[zones["scenario"] == "status-quo"]["epci"].to_numpy()
    v = res.commune_values("status-quo")
    closed, abandoned = _field(res, "needs_closed"), _field(res, "needs_abandoned")
    per_run = []
    for k in range(v.shape[0]):
        rates = [v[k, epci == e, abandoned].sum() / v[k, epci == e, closed].sum()
                 for e in sorted(set(epci)) if v[k, epci == e, closed].sum() > 0]
        per_run.append(max(rates) - min(rates))
    per_run = np.array(per_run)
    row = gap.loc["status-quo"]
    assert row["n"] == len(per_run) and row["epcis"] >= 2
    assert row["gap"] == pytest.approx(per_run.mean(), rel=1e-12)
    lo, hi = _t_interval(per_run)
    assert row["ci_low"] == pytest.approx(lo, rel=1e-9) and row["ci_high"] == pytest.approx(hi, rel=1e-9)
    assert row["worst_epci"] != row["best_epci"]


def test_travel_time_classes_on_a_generated_territory(res):
    # A generated territory has no map in its manifest, but its run layout records each commune's
    # minutes to the nearest procedure help (zone attribute help_minutes): the three classes
    # partition its communes, and a class without adults has no rate (NaN), never 0.
    assert "map" not in (res.manifest.get("territory") or {})
    t = equity.by_travel_time(res)
    assert set(t["minutes"]) == {"<=15", "15-30", ">30"}
    for _, g in t.groupby("scenario"):
        assert g["communes"].sum() == len(res._reader.zones)
    assert not ((t["adults"] == 0) & (t["non_recours_rate"] == 0)).any()


@pytest.fixture(scope="module")
def charente(tmp_path_factory):
    """The status quo on a real territory (travel times in its manifest), small and short."""
    cfg = {"name": "travel", "territory": "charente", "scenarios": [str(GOV / "status-quo.json")],
           "baseline": "status-quo", "experiment": {"runs": 3, "seed": 5},
           "parameters": {"sim.population_scale": 0.01, "sim.horizon_weeks": 52}}
    return govsim.compare(cfg, out=tmp_path_factory.mktemp("travel"), progress=False)


def test_non_recours_by_travel_time_on_a_real_territory(charente):
    t = equity.by_travel_time(charente)
    assert list(t["minutes"]) == ["<=15", "15-30", ">30"]
    m = charente.manifest["territory"]["map"]
    cc = {c: i for i, c in enumerate(m["communes_columns"])}
    minutes = {c[cc["code"]]: math.inf if c[cc["car_minutes_to_procedure_help"]] is None
               else c[cc["car_minutes_to_procedure_help"]] for c in m["communes"]}
    zones = charente.communes()
    code = zones["code"].to_numpy()
    v = charente.commune_values("status-quo")
    # The classes use the run layout's minutes (zone attribute help_minutes, full precision); the
    # report's map rounds the same minutes to 0.1.
    attrs = charente._reader.zone_attributes
    layout = {z[attrs.index("code")]: math.inf if z[attrs.index("help_minutes")] == ""
              else float(z[attrs.index("help_minutes")]) for z in charente._reader.zones}
    for c in code:
        assert layout[c] == minutes[c] or abs(layout[c] - minutes[c]) <= 0.05 + 1e-9
    mins = np.array([layout[c] for c in code])
    # Every commune in one class: the classes' adults add up to the territory's.
    assert t["communes"].sum() == len(code)
    assert t["adults"].sum() == pytest.approx(v[:, :, _field(charente, "adults")].sum(axis=1).mean(), rel=1e-12)
    for (label, lo, hi), row in zip(equity.TRAVEL_CLASSES, t.itertuples(index=False)):
        k = (mins > lo) & (mins <= hi)
        closed = v[:, k, _field(charente, "needs_closed")].sum(axis=1)
        rates = v[:, k, _field(charente, "needs_abandoned")].sum(axis=1)[closed > 0] / closed[closed > 0]
        assert row.n == len(rates)
        if len(rates):
            assert row.non_recours_rate == pytest.approx(rates.mean(), rel=1e-12)
        else:
            assert math.isnan(row.non_recours_rate)  # n/a, never 0
    gap = equity.epci_gap(charente)
    assert len(gap) == 1 and gap["epcis"].iloc[0] >= 2 and gap["gap"].iloc[0] >= 0


def test_a_class_without_adults_reads_n_a(charente):
    data = load(charente.path)
    data.travel = data.travel.assign(adults=[0.0, *data.travel["adults"][1:]],
                                     non_recours_rate=[math.nan, *data.travel["non_recours_rate"][1:]])
    with i18n.use("en"):
        eq = page._territory_equity(data)
    assert [c["label"] for c in eq["travel_classes"]] == ["\u2264 15 min", "15\u201330 min", "> 30 min"]
    assert eq["travel"][0]["cells"][0]["value"] == "n/a"
    assert eq["epci"] and eq["epci"][0]["worst"] != eq["epci"][0]["best"]
