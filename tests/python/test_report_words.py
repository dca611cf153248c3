"""The report's words and numbers (issue 29, items 5, 7, 8, 8b, 11, 14, 15): no verdict on a
quantity fixed by the design or on a metric whose direction is not a goal, units of the
cost-effectiveness column, counts of assumptions derived from the registry, French labels for
every metric and series, plural forms and French spacing, territory names instead of slugs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import govsim
from govsim.reporting import formats, i18n, sentences, text
from govsim.reporting.load import load

from conftest import ROOT

GOV = ROOT / "scenarios" / "governance"


def _visible(doc: str) -> str:
    doc = re.sub(r'src="data:image/png;base64,[^"]*"', 'src=""', doc)
    doc = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", doc, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", doc))


@pytest.fixture(scope="module")
def equal(tmp_path_factory):
    """A small equal-budget comparison (total cost fixed by the design)."""
    config = {"name": "words-equal",
              "territory": "rural-department",
              "scenarios": [str(GOV / f"{s}.json") for s in ("status-quo", "political-sponsorship",
                                                              "single-contracting-authority")],
              "baseline": "status-quo",
              "experiment": {"runs": 3, "seed": 11, "budget": "equal_to_baseline"},
              "parameters": {"sim.population_scale": 0.02, "sim.horizon_weeks": 104}}
    return govsim.compare(config, out=tmp_path_factory.mktemp("words-eq"), progress=False)


# ---- 5, 8b: no verdict where the design fixes the value or the direction is not a goal ----------

def test_total_cost_at_equal_budget_gets_no_verdict(equal):
    p = equal.paired()
    cost = p[p["metric"] == "total_cost_eur"]
    equal_budget = cost[~cost["scenario"].str.endswith("@as_configured")]
    assert len(equal_budget) == 2 and set(equal_budget["verdict"]) == {"fixed_by_design"}
    # The same scenarios as configured spend what they cost: their cost difference is judged.
    assert not set(cost[cost["scenario"].str.endswith("@as_configured")]["verdict"]) & {"fixed_by_design"}
    # Breakdowns by funder are not fixed: they keep their verdicts.
    by_funder = p[p["metric"].str.startswith("total_cost_eur@funder:")]
    assert not set(by_funder["verdict"]) & {"fixed_by_design", "no_verdict"}


def test_mediation_share_gets_no_better_or_worse_verdict(equal, small_compare):
    for res in (equal, small_compare[0]):
        p = res.paired()
        verdicts = set(p[p["metric"] == "mediation_share"]["verdict"])
        assert "no_verdict" in verdicts and verdicts <= {"no_verdict", "no_detectable_difference"}
    m = govsim.metrics().set_index("name")["direction"]
    assert m["mediation_share"] == "neutral" and m["non_recours_rate"] == "lower"
    assert res.catalog.direction("mediation_share") == "neutral"


def test_no_finding_on_a_cost_fixed_by_the_design(equal, tmp_path):
    doc = govsim.reporting.write_report(equal.path, tmp_path / "r.html", lang="fr").read_text(encoding="utf-8")
    words = _visible(doc)
    assert "coûte 0" not in words and "de 0\u202f€ à 0\u202f€" not in words
    data = load(equal.path)
    with i18n.use("fr"):
        for scen in data.main_scenarios:
            f = sentences.finding(data, scen)
            assert f is None or "coût total" not in (f["text"] + f["small"] + f["caveat"])


# ---- 7, 11: units of cost-effectiveness -------------------------------------------------------

def test_cost_effectiveness_has_its_unit(small_compare):
    cat = load(small_compare[0].path).catalog
    with i18n.use("fr"):
        assert formats.fmt_per_million(cat, "non_recours_rate", 0.0011) == "+0,11\u00a0pt par M\u20ac".replace(
            "\u00a0", " ")
    with i18n.use("en"):
        assert formats.fmt_per_million(cat, "non_recours_rate", 0.0011) == "+0.11 pt per M\u20ac"


# ---- 8: counts of assumptions from the registry -----------------------------------------------

def test_counts_of_assumptions_agree_with_the_registry():
    params = govsim._core.parameters()
    assumed = [p for p in params if str(p["source"]).strip().lower().startswith("assumption")]
    varied = govsim.uncertainty.space()
    fixed = [p for p in assumed if p.get("distribution") == "fixed"]
    assert len(varied) == len(assumed) - len(fixed)
    doc = (ROOT / "docs" / "uncertainty.md").read_text(encoding="utf-8")
    # Every "N varied assumptions" and "the registry's N assumptions" of the docs is today's count.
    counts = [int(n) for n in re.findall(r"(\d+) varied assumptions", doc)]
    assert counts and set(counts) == {len(varied)}, counts
    assert [int(n) for n in re.findall(r"registry's (\d+) assumptions", doc)] == [len(assumed)]
    # The Morris cost stated with it: R (D + 1) worlds, times 8 seed scenarios.
    d = len(varied)
    assert f"{10 * (d + 1):,} worlds" in doc and f"{8 * 10 * (d + 1):,} runs" in doc


def test_findings_say_both_counts(small_compare):
    data = load(small_compare[0].path)
    with i18n.use("en"):
        s = sentences.assumptions_sentence(data)
    n_varied = len(govsim.uncertainty.space())
    assert f"{n_varied} varied in the robustness analysis" in s
    m = re.search(r"(\d+) of which .* are assumptions .*?\((\d+) varied .*?, (\d+) fixed", s)
    assert m and int(m.group(1)) == int(m.group(2)) + int(m.group(3))


# ---- 14: French words -------------------------------------------------------------------------

def _translated(message: str) -> bool:
    """The French catalogue has this message (a translation may equal the source: "Illectronisme")."""
    return message in i18n.translations("fr")._catalog


def test_every_metric_and_series_has_a_french_label():
    for name in (n for n in govsim.metrics()["name"] if "@" not in n):  # breakdowns: base label + level
        assert name in text.LABELS, name
        assert _translated(text.LABELS[name]), name
    for s in govsim._core.series():
        name = s["name"]
        if "@" in name:
            continue
        msg = text.SERIES_LABELS.get(name) or text.LABELS.get(name)
        assert msg and _translated(msg), name


def test_plural_forms():
    with i18n.use("fr"):
        assert formats.plural_count(0.44) in (0, 1)
        assert i18n.ngettext("{runs} Monte Carlo run per scenario, replicate r of every scenario on the same "
                             "random streams", "{runs} Monte Carlo runs per scenario, replicate r of every "
                             "scenario on the same random streams", 1).startswith("{runs} simulation ")
        assert "point " in i18n.ngettext("raises {what} by {value} point ({range})",
                                          "raises {what} by {value} points ({range})", formats.plural_count(0.44))
        assert "points " in i18n.ngettext("raises {what} by {value} point ({range})",
                                           "raises {what} by {value} points ({range})", formats.plural_count(2.5))
        assert " simulation appariée" in i18n.ngettext("(better in {k} of {n} paired run)",
                                                       "(better in {k} of {n} paired runs)", 1)
    with i18n.use("en"):
        assert "points" in i18n.ngettext("raises {what} by {value} point ({range})",
                                         "raises {what} by {value} points ({range})", formats.plural_count(0.44))
        assert "points" in i18n.ngettext("raises {what} by {value} point ({range})",
                                         "raises {what} by {value} points ({range})", formats.plural_count(1.5))


def test_french_spacing_and_names(small_compare, tmp_path):
    with i18n.use("fr"):
        assert formats.join_clauses(["a", "b"]) == "a\u202f; b"
        assert text.territory_title("loir-et-cher") == "Loir-et-Cher"
        assert text.territory_title("city") == "Ville"
        assert text.unit_label("share") == "part"
        assert text.unit_label("EUR/point/year") == "\u20ac/point/an"
    doc = govsim.reporting.write_report(small_compare[0].path, tmp_path / "fr.html", lang="fr").read_text(
        encoding="utf-8")
    words = _visible(doc)
    # The report's own clauses (findings, equity columns) follow French spacing; the scenario
    # files' English descriptions are quoted as written.
    assert not re.search(r"pratique;|type:|difficulté:|Densité:", words)
    assert "simulations chacun" not in words or not re.search(r"\b1 simulations", words)
    assert "assumption hypothèse" not in words
    assert not re.search(r"<td>share</td>", doc)
    assert "sous status-quo" not in doc and "de rural-department" not in doc
