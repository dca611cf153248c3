"""The report's section "Which design?": the results of `govsim optimise` (docs/optimisation.md)
in words and charts: the Pareto front of non-take-up against total cost with the seed scenarios
(the search's ``place`` list) and the baseline on the same chart, which levers change along the
front, what each €100k buys along it in adults who no longer give up, whether the search had
converged (hypervolume over evaluations) and whether a target was reached within a budget; under
--robust, each design's share of worlds where it beats the baseline and its regret across them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import matplotlib.pyplot as plt

from .. import _core
from ..optimisation.evaluation import replicates_of
from ..optimisation.optimiser import cost_metric
from ..optimisation.placed import PLACED_DIR
from ..results import open_results
from . import formats, text
from .charts import Chart, _to_chart
from .i18n import _, ngettext
from .load import ReportInputError, scenario_title

__all__ = ["across_worlds", "find_dir", "section"]

RANK_BY = "non_recours_rate"


def find_dir(results_dir: Path, optimise: str | Path | None) -> Path | None:
    """The optimise output: ``optimise`` if given, else RESULTS_DIR itself or RESULTS_DIR/optimise
    when it holds one (``optimise.json`` and ``pareto.csv``)."""
    if optimise is not None:
        p = Path(optimise)
        if not ((p / "optimise.json").is_file() and (p / "pareto.csv").is_file()):
            raise ReportInputError(f"{p}: no optimise results (expected the --out directory of govsim optimise)")
        return p
    for p in (Path(results_dir), Path(results_dir) / "optimise"):
        if (p / "optimise.json").is_file() and (p / "pareto.csv").is_file():
            return p
    return None


def across_worlds(opt: Path) -> bool:
    """Whether an optimise output ran its designs across worlds (--robust) instead of replicates."""
    try:
        return bool(json.loads((opt / "optimise.json").read_text(encoding="utf-8")).get("robust"))
    except (OSError, ValueError):
        return False


def _titles(store: Path) -> dict[str, str]:
    """Scenario titles of a results store in the report's language (a store across worlds, of
    --robust, holds each scenario once per world: its config's scenarios)."""
    if not (store / "results.sqlite").is_file():
        return {}
    res = open_results(store)
    if "design" in res.config:
        return {str(i["name"]): scenario_title(i, str(i["name"])) for i in res.config.get("scenarios", [])}
    return {s: scenario_title(i, s) for s, i in res.scenario_info.items()}


