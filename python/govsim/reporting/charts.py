"""The report's charts: matplotlib figures returned as inline PNG data URIs (each figure is closed once
saved, so nothing is shown; the backend is left as the caller has it, e.g. inline in Jupyter)."""

from __future__ import annotations

import base64
import io
import math
import textwrap
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

import matplotlib.pyplot as plt  # noqa: E402

from . import formats, text  # noqa: E402
from .i18n import N_, _  # noqa: E402
from .load import ReportData  # noqa: E402

__all__ = ["Chart", "timeseries", "timeseries_charts", "equity", "costs", "colors", "territory_map", "outcome_map", "map_scenario",
           "response_surface"]

# Weekly flows, shown as 4-week moving averages.
ROLLING = {"sessions", "unserved_requests"}
# Subgroup series drawn beside the overall ones.
EXTRA_SERIES = ["non_recours_rate@density:rural", "non_recours_rate@density:urban"]


@dataclass
class Chart:
    src: str  # data:image/png;base64,...
    alt: str
    values: pd.DataFrame | None = None  # what was drawn: a map's communes, the curves of the time series


def _localize_ticks(fig: plt.Figure) -> None:
    """Numeric tick labels in the report's language (decimal comma, narrow-space thousands)."""
    from matplotlib.ticker import FuncFormatter, ScalarFormatter

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not isinstance(axis.get_major_formatter(), ScalarFormatter):
                continue  # category labels, already words
            locs = [v for v in axis.get_majorticklocs() if np.isfinite(v)]
            step = min((abs(b - a) for a, b in zip(locs, locs[1:]) if b != a), default=1.0)
            digits = 0 if step >= 1 else min(4, int(math.ceil(-math.log10(step))))
            axis.set_major_formatter(FuncFormatter(lambda v, _pos, d=digits: formats.num(v, d)))


def _to_chart(fig: plt.Figure, alt: str) -> Chart:
    _localize_ticks(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return Chart("data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii"), alt)


def colors(data: ReportData) -> dict[str, tuple]:
    return {s: plt.get_cmap("tab10")(i % 10) for i, s in enumerate(data.scenarios)}


def plotted_series(data: ReportData) -> list[str]:
    return [n for n in data.series_names if "@" not in n] + [n for n in EXTRA_SERIES if n in data.series_names]


def _is_large(arrays: list[np.ndarray]) -> bool:
    """Whether euro values are large enough to draw in millions (totals), not as they are (a cost
    per session or per need, tens of euros)."""
    vals = [np.nanmax(np.abs(a[np.isfinite(a)])) for a in arrays if np.isfinite(a).any()]
    return bool(vals) and max(vals) >= 1e5


def _wrap(label: str, width: int = 60) -> str:
    """A chart title or colour-bar label on lines of at most ``width`` characters, so that a long
    scenario title or a French label is not cut at the figure's edge."""
    return textwrap.fill(label, width=width, break_long_words=False)


# Series per time-series figure: four rows of two, so that each figure fits on an A4 page of
# the PDF (one tall figure of every series was cut across pages).
SERIES_PER_CHART = 8


def _present_series(data: ReportData) -> list[str]:
    # A series with no value at all (e.g. urban non-recours on a territory without an urban commune)
    # is left out rather than drawn as a flat line.
    return [k for k in plotted_series(data) if any(np.isfinite(data.series(k, s)).any() for s in data.main_scenarios)]


def timeseries_charts(data: ReportData, per_chart: int = SERIES_PER_CHART) -> list[Chart]:
    """The weekly series as figures of at most ``per_chart`` series each, every one with its legend."""
    present = _present_series(data)
    parts = [present[i:i + per_chart] for i in range(0, len(present), per_chart)]
    return [c for c in (timeseries(data, part) for part in parts) if c is not None]


def _band(arr: np.ndarray, q: float) -> np.ndarray:
    """np.nanquantile(arr, q, axis=0), the same values, computed at once for the weeks without an
    absent value (np.nanquantile goes week by week: most of the report's time on large runs)."""
    gaps = np.isnan(arr).any(axis=0)
    out = np.empty(arr.shape[1])
    out[~gaps] = np.quantile(arr[:, ~gaps], q, axis=0)
    if gaps.any():
        out[gaps] = np.nanquantile(arr[:, gaps], q, axis=0)
    return out


