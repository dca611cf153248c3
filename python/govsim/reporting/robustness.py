"""The report's section "How robust is this ranking?": the results of `govsim robustness` (and,
if present beside them, `govsim sensitivity`) in plain words. See docs/uncertainty.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from . import first_screen, formats, text
from .charts import _to_chart
from .i18n import _, ngettext
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
    return formats.fmt_diff(c, metric, x).lstrip("+±−-") if formats.finite(x) else _("n/a")


def _pct(x: float) -> str:
    return formats.pct(x, 0) if formats.finite(x) else _("n/a")


def _g(x: float) -> str:
    """Three significant digits in the report's language."""
    return formats._sig(float(x)) if formats.finite(float(x)) else _("n/a")


def _box_sentence(box: pd.DataFrame, title: str, metric: str) -> str:
    """Plain words for a PRIM box (what govsim.uncertainty.describe_box says, in the report's
    language): how often the scenario fails to beat the baseline and where the failures gather."""
    a = box.attrs
    n, f = a.get("n_worlds", 0), a.get("n_failures", 0)
    head = _("{scenario} fails to beat the baseline on {metric} in {k} of {n} plausible worlds").format(
        scenario=title, metric=metric, k=f, n=n)
    if f == 0 or (box.empty and f >= n):
        return head + "."
    if box.empty:
        return head + " " + _("(no box of the uncertainty space concentrates the failures).")
    parts = []
    for _i, r in box.iterrows():
        if r["restricted"] == "both":
            parts.append(_("{parameter} is between {low} and {high}").format(
                parameter=r["parameter"], low=_g(r["low"]), high=_g(r["high"])))
        elif r["restricted"] == "low":
            parts.append(_("{parameter} is above {low}").format(parameter=r["parameter"], low=_g(r["low"])))
        else:
            parts.append(_("{parameter} is below {high}").format(parameter=r["parameter"], high=_g(r["high"])))
    return head + formats.punct(";") + " " + _("{coverage} of these failures lie where {conditions} (there, it fails in {density} of "
                           "worlds; {mass} of all worlds).").format(
        coverage=_pct(a["coverage"]), conditions=(" " + _("and") + " ").join(parts), density=_pct(a["density"]),
        mass=_pct(a["mass"]))


def sensitivity_differences(rob_dir: Path) -> tuple[Path, str, pd.DataFrame] | None:
    """The first sensitivity_*.csv of `govsim sensitivity` beside the robustness results (in
    `rob_dir`, its "sensitivity" subdirectory, or a "sensitivity" directory beside it; Sobol'
    before Morris) with rows on the scenario-minus-baseline difference in the ranking metric:
    (file, method, those rows)."""
    found = [(d / f"sensitivity_{m}.csv", m) for m in ("sobol", "morris")
             for d in (rob_dir, rob_dir / "sensitivity", rob_dir.parent / "sensitivity")]
    for f, method in found:
        if not f.is_file():
            continue
        df = pd.read_csv(f)
        df = df[(df["metric"] == RANK_BY) & (df["kind"] == "difference")]
        if not df.empty:
            return f, method, df
    return None


def _sensitivity(rob_dir: Path, data: ReportData) -> dict[str, Any] | None:
    found = sensitivity_differences(rob_dir)
    if found is None:
        return None
    f, method, df = found
    key, conf, what = (("ST", "ST_conf", _("total Sobol' index")) if method == "sobol"
                       else ("mu_star", "mu_star_conf", _("Morris mu* (screening)")))
    top = (df.groupby("parameter")[[key, conf]].max().sort_values(key, ascending=False).head(TOP_PARAMETERS))
    reg = data.registry
    rows = [{"name": p, "doc": (reg.get(p) or {}).get("doc", ""), "value": _g(v[key]),
             "conf": _g(v[conf])} for p, v in top.iterrows()]
    return {"what": what, "file": str(f), "rows": rows}


