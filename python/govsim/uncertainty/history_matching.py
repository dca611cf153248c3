"""History matching: the worlds of the uncertainty space consistent with the observations.

Waves of points of the space run the config's baseline (the status quo) at reduced scale, a
few replicates each; every point is scored against every fit target by its implausibility

    I = |observed - simulated mean| / sqrt(V_obs + V_ens / runs + V_md)

(V_obs the observation variance, read from the target's tolerance as a 95% band; V_ens the
variance of the replicates; V_md the model discrepancy), and a point is kept when its largest
I is at most the cut-off (3). Wave k + 1 draws its points from the prior restricted to the
bounding box (in quantile coordinates, widened by a margin) of wave k's survivors: the box is a
sampling device; a point is plausible only when its own runs pass, and with fewer than 10
survivors the next wave keeps the current box. No emulator: every point is
simulated (Andrianakis et al. 2015 fit emulators because their model was too costly; the
status quo at 10% of adults is a few seconds). Held-out targets never decide; they are
reported on the surviving worlds. docs/uncertainty.md, "Plausible worlds".
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._core import ConfigError
from ..calibration.evaluation import _config_doc, replicate_values
from ..calibration.targets import Target, TargetSet, load_target_files
from .uncertainty_space import design_values, sample, space

# The activity of 2023 and the level of non-take-up per adult (INSEE 2021, on Charente). The
# 2019-2021 trend (data/targets/trend-2021.json) is left out by default: its national territory
# takes ~19 s to build for each world (docs/uncertainty.md, Plausible worlds).
DEFAULT_TARGET_FILES = ("data/targets/activity-2023.json", "data/targets/non-take-up-2021.json")
CUTOFF = 3.0
MARGIN = 0.1  # the next wave's box: survivors' range widened by this share of it on each side
MIN_BOX = 10  # fewer survivors than this: the next wave keeps the current box (a handful of points
# would draw a box far narrower than the region they come from)


@dataclass
class Worlds:
    """Result of :func:`history_match`: the plausible worlds and how they were found."""

    parameters: list[str]
    """The varied parameters (columns of ``worlds``)."""
    worlds: pd.DataFrame
    """The plausible worlds: one row per world (world, then parameter values, then max_implausibility)."""
    waves: pd.DataFrame
    """Per wave and fit target: sampled, survived (all targets), share of points ruled out by
    this target, the smallest, median and largest implausibility."""
    ranges: pd.DataFrame
    """Per parameter: prior range and its 5-95% range, the surviving worlds' 5-95% range and
    their ratio (1 = not narrowed)."""
    holdout: pd.DataFrame
    """Per held-out target: observed, tolerance and the surviving worlds' simulated 5%, median
    and 95%, and the share of worlds within tolerance."""
    implausibility: pd.DataFrame
    """Every scored point: wave, point, target, observed, simulated mean, replicate sd, I."""
    settings: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """A plain-text account: waves, narrowed ranges, held-out targets."""
        s = self.settings
        lines = [f"History matching of {Path(str(s.get('config'))).name} ({s.get('territory')}): {len(self.parameters)} parameters, "
                 f"{len(s.get('fit_targets', []))} fit targets, cut-off I <= {s.get('cutoff')}, "
                 f"{s.get('runs')} runs per world at {s.get('population_scale')} of adults"]
        for w, g in self.waves.groupby("wave", sort=True):
            worst = g.sort_values("share_ruled_out", ascending=False).iloc[0]
            lines.append(f"  wave {w}: {int(g['sampled'].iloc[0])} worlds sampled, {int(g['survived'].iloc[0])} "
                         f"plausible; the target ruling out most: {worst['target']} "
                         f"({worst['share_ruled_out']:.0%} of the worlds)")
        lines.append(f"{len(self.worlds)} plausible worlds.")
        nar = self.ranges.sort_values("width_ratio").head(5)
        if len(nar):
            lines.append("Most narrowed (5-95% range, prior -> plausible)" + (
                ":" if len(self.worlds) >= 30 else f"; with {len(self.worlds)} worlds such narrowing can be chance alone:"))
            for _, r in nar.iterrows():
                lines.append(f"  {r['parameter']:48s} [{r['prior_p05']:.4g}, {r['prior_p95']:.4g}] -> "
                             f"[{r['plausible_p05']:.4g}, {r['plausible_p95']:.4g}] ({r['width_ratio']:.0%})")
        if len(self.holdout):
            lines.append("Held-out targets on the plausible worlds (never used to keep them):")
            for _, r in self.holdout.iterrows():
                lines.append(f"  {r['target']}: observed {r['observed']:.4g} ± {r['tolerance']:.4g}; simulated "
                             f"{r['simulated_p05']:.4g} to {r['simulated_p95']:.4g} (median {r['simulated_median']:.4g}); "
                             f"within tolerance in {r['share_within']:.0%} of the worlds")
        return "\n".join(lines)


def implausibility(observed: float, tolerance: float, values: Sequence[float], discrepancy: float) -> float:
    """I of one target at one point: the tolerance read as a 95% band (sd = tolerance / 2), the
    variance of the replicate mean (0 with one replicate) and a model discrepancy whose sd is
    ``discrepancy`` x |observed|."""
    v = np.asarray(values, dtype=float)
    runs = len(v)
    v_ens = float(v.var(ddof=1)) / runs if runs > 1 else 0.0
    denom = math.sqrt((tolerance / 2.0) ** 2 + v_ens + (discrepancy * abs(observed)) ** 2)
    return abs(observed - float(v.mean())) / denom


def _value_overrides(row: pd.Series, integer: set[str]) -> dict[str, Any]:
    return {k: (int(round(v)) if k in integer else float(v)) for k, v in row.items()}


def _score(config: str, ts: TargetSet, chosen: Sequence[Target], values: pd.DataFrame, integer: set[str],
           runs: int, threads: int, base: dict[str, Any], discrepancy: float, wave: int,
           tick: Callable[[], None]) -> pd.DataFrame:
    rows = []
    for k in range(len(values)):
        sims = replicate_values(config, ts, _value_overrides(values.iloc[k], integer), runs, threads, chosen, base)
        for t in chosen:
            v = sims[t.name]
            rows.append({"wave": wave, "point": k, "target": t.name, "role": t.role, "observed": t.value,
                         "tolerance": t.tolerance, "simulated": float(np.mean(v)),
                         "replicate_sd": float(np.std(v, ddof=1)) if len(v) > 1 else float("nan"),
                         "implausibility": implausibility(t.value, t.tolerance, v, discrepancy)})
        tick()
    return pd.DataFrame(rows)


def _box(unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = unit.min(axis=0), unit.max(axis=0)
    pad = MARGIN * (hi - lo)
    return np.clip(lo - pad, 0.0, 1.0), np.clip(hi + pad, 0.0, 1.0)


def history_match(config: str | os.PathLike[str], targets: Sequence[str] | None = None, samples: int = 64,
                  waves: int = 2, runs: int = 2, method: str = "lhs", cutoff: float = CUTOFF,
                  discrepancy: float = 0.1, parameters: Sequence[str] | None = None, seed: int | None = None,
                  population_scale: float = 0.1, threads: int = 0, progress: bool = False) -> Worlds:
    """The worlds of the uncertainty space whose status quo reproduces every fit target.

    ``targets``: targets files (default: the activity of 2023 and the non-take-up per adult,
    DEFAULT_TARGET_FILES); only targets of role "fit" decide, held-out ones are reported on the survivors. ``samples`` points per wave
    (``method`` "lhs" or "sobol"), ``waves`` waves, ``runs`` replicates per point, the config's
    baseline at ``population_scale`` of adults (a target file's own scale for its territory wins).
    """
    if method not in ("lhs", "sobol"):
        raise ConfigError(f"method: expected \"lhs\" or \"sobol\", got {method!r}")
    for name, v, least in (("samples", samples, 2), ("waves", waves, 1), ("runs", runs, 1)):
        if int(v) < least:
            raise ConfigError(f"--{name}: expected an integer >= {least}, got {v}")
    if not (cutoff > 0 and discrepancy >= 0 and 0 < population_scale <= 1):
        raise ConfigError(f"--cutoff/--discrepancy/--scale: expected cutoff > 0, discrepancy >= 0 and 0 < scale <= 1, "
                          f"got {cutoff}/{discrepancy}/{population_scale}")
    files = [str(f) for f in targets] if targets else list(DEFAULT_TARGET_FILES)
    ts = load_target_files(files)
    fit = [t for t in ts.targets if t.role == "fit"]
    held = [t for t in ts.targets if t.role == "holdout"]
    if not fit:
        raise ConfigError(f"{ts.file}: at /targets: expected at least one target of role \"fit\", got none")
    doc = _config_doc(config)[0]
    names = list(space(parameters if parameters is not None else "assumptions")["name"])
    integer = {d["name"] for d in _core.parameters() if d["type"] == "integer"}
    s = int(doc.get("experiment", {}).get("seed", 1) if seed is None else seed)
    base = {"sim.population_scale": min(float(population_scale),
                                        float(doc.get("parameters", {}).get("sim.population_scale", 1.0)))}
    total = samples * waves
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="govsim worlds", unit="world")
    tick = (lambda: bar.update(1)) if bar is not None else (lambda: None)
    lo, hi = np.zeros(len(names)), np.ones(len(names))
    scored, wave_rows = [], []
    unit = values = keep = None
    started = time.time()
    try:
        for w in range(1, waves + 1):
            unit = lo + (hi - lo) * sample(names, method, samples, s + w - 1)
            values = design_values(names, unit)
            sc = _score(str(config), ts, fit, values, integer, runs, threads, base, discrepancy, w, tick)
            scored.append(sc)
            imp = sc.pivot(index="point", columns="target", values="implausibility").reindex(range(samples))
            keep = (imp.max(axis=1) <= cutoff).to_numpy()
            for t in fit:
                col = imp[t.name]
                wave_rows.append({"wave": w, "target": t.name, "sampled": samples, "survived": int(keep.sum()),
                                  "share_ruled_out": float((col > cutoff).mean()), "min_implausibility": float(col.min()),
                                  "median_implausibility": float(col.median()), "max_implausibility": float(col.max())})
            if not keep.any() or w == waves:
                break
            if keep.sum() >= MIN_BOX:
                lo, hi = _box(unit[keep])
    finally:
        if bar is not None:
            bar.close()
    imp_all = pd.concat(scored, ignore_index=True)
    last = imp_all[imp_all["wave"] == imp_all["wave"].max()]
    imax = last.groupby("point")["implausibility"].max().reindex(range(samples)).to_numpy()
    plausible = values[keep].reset_index(drop=True)
    worlds = plausible.copy()
    worlds.insert(0, "world", np.arange(len(worlds)))
    worlds["max_implausibility"] = imax[keep]
    ranges = _ranges(names, unit[keep] if keep.any() else np.empty((0, len(names))))
    hold = _holdout(str(config), ts, held, plausible, integer, runs, threads, base, discrepancy)
    settings = {"config": str(config), "territory": doc.get("territory"), "targets_files": files,
                "fit_targets": [t.name for t in fit], "held_out_targets": [t.name for t in held],
                "samples_per_wave": samples, "waves_run": int(imp_all["wave"].max()), "waves": waves, "runs": runs,
                "method": method, "cutoff": cutoff, "discrepancy": discrepancy, "seed": s,
                "population_scale": base["sim.population_scale"], "margin": MARGIN,
                "seconds": round(time.time() - started, 1)}
    if len(hold.get("frame", [])):
        imp_all = pd.concat([imp_all, hold["frame"]], ignore_index=True)
    return Worlds(parameters=names, worlds=worlds, waves=pd.DataFrame(wave_rows), ranges=ranges,
                  holdout=hold["table"], implausibility=imp_all, settings=settings)


def _ranges(names: list[str], unit: np.ndarray) -> pd.DataFrame:
    sp = space(names).set_index("name")
    prior = design_values(names, np.array([[0.05] * len(names), [0.95] * len(names)]))
    rows = []
    for j, n in enumerate(names):
        if len(unit):
            q = design_values(names, np.quantile(unit, [0.05, 0.95], axis=0))[n]
            p05, p95 = float(q.iloc[0]), float(q.iloc[1])
        else:
            p05 = p95 = float("nan")
        width = float(prior[n].iloc[1] - prior[n].iloc[0])
        rows.append({"parameter": n, "distribution": sp.loc[n, "distribution"], "prior_low": sp.loc[n, "low"],
                     "prior_high": sp.loc[n, "high"], "prior_p05": float(prior[n].iloc[0]),
                     "prior_p95": float(prior[n].iloc[1]), "plausible_p05": p05, "plausible_p95": p95,
                     "width_ratio": (p95 - p05) / width if width > 0 else float("nan")})
    return pd.DataFrame(rows)


def _holdout(config: str, ts: TargetSet, held: list[Target], plausible: pd.DataFrame, integer: set[str], runs: int,
             threads: int, base: dict[str, Any], discrepancy: float) -> dict[str, Any]:
    cols = ["target", "observed", "tolerance", "simulated_p05", "simulated_median", "simulated_p95", "share_within"]
    if not held or plausible.empty:
        return {"table": pd.DataFrame(columns=cols), "frame": pd.DataFrame()}
    frame = _score(config, ts, held, plausible, integer, runs, threads, base, discrepancy, 0, lambda: None)
    frame["wave"] = "holdout"
    rows = []
    for t in held:
        sim = frame.loc[frame["target"] == t.name, "simulated"].to_numpy()
        rows.append({"target": t.name, "observed": t.value, "tolerance": t.tolerance,
                     "simulated_p05": float(np.quantile(sim, 0.05)), "simulated_median": float(np.median(sim)),
                     "simulated_p95": float(np.quantile(sim, 0.95)),
                     "share_within": float((np.abs(sim - t.value) <= t.tolerance).mean())})
    return {"table": pd.DataFrame(rows, columns=cols), "frame": frame}


def write_worlds(result: Worlds, out: str | os.PathLike[str], command: str = "") -> Path:
    """worlds.csv, waves.csv, ranges.csv, holdout.csv, implausibility.csv and provenance.json in ``out``."""
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    for name, df in (("worlds", result.worlds), ("waves", result.waves), ("ranges", result.ranges),
                     ("holdout", result.holdout), ("implausibility", result.implausibility)):
        tmp = d / f"{name}.csv.tmp"
        df.to_csv(tmp, index=False)
        tmp.replace(d / f"{name}.csv")
    prov = {"command": command, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "govsim_version": _core.__version__, "git_commit": _core.git_commit, "n_worlds": len(result.worlds),
            **result.settings}
    (d / "provenance.json").write_text(json.dumps(prov, indent=1) + "\n", encoding="utf-8")
    return d
