"""One self-contained HTML report from a ``govsim compare`` results directory.

Usage::

    python -m govsim.report RESULTS_DIR -o report.html
    govsim report RESULTS_DIR -o report.html      # the CLI runs this module

The report reads the CSV exports and ``manifest.json`` written by ``govsim compare``
(see docs/report.md and docs/results-store.md). It uses only the standard library, numpy,
pandas and matplotlib (Agg backend): it does not import the compiled ``govsim._core``.
Parameter sources come from ``govsim describe --json`` when the executable is found beside
the Python interpreter (or named by ``GOVSIM_BIN``); without it the sources column is left out.

Every chart is an inline base64 PNG and the CSS is inline: the file opens offline.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import json
import math
import os
import shlex
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["ReportInputError", "write_report", "main"]


class ReportInputError(ValueError):
    """The results directory is missing, incomplete or unreadable."""


# --------------------------------------------------------------------------------------------
# What the metrics mean (mirrors models/inclusion/metrics.cpp)

HEADLINE = [
    "non_recours_rate",
    "autonomy_rate",
    "illectronisme_rate",
    "mediation_share",
    "mean_wait_weeks",
    "coverage_30min",
    "rural_urban_gap",
    "total_cost_eur",
    "cost_per_resolved_need_eur",
]

# name -> (label, unit, higher_is_better)
METRICS: dict[str, tuple[str, str, bool]] = {
    "illectronisme_rate": ("Illectronisme", "share", False),
    "autonomy_rate": ("Autonomy", "share", True),
    "non_recours_rate": ("Non-recours", "share", False),
    "mediation_share": ("Needs resolved by mediation", "share", True),
    "mean_wait_weeks": ("Mean wait (weeks)", "weeks", False),
    "coverage_30min": ("Within 30 min of a point", "share", True),
    "total_cost_eur": ("Total cost", "EUR", False),
    "cost_per_resolved_need_eur": ("Cost per need resolved by mediation", "EUR", False),
    "rural_urban_gap": ("Rural-urban non-recours gap", "share", False),
}

METRIC_DOC = {
    "illectronisme_rate": "adults lacking basic digital skills at the end",
    "autonomy_rate": "adults able to do online procedures alone at home at the end",
    "non_recours_rate": "needs abandoned past their deadline / needs arisen",
    "mediation_share": "needs resolved through mediation / needs arisen",
    "mean_wait_weeks": "mean weeks from a need arising to its resolution by mediation",
    "coverage_30min": "adults within 30 minutes by car of an open point offering help with procedures",
    "total_cost_eur": "total spending over the horizon, all funders (full population)",
    "cost_per_resolved_need_eur": "total spending / needs resolved through mediation",
    "rural_urban_gap": "non-recours rate in rural zones minus urban zones",
}

SERIES = [
    ("non_recours_rate", "Non-recours (cumulative)", "share"),
    ("mediation_share", "Needs resolved by mediation (cumulative)", "share"),
    ("autonomy_rate", "Autonomy rate", "share"),
    ("illectronisme_rate", "Illectronisme rate", "share"),
    ("sessions", "Mediation sessions per week (simulated sample)", "count"),
    ("unserved_requests", "Requests turned away per week", "count"),
    ("open_points", "Open access points", "count"),
    ("cumulative_cost_eur", "Cumulative spending (M EUR)", "MEUR"),
    ("non_recours_rate@density:rural", "Non-recours in rural zones (cumulative)", "share"),
    ("non_recours_rate@density:urban", "Non-recours in urban zones (cumulative)", "share"),
]

ROLLING = {"sessions", "unserved_requests"}  # weekly flows, shown as 4-week moving averages

EQUITY_DIMS = [
    ("age", "Age band", ["15-29", "30-44", "45-59", "60-74", "75+"]),
    ("density", "Density", ["urban", "periurban", "rural"]),
    ("difficulty", "Social difficulty", ["yes", "no"]),
]

FUNDERS = ["state", "region", "department", "epci", "commune", "caf", "banque_des_territoires"]
FUNDER_LABELS = {
    "state": "State",
    "region": "Region",
    "department": "Department",
    "epci": "EPCI",
    "commune": "Communes",
    "caf": "CAF",
    "banque_des_territoires": "Banque des Territoires",
}

QUESTION = (
    "A territory wants most of its adults able to do their online procedures, alone or with "
    "help, without anyone giving up on a right because the procedure went online "
    "(\u201cnon-recours\u201d). Money, mediators and places are scarce and owned by many actors. "
    "Which governance \u2014 who pools and allocates money, who animates the network, who refers "
    "whom, at which level, with which tools \u2014 gets the most people to autonomy, soonest, most "
    "fairly, per euro, and most robustly? The scenarios compared here come from a French public "
    "consultation that proposed them."
)

TERRITORIES = {
    "rural-department": (
        "Rural department (Loir-et-Cher-like): 328,504 inhabitants (2021), 267 communes, "
        "6,343 km\u00b2, 11 EPCI (largest around Blois, ~106k, and Vend\u00f4me, ~52k); regional "
        "illectronisme 19% (Insee Flash Centre-Val de Loire n\u00b056, 2022)."
    ),
    "city": (
        "City (Rennes-like): commune of 225,081 inhabitants (2021) divided into quarters, in a "
        "metropole of 43 communes and 467,858 inhabitants; six \u201cespaces sociaux communs\u201d."
    ),
    "former-mining-agglomeration": (
        "Former mining agglomeration (Lens-Li\u00e9vin-like): 36 communes, 242,587 inhabitants "
        "(2021), 239.4 km\u00b2."
    ),
    "france": "A generated national territory (~35,000 communes, ~55M adults), for benchmarks.",
}

UP, DOWN = "\u2191", "\u2193"

REQUIRED_FILES = ("manifest.json", "summary.csv", "paired.csv")


# --------------------------------------------------------------------------------------------
# Loading


def _load(results_dir: Path) -> dict[str, Any]:
    if not results_dir.exists():
        raise ReportInputError(f"results directory not found: {results_dir}")
    if not results_dir.is_dir():
        raise ReportInputError(f"not a directory: {results_dir} (give the --out directory of `govsim compare`)")
    missing = [name for name in REQUIRED_FILES if not (results_dir / name).is_file()]
    if missing:
        hint = ""
        if (results_dir / "results.sqlite").is_file():
            hint = " (results.sqlite is there: was the experiment interrupted? try `govsim compare ... --resume`)"
        raise ReportInputError(
            f"no govsim results in {results_dir}: missing {', '.join(missing)}{hint}"
        )
    try:
        manifest = json.loads((results_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ReportInputError(f"cannot read {results_dir / 'manifest.json'}: {e}") from None
    if not isinstance(manifest, dict):
        raise ReportInputError(f"{results_dir / 'manifest.json'} is not a JSON object")

    def read_csv(name: str, columns: list[str], required: bool = True) -> pd.DataFrame | None:
        path = results_dir / name
        if not path.is_file():
            if required:
                raise ReportInputError(f"missing {path}")
            return None
        try:
            df = pd.read_csv(path)
        except Exception as e:  # pandas raises many kinds of parser errors
            raise ReportInputError(f"cannot read {path}: {e}") from None
        lacking = [c for c in columns if c not in df.columns]
        if lacking:
            raise ReportInputError(f"{path} lacks columns {', '.join(lacking)}")
        return df

    summary = read_csv("summary.csv", ["scenario", "metric", "mean", "sd", "ci_low", "ci_high", "n"])
    paired = read_csv(
        "paired.csv",
        ["scenario", "baseline", "metric", "mean_diff", "ci_low", "ci_high", "rel_diff",
         "rel_ci_low", "rel_ci_high", "share_better", "n"],
    )
    if summary is None or summary.empty:
        raise ReportInputError(f"no results in {results_dir / 'summary.csv'} (empty)")
    timeseries = read_csv("timeseries.csv", ["scenario", "replicate", "week", "series", "value"], required=False)
    if timeseries is None:
        timeseries = _series_from_store(results_dir / "results.sqlite")

    config = manifest.get("config") if isinstance(manifest.get("config"), dict) else {}
    scen_order = list(manifest.get("scenarios") or [])
    if not scen_order:
        scen_order = [s.get("name") for s in config.get("scenarios", []) if isinstance(s, dict)]
    for s in summary["scenario"].unique():
        if s not in scen_order:
            scen_order.append(s)
    scen_order = [s for s in scen_order if s in set(summary["scenario"])]
    baseline = manifest.get("baseline") or config.get("baseline")
    if baseline not in scen_order and len(paired):
        baseline = str(paired["baseline"].iloc[0])
    if baseline not in scen_order:
        baseline = scen_order[0]
    return {
        "dir": results_dir,
        "manifest": manifest,
        "config": config,
        "summary": summary,
        "paired": paired,
        "timeseries": timeseries,
        "scenarios": scen_order,
        "baseline": baseline,
    }


def _series_from_store(path: Path) -> pd.DataFrame | None:
    """Weekly series from results.sqlite when timeseries.csv was not exported."""
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM meta")}
            names = {i: n for i, n in con.execute("SELECT idx, name FROM scenarios")}
            layout = meta["layout"]
            series_names, weeks = layout["series_names"], int(layout["weeks"])
            rows = []
            for sc, rep, blob in con.execute("SELECT scenario, replicate, series FROM runs"):
                arr = np.frombuffer(blob, dtype="<f8").reshape(len(series_names), weeks)
                for s, sname in enumerate(series_names):
                    rows.append(pd.DataFrame({"scenario": names[sc], "replicate": rep,
                                              "week": np.arange(weeks), "series": sname,
                                              "value": arr[s]}))
        finally:
            con.close()
    except Exception:
        return None
    return pd.concat(rows, ignore_index=True) if rows else None


def _describe() -> tuple[dict[str, dict], str]:
    """Parameter registry from `govsim describe --json`; ({}, reason) if unavailable."""
    candidates = []
    if os.environ.get("GOVSIM_BIN"):
        candidates.append(Path(os.environ["GOVSIM_BIN"]))
    candidates.append(Path(sys.executable).parent / "govsim")
    for exe in candidates:
        if not (exe.is_file() and os.access(exe, os.X_OK)):
            continue
        try:
            out = subprocess.run([str(exe), "describe", "--json"], capture_output=True, text=True,
                                 timeout=60, check=True).stdout
            data = json.loads(out)
            return {p["name"]: p for p in data if isinstance(p, dict) and "name" in p}, ""
        except Exception as e:  # noqa: BLE001 - any failure means "no sources"
            return {}, f"`{exe} describe --json` failed ({type(e).__name__})"
    return {}, "the govsim executable was not found beside this Python interpreter"


# --------------------------------------------------------------------------------------------
# Formatting


def esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _finite(*xs: float) -> bool:
    return all(x is not None and isinstance(x, (int, float, np.floating)) and math.isfinite(x) for x in xs)


def _unit(metric: str) -> str:
    base = metric.split("@")[0]
    if base in METRICS:
        return METRICS[base][1]
    if base.endswith("_eur"):
        return "EUR"
    if base.endswith("_rate") or base.endswith("_share") or base.startswith("coverage"):
        return "share"
    return ""


def _label(metric: str) -> str:
    base, _, sub = metric.partition("@")
    lab = METRICS.get(base, (base.replace("_", " ").capitalize(),))[0]
    return f"{lab} ({sub})" if sub else lab


def _higher_is_better(metric: str) -> bool:
    base = metric.split("@")[0]
    if base in METRICS:
        return METRICS[base][2]
    return base in {"alone_share", "autonomy_gain", "coverage_20min", "sessions_per_1000_adults",
                    "capacity_used_share", "referral_share", "open_points_end",
                    "non_recours_concentration_index"}


def fmt_eur(x: float, signed: bool = False) -> str:
    if not _finite(x):
        return "n/a"
    sign = ("+" if x > 0 else "\u2212" if x < 0 else "") if signed else ("\u2212" if x < 0 else "")
    a = abs(x)
    if round(a) == 0:
        sign = "\u00b1" if signed else ""
    if a >= 1e6:
        return f"{sign}\u20ac{a / 1e6:,.2f}M"
    if a >= 1e4:
        return f"{sign}\u20ac{a / 1e3:,.0f}k"
    return f"{sign}\u20ac{a:,.0f}"


def fmt_value(metric: str, x: float) -> str:
    if not _finite(x):
        return "n/a"
    u = _unit(metric)
    if u == "share":
        return f"{100 * x:.1f}%"
    if u == "EUR":
        return fmt_eur(x)
    if u == "weeks":
        return f"{x:.2f}"
    return f"{x:.3g}"


def fmt_diff(metric: str, x: float) -> str:
    if not _finite(x):
        return "n/a"
    u = _unit(metric)
    if u == "EUR":
        return fmt_eur(x, signed=True)
    v, fmt, suffix = (100 * x, "{:.2f}", " pt") if u == "share" else (x, "{:.2f}", " wk") if u == "weeks" else (x, "{:.3g}", "")
    text = fmt.format(abs(v))
    zero = float(text) == 0.0
    sign = "\u00b1" if zero else "+" if x > 0 else "\u2212"
    return f"{sign}{text}{suffix}"


def _num(x: float, digits: int) -> str:
    return f"{x:.{digits}f}"


def _range(lo: float, hi: float, digits: int, suffix: str = "") -> str:
    return f"{_num(lo, digits)}\u2013{_num(hi, digits)}{suffix}"


def _digits(lo: float, hi: float) -> int:
    span = max(abs(lo), abs(hi))
    return 0 if span >= 10 else 1 if span >= 1 else 2 if span >= 0.1 else 3


def fig_to_img(fig: plt.Figure, alt: str) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img class="chart" alt="{esc(alt)}" src="data:image/png;base64,{data}">'


def _table(header: list[str], rows: list[list[str]], cls: str = "") -> str:
    """Cells are HTML already (escape before)."""
    h = "".join(f"<th>{c}</th>" for c in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>'


# --------------------------------------------------------------------------------------------
# Report content


class _Ctx:
    def __init__(self, data: dict[str, Any], registry: dict[str, dict], registry_note: str):
        self.__dict__.update(data)
        self.registry = registry
        self.registry_note = registry_note
        self.scen_info = {s.get("name"): s for s in self.config.get("scenarios", []) if isinstance(s, dict)}
        self.colors = {s: plt.get_cmap("tab10")(i % 10) for i, s in enumerate(self.scenarios)}
        s = self.summary
        self.mean = s.pivot_table(index="scenario", columns="metric", values="mean", aggfunc="first")
        self.lo = s.pivot_table(index="scenario", columns="metric", values="ci_low", aggfunc="first")
        self.hi = s.pivot_table(index="scenario", columns="metric", values="ci_high", aggfunc="first")
        ns = s["n"].dropna()
        self.n_runs = int(ns.max()) if len(ns) else int(self.manifest.get("runs_per_scenario") or 0)
        p = self.paired
        self.pair = {(r.scenario, r.metric): r for r in p.itertuples(index=False)}

    def title(self, name: str) -> str:
        info = self.scen_info.get(name, {})
        return info.get("title") or name

    def values(self, name: str) -> dict:
        return self.scen_info.get(name, {}).get("values") or {}

    def get(self, table: pd.DataFrame, scen: str, metric: str) -> float:
        try:
            v = table.loc[scen, metric]
        except KeyError:
            return float("nan")
        return float(v) if v is not None else float("nan")

    def has(self, metric: str) -> bool:
        return metric in self.mean.columns


def _horizon_weeks(ctx: _Ctx) -> int | None:
    v = ctx.values(ctx.baseline).get("sim.horizon_weeks")
    if v is None and ctx.timeseries is not None and len(ctx.timeseries):
        v = int(ctx.timeseries["week"].max())
    return int(v) if v is not None else None


def section_question(ctx: _Ctx) -> str:
    cfg = ctx.config
    terr = cfg.get("territory")
    if isinstance(terr, dict):
        tname = terr.get("name") or terr.get("communes_csv", "user territory")
        tdesc = f"A territory loaded from {terr.get('communes_csv', 'a communes CSV')}."
    else:
        tname = terr or "unknown"
        tdesc = TERRITORIES.get(str(terr), "")
    v = ctx.values(ctx.baseline)
    scale = v.get("sim.population_scale")
    hw = _horizon_weeks(ctx)
    facts = []
    if hw:
        facts.append(f"horizon {hw} weeks ({hw / 52:.1f} years)")
    if scale is not None:
        facts.append(f"{100 * float(scale):g}% of the adults simulated as agents (costs reported at full scale)")
    facts.append(f"{ctx.n_runs} Monte Carlo runs per scenario, replicate r of every scenario on the same random streams")
    exp = ""
    if cfg.get("description"):
        exp = f"<p><b>Experiment</b> {esc(cfg.get('name', ''))}: {esc(cfg['description'])}</p>"
    return (
        '<section id="question"><h2>The question and the territory</h2>'
        f'<p class="question">{esc(QUESTION)}</p>'
        f"<p><b>Territory:</b> <code>{esc(tname)}</code>. {esc(tdesc)}</p>"
        f"{exp}<p><b>Set-up:</b> {esc('; '.join(facts))}. Baseline: <b>{esc(ctx.title(ctx.baseline))}</b>"
        f" (<code>{esc(ctx.baseline)}</code>).</p></section>"
    )


_NOISE_NOUNS = {
    "non_recours_rate": "non-recours",
    "mediation_share": "needs resolved through mediation",
    "autonomy_rate": "autonomy",
    "total_cost_eur": "total cost",
    "cost_per_resolved_need_eur": "cost per need resolved",
    "rural_urban_gap": "the rural-urban gap",
}


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _base_name(ctx: "_Ctx") -> str:
    if ctx.baseline == "status-quo":
        return "the status quo"
    return ctx.title(ctx.baseline)


def _pair_sentence(ctx: _Ctx, scen: str, metric: str) -> tuple[str, bool] | None:
    """(sentence, True) for a difference beyond the noise, (noun, False) when the 95% CI includes 0,
    None if unavailable."""
    r = ctx.pair.get((scen, metric))
    if r is None or not _finite(r.mean_diff, r.ci_low, r.ci_high):
        return None
    n = int(r.n)
    base = _base_name(ctx)
    if r.ci_low <= 0 <= r.ci_high:
        noun = _NOISE_NOUNS.get(metric, _label(metric).lower())
        return noun, False
    d, lo, hi = r.mean_diff, r.ci_low, r.ci_high
    up = d > 0
    # magnitude interval, ordered
    mlo, mhi = (lo, hi) if up else (-hi, -lo)
    share = f" (better in {round(r.share_better * n)} of {n} paired runs)" if _finite(r.share_better) else ""
    if metric == "mediation_share" and _finite(r.rel_diff, r.rel_ci_low, r.rel_ci_high):
        rl, rh = (r.rel_ci_low, r.rel_ci_high) if up else (-r.rel_ci_high, -r.rel_ci_low)
        dg = _digits(100 * rl, 100 * rh)
        s = (f"resolves {_num(abs(100 * r.rel_diff), dg)}% ({_range(100 * rl, 100 * rh, dg, '%')}) "
             f"{'more' if up else 'fewer'} needs through mediation than {base}")
    elif _unit(metric) == "share":
        dg = _digits(100 * mlo, 100 * mhi)
        what = {
            "non_recours_rate": "non-recours",
            "autonomy_rate": "the share of adults autonomous online",
            "illectronisme_rate": "illectronisme",
            "coverage_30min": "the share of adults within 30 minutes of a point",
            "rural_urban_gap": "the rural-urban gap in non-recours",
            "mediation_share": "the share of needs resolved through mediation",
        }.get(metric, _label(metric).lower())
        s = (f"{'raises' if up else 'lowers'} {what} by {_num(abs(100 * d), dg)} points "
             f"({_range(100 * mlo, 100 * mhi, dg)})")
    elif metric == "total_cost_eur":
        s = (f"costs {fmt_eur(abs(d))} {'more' if up else 'less'} in total "
             f"({fmt_eur(mlo)} to {fmt_eur(mhi)})")
        if _finite(r.rel_diff):
            rel = abs(100 * r.rel_diff)
            s += f", {rel:.{0 if rel >= 10 else 1}f}% {'more' if up else 'less'} than {base}"
    elif metric == "cost_per_resolved_need_eur":
        s = (f"makes each need resolved through mediation {fmt_eur(abs(d))} "
             f"{'dearer' if up else 'cheaper'} ({fmt_eur(mlo)} to {fmt_eur(mhi)})")
    elif metric == "mean_wait_weeks":
        s = (f"{'lengthens' if up else 'shortens'} the wait for mediation by {abs(d):.2f} weeks "
             f"({mlo:.2f}\u2013{mhi:.2f})")
    else:
        s = f"changes {_label(metric).lower()} by {fmt_diff(metric, d)} ({fmt_diff(metric, lo)} to {fmt_diff(metric, hi)})"
    return s + share, True


def section_findings(ctx: _Ctx) -> str:
    metrics = ["non_recours_rate", "mediation_share", "autonomy_rate", "rural_urban_gap",
               "total_cost_eur", "cost_per_resolved_need_eur"]
    items = []
    for scen in ctx.scenarios:
        if scen == ctx.baseline:
            continue
        sig, noise = [], []
        for m in metrics:
            res = _pair_sentence(ctx, scen, m)
            if res is None:
                continue
            (sig if res[1] else noise).append(res[0])
        if not sig and not noise:
            continue
        text = ""
        if sig:
            text = f"<b>{esc(ctx.title(scen))}</b> " + esc("; ".join(sig)) + "."
        else:
            text = f"<b>{esc(ctx.title(scen))}</b>: no difference beyond the noise."
        if noise:
            n = ctx.n_runs
            caveat = (f"On {_and(noise)}, the difference with {_base_name(ctx)} is within the noise of "
                      f"{n} runs; we cannot say which is better.")
            text += '<br><span class="caveat">' + esc(caveat) + "</span>"
        items.append(f"<li>{text}</li>")
    intro = (
        f"<p>Each sentence compares a scenario with the baseline on the same {ctx.n_runs} random "
        "replicates (paired differences); the range in brackets is the 95% confidence interval. "
        "Points are percentage points. Where the interval includes zero, we say so.</p>"
    )
    return ('<section id="findings"><h2>Key findings in plain words</h2>' + intro +
            f'<ul class="findings">{"".join(items)}</ul></section>')


def section_scenarios(ctx: _Ctx) -> str:
    cards = []
    for s in ctx.scenarios:
        info = ctx.scen_info.get(s, {})
        mech = info.get("mechanisms") or []
        mech_html = " ".join(f'<span class="tag">{esc(m)}</span>' for m in mech) or '<span class="tag none">none (reference)</span>'
        quote = info.get("seed_contribution")
        q = f"<blockquote lang=\"fr\">{esc(quote)}</blockquote>" if quote else ""
        base = ' <span class="tag base">baseline</span>' if s == ctx.baseline else ""
        cards.append(
            f'<div class="card"><h3>{esc(ctx.title(s))}{base}</h3><p class="name"><code>{esc(s)}</code> '
            f"\u00b7 mechanisms: {mech_html}</p><p>{esc(info.get('description', ''))}</p>{q}</div>"
        )
    return ('<section id="scenarios"><h2>Scenarios and the seed contributions they encode</h2>'
            "<p>Each scenario encodes one contribution to the public consultation (quoted in French, "
            "as written) as a set of mechanisms and parameter values.</p>" + "".join(cards) + "</section>")


def _ranked(ctx: _Ctx, metric: str = "non_recours_rate") -> list[str]:
    if not ctx.has(metric):
        return list(ctx.scenarios)
    hib = _higher_is_better(metric)
    vals = {s: ctx.get(ctx.mean, s, metric) for s in ctx.scenarios}
    return sorted(ctx.scenarios, key=lambda s: (not _finite(vals[s]), -vals[s] if hib else vals[s]))


def section_ranking(ctx: _Ctx) -> str:
    metrics = [m for m in HEADLINE if ctx.has(m)]
    order = _ranked(ctx)
    header = ["#", "Scenario"] + [
        f'{esc(_label(m))}<br><span class="dir">{UP if _higher_is_better(m) else DOWN} better</span>'
        for m in metrics
    ]
    rows = []
    for i, s in enumerate(order, 1):
        row = [str(i), f"{esc(ctx.title(s))}<br><code>{esc(s)}</code>"]
        for m in metrics:
            mu, lo, hi = ctx.get(ctx.mean, s, m), ctx.get(ctx.lo, s, m), ctx.get(ctx.hi, s, m)
            row.append(f'<b>{esc(fmt_value(m, mu))}</b><br><span class="ci">[{esc(fmt_value(m, lo))}, '
                       f"{esc(fmt_value(m, hi))}]</span>")
        rows.append(row)
    t1 = _table(header, rows, "num")

    prow = []
    for s in order:
        if s == ctx.baseline:
            continue
        row = [f"{esc(ctx.title(s))}<br><code>{esc(s)}</code>"]
        for m in metrics:
            r = ctx.pair.get((s, m))
            if r is None or not _finite(r.mean_diff):
                row.append("n/a")
                continue
            cls = "noise"
            if _finite(r.ci_low, r.ci_high) and not (r.ci_low <= 0 <= r.ci_high):
                better = (r.mean_diff > 0) == _higher_is_better(m)
                cls = "better" if better else "worse"
            sb = f"{100 * r.share_better:.0f}%" if _finite(r.share_better) else "n/a"
            row.append(f'<span class="{cls}"><b>{esc(fmt_diff(m, r.mean_diff))}</b></span><br>'
                       f'<span class="ci">[{esc(fmt_diff(m, r.ci_low))}, {esc(fmt_diff(m, r.ci_high))}]</span>'
                       f'<br><span class="sb">better in {sb} of runs</span>')
        prow.append(row)
    t2 = _table(["Scenario"] + [esc(_label(m)) for m in metrics], prow, "num")
    defs = "".join(f"<li><b>{esc(_label(m))}</b>: {esc(METRIC_DOC.get(m, ''))}.</li>" for m in metrics)
    return (
        '<section id="ranking"><h2>Ranked comparison of headline metrics</h2>'
        f"<p>Scenarios ranked by non-recours (lower is better). Mean over {ctx.n_runs} runs, "
        "95% confidence interval in brackets.</p>" + t1 +
        f'<h3 id="paired">Paired differences vs the baseline ({esc(ctx.title(ctx.baseline))})</h3>'
        "<p>Scenario minus baseline on the same random replicates, 95% CI in brackets, and the share "
        "of replicates in which the scenario did better. <span class=\"better\">Green</span>: better "
        "beyond the noise; <span class=\"worse\">red</span>: worse beyond the noise; grey: the CI "
        "includes zero.</p>" + t2 + f'<details><summary>Metric definitions</summary><ul>{defs}</ul></details></section>'
    )


def section_timeseries(ctx: _Ctx) -> str:
    ts = ctx.timeseries
    head = '<section id="timeseries"><h2>Trajectories over time</h2>'
    if ts is None or ts.empty:
        return head + "<p>No weekly series in this results directory (timeseries.csv was not exported).</p></section>"
    present = [(k, lab, u) for k, lab, u in SERIES if k in set(ts["series"])]
    ncol = 2
    nrow = math.ceil(len(present) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(12, 3.2 * nrow), squeeze=False)
    for ax, (key, lab, unit) in zip(axes.flat, present):
        sub = ts[ts["series"] == key]
        for s in ctx.scenarios:
            d = sub[sub["scenario"] == s]
            if d.empty:
                continue
            w = d.pivot_table(index="week", columns="replicate", values="value", aggfunc="first").sort_index()
            if key in ROLLING:
                w = w.rolling(4, min_periods=1).mean()
            arr = w.to_numpy(dtype=float)
            scale = 100.0 if unit == "share" else 1e-6 if unit == "MEUR" else 1.0
            mean = np.nanmean(arr, axis=1) * scale
            lo = np.nanquantile(arr, 0.025, axis=1) * scale
            hi = np.nanquantile(arr, 0.975, axis=1) * scale
            ax.plot(w.index, mean, color=ctx.colors[s], lw=1.6, label=ctx.title(s) if ax is axes.flat[0] else None)
            ax.fill_between(w.index, lo, hi, color=ctx.colors[s], alpha=0.18, lw=0)
        ax.set_title(lab + (" (%)" if unit == "share" else "") + (", 4-week mean" if key in ROLLING else ""),
                     fontsize=10)
        ax.set_xlabel("week", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(present):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, -0.02 - 0.018 * math.ceil(len(labels) / 2)))
    fig.tight_layout()
    img = fig_to_img(fig, "Weekly series per scenario: mean and 95% band across replicates")
    n = ts.groupby("scenario")["replicate"].nunique().max()
    return (head + f"<p>Lines: mean across the {n} replicates of each scenario; shaded band: 2.5%\u201397.5% "
            "of replicates (with few runs, the band is close to their range). Non-recours and mediation "
            "share are cumulative to date; autonomy and illectronisme are the state of the week.</p>"
            + img + "</section>")


def _equity_chart(ctx: _Ctx, base: str) -> str | None:
    dims = [(d, lab, [c for c in cats if ctx.has(f"{base}@{d}:{c}")]) for d, lab, cats in EQUITY_DIMS]
    dims = [x for x in dims if x[2]]
    if not dims:
        return None
    widths = [len(c) for _, _, c in dims]
    fig, axes = plt.subplots(1, len(dims), figsize=(13, 3.8), squeeze=False,
                             gridspec_kw={"width_ratios": widths})
    nsc = len(ctx.scenarios)
    bw = 0.8 / nsc
    for ax, (d, lab, cats) in zip(axes.flat, dims):
        x = np.arange(len(cats))
        for i, s in enumerate(ctx.scenarios):
            mets = [f"{base}@{d}:{c}" for c in cats]
            mu = np.array([ctx.get(ctx.mean, s, m) for m in mets]) * 100
            lo = np.array([ctx.get(ctx.lo, s, m) for m in mets]) * 100
            hi = np.array([ctx.get(ctx.hi, s, m) for m in mets]) * 100
            err = np.vstack([np.clip(mu - lo, 0, None), np.clip(hi - mu, 0, None)])
            err = np.nan_to_num(err)
            ax.bar(x - 0.4 + bw * (i + 0.5), mu, bw, yerr=err, color=ctx.colors[s], capsize=1.5,
                   error_kw={"lw": 0.7}, label=ctx.title(s))
        ticks = [{"yes": "in difficulty", "no": "not in difficulty"}.get(c, c) if d == "difficulty" else c
                 for c in cats]
        ax.set_xticks(x, ticks, fontsize=8)
        ax.set_title(lab, fontsize=10)
        ax.tick_params(labelsize=8)
        ax.grid(axis="y", alpha=0.3)
    axes.flat[0].set_ylabel(f"{_label(base)} (%)", fontsize=9)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, -0.05 - 0.03 * math.ceil(len(labels) / 2)))
    fig.tight_layout()
    return fig_to_img(fig, f"{_label(base)} by age band, density and social difficulty, per scenario")


def section_equity(ctx: _Ctx) -> str:
    parts = ['<section id="equity"><h2>Equity: who is left behind</h2>',
             "<p>Non-recours and autonomy by age band, density class and social difficulty. "
             "Bars: mean over runs; whiskers: 95% CI.</p>"]
    for base in ("non_recours_rate", "autonomy_rate"):
        img = _equity_chart(ctx, base)
        if img:
            parts.append(f"<h3>{esc(_label(base))}</h3>" + img)
    # Table: non-recours by group, with the rural-urban gap.
    cols = []
    for d, lab, cats in EQUITY_DIMS:
        for c in cats:
            m = f"non_recours_rate@{d}:{c}"
            if ctx.has(m):
                cols.append((m, f"{lab}: {c}"))
    if cols:
        rows = []
        for s in _ranked(ctx):
            row = [esc(ctx.title(s))] + [esc(fmt_value(m, ctx.get(ctx.mean, s, m))) for m, _ in cols]
            if ctx.has("rural_urban_gap"):
                row.append(esc(fmt_diff("rural_urban_gap", ctx.get(ctx.mean, s, "rural_urban_gap"))))
            rows.append(row)
        header = ["Scenario"] + [esc(lab) for _, lab in cols]
        if ctx.has("rural_urban_gap"):
            header.append("Rural \u2212 urban")
        parts.append("<h3>Non-recours by group (mean)</h3>" + _table(header, rows, "num small"))
    parts.append("</section>")
    return "".join(parts)


def section_costs(ctx: _Ctx) -> str:
    parts = ['<section id="costs"><h2>Cost and cost-effectiveness by funder</h2>']
    funders = [f for f in FUNDERS if ctx.has(f"total_cost_eur@funder:{f}")]
    extra = sorted({m.split(":", 1)[1] for m in ctx.mean.columns if m.startswith("total_cost_eur@funder:")} - set(funders))
    funders += extra
    order = _ranked(ctx)
    labels = [ctx.title(s) for s in order]
    if funders or ctx.has("cost_per_resolved_need_eur"):
        fig, axes = plt.subplots(1, 2, figsize=(13, 0.45 * len(order) + 1.8), squeeze=False)
        ax = axes[0, 0]
        y = np.arange(len(order))
        left = np.zeros(len(order))
        cmap = plt.get_cmap("Set2")
        for i, f in enumerate(funders):
            v = np.nan_to_num(np.array([ctx.get(ctx.mean, s, f"total_cost_eur@funder:{f}") for s in order]) / 1e6)
            ax.barh(y, v, left=left, color=cmap(i % 8), label=FUNDER_LABELS.get(f, f))
            left += v
        ax.set_yticks(y, labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("spending over the horizon (M EUR, full population)", fontsize=9)
        ax.set_title("Spending by funder", fontsize=10)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / max(len(order), 1)),
                  ncol=4, frameon=False)
        ax.grid(axis="x", alpha=0.3)
        ax2 = axes[0, 1]
        m = "cost_per_resolved_need_eur"
        mu = np.array([ctx.get(ctx.mean, s, m) for s in order])
        lo = np.array([ctx.get(ctx.lo, s, m) for s in order])
        hi = np.array([ctx.get(ctx.hi, s, m) for s in order])
        err = np.nan_to_num(np.vstack([np.clip(mu - lo, 0, None), np.clip(hi - mu, 0, None)]))
        ax2.barh(y, np.nan_to_num(mu), xerr=err, color=[ctx.colors[s] for s in order], capsize=2)
        ax2.set_yticks(y, [""] * len(order))
        ax2.invert_yaxis()
        ax2.set_xlabel("EUR per need resolved through mediation", fontsize=9)
        ax2.set_title("Cost per resolved need (95% CI)", fontsize=10)
        ax2.grid(axis="x", alpha=0.3)
        fig.tight_layout()
        parts.append("<p>Left: mean spending over the horizon by funder (stacked). Right: total spending "
                     "divided by the needs resolved through mediation. Scenarios in ranking order.</p>")
        parts.append(fig_to_img(fig, "Spending by funder and cost per resolved need, per scenario"))
    rows = []
    for s in order:
        row = [esc(ctx.title(s))]
        for f in funders:
            row.append(esc(fmt_eur(ctx.get(ctx.mean, s, f"total_cost_eur@funder:{f}"))))
        for m in ("total_cost_eur", "cost_per_resolved_need_eur"):
            row.append(f"<b>{esc(fmt_value(m, ctx.get(ctx.mean, s, m)))}</b> <span class=\"ci\">"
                       f"[{esc(fmt_value(m, ctx.get(ctx.lo, s, m)))}, {esc(fmt_value(m, ctx.get(ctx.hi, s, m)))}]</span>")
        rows.append(row)
    header = ["Scenario"] + [esc(FUNDER_LABELS.get(f, f)) for f in funders] + ["Total", "Per resolved need"]
    parts.append(_table(header, rows, "num small"))
    parts.append("</section>")
    return "".join(parts)


def _fmt_param(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _is_assumption(spec: dict | None) -> bool:
    return bool(spec) and str(spec.get("source", "")).strip().lower().startswith("assumption")


def section_assumptions(ctx: _Ctx) -> str:
    reg = ctx.registry
    have_src = bool(reg)
    parts = ['<section id="assumptions"><h2>Key assumptions and parameters</h2>']
    if have_src:
        parts.append("<p>Sources from the parameter registry (<code>govsim describe</code>). Parameters "
                     'whose source is an <span class="flag">assumption</span> are documented guesses that '
                     "sensitivity analysis must cover.</p>")
    else:
        parts.append(f"<p>Parameter sources are not shown: {esc(ctx.registry_note)}.</p>")
    # Parameters common to every scenario's explicit settings = experiment-wide settings.
    sets = {s: dict(ctx.scen_info.get(s, {}).get("parameters") or {}) for s in ctx.scenarios}
    common = {}
    if sets and all(sets.values()):
        first = next(iter(sets.values()))
        common = {k: v for k, v in first.items() if all(k in d and d[k] == v for d in sets.values())}

    def row(name: str, value: Any, scen: str | None) -> list[str]:
        spec = reg.get(name)
        r = ([esc(ctx.title(scen))] if scen is not None else []) + [f"<code>{esc(name)}</code>", esc(_fmt_param(value))]
        if have_src:
            dflt = _fmt_param(spec["default"]) if spec and "default" in spec else ""
            unit = spec.get("unit", "") if spec else ""
            src = spec.get("source", "not in the registry") if spec else "not in the registry"
            flag = ' <span class="flag">assumption</span>' if _is_assumption(spec) else ""
            r += [esc(dflt), esc(unit), esc(src) + flag]
        return r

    tail = ["Default", "Unit", "Source"] if have_src else []
    if common:
        parts.append("<h3>Experiment-wide settings</h3>" + _table(
            ["Parameter", "Value"] + tail, [row(k, v, None) for k, v in sorted(common.items())], "small"))
    rows = []
    for s in ctx.scenarios:
        own = {k: v for k, v in sets.get(s, {}).items() if k not in common}
        if not own:
            rows.append([esc(ctx.title(s)), "<i>none: model defaults</i>", ""] + [""] * len(tail))
        for k, v in sorted(own.items()):
            rows.append(row(k, v, s))
    parts.append("<h3>Parameters each scenario sets</h3>" +
                 _table(["Scenario", "Parameter", "Value"] + tail, rows, "small"))
    # Assumption-sourced parameters in use (values from the baseline), flagged; full list folded.
    base_vals = ctx.values(ctx.baseline)
    if have_src and base_vals:
        varying = {k for k in base_vals if len({_fmt_param(ctx.values(s).get(k)) for s in ctx.scenarios}) > 1}
        assum = [k for k in sorted(base_vals) if _is_assumption(reg.get(k))]
        arows = []
        for k in assum:
            spec = reg.get(k, {})
            vals = _fmt_param(base_vals[k]) + (" (varies by scenario)" if k in varying else "")
            arows.append([f"<code>{esc(k)}</code>", esc(vals), esc(spec.get("unit", "")),
                          esc(spec.get("doc", "")), esc(spec.get("source", ""))])
        parts.append(f"<h3>Assumption-sourced parameters ({len(assum)} of {len(base_vals)})</h3>"
                     "<p>Values in the baseline; these are not taken from a published source.</p>"
                     "<details><summary>Show the list</summary>" +
                     _table(["Parameter", "Value", "Unit", "Meaning", "Source"], arows, "small") + "</details>")
    if base_vals:
        allrows = []
        for k in sorted(base_vals):
            spec = reg.get(k)
            r = [f"<code>{esc(k)}</code>", esc(_fmt_param(base_vals[k]))]
            if have_src:
                flag = ' <span class="flag">assumption</span>' if _is_assumption(spec) else ""
                r += [esc(spec.get("unit", "") if spec else ""), esc(spec.get("source", "") if spec else "") + flag]
            allrows.append(r)
        parts.append("<details><summary>All parameter values of the baseline</summary>" +
                     _table(["Parameter", "Value"] + (["Unit", "Source"] if have_src else []), allrows, "small") +
                     "</details>")
    parts.append("</section>")
    return "".join(parts)


def reproduce_command(ctx: _Ctx, results_dir: Path) -> str:
    m = ctx.manifest
    cfg_file = m.get("config_file") or "CONFIG.json"
    cmd = ["govsim", "compare", str(cfg_file)]
    runs = m.get("runs_per_scenario") or ctx.config.get("runs")
    if runs:
        cmd += ["--runs", str(runs)]
    if m.get("seed") is not None:
        cmd += ["--seed", str(m["seed"])]
    # Settings shared by every scenario (the config's parameters and any --set): repeating them
    # as --set reproduces the run whatever the config file holds.
    sets = [dict(ctx.scen_info.get(s, {}).get("parameters") or {}) for s in ctx.scenarios]
    if sets and all(sets):
        common = {k: v for k, v in sets[0].items() if all(k in d and d[k] == v for d in sets)}
        for k, v in sorted(common.items()):
            cmd += ["--set", f"{k}={_fmt_param(v)}"]
    if m.get("threads"):
        cmd += ["--threads", str(m["threads"])]
    cmd += ["--out", str(results_dir)]
    parts, cur = [], []
    for c in cmd:
        if c.startswith("--") and cur:
            parts.append(" ".join(cur))
            cur = []
        cur.append(shlex.quote(c))
    parts.append(" ".join(cur))
    line1 = " \\\n    ".join(parts)
    line2 = " ".join(shlex.quote(c) for c in ["govsim", "report", str(results_dir), "-o", "report.html"])
    return line1 + "\n" + line2


def section_manifest(ctx: _Ctx, results_dir: Path) -> str:
    m = ctx.manifest
    keys = [("govsim_version", "govsim version"), ("git_commit", "Git commit"), ("model", "Model"),
            ("experiment", "Experiment"), ("config_file", "Config file"), ("seed", "Master seed"),
            ("runs_per_scenario", "Runs per scenario"), ("threads", "Threads"), ("host", "Host"),
            ("start_time", "Start (UTC)"), ("end_time", "End (UTC)"), ("complete", "Complete"),
            ("shard", "Shard")]
    rows = [[esc(lab), esc(_fmt_param(m[k]))] for k, lab in keys if k in m]
    known = {k for k, _ in keys} | {"config", "scenarios", "baseline"}
    rows += [[esc(k), esc(_fmt_param(v))] for k, v in m.items() if k not in known]
    rows.append(["Baseline", esc(ctx.baseline)])
    rows.append(["Scenarios", esc(", ".join(ctx.scenarios))])
    rows.append(["Results directory", esc(results_dir)])
    cmd = reproduce_command(ctx, results_dir)
    return ('<section id="manifest"><h2>Manifest and reproduction</h2>' + _table(["Field", "Value"], rows, "small") +
            "<h3>Command to reproduce</h3><p>Run from the directory the experiment was run from (the config "
            "path is relative to it). Results do not depend on the number of threads.</p>"
            f"<pre>{esc(cmd)}</pre></section>")


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1d2330;background:#f6f7f9;line-height:1.45}
main{max-width:1200px;margin:0 auto;padding:1.2rem 2rem 3rem;background:#fff}
header{background:#1f3a5f;color:#fff;padding:1.4rem 2rem}
header h1{margin:0 0 .3rem;font-size:1.7rem} header p{margin:0;opacity:.9}
nav{background:#e8edf4;padding:.5rem 2rem;font-size:.9rem} nav a{margin-right:1rem;color:#1f3a5f}
h2{border-bottom:2px solid #1f3a5f;padding-bottom:.2rem;margin-top:2.2rem;color:#1f3a5f}
h3{margin-top:1.4rem;color:#2b4a73}
.question{font-size:1.05rem;background:#f0f4fa;border-left:4px solid #1f3a5f;padding:.7rem 1rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.85rem;width:100%}
th,td{border:1px solid #d5dae1;padding:.3rem .45rem;vertical-align:top;text-align:left}
th{background:#eef1f5;font-weight:600}
table.num td{text-align:right} table.num td:first-child,table.num td:nth-child(2){text-align:left}
table.small{font-size:.8rem}
.ci{color:#555;font-size:.78rem} .sb{color:#666;font-size:.72rem} .dir{font-weight:400;color:#666;font-size:.72rem}
.better{color:#17693a} .worse{color:#a4262c} .noise{color:#6b6f76}
.card{border:1px solid #d5dae1;border-radius:6px;padding:.4rem 1rem .6rem;margin:.7rem 0}
.card h3{margin:.4rem 0 .2rem} .name{margin:.1rem 0 .4rem;font-size:.85rem;color:#555}
blockquote{margin:.5rem 0;padding:.4rem .9rem;border-left:4px solid #b9c4d3;background:#f8f9fb;font-style:italic;color:#333}
.tag{display:inline-block;background:#e3eaf4;border-radius:3px;padding:0 .35rem;font-size:.78rem;margin-right:.2rem}
.tag.base{background:#ffe9b3} .tag.none{background:#eee}
.flag{display:inline-block;background:#fff1c2;color:#7a5a00;border:1px solid #e5cf7a;border-radius:3px;padding:0 .3rem;font-size:.72rem}
ul.findings li{margin:.45rem 0} .caveat{color:#6b6f76;font-size:.9rem}
img.chart{max-width:100%;height:auto;display:block;margin:.5rem 0}
pre{background:#1d2330;color:#e8edf4;padding:.7rem 1rem;border-radius:5px;overflow-x:auto;font-size:.82rem}
code{font-size:.85em} details{margin:.6rem 0} summary{cursor:pointer;color:#1f3a5f}
footer{font-size:.8rem;color:#666;margin-top:2rem}
"""