def timeseries(data: ReportData, series: list[str] | None = None) -> Chart | None:
    """The weekly series (``series``, default every one with a value) per scenario of the main
    comparison: mean across replicates and the 2.5–97.5% band."""
    shown = data.main_scenarios  # territory comparisons and runs as configured have their own baselines
    present = _present_series(data) if series is None else series
    if not present or len(data.series_scenario) == 0:
        return None
    col = colors(data)
    drawn: list[tuple[str, str, str, float]] = []  # (scenario, series, unit drawn, max of the mean curve)
    ncol = 2
    nrow = math.ceil(len(present) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(12, 3.2 * nrow), squeeze=False)
    for ax, key in zip(axes.flat, present):
        unit = data.catalog.unit(key, series=True)
        runs = {s: data.series(key, s) for s in shown}  # replicates x weeks
        millions = unit == "EUR" and _is_large(list(runs.values()))
        for s, arr in runs.items():
            if arr.shape[0] == 0:
                continue
            if key in ROLLING:
                arr = pd.DataFrame(arr.T).rolling(4, min_periods=1).mean().to_numpy().T
            scale = 100.0 if unit == "share" else 1e-6 if millions else 1.0
            weeks = np.arange(arr.shape[1])
            with warnings.catch_warnings():  # weeks where a value is absent (NaN) in every replicate
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(arr, axis=0) * scale
                low, high = (_band(arr, q) * scale for q in (0.025, 0.975))
            drawn.append((s, key, "M€" if millions else unit,
                          float(np.nanmax(mean)) if np.isfinite(mean).any() else float("nan")))
            ax.plot(weeks, mean, color=col[s], lw=1.6, label=data.title(s) if ax is axes.flat[0] else None)
            ax.fill_between(weeks, low, high, color=col[s], alpha=0.18, lw=0)
        title = text.series_label(key)
        ax.set_title(_wrap(title + (text.chart_text("percent") if unit == "share" else "")
                           + ("" if "€" in title or "EUR" in title or unit != "EUR" else " (M€)" if millions else " (€)")
                           + (text.chart_text("four_week_mean") if key in ROLLING else ""), 62), fontsize=10)
        ax.set_xlabel(text.chart_text("week"), fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(present):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    # Below the figure (its top at the figure's bottom edge), so that it never covers an axis label.
    fig.legend(handles, labels, loc="upper center", ncol=2, fontsize=8, frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout()
    chart = _to_chart(fig, text.chart_text("timeseries_alt"))
    chart.values = pd.DataFrame(drawn, columns=["scenario", "series", "unit", "max"])
    return chart


def equity(data: ReportData, base: str) -> Chart | None:
    dims = [(d, cats) for d, cats in data.catalog.dimensions(base) if any(data.has(f"{base}@{d}:{c}") for c in cats)]
    shown = data.main_scenarios
    # A category with no value in any scenario (urban on a territory without an urban commune) is
    # left out rather than drawn as an empty, labelled slot.
    dims = [(d, [c for c in cats if data.has(f"{base}@{d}:{c}")
                 and any(formats.finite(data.get(data.mean, s, f"{base}@{d}:{c}")) for s in shown)])
            for d, cats in dims]
    dims = [(d, cats) for d, cats in dims if cats]
    if not dims:
        return None
    col = colors(data)
    fig, axes = plt.subplots(1, len(dims), figsize=(13, 3.8), squeeze=False,
                             gridspec_kw={"width_ratios": [len(c) for _, c in dims]})
    bw = 0.8 / len(shown)
    for ax, (d, cats) in zip(axes.flat, dims):
        x = np.arange(len(cats))
        mets = [f"{base}@{d}:{c}" for c in cats]
        for i, s in enumerate(shown):
            mu = np.array([data.get(data.mean, s, m) for m in mets]) * 100
            lo = np.array([data.get(data.lo, s, m) for m in mets]) * 100
            hi = np.array([data.get(data.hi, s, m) for m in mets]) * 100
            err = np.nan_to_num(np.vstack([np.clip(mu - lo, 0, None), np.clip(hi - mu, 0, None)]))
            ax.bar(x - 0.4 + bw * (i + 0.5), mu, bw, yerr=err, color=col[s], capsize=1.5,
                   error_kw={"lw": 0.7}, label=data.title(s))
        ax.set_xticks(x, [text.category_label(d, c) for c in cats], fontsize=8)
        ax.set_title(text.dimension_label(d), fontsize=10)
        ax.tick_params(labelsize=8)
        ax.grid(axis="y", alpha=0.3)
    axes.flat[0].set_ylabel(text.label(base) + text.chart_text("percent"), fontsize=9)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=2, fontsize=8, frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout()
    names = formats.and_list([text.dimension_label(d).lower() for d, _ in dims])
    return _to_chart(fig, text.chart_text("equity_alt").format(metric=text.label(base), dimensions=names))


def costs(data: ReportData, funders: list[str], order: list[str]) -> Chart | None:
    per_need = "cost_per_need_resolved_by_mediation_eur"
    if not funders and not data.has(per_need):
        return None
    col = colors(data)
    fig, axes = plt.subplots(1, 2, figsize=(13, 0.45 * len(order) + 1.8), squeeze=False)
    ax = axes[0, 0]
    y = np.arange(len(order))
    left = np.zeros(len(order))
    cmap = plt.get_cmap("Set2")
    for i, f in enumerate(funders):
        v = np.nan_to_num(np.array([data.get(data.mean, s, f"total_cost_eur@funder:{f}") for s in order]) / 1e6)
        ax.barh(y, v, left=left, color=cmap(i % 8), label=text.funder_label(f))
        left += v
    ax.set_yticks(y, [data.title(s) for s in order], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(text.chart_text("spending_axis"), fontsize=9)
    ax.set_title(text.chart_text("spending_title"), fontsize=10)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / max(len(order), 1)),
              ncol=4, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    ax2 = axes[0, 1]
    mu = np.array([data.get(data.mean, s, per_need) for s in order])
    lo = np.array([data.get(data.lo, s, per_need) for s in order])
    hi = np.array([data.get(data.hi, s, per_need) for s in order])
    err = np.nan_to_num(np.vstack([np.clip(mu - lo, 0, None), np.clip(hi - mu, 0, None)]))
    ax2.barh(y, np.nan_to_num(mu), xerr=err, color=[col[s] for s in order], capsize=2)
    ax2.set_yticks(y, [""] * len(order))
    ax2.invert_yaxis()
    ax2.set_xlabel(text.chart_text("per_need_axis"), fontsize=9)
    ax2.set_title(text.chart_text("per_need_title"), fontsize=10)
    ax2.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return _to_chart(fig, text.chart_text("costs_alt"))


# Marker and colour of each model point type on the map.
POINT_STYLE = {
    "RFS": ("s", "#d62728", N_("France Services")),
    "EPN": ("o", "#1f77b4", N_("EPN")),
    "BIB": ("^", "#2ca02c", N_("library")),
    "CS": ("D", "#9467bd", N_("social centre")),
    "CCAS": ("P", "#8c564b", N_("CCAS / public desk")),
    "TIERS_LIEUX": ("v", "#ff7f0e", N_("third place")),
    "CNFS": ("X", "#17becf", N_("conseiller numérique place")),
    "ITINERANT": ("*", "#e377c2", N_("mobile unit stop")),
}


def territory_map(data: ReportData) -> Chart | None:
    """Communes of a real territory (centroids, sized by adults) coloured by car minutes to the
    nearest place helping with procedures at the start, and the places by type."""
    t = data.manifest.get("territory")
    m = t.get("map") if isinstance(t, dict) else None
    if not isinstance(m, dict) or not m.get("communes"):
        return None
    cc = {c: i for i, c in enumerate(m.get("communes_columns", []))}
    pc = {c: i for i, c in enumerate(m.get("places_columns", []))}
    communes, places = m["communes"], m.get("places") or []
    lat = np.array([c[cc["lat"]] for c in communes], dtype=float)
    lon = np.array([c[cc["lon"]] for c in communes], dtype=float)
    adults = np.array([c[cc["adults"]] for c in communes], dtype=float)
    minutes = np.array([np.nan if c[cc["car_minutes_to_procedure_help"]] is None else c[cc["car_minutes_to_procedure_help"]]
                        for c in communes], dtype=float)
    fig, ax = plt.subplots(figsize=(9, 8))
    sizes = 8 + 140 * np.sqrt(adults / max(adults.max(), 1.0))
    sc = ax.scatter(lon, lat, s=sizes, c=minutes, cmap="YlOrRd", vmin=0, vmax=max(30.0, np.nanmax(minutes) if np.isfinite(minutes).any() else 30.0),
                    alpha=0.75, edgecolors="grey", linewidths=0.3)
    fig.colorbar(sc, ax=ax, shrink=0.7, label=_wrap(_("car minutes to the nearest place helping with procedures (start)"), 40))
    for code, (marker, color, label) in POINT_STYLE.items():
        pts = [p for p in places if p[pc["type"]] == code]
        if pts:
            ax.scatter([p[pc["lon"]] for p in pts], [p[pc["lat"]] for p in pts], marker=marker, c=color, s=36,
                       edgecolors="black", linewidths=0.5, label=f"{_(label)} ({len(pts)})", zorder=3)
    ax.set_aspect(1 / math.cos(math.radians(float(np.mean(lat)))))
    ax.set_xlabel(_("longitude"))
    ax.set_ylabel(_("latitude"))
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    ax.set_title(_wrap(_("{name}: communes (size: adults) and mediation places").format(
        name=text.territory_title(t.get("name", ""))), 70))
    return _to_chart(fig, _("Map of {name}: {communes} communes coloured by car minutes to the nearest place "
                            "helping with procedures, and {places} places by type").format(
        name=text.territory_title(t["name"]) if t.get("name") else _("the territory"), communes=len(communes),
        places=len(places)))


def map_scenario(data: ReportData) -> str | None:
    """The scenario the outcome map shows by default: the one with the lowest mean non-recours
    (the report's ranking metric) other than the baseline; None without a baseline."""
    if data.is_sweep or not data.baseline or "non_recours_rate" not in data.mean.columns:
        return None
    others = [s for s in data.main_scenarios if s != data.baseline and s in data.mean.index]
    if not others:
        return None
    return min(others, key=lambda s: (data.get(data.mean, s, "non_recours_rate"), others.index(s)))


def _places(data: ReportData) -> tuple[list, dict[str, int]]:
    t = data.manifest.get("territory")
    m = t.get("map") if isinstance(t, dict) else None
    if not isinstance(m, dict):
        return [], {}
    return m.get("places") or [], {c: i for i, c in enumerate(m.get("places_columns", []))}


def outcome_map_values(data: ReportData, scenario: str) -> pd.DataFrame | None:
    """What the outcome map plots, one row per commune (communes.csv, replicates pooled): code,
    name, adults, x, y (longitude and latitude, or km for a generated territory:
    ``attrs["geo"]`` says which), non-recours in % under the baseline and under ``scenario``, and
    its change in points (NaN where no need was closed). None without per-commune outputs."""
    c = data.communes
    if c is None or c.empty or "non_recours_rate" not in c.columns or data.baseline not in set(c["scenario"]):
        return None
    if scenario not in set(c["scenario"]):
        raise ValueError(f"no per-commune outputs for scenario {scenario!r}; scenarios: "
                         f"{', '.join(dict.fromkeys(c['scenario']))}")
    base = c[c["scenario"] == data.baseline].set_index("code")
    scen = c[c["scenario"] == scenario].set_index("code").reindex(base.index)
    geo = bool((base["lat"].abs() > 0).any())
    nr0 = base["non_recours_rate"].astype(float) * 100
    nr1 = scen["non_recours_rate"].astype(float) * 100
    values = pd.DataFrame({"code": base.index, "name": base["name"].to_numpy(), "adults": base["adults"].to_numpy(),
                           "x": (base["lon"] if geo else base["x_km"]).to_numpy(dtype=float),
                           "y": (base["lat"] if geo else base["y_km"]).to_numpy(dtype=float),
                           "baseline_non_recours_pct": nr0.to_numpy(), "scenario_non_recours_pct": nr1.to_numpy(),
                           "change_pt": (nr1 - nr0).to_numpy()})
    values.attrs["geo"] = geo
    return values


def outcome_map(data: ReportData, scenario: str | None = None) -> Chart | None:
    """Per-commune outcomes of the run (communes.csv): communes (centroids, sized by adults)
    coloured by non-recours under the baseline (left) and by its change in points under
    ``scenario`` (right; default :func:`map_scenario`), with the places by type. ``values`` of the
    chart holds the plotted numbers by commune code."""
    scenario = scenario or map_scenario(data)
    values = outcome_map_values(data, scenario) if scenario else None
    if values is None:
        return None
    geo = bool(values.attrs["geo"])
    x, y = values["x"], values["y"]
    nr0, delta = values["baseline_non_recours_pct"], values["change_pt"]
    values = values.drop(columns=["x", "y"])
    sizes = 8 + 140 * np.sqrt(values["adults"].to_numpy(dtype=float) / max(float(values["adults"].max()), 1.0))
    places, pc = _places(data)
    fig, axes = plt.subplots(1, 2, figsize=(15, 7.5))
    panels = [(nr0, "YlOrRd", 0.0, float(np.nanpercentile(nr0, 98)) if np.isfinite(nr0).any() else 1.0,
               text.chart_text("map_baseline").format(baseline=data.title(data.baseline))),
              (delta, "RdBu_r", None, None, text.chart_text("map_change").format(baseline=data.title(data.baseline)))]
    lim = float(np.nanpercentile(np.abs(delta), 98)) if np.isfinite(delta).any() else 1.0
    for ax, (v, cmap, lo, hi, label) in zip(axes, panels):
        if lo is None:
            lo, hi = -max(lim, 1e-6), max(lim, 1e-6)
        nan = ~np.isfinite(v.to_numpy(dtype=float))
        if nan.any():
            ax.scatter(x[nan], y[nan], s=sizes[nan], c="lightgrey", edgecolors="grey", linewidths=0.3)
        sc = ax.scatter(x[~nan], y[~nan], s=sizes[~nan], c=v[~nan], cmap=cmap, vmin=lo, vmax=hi, alpha=0.85,
                        edgecolors="grey", linewidths=0.3)
        fig.colorbar(sc, ax=ax, shrink=0.7, label=_wrap(label, 40))
        for code, (marker, color, plabel) in POINT_STYLE.items():
            pts = [p for p in places if p[pc["type"]] == code] if pc else []
            if pts and geo:
                ax.scatter([p[pc["lon"]] for p in pts], [p[pc["lat"]] for p in pts], marker=marker, c=color, s=22,
                           edgecolors="black", linewidths=0.4, label=f"{_(plabel)} ({len(pts)})", zorder=3)
        if geo:
            ax.set_aspect(1 / math.cos(math.radians(float(np.mean(y)))))
        else:
            ax.set_aspect(1)
        ax.set_xlabel(_("longitude") if geo else "x (km)")
        ax.set_ylabel(_("latitude") if geo else "y (km)")
    if places and geo:
        axes[0].legend(loc="lower left", fontsize=7, framealpha=0.9)
    axes[0].set_title(_wrap(text.chart_text("map_baseline_title").format(baseline=data.title(data.baseline)), 55),
                      fontsize=10)
    axes[1].set_title(_wrap(text.chart_text("map_change_title").format(scenario=data.title(scenario)), 55), fontsize=10)
    fig.tight_layout()
    name = (data.manifest.get("territory") or {}).get("name")
    chart = _to_chart(fig, text.chart_text("map_alt").format(
        territory=text.territory_title(name) if name else _("the territory"), n=len(values),
        scenario=data.title(scenario), baseline=data.title(data.baseline)))
    chart.values = values
    return chart


def response_surface(data: ReportData, design: dict[str, dict], axes: list[str], metrics: list[str]) -> Chart | None:
    """A sweep's outcomes against each swept value: one panel per (metric, axis), the mean of each
    design point with its 95% CI as an error bar."""
    numeric = [a for a in axes if all(isinstance(d.get(a), (int, float)) and not isinstance(d.get(a), bool)
                                      for d in design.values())]
    if not numeric or not metrics:
        return None
    fig, grid = plt.subplots(len(metrics), len(numeric), figsize=(4.2 * len(numeric), 2.8 * len(metrics)),
                             squeeze=False)
    for i, m in enumerate(metrics):
        share = data.catalog.unit(m) == "share"
        k = 100.0 if share else 1.0
        for j, a in enumerate(numeric):
            ax = grid[i][j]
            xs = np.array([float(design[s][a]) for s in data.scenarios])
            mean = np.array([data.get(data.mean, s, m) for s in data.scenarios]) * k
            lo = np.array([data.get(data.lo, s, m) for s in data.scenarios]) * k
            hi = np.array([data.get(data.hi, s, m) for s in data.scenarios]) * k
            err = np.vstack([np.nan_to_num(mean - lo), np.nan_to_num(hi - mean)])
            ax.errorbar(xs, mean, yerr=err, fmt="o", ms=4, capsize=2, color="#1f3a5f")
            ax.set_xlabel(a, fontsize=8)
            ax.set_ylabel(text.label(m) + (text.chart_text("percent") if share else ""), fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
    fig.tight_layout()
    return _to_chart(fig, _("Sweep: each headline outcome against each swept parameter (mean and 95% CI per "
                            "design point)"))
