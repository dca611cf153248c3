"""The report's section "How robust is this ranking?": the results of `govsim robustness` (and,
if present beside them, `govsim sensitivity`) in plain words. See docs/uncertainty.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from . import text
from .charts import Chart, _to_chart
from .load import ReportData, ReportInputError

__all__ = ["find_dir", "section"]

# The metric whose robustness is told in words (the ranking metric).
RANK_BY = "non_recours_rate"
TOP_PARAMETERS = 8


def find_dir(results_dir: Path, robustness: str | Path | None) -> Path | None:
    """The robustness results directory: ``robustness`` if given, else RESULTS_DIR/robustness if it exists."""
    if robustness is not None:
        p = Path(robustness)
        if not (p / "results.sqlite").is_file():
            raise ReportInputError(f"{p}: no robustness results (expected the --out directory of govsim robustness)")
        return p
    p = Path(results_dir) / "robustness"
    return p if (p / "results.sqlite").is_file() else None


def _amount(c: Any, metric: str, x: float) -> str:
    """A non-negative amount (regret) in the metric's unit, without sign."""
    return text.fmt_diff(c, metric, x).lstrip("+±−-") if text.finite(x) else "n/a"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%" if text.finite(x) else "n/a"


def _sensitivity(rob_dir: Path, data: ReportData) -> dict[str, Any] | None:
    # sensitivity_*.csv of `govsim sensitivity`: beside the robustness results, in its
    # "sensitivity" subdirectory, or in a "sensitivity" directory beside it.
    found = [(d / f"sensitivity_{m}.csv", m) for m in ("sobol", "morris")
             for d in (rob_dir, rob_dir / "sensitivity", rob_dir.parent / "sensitivity")]
    for f, method in found:
        if not f.is_file():
            continue
        key, conf, what = (("ST", "ST_conf", "total Sobol' index") if method == "sobol"
                           else ("mu_star", "mu_star_conf", "Morris mu* (screening)"))
        df = pd.read_csv(f)
        df = df[(df["metric"] == RANK_BY) & (df["kind"] == "difference")]
        if df.empty:
            continue
        top = (df.groupby("parameter")[[key, conf]].max().sort_values(key, ascending=False).head(TOP_PARAMETERS))
        reg = data.registry
        rows = [{"name": p, "doc": (reg.get(p) or {}).get("doc", ""), "value": f"{v[key]:.3g}",
                 "conf": f"{v[conf]:.2g}"} for p, v in top.iterrows()]
        return {"what": what, "file": str(f), "rows": rows}
    return None


def section(data: ReportData, rob_dir: Path | None) -> dict[str, Any]:
    """The context of the section (``available`` False: how to compute it)."""
    if rob_dir is None:
        return {"available": False, "dir": "", "rank_label": text.label(RANK_BY).lower()}
    from ..uncertainty import describe_box, discover, open_robustness, plot_box

    try:
        rob = open_robustness(rob_dir)
    except Exception as e:  # a damaged or incomplete store: the report says so and goes on
        return {"available": False, "dir": str(rob_dir), "error": str(e), "rank_label": text.label(RANK_BY).lower()}
    c = data.catalog
    metrics = [m for m in rob.probability["metric"].unique()]
    metrics = sorted(metrics, key=lambda m: m != RANK_BY)
    prob = rob.probability.set_index(["scenario", "metric"])
    others = [s for s in rob.scenarios if s != rob.baseline]
    title = {s: data.title(s) if s in data.scenarios else s for s in rob.scenarios}
    sentences = []
    if RANK_BY in metrics:
        for s in sorted(others, key=lambda s: -prob.loc[(s, RANK_BY), "p_better"]):
            p = prob.loc[(s, RANK_BY)]
            sentences.append(f"{title[s]} beats {title[rob.baseline]} on {text.label(RANK_BY).lower()} in "
                             f"{_pct(p['p_better'])} of {rob.n_worlds} plausible worlds "
                             f"(95% CI {_pct(p['ci_low'])}–{_pct(p['ci_high'])}).")
    table = [{"title": title[s], "name": s,
              "cells": [{"p": _pct(prob.loc[(s, m), "p_better"]),
                         "ci": f"{_pct(prob.loc[(s, m), 'ci_low'])}–{_pct(prob.loc[(s, m), 'ci_high'])}"}
                        for m in metrics]} for s in others]
    ranks = rob.ranks[rob.ranks["metric"] == RANK_BY].set_index("scenario")
    regret = rob.regret[rob.regret["metric"] == RANK_BY].set_index("scenario")
    n = len(rob.scenarios)
    rank_rows = [{"title": title[s], "name": s, "shares": [_pct(ranks.loc[s, f"rank_{r}"]) for r in range(1, n + 1)],
                  "mean_rank": f"{ranks.loc[s, 'mean_rank']:.2f} ± {ranks.loc[s, 'se']:.2f}",
                  "regret": _amount(c, RANK_BY, regret.loc[s, "mean_regret"]),
                  "regret_se": _amount(c, RANK_BY, regret.loc[s, "se"]),
                  "p95": _amount(c, RANK_BY, regret.loc[s, "p95_regret"])}
                 for s in sorted(rob.scenarios, key=lambda s: ranks.loc[s, "mean_rank"])]
    boxes = []
    for s in others:
        box = discover(rob, s, RANK_BY)
        chart = None
        if not box.empty:
            ax = plot_box(box)
            chart = _to_chart(ax.figure, f"PRIM box where {s} fails to beat the baseline")
        boxes.append({"title": title[s], "sentence": describe_box(box), "chart": chart})
    decided = rob.probability[(rob.probability["metric"] == RANK_BY) & rob.probability["share_decided"].notna()]
    return {"available": True, "dir": str(rob_dir), "n_worlds": rob.n_worlds, "runs": rob.runs,
            "n_parameters": len(rob.parameters), "baseline": title[rob.baseline],
            "rank_label": text.label(RANK_BY).lower(), "metrics": [text.label(m) for m in metrics],
            "sentences": sentences, "table": table, "n_ranks": list(range(1, n + 1)), "ranks": rank_rows,
            "decided": _pct(float(decided["share_decided"].mean())) if len(decided) else "n/a",
            "sensitivity": _sensitivity(Path(rob_dir), data), "boxes": boxes}