NAV = [("question", "Question"), ("findings", "Findings"), ("scenarios", "Scenarios"), ("ranking", "Ranking"),
       ("timeseries", "Over time"), ("equity", "Equity"), ("costs", "Costs"), ("assumptions", "Assumptions"),
       ("manifest", "Manifest")]


def render_html(data: dict[str, Any], registry: dict[str, dict], registry_note: str = "") -> str:
    ctx = _Ctx(data, registry, registry_note)
    results_dir = data["dir"]
    name = ctx.config.get("name") or ctx.manifest.get("experiment") or results_dir.name
    terr = ctx.config.get("territory")
    tname = terr.get("name", "user territory") if isinstance(terr, dict) else terr
    sections = [
        section_question(ctx),
        section_findings(ctx),
        section_scenarios(ctx),
        section_ranking(ctx),
        section_timeseries(ctx),
        section_equity(ctx),
        section_costs(ctx),
        section_assumptions(ctx),
        section_manifest(ctx, results_dir),
    ]
    nav = "".join(f'<a href="#{i}">{esc(t)}</a>' for i, t in NAV)
    made = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>govsim report \u2014 {esc(name)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>Governance of digital inclusion: {esc(name)}</h1>"
        f"<p>{len(ctx.scenarios)} scenarios \u00b7 territory {esc(tname)} \u00b7 {ctx.n_runs} runs each \u00b7 "
        f"govsim {esc(ctx.manifest.get('govsim_version', '?'))}</p></header>"
        f"<nav>{nav}</nav><main>{''.join(sections)}"
        f"<footer>Generated by govsim.report on {made} from {esc(results_dir)}.</footer></main></body></html>\n"
    )


def write_report(results_dir, output_path) -> Path:
    """Write the HTML report of the results in ``results_dir`` to ``output_path``; return its path.

    Raises ReportInputError if ``results_dir`` is missing or holds no usable results.
    """
    results_dir = Path(results_dir)
    output_path = Path(output_path)
    data = _load(results_dir)
    registry, note = _describe()
    text = render_html(data, registry, note)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    output_path.write_text(text, encoding="utf-8")
    return output_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m govsim.report",
        description="Write one self-contained HTML report (charts inline) from a `govsim compare` results directory.",
    )
    parser.add_argument("results_dir", metavar="RESULTS_DIR", help="the --out directory of `govsim compare`")
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="HTML file to write (default: RESULTS_DIR/report.html)")
    args = parser.parse_args(argv)
    out = Path(args.output) if args.output else Path(args.results_dir) / "report.html"
    try:
        path = write_report(args.results_dir, out)
    except ReportInputError as e:
        print(f"govsim report: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"govsim report: error: cannot write {out}: {e.strerror or e}", file=sys.stderr)
        return 2
    print(f"report written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
