"""The HTML page: what each section shows, rendered with the Jinja2 template
``templates/report.html.j2`` (autoescaping on: every value is escaped unless marked safe)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jinja2

from . import charts, robustness, text
from .load import ReportData, ReportInputError, load

__all__ = ["render_html", "write_report", "main"]

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("govsim.reporting", "templates"),
    autoescape=True,  # the template is HTML whatever its file name
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)

# Scenarios are ranked by this metric.
RANK_BY = "non_recours_rate"
# Metrics broken down in the equity section.
EQUITY_METRICS = ["non_recours_rate", "autonomy_rate"]


def _headline(data: ReportData) -> list[str]:
    """Headline metrics (manifest order), the ranking metric first."""
    names = [m for m in data.catalog.headline if data.has(m)]
    return sorted(names, key=lambda m: m != RANK_BY)


def _cell(data: ReportData, s: str, m: str) -> dict[str, str]:
    c = data.catalog
    return {"value": text.fmt_value(c, m, data.get(data.mean, s, m)),
            "low": text.fmt_value(c, m, data.get(data.lo, s, m)),
            "high": text.fmt_value(c, m, data.get(data.hi, s, m))}


def _paired_cell(data: ReportData, s: str, m: str) -> dict[str, str] | None:
    r = data.pair.get((s, m))
    c = data.catalog
    if r is None or not text.finite(r.mean_diff):
        return None
    v = text.verdict(r)
    return {"cls": text.VERDICT_CLASS[v], "verdict": text.VERDICT_LABEL[v], "diff": text.fmt_diff(c, m, r.mean_diff),
            "low": text.fmt_diff(c, m, r.ci_low), "high": text.fmt_diff(c, m, r.ci_high),
            "share_better": text.fmt_share_better(r.share_better)}


def _rank_labels(data: ReportData, metric: str) -> dict[str, str]:
    """Scenario -> "1", "1=", ...: scenarios not detectably different share a rank (summary.csv)."""
    out = {}
    if "rank" not in data.summary.columns:
        return out
    rows = data.summary[data.summary["metric"] == metric]
    for r in rows.itertuples(index=False):
        if r.rank is not None and r.rank == r.rank:
            out[str(r.scenario)] = f"{int(r.rank)}{'=' if bool(r.rank_tied) else ''}"
    return out


def _ranking(data: ReportData) -> dict[str, Any]:
    metrics = _headline(data)
    order = data.ranked(RANK_BY)
    ranks = _rank_labels(data, RANK_BY)
    c = data.catalog
    return {
        "rank_label": text.label(RANK_BY).lower(),
        "rank_direction": "higher" if c.higher_is_better(RANK_BY) else "lower",
        "metrics": [{"name": m, "label": text.label(m), "direction": text.direction(c, m),
                     "definition": text.definition(c, m)} for m in metrics],
        "rows": [{"rank": ranks.get(s, str(k + 1)), "title": data.title(s), "name": s,
                  "cells": [_cell(data, s, m) for m in metrics]} for k, s in enumerate(order)],
        "paired": [{"title": data.title(s), "name": s, "cells": [_paired_cell(data, s, m) for m in metrics]}
                   for s in order if s != data.baseline],
    }


def _sweep(data: ReportData) -> dict[str, Any]:
    """A sweep as a response surface: the design (swept values) and the headline outcomes per
    design point, in the design's order, with charts of each outcome against each swept value."""
    design = {s: data.scenario_info.get(s, {}).get("sweep") or {} for s in data.scenarios}
    axes = sorted({k for d in design.values() for k in d})
    metrics = _headline(data)
    ranks = _rank_labels(data, RANK_BY)
    rows = [{"name": s, "rank": ranks.get(s, ""), "point": [text.fmt_param(design[s].get(a)) for a in axes],
             "cells": [_cell(data, s, m) for m in metrics]} for s in data.scenarios]
    return {"axes": axes, "metrics": [{"name": m, "label": text.label(m)} for m in metrics], "rows": rows,
            "chart": charts.response_surface(data, design, axes, metrics[:4])}