def _per_run(store: Path, metric: str, cost: str) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Scenarios of a store, metric[s, r], cost[s, r] and adults[r] (the baseline's population)."""
    res = open_results(store)
    rep = replicates_of(res, len(res.scenarios), max(res.replicates(res.scenarios[0])) + 1)
    adults = res.commune_values(res.scenarios[0])[:, :, 0].sum(axis=1)
    return res.scenarios, rep.column(metric), rep.column(cost), adults


def _marginal(opt: Path, front: pd.DataFrame, summary: dict[str, Any], cost: str) -> list[dict[str, Any]]:
    """Adults who no longer give up per €100k, between consecutive designs of the front by cost
    (paired replicates of the final re-evaluation: ratio of paired means, t-interval). Not across
    worlds (--robust: its final store holds one run per world, without per-commune values)."""
    cands = summary.get("final_candidates") or []
    if summary.get("robust") or len(front) < 2 or not (opt / "final" / "results.sqlite").is_file() or not cands:
        return []
    scen, nr, cs, adults = _per_run(opt / "final", RANK_BY, cost)
    index = {name: scen.index(f"candidate-{k:03d}") for k, name in enumerate(cands) if f"candidate-{k:03d}" in scen}
    order = front.sort_values(cost)["design"].tolist()
    rows = []
    for a, b in zip(order, order[1:]):
        if a not in index or b not in index:
            continue
        ia, ib = index[a], index[b]
        ok = np.isfinite(nr[ia]) & np.isfinite(nr[ib]) & np.isfinite(adults)
        gain = ((nr[ia] - nr[ib]) * adults)[ok]
        extra = ((cs[ib] - cs[ia]) / 1e5)[ok]
        ratio, lo, hi = _core.ratio_of_paired_means(gain.tolist(), extra.tolist())
        rows.append({"from": a, "to": b, "extra": formats.fmt_eur(float(extra.mean() * 1e5), signed=True),
                     "value": formats.fmt_people(ratio), "low": formats.fmt_people(lo), "high": formats.fmt_people(hi)})
    return rows


def _chart(front: pd.DataFrame, placed: pd.DataFrame | None, titles: dict[str, str], baseline: dict[str, float],
           cost: str) -> Chart:
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    f = front.sort_values(cost)
    x = f[cost] / 1e6
    y = f[RANK_BY] * 100
    ax.errorbar(x, y, yerr=[y - f[f"{RANK_BY}_ci_low"] * 100, f[f"{RANK_BY}_ci_high"] * 100 - y], fmt="o-",
                color="#1f5fa8", capsize=3, label=_("designs on the front (95% CI)"))
    ax.plot([baseline[cost] / 1e6], [baseline[RANK_BY] * 100], marker="*", markersize=14, color="black",
            linestyle="none", label=_("baseline"))
    if placed is not None and len(placed):
        ax.errorbar(placed[cost] / 1e6, placed[RANK_BY] * 100,
                    yerr=[(placed[RANK_BY] - placed[f"{RANK_BY}_ci_low"]) * 100,
                          (placed[f"{RANK_BY}_ci_high"] - placed[RANK_BY]) * 100],
                    fmt="s", color="#c0392b", capsize=2, label=_("seed scenarios as configured (95% CI)"))
        for k, (_i, r) in enumerate(placed.iterrows(), start=1):
            ax.annotate(str(k), (r[cost] / 1e6, r[RANK_BY] * 100), textcoords="offset points", xytext=(5, 4 if k % 2 else -11),
                        fontsize=9, color="#c0392b")
    ax.set_xlabel(_("Total cost (M€ over the run)"))
    ax.set_ylabel(_("Non-take-up (% of needs)"))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    return _to_chart(fig, _("Pareto front of non-take-up against total cost, with the baseline and the seed scenarios"))


def _hv_chart(hv: pd.DataFrame) -> Chart | None:
    if len(hv) < 2:
        return None
    fig, ax = plt.subplots(figsize=(5.5, 2.6))
    ax.plot(hv["evaluations"], hv["hypervolume"], color="#1f5fa8")
    ax.set_xlabel(_("Designs evaluated"))
    ax.set_ylabel(_("Hypervolume"))
    ax.grid(alpha=0.3)
    return _to_chart(fig, _("Hypervolume of the front over the designs evaluated"))


def _levers(front: pd.DataFrame, summary: dict[str, Any], cost: str) -> tuple[list[str], list[str], list[list[str]]]:
    """(levers that change along the front, constant levers "name = value", rows by cost)."""
    names = [n for n in summary.get("levers", []) if n in front.columns]
    varying = [n for n in names if front[n].astype(str).nunique() > 1]
    constant = [f"{n} = {formats.fmt_param(front[n].iloc[0])}" for n in names if n not in varying]
    rows = [[str(r["design"])] + [formats.fmt_param(r[n]) for n in varying]
            for _i, r in front.sort_values(cost).iterrows()]
    return varying, constant, rows


def section(data: Any, opt: Path | None) -> dict[str, Any]:
    """The section's content (``available`` False without optimise results)."""
    if opt is None:
        return {"available": False}
    try:
        summary = json.loads((opt / "optimise.json").read_text(encoding="utf-8"))
        front = pd.read_csv(opt / "pareto.csv")
        hv = pd.read_csv(opt / "hypervolume.csv") if (opt / "hypervolume.csv").is_file() else pd.DataFrame()
        placed = pd.read_csv(opt / "placed.csv") if (opt / "placed.csv").is_file() else None
    except (OSError, ValueError, KeyError) as e:
        return {"available": False, "dir": str(opt), "error": str(e)}
    cost = cost_metric()
    c = data.catalog if data is not None else None
    baseline = dict(summary["baseline"])  # the search's replicates; the front's below
    if len(front):  # the baseline at the final replicates (the paired difference's other end)
        r0 = front.iloc[0]
        baseline.update({m: float(r0[m] - r0[f"{m}_diff"]) for m in (RANK_BY, cost)})
    titles = _titles(opt / PLACED_DIR)
    varying, constant, lever_rows = _levers(front, summary, cost)
    out: dict[str, Any] = {"available": True, "dir": str(opt), "evaluations": summary["evaluations"],
                           "runs": summary["runs"], "final_runs": summary["final_runs"],
                           "n_levers": len(summary.get("levers", [])), "n_front": len(front),
                           "optimiser": summary.get("optimiser", ""),
                           "chart": _chart(front, placed, titles, baseline, cost) if len(front) else None,
                           "hv_chart": _hv_chart(hv), "varying": varying, "constant": constant,
                           "lever_rows": lever_rows, "marginal": _marginal(opt, front, summary, cost)}
    out["front_rows"] = [{"design": r["design"],
                          "nr": _nr(r[RANK_BY]),
                          "nr_ci": (_nr(r[f"{RANK_BY}_ci_low"]),
                                    _nr(r[f"{RANK_BY}_ci_high"])),
                          "diff": formats.fmt_diff(c, RANK_BY, r[f"{RANK_BY}_diff"]),
                          "cost": formats.fmt_eur(r[cost]), "extra": formats.fmt_eur(r[f"{cost}_diff"], signed=True)}
                         for _i, r in front.sort_values(cost).iterrows()]
    out["baseline_nr"] = _nr(baseline[RANK_BY])
    out["baseline_cost"] = formats.fmt_eur(baseline[cost])
    if placed is not None:
        out["placed_rows"] = [{"k": k, "title": titles.get(r["scenario"], r["title"]),
                               "nr": _nr(r[RANK_BY]),
                               "diff": formats.fmt_diff(c, RANK_BY, r[f"{RANK_BY}_diff"]),
                               "cost": formats.fmt_eur(r[cost]), "extra": formats.fmt_eur(r[f"{cost}_diff"], signed=True),
                               "beaten_by": r["beaten_by"] if isinstance(r["beaten_by"], str) else ""}
                              for k, (_i, r) in enumerate(placed.iterrows(), start=1)]
        beaten = sum(1 for r in out["placed_rows"] if r["beaten_by"])
        out["placed_sentence"] = ngettext(
            "{k} of the {n} seed scenarios is beaten beyond its interval on both objectives by a design of the front.",
            "{k} of the {n} seed scenarios are beaten beyond their interval on both objectives by a design of the front.",
            beaten).format(k=beaten, n=len(placed))
    if summary.get("robust"):
        out["robust"] = _robust(c, front, summary, cost)
    reach = summary.get("reach")
    if reach:
        out["reach"] = _reach_sentence(c, reach)
    last = hv["hypervolume"].to_numpy() if len(hv) else np.array([])
    if len(last) >= 4:
        half = last[len(last) // 2 - 1]
        gain = (last[-1] - half) / last[-1] if last[-1] > 0 else float("nan")
        out["convergence"] = _("The hypervolume grew by {pct} over the second half of the search: {verdict}").format(
            pct=formats.pct(gain, 1), verdict=_("more evaluations would add little.") if gain < 0.02
            else _("more evaluations may still improve the front."))
    return out


def _robust(c: Any, front: pd.DataFrame, summary: dict[str, Any], cost: str) -> dict[str, Any]:
    """Under --robust: each design's share of worlds where it beats the baseline, and per
    objective its largest and 90th-percentile regret over the worlds (pareto.csv)."""
    objectives = [str(o["metric"]) for o in summary.get("objectives", [])
                  if f"{o['metric']}_regret_max" in front.columns]
    plausible = (summary.get("robust") or {}).get("worlds") == "plausible"
    first = str(summary["objectives"][0]["metric"])
    rows = [{"design": r["design"], "p": formats.pct(r["p_beats_baseline"], 0),
             "p_ci": (formats.pct(r["p_beats_baseline_ci_low"], 0), formats.pct(r["p_beats_baseline_ci_high"], 0)),
             "regrets": [(formats.fmt_diff(c, m, r[f"{m}_regret_max"]), formats.fmt_diff(c, m, r[f"{m}_regret_p90"]))
                         for m in objectives]}
            for _i, r in (front.sort_values(cost) if "p_beats_baseline" in front.columns
                          else front.iloc[:0]).iterrows()]
    return {"title": _("Across the plausible worlds") if plausible else _("Across worlds drawn from the prior"),
            "sentence": _("Each design ran in the same {n} worlds as the baseline, one run per world. In each "
                          "world, a design's regret on an objective is how much worse it does there than the best "
                          "of the baseline and the feasible designs run again for the front; the table gives its "
                          "largest "
                          "regret over the worlds, its 90th percentile, and the share of worlds where the design "
                          "beats the baseline on {metric} (95% interval).").format(
                n=summary["final_runs"], metric=text.label(first).lower()),
            "objectives": [text.label(m) for m in objectives], "rows": rows}


def _nr(x: float) -> str:
    """Non-take-up with two decimals: designs on a front differ by tenths of a point."""
    return formats.pct(x, 2) if formats.finite(x) else _("n/a")


def _reach_sentence(c: Any, reach: dict[str, Any]) -> str:
    metric = reach["metric"]
    target = formats.fmt_value(c, metric, reach["target"])
    budget = formats.fmt_eur(reach["budget"]) if reach.get("budget") is not None else _("no budget limit")
    if reach.get("reached"):
        best = reach["cheapest"][0]
        return _("Target {target} within {budget}: reached; the cheapest design that reaches it ({design}) "
                 "costs {cost}.").format(target=target, budget=budget, design=best["design"],
                                         cost=formats.fmt_eur(best[reach["cost_metric"]]))
    close = reach.get("closest")
    if close:
        return _("Target {target} within {budget}: not reached; the closest design within budget ({design}) "
                 "gives {value}.").format(target=target, budget=budget, design=close["design"],
                                          value=formats.fmt_value(c, metric, close[metric]))
    return _("Target {target} within {budget}: not reached by any evaluated design.").format(target=target,
                                                                                              budget=budget)
