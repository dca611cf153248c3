"""The metric catalog (models/inclusion/metrics.def) reaches the manifest, the Python API and the
stored layout with the same names, and the manifest carries what the report reads."""
from __future__ import annotations

from govsim import _core


# Metrics with no better direction: more needs resolved *with help*, or more residents oriented by
# a master plan, are means, not goals (issue 29 item 8b).
NEUTRAL = {"mediation_share", "plan_orientation_share", "offline_share", "france_services_counter_share"}


def _check_catalog(block: list[dict], stored: list[str], engine: list[dict]) -> None:
    declared = [e for e in engine if "@" not in e["name"]]
    assert [m["name"] for m in block] == [e["name"] for e in declared]
    for m, e in zip(block, declared):
        assert set(m) == {"name", "unit", "direction", "headline", "subgroups", "doc", "domain"}
        # Intervals within the domain (docs/metrics.md): declared in metrics.def, as the engine reads it.
        assert m["domain"] == e["domain"] in ("ratio", "real", "nonnegative")
        assert m["direction"] == e["direction"] == ("neutral" if m["name"] in NEUTRAL else
                                                     "higher" if e["higher_is_better"] else "lower")
        assert (m["unit"], m["headline"], m["subgroups"], m["doc"]) == (e["unit"], e["headline"], e["subgroups"], e["doc"])
        assert m["doc"] and m["unit"]
    # every stored name is a declared one or one level of a declared breakdown, in layout order
    by_name = {m["name"]: m for m in block}
    expected = [m["name"] for m in block]
    for m in block:
        for dim in m["subgroups"]:
            levels = [n.split(":", 1)[1] for n in stored if n.startswith(f"{m['name']}@{dim}:")]
            assert levels, f"{m['name']} declares a breakdown by {dim} but none is stored"
            expected += [f"{m['name']}@{dim}:{level}" for level in levels]
    assert stored == expected
    assert all(n.split("@")[0] in by_name for n in stored)


def test_domains_and_roles_are_declared_once():
    """metrics.def declares each metric's domain (its breakdowns share it) and the metrics of the
    engine's roles: one primary (the default ranking and --target-metric), one cost."""
    metrics = _core.metrics()
    by_name = {m["name"]: m for m in metrics}
    for m in metrics:
        base = by_name[m["name"].split("@")[0]]
        assert m["domain"] == base["domain"]
        assert m["roles"] == ([] if "@" in m["name"] else base["roles"])
    roles = {r: [m["name"] for m in metrics if r in m["roles"]] for r in ("primary", "cost")}
    assert roles == {"primary": ["non_recours_rate"], "cost": ["total_cost_eur"]}
    assert all(s["roles"] == [] for s in _core.series())


def test_csv_columns_come_from_the_engine():
    from govsim.results import PAIRED_COLUMNS, SUMMARY_COLUMNS
    cols = _core.csv_columns()
    assert SUMMARY_COLUMNS == cols["summary"] and PAIRED_COLUMNS == cols["paired"]
    assert cols["runs"] == ["scenario", "replicate", "wall_seconds"]


def test_manifest_carries_the_metric_catalog(small_compare):
    res, _ = small_compare
    _check_catalog(res.manifest["metrics"], list(res.metric_names), _core.metrics())
    _check_catalog(res.manifest["series"], list(res.series_names), _core.series())
    headline = [m["name"] for m in res.manifest["metrics"] if m["headline"]]
    assert headline[:3] == ["illectronisme_rate", "autonomy_rate", "non_recours_rate"]
    # the comparison table shows the headline metrics, not the others
    table = res.table()
    assert all(name in table for name in headline)
    assert "aware_share" not in table and "point_closures" not in table