def _equity(data: ReportData) -> dict[str, Any]:
    blocks = []
    for base in EQUITY_METRICS:
        chart = charts.equity(data, base)
        if chart:
            blocks.append({"label": text.label(base), "chart": chart})
    base = EQUITY_METRICS[0]
    cols = [(f"{base}@{d}:{cat}", f"{text.dimension_label(d)}: {cat}")
            for d, cats in data.catalog.dimensions(base) for cat in cats if data.has(f"{base}@{d}:{cat}")]
    gap = data.has("rural_urban_gap")
    rows = []
    for s in data.ranked(RANK_BY):
        row = [text.fmt_value(data.catalog, m, data.get(data.mean, s, m)) for m, _ in cols]
        if gap:
            row.append(text.fmt_diff(data.catalog, "rural_urban_gap", data.get(data.mean, s, "rural_urban_gap")))
        rows.append({"title": data.title(s), "cells": row})
    return {"charts": blocks, "columns": [lab for _, lab in cols], "gap": gap, "rows": rows if cols else [],
            "table_label": text.label(base)}


def _costs(data: ReportData) -> dict[str, Any]:
    base, dim = "total_cost_eur", "funder"
    funders = [f for f in data.catalog.categories(base, dim) if data.has(f"{base}@{dim}:{f}")]
    order = data.ranked(RANK_BY)
    rows = []
    for s in order:
        rows.append({"title": data.title(s),
                     "funders": [text.fmt_eur(data.get(data.mean, s, f"{base}@{dim}:{f}")) for f in funders],
                     "totals": [_cell(data, s, m) for m in (base, "cost_per_need_resolved_by_mediation_eur")]})
    return {"chart": charts.costs(data, funders, order), "funders": [text.funder_label(f) for f in funders],
            "rows": rows}


def _is_assumption(spec: dict | None) -> bool:
    return bool(spec) and str(spec.get("source", "")).strip().lower().startswith("assumption")


def _assumptions(data: ReportData) -> dict[str, Any]:
    reg = data.registry
    common = data.common_parameters()

    def param(name: str, value: Any) -> dict[str, Any]:
        spec = reg.get(name)
        return {"name": name, "value": text.fmt_param(value),
                "default": text.fmt_param(spec["default"]) if spec and "default" in spec else "",
                "unit": spec.get("unit", "") if spec else "", "doc": spec.get("doc", "") if spec else "",
                "source": spec.get("source", "not in the registry") if spec else "not in the registry",
                "assumption": _is_assumption(spec)}

    per_scenario = []
    for s in data.scenarios:
        own = {k: v for k, v in data.parameters(s).items() if k not in common}
        per_scenario.append({"title": data.title(s), "params": [param(k, v) for k, v in sorted(own.items())]})
    base_vals = data.values(data.baseline)
    assumed, all_params = [], []
    if base_vals:
        varying = {k for k in base_vals if len({text.fmt_param(data.values(s).get(k)) for s in data.scenarios}) > 1}
        for k in sorted(base_vals):
            p = param(k, base_vals[k])
            p["varies"] = k in varying
            all_params.append(p)
            if p["assumption"]:
                assumed.append(p)
    return {"common": [param(k, v) for k, v in sorted(common.items())], "per_scenario": per_scenario,
            "assumed": assumed, "all": all_params}


def _manifest(data: ReportData) -> dict[str, Any]:
    m = data.manifest
    rows = [(lab, text.fmt_param(m[k])) for k, lab in text.MANIFEST_FIELDS if k in m]
    known = {k for k, _ in text.MANIFEST_FIELDS} | {"config", "scenarios", "baseline", "metrics", "series", "territory"}
    rows += [(k, text.fmt_param(v)) for k, v in m.items() if k not in known]
    if isinstance(m.get("territory"), dict):
        t = m["territory"]
        rows.append(("Territory", f"{t.get('name', '?')}: {t.get('communes', '?')} communes, {t.get('places', '?')} places"
                     + (f", places updated {t['places_dates'].get('min')} to {t['places_dates'].get('max')}"
                        if isinstance(t.get("places_dates"), dict) else "")
                     + (f", {t['rejected_rows']} rows rejected" if t.get("rejected_rows") else "")))
    rows += [("Baseline", data.baseline), ("Scenarios", ", ".join(data.scenarios)),
             ("Results directory", str(data.dir))]
    return {"rows": rows, "command": text.reproduce_command(data)}