def section(data: ReportData, rob_dir: Path | None) -> dict[str, Any]:
    """The context of the section (``available`` False: how to compute it)."""
    if rob_dir is None:
        return {"available": False, "dir": "", "rank_label": text.label(RANK_BY).lower()}
    from ..uncertainty import discover, open_robustness, plot_box

    try:
        rob = open_robustness(rob_dir)
    except Exception as e:  # a damaged or incomplete store: the report says so and goes on
        return {"available": False, "dir": str(rob_dir), "error": str(e), "rank_label": text.label(RANK_BY).lower()}
    c = data.catalog
    metrics = [m for m in rob.probability["metric"].unique()]
    metrics = sorted(metrics, key=lambda m: m != RANK_BY)
    prob = rob.probability.set_index(["scenario", "metric"])
    others = rob.compared  # each against its own reference (territory comparisons: the baseline there)
    title = {s: data.title(s) if s in data.scenarios else s for s in rob.scenarios}
    sentences = []
    if RANK_BY in metrics:
        for s in sorted(others, key=lambda s: -prob.loc[(s, RANK_BY), "p_better"]):
            p = prob.loc[(s, RANK_BY)]
            sentences.append(_("{scenario} beats {base} on {metric} in {share} of {n} plausible worlds "
                               "(95% CI {low}–{high}).").format(
                scenario=title[s], base=title[rob.reference(s)], metric=text.label(RANK_BY).lower(),
                share=_pct(p["p_better"]), n=rob.n_worlds, low=_pct(p["ci_low"]), high=_pct(p["ci_high"])))
    table = [{"title": title[s], "name": s,
              "cells": [{"p": _pct(prob.loc[(s, m), "p_better"]),
                         "ci": f"{_pct(prob.loc[(s, m), 'ci_low'])}–{_pct(prob.loc[(s, m), 'ci_high'])}"}
                        for m in metrics]} for s in others]
    ranks = rob.ranks[rob.ranks["metric"] == RANK_BY].set_index("scenario")
    regret = rob.regret[rob.regret["metric"] == RANK_BY].set_index("scenario")
    n = len(ranks)
    rank_rows = [{"title": title[s], "name": s, "shares": [_pct(ranks.loc[s, f"rank_{r}"]) for r in range(1, n + 1)],
                  "mean_rank": f"{formats.num(ranks.loc[s, 'mean_rank'], 2)} ± {formats.num(ranks.loc[s, 'se'], 2)}",
                  "regret": _amount(c, RANK_BY, regret.loc[s, "mean_regret"]),
                  "regret_se": _amount(c, RANK_BY, regret.loc[s, "se"]),
                  "p95": _amount(c, RANK_BY, regret.loc[s, "p95_regret"])}
                 for s in sorted(ranks.index, key=lambda s: ranks.loc[s, "mean_rank"])]
    boxes, found = [], {}
    for s in others:
        box = found[s] = discover(rob, s, RANK_BY)
        chart = None
        if not box.empty:
            ax = plot_box(box)
            ax.set_xlabel(_("share of the plausible range"))
            ax.set_title(_("{scenario} fails on {metric}: coverage {coverage}, density {density}").format(
                scenario=title[s], metric=text.label(RANK_BY).lower(), coverage=_pct(box.attrs.get("coverage")),
                density=_pct(box.attrs.get("density"))), fontsize=9)
            chart = _to_chart(ax.figure, _("PRIM box where {scenario} fails to beat the baseline").format(
                scenario=title[s]))
        boxes.append({"title": title[s], "sentence": _box_sentence(box, title[s], text.label(RANK_BY).lower()),
                      "chart": chart})
    decided = rob.probability[(rob.probability["metric"] == RANK_BY) & rob.probability["share_decided"].notna()]
    return {"available": True, "dir": str(rob_dir), "n_worlds": rob.n_worlds, "runs": rob.runs,
            "runs_each": ngettext("%(num)d run each", "%(num)d runs each", rob.runs) % {"num": rob.runs},
            "n_parameters": len(rob.parameters), "baseline": title[rob.baseline],
            "rank_label": text.label(RANK_BY).lower(), "metrics": [text.label(m) for m in metrics],
            "sentences": sentences, "table": table, "n_ranks": list(range(1, n + 1)), "ranks": rank_rows,
            "decided": _pct(float(decided["share_decided"].mean())) if len(decided) else _("n/a"),
            "decided_known": bool(len(decided)),
            # The summary table's robustness column: P(beat the baseline on the ranking metric).
            "summary": ({s: _("{share} ({low}–{high})").format(
                share=_pct(prob.loc[(s, RANK_BY), "p_better"]), low=_pct(prob.loc[(s, RANK_BY), "ci_low"]),
                high=_pct(prob.loc[(s, RANK_BY), "ci_high"])) for s in others} if RANK_BY in metrics else {}),
            "sensitivity": _sensitivity(Path(rob_dir), data), "boxes": boxes,
            "across": first_screen.build(data, rob, Path(rob_dir), found)}
