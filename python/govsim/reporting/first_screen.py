"""The report's first screen across the worlds: for each scenario and the primary outcome, the
effect with its Monte Carlo interval, its plausible range across the worlds of a robustness run
(5th-95th percentile of the paired difference), the share of worlds where it beats its reference
with its interval, and the assumptions it hangs on (sensitivity beside the run, else the rank
screening of the run's own worlds, else the PRIM box of its failures, else why none is named), in
sentences a rapporteur can quote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import formats, text
from .i18n import _
from .load import ReportData
from ..uncertainty import world_screening

__all__ = ["build"]

RANK_BY = "non_recours_rate"
MOST = 3  # assumptions named per scenario


def _sensitivity_top(rob_dir: Path) -> dict[str, list[str]]:
    """Per scenario, the assumptions with the largest index on its difference from the baseline
    in the ranking metric (the sensitivity results the robustness section reads)."""
    from .robustness import sensitivity_differences

    found = sensitivity_differences(rob_dir)
    if found is None:
        return {}
    _f, method, df = found
    key = "ST" if method == "sobol" else "mu_star"
    return {s: list(g.sort_values(key, ascending=False)["parameter"].head(MOST)) for s, g in df.groupby("scenario")}


def _shown(path: str) -> str:
    """A worlds file as the report shows it: from data/worlds/ on when it is a shipped set (no
    absolute path of the machine that ran it), else its directory's name."""
    p = Path(path).parent.as_posix()
    return p[p.index("data/worlds/"):] if "data/worlds/" in p else Path(p).name


def _source(rob: Any) -> str:
    src = rob.extra.get("worlds")
    if src == "plausible":
        return _("The {n} worlds are plausible worlds: points of the uncertainty space whose status quo reproduces "
                 "the observed activity (history matching, govsim worlds; {file}).").format(
            n=rob.n_worlds, file=_shown(str(rob.extra.get("file", ""))))
    if src == "prior":
        return _("The {n} worlds are drawn from the whole uncertainty space (the prior): no observation has "
                 "filtered them, so their range is wider than what the data allow.").format(n=rob.n_worlds)
    return _("Where the {n} worlds come from was not recorded with the robustness results.").format(n=rob.n_worlds)


def _screened(screen: pd.DataFrame) -> str:
    """The named assumptions of a rank screening, each with the side on which the difference is
    more favourable and its rank correlation."""
    items = []
    for _i, r in screen[screen["named"]].head(MOST).iterrows():
        pattern = (_("{parameter} is high (rank correlation {rho})") if r["rho"] > 0
                   else _("{parameter} is low (rank correlation {rho})"))
        items.append(pattern.format(parameter=r["parameter"], rho=formats.num(r["rho"], 2)))
    return (" " + _("and") + " ").join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def _hangs_sentence(rob: Any, s: str, base: str, top: list[str], box: pd.DataFrame | None) -> str:
    """What the scenario's effect hangs on: a sensitivity analysis beside the run, else the rank
    screening of its worlds (govsim.uncertainty.world_screening), else the PRIM box of its failures."""
    if top:
        return _("Its size hangs mostly on {assumptions} (sensitivity analysis).").format(assumptions=", ".join(top))
    screen = rob.hangs_on(s, RANK_BY)
    a = screen.attrs
    if screen["named"].any():
        return _("Across these {n} worlds (indicative), its difference from {base} is more favourable when "
                 "{assumptions}: correlations significant at {level} once the {p} assumptions that can act on it "
                 "are allowed for.").format(
            n=a["n_worlds"], base=base, assumptions=_screened(screen), p=a["n_parameters"],
            level=formats.pct(world_screening.ALPHA, 0))
    if box is not None and not box.empty:
        return _("It fails to beat {base} mostly within particular ranges of {assumptions} (scenario discovery on "
                 "these worlds).").format(base=base, assumptions=", ".join(list(box["parameter"].head(MOST))))
    if a["too_few"]:
        return _("Which assumptions it hangs on was not analysed: {n} worlds are too few to tell (at least {k} "
                 "are needed), and no sensitivity analysis lies beside these results.").format(
            n=a["n_worlds"], k=world_screening.MIN_WORLDS)
    if screen.empty:
        return _("Which assumptions it hangs on was not analysed: its difference does not vary across these worlds, "
                 "and no sensitivity analysis lies beside these results.")
    top_row = screen.iloc[0]
    return _("No assumption stands out across these {n} worlds: no rank correlation with its difference is "
             "significant once the {p} assumptions that can act on it are allowed for (the strongest, "
             "for {parameter}, is {rho}; indicative).").format(
        n=a["n_worlds"], p=a["n_parameters"], parameter=top_row["parameter"], rho=formats.num(top_row["rho"], 2))


def build(data: ReportData, rob: Any, rob_dir: Path, boxes: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The context of the first screen's block across the worlds (``rows`` empty when the ranking
    metric is missing from the robustness run); ``boxes``: each scenario's PRIM box on it."""
    c = data.catalog
    label = text.label(RANK_BY).lower()
    prob = rob.probability[rob.probability["metric"] == RANK_BY].set_index("scenario")
    top = _sensitivity_top(rob_dir)
    rows = []
    for s in rob.compared:
        ref = rob.reference(s)
        col, ref_col = f"{RANK_BY}|{s}", f"{RANK_BY}|{ref}"
        if col not in rob.worlds or s not in prob.index:
            continue
        title, base = data.title(s) if s in data.scenarios else s, data.title(ref) if ref in data.scenarios else ref
        parts = []
        r = data.pair.get((s, RANK_BY))
        if r is not None and formats.finite(r.mean_diff):
            parts.append(_("{scenario}: {effect} on {metric} against {base} (95% CI {low} to {high}, Monte Carlo "
                           "error over {n} replicates with our assumptions).").format(
                scenario=title, effect=formats.fmt_diff(c, RANK_BY, r.mean_diff), metric=label, base=base,
                low=formats.fmt_diff(c, RANK_BY, r.ci_low), high=formats.fmt_diff(c, RANK_BY, r.ci_high),
                n=data.n_runs))
        else:
            parts.append(_("{scenario}: no Monte Carlo estimate of its effect in these results.").format(scenario=title))
        diff = (rob.worlds[col] - rob.worlds[ref_col]).to_numpy(dtype=float)
        p05, p95 = np.quantile(diff, [0.05, 0.95])
        p = prob.loc[s]
        parts.append(_("Across {k} worlds its difference ranges from {p05} to {p95} (5th to 95th percentile) and it "
                       "beats {base} in {share} of them (95% CI {plow} to {phigh}).").format(
            k=rob.n_worlds, p05=formats.fmt_diff(c, RANK_BY, p05), p95=formats.fmt_diff(c, RANK_BY, p95), base=base,
            share=formats.pct(p["p_better"], 0), plow=formats.pct(p["ci_low"], 0), phigh=formats.pct(p["ci_high"], 0)))
        parts.append(_hangs_sentence(rob, s, base, top.get(s) or [], boxes.get(s)))
        rows.append({"name": s, "title": title, "sentence": " ".join(parts)})
    return {"source": _source(rob), "rows": rows, "n_worlds": rob.n_worlds, "runs": rob.runs}