def render_html(data: ReportData, robustness_dir: Path | None = None, map_scenario: str | None = None) -> str:
    """The report of ``data`` as one self-contained HTML document; ``robustness_dir`` holds the
    results of ``govsim robustness`` for the section "How robust is this ranking?"; ``map_scenario``
    the scenario whose change in non-recours by commune the outcome map shows (default: the one
    with the lowest non-recours)."""
    cfg = data.config
    tname, tdesc = text.territory(cfg)
    any_seed = any(data.scenario_info.get(s, {}).get("seed_contribution") for s in data.scenarios)
    context = {
        "name": cfg.get("name") or data.manifest.get("experiment") or data.dir.name,
        "n_scenarios": len(data.scenarios),
        "territory_name": text.territory_name(cfg),
        "n_runs": data.n_runs,
        "version": data.manifest.get("govsim_version", "?"),
        "question": text.QUESTION + (" " + text.QUESTION_SEED if any_seed else ""),
        "any_seed": any_seed,
        "is_sweep": data.is_sweep,
        "sweep": _sweep(data) if data.is_sweep else None,
        "assumptions_sentence": text.assumptions_sentence(data),
        "territory": {"name": tname, "description": tdesc, "places_data": text.places_data(data.manifest),
                      "map": charts.territory_map(data),
                      "outcome_map": charts.outcome_map(data, map_scenario),
                      "outcome_map_note": text.CHART["map_note"]},
        "experiment": {"name": cfg.get("name", ""), "description": cfg.get("description", "")},
        "setup": text.setup_facts(data),
        "baseline": {"name": data.baseline, "title": data.title(data.baseline)},
        "findings": [] if data.is_sweep else
                    [f for f in (text.finding(data, s) for s in data.scenarios if s != data.baseline) if f],
        "scenarios": [{"name": s, "title": data.title(s), "is_baseline": s == data.baseline,
                       "mechanisms": data.scenario_info.get(s, {}).get("mechanisms") or [],
                       "description": data.scenario_info.get(s, {}).get("description", ""),
                       "quote": data.scenario_info.get(s, {}).get("seed_contribution") or ""}
                      for s in data.scenarios],
        "ranking": _ranking(data),
        "robustness": robustness.section(data, robustness_dir),
        "timeseries": {"chart": charts.timeseries(data), "replicates": data.replicates_per_scenario()},
        "equity": _equity(data),
        "costs": _costs(data),
        "assumptions": _assumptions(data),
        "manifest": _manifest(data),
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "results_dir": str(data.dir),
    }
    return _ENV.get_template("report.html.j2").render(context)


def write_report(results_dir: str | Path, output_path: str | Path, robustness_dir: str | Path | None = None,
                 map_scenario: str | None = None) -> Path:
    """Write the HTML report of the results in ``results_dir`` to ``output_path``; return its path.

    ``robustness_dir``: the output of ``govsim robustness`` for the section "How robust is this
    ranking?" (default: ``results_dir/robustness`` if it exists; otherwise the section says how
    to compute it). Raises ReportInputError if ``results_dir`` is missing or its results store is
    missing, damaged, empty or incomplete (the message names the file); nothing is written then.
    """
    output_path = Path(output_path)
    rob = robustness.find_dir(Path(results_dir), robustness_dir)
    data = load(results_dir)
    if map_scenario is not None and map_scenario not in data.scenarios:
        raise ReportInputError(f"--map-scenario: no scenario {map_scenario!r} in {results_dir} "
                               f"(scenarios: {', '.join(data.scenarios)})")
    html = render_html(data, rob, map_scenario)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = output_path.with_name(output_path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(output_path)
    return output_path


def main(argv: list[str] | None = None) -> int:
    """``govsim report`` / ``python -m govsim.reporting``: exit status 0, or 2 on bad input."""
    parser = argparse.ArgumentParser(
        prog="govsim report",
        description="Write one self-contained HTML report (charts inline) from a `govsim compare` results directory.",
    )
    parser.add_argument("results_dir", metavar="RESULTS_DIR", help="the --out directory of `govsim compare`")
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="HTML file to write (default: RESULTS_DIR/report.html)")
    parser.add_argument("--robustness", metavar="DIR", default=None,
                        help="results of `govsim robustness` for the section \"How robust is this ranking?\" "
                             "(default: RESULTS_DIR/robustness if it exists)")
    parser.add_argument("--map-scenario", metavar="NAME", default=None,
                        help="scenario whose change in non-recours by commune the outcome map shows "
                             "(default: the one with the lowest non-recours)")
    args = parser.parse_args(argv)
    out = Path(args.output) if args.output else Path(args.results_dir) / "report.html"
    try:
        path = write_report(args.results_dir, out, args.robustness, args.map_scenario)
    except ReportInputError as e:
        print(f"govsim report: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"govsim report: error: cannot write {out}: {e.strerror or e}", file=sys.stderr)
        return 2
    print(f"report written to {path}")
    return 0
