"""The report's charts: matplotlib figures (Agg backend) returned as inline PNG data URIs."""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from . import text  # noqa: E402
from .load import ReportData  # noqa: E402

__all__ = ["Chart", "timeseries", "equity", "costs", "colors"]

# Weekly flows, shown as 4-week moving averages.
ROLLING = {"sessions", "unserved_requests"}
# Subgroup series drawn beside the overall ones.
EXTRA_SERIES = ["non_recours_rate@density:rural", "non_recours_rate@density:urban"]


@dataclass
class Chart:
    src: str  # data:image/png;base64,...
    alt: str


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
            axis.set_major_formatter(FuncFormatter(lambda v, _pos, d=digits: text.num(v, d)))


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


def timeseries(data: ReportData) -> Chart | None:
    present = plotted_series(data)
    if not present or len(data.series_scenario) == 0:
        return None
    col = colors(data)
    ncol = 2
    nrow = math.ceil(len(present) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(12, 3.2 * nrow), squeeze=False)
    for ax, key in zip(axes.flat, present):
        unit = data.catalog.unit(key, series=True)
        for s in data.scenarios:
            arr = data.series(key, s)  # replicates x weeks
            if arr.shape[0] == 0:
                continue
            if key in ROLLING:
                arr = pd.DataFrame(arr.T).rolling(4, min_periods=1).mean().to_numpy().T
            scale = 100.0 if unit == "share" else 1e-6 if unit == "EUR" else 1.0
            weeks = np.arange(arr.shape[1])
            ax.plot(weeks, np.nanmean(arr, axis=0) * scale, color=col[s], lw=1.6,
                    label=data.title(s) if ax is axes.flat[0] else None)
            ax.fill_between(weeks, np.nanquantile(arr, 0.025, axis=0) * scale,
                            np.nanquantile(arr, 0.975, axis=0) * scale, color=col[s], alpha=0.18, lw=0)
        ax.set_title(text.series_label(key) + (text.chart_text("percent") if unit == "share" else "")
                     + (text.chart_text("four_week_mean") if key in ROLLING else ""), fontsize=10)
        ax.set_xlabel(text.chart_text("week"), fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(present):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, -0.02 - 0.018 * math.ceil(len(labels) / 2)))
    fig.tight_layout()
    return _to_chart(fig, text.chart_text("timeseries_alt"))


def equity(data: ReportData, base: str) -> Chart | None:
    dims = [(d, cats) for d, cats in data.catalog.dimensions(base) if any(data.has(f"{base}@{d}:{c}") for c in cats)]
    dims = [(d, [c for c in cats if data.has(f"{base}@{d}:{c}")]) for d, cats in dims]
    if not dims:
        return None
    col = colors(data)
    fig, axes = plt.subplots(1, len(dims), figsize=(13, 3.8), squeeze=False,
                             gridspec_kw={"width_ratios": [len(c) for _, c in dims]})
    bw = 0.8 / len(data.scenarios)
    for ax, (d, cats) in zip(axes.flat, dims):
        x = np.arange(len(cats))
        mets = [f"{base}@{d}:{c}" for c in cats]
        for i, s in enumerate(data.scenarios):
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
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, -0.05 - 0.03 * math.ceil(len(labels) / 2)))
    fig.tight_layout()
    names = text.and_list([text.dimension_label(d).lower() for d, _ in dims])
    return _to_chart(fig, text.chart_text("equity_alt").format(metric=text.label(base), dimensions=names))


def costs(data: ReportData, funders: list[str], order: list[str]) -> Chart | None:
    per_need = "cost_per_resolved_need_eur"
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
