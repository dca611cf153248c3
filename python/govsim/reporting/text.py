"""Every word of the report that depends on the data: labels, number formats and sentences.

Plain text only (the template escapes it). Fixed prose lives in ``templates/report.html.j2``;
the wording here is kept in literal strings, one place each, so that it can be wrapped in
gettext calls for a translation.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from ..store import MetricCatalog as Catalog
from .load import ReportData

QUESTION = (
    "A territory wants most of its adults able to do their online procedures, alone or with "
    "help, without anyone giving up on a right because the procedure went online "
    "(\u201cnon-recours\u201d). Money, mediators and places are scarce and owned by many actors. "
    "Which governance \u2014 who pools and allocates money, who animates the network, who refers "
    "whom, at which level, with which tools \u2014 gets the most people to autonomy, soonest, most "
    "fairly, per euro, and most robustly?"
)
# Added to the question only when some scenario carries a `seed_contribution`.
QUESTION_SEED = "The scenarios marked with a quotation below come from a French public consultation that proposed them."

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
    "charente": (
        "Charente (16), a real d\u00e9partement: 362 communes (COG 2024), 350,867 inhabitants "
        "(INSEE legal population 2021), 9 EPCI, and its digital-mediation places from the national "
        "cartography (July 2023) and the France Services bus (Sept. 2023) (data/territories/)."
    ),
    "loir-et-cher": (
        "Loir-et-Cher (41), a real d\u00e9partement: 267 communes (COG 2024), 328,504 inhabitants "
        "(INSEE legal population 2021), 12 EPCI, and 85 digital-mediation places from the Hub-lo "
        "export (data/territories/)."
    ),
}

# Short labels of metrics and series for tables and charts (the metric list, units, directions
# and definitions come from the results' manifest; a metric without a label here is named from
# its identifier).
LABELS = {
    "illectronisme_rate": "Illectronisme",
    "autonomy_rate": "Autonomy",
    "non_recours_rate": "Non-recours",
    "mediation_share": "Needs resolved by mediation",
    "mean_wait_weeks": "Mean wait (weeks)",
    "coverage_30min": "Within 30 min of a point",
    "total_cost_eur": "Total cost",
    "cost_per_need_resolved_by_mediation_eur": "Cost per need resolved by mediation",
    "rural_urban_gap": "Rural-urban non-recours gap",
}

SERIES_LABELS = {
    "non_recours_rate": "Non-recours (cumulative)",
    "mediation_share": "Needs resolved by mediation (cumulative)",
    "autonomy_rate": "Autonomy rate",
    "illectronisme_rate": "Illectronisme rate",
    "sessions": "Mediation sessions per week (simulated sample)",
    "unserved_requests": "Requests turned away per week",
    "open_points": "Open access points",
    "cumulative_cost_eur": "Cumulative spending (M EUR)",
    "non_recours_rate@density:rural": "Non-recours in rural zones (cumulative)",
    "non_recours_rate@density:urban": "Non-recours in urban zones (cumulative)",
}

DIMENSION_LABELS = {"age": "Age band", "density": "Density", "difficulty": "Social difficulty", "funder": "Funder"}
CATEGORY_LABELS = {("difficulty", "yes"): "in difficulty", ("difficulty", "no"): "not in difficulty"}

FUNDER_LABELS = {
    "state": "State",
    "region": "Region",
    "department": "Department",
    "epci": "EPCI",
    "commune": "Communes",
    "caf": "CAF",
    "banque_des_territoires": "Banque des Territoires",
}

# Nouns used in "On X, the difference ... is within the noise".
NOISE_NOUNS = {
    "non_recours_rate": "non-recours",
    "mediation_share": "needs resolved through mediation",
    "autonomy_rate": "autonomy",
    "total_cost_eur": "total cost",
    "cost_per_need_resolved_by_mediation_eur": "cost per need resolved",
    "rural_urban_gap": "the rural-urban gap",
}

# What a share metric measures, in "raises X by N points".
SHARE_SUBJECTS = {
    "non_recours_rate": "non-recours",
    "autonomy_rate": "the share of adults autonomous online",
    "illectronisme_rate": "illectronisme",
    "coverage_30min": "the share of adults within 30 minutes of a point",
    "rural_urban_gap": "the rural-urban gap in non-recours",
    "mediation_share": "the share of needs resolved through mediation",
}

UP, DOWN = "\u2191", "\u2193"

# Chart titles, axis labels and image descriptions.
CHART = {
    "week": "week",
    "four_week_mean": ", 4-week mean",
    "percent": " (%)",
    "timeseries_alt": "Weekly series per scenario: mean and 95% band across replicates",
    "equity_alt": "{metric} by {dimensions}, per scenario",
    "spending_axis": "spending over the horizon (M EUR, full population)",
    "spending_title": "Spending by funder",
    "per_need_axis": "EUR per need resolved through mediation",
    "per_need_title": "Cost per resolved need (95% CI)",
    "costs_alt": "Spending by funder and cost per resolved need, per scenario",
    "map_baseline": "non-recours, {baseline} (%)",
    "map_change": "change in non-recours vs {baseline} (points)",
    "map_baseline_title": "Non-recours by commune: {baseline}",
    "map_change_title": "Change in non-recours by commune: {scenario}",
    "map_alt": ("Map of {territory}: {n} communes coloured by non-recours under {baseline} and by its change "
                "in points under {scenario}, from the run's per-commune outputs"),
    "map_note": ("Each commune's non-recours is its needs given up over its needs closed, all replicates pooled "
                 "(communes.csv); in small communes it rests on few needs, especially with a sampled population, "
                 "so read patterns, not single communes. Grey: no need closed."),
}


# --------------------------------------------------------------------------------------------
# Labels


def finite(*xs: Any) -> bool:
    return all(x is not None and isinstance(x, (int, float, np.floating)) and math.isfinite(x) for x in xs)


def label(metric: str) -> str:
    base, _, sub = metric.partition("@")
    lab = LABELS.get(base, base.replace("_", " ").capitalize())
    return f"{lab} ({sub})" if sub else lab


def series_label(name: str) -> str:
    return SERIES_LABELS.get(name, label(name))


def dimension_label(dim: str) -> str:
    return DIMENSION_LABELS.get(dim, dim.replace("_", " ").capitalize())


def category_label(dim: str, cat: str) -> str:
    return CATEGORY_LABELS.get((dim, cat), cat)


def funder_label(funder: str) -> str:
    return FUNDER_LABELS.get(funder, funder)


def direction(catalog: Catalog, metric: str) -> str:
    return f"{UP if catalog.higher_is_better(metric) else DOWN} better"


def definition(catalog: Catalog, metric: str) -> str:
    """The metric's documentation from the manifest, as a clause ending with a full stop."""
    doc = catalog.doc(metric).strip()
    if not doc:
        return ""
    doc = doc[0].lower() + doc[1:]
    return doc if doc.endswith(".") else doc + "."


# --------------------------------------------------------------------------------------------
# Numbers


def fmt_eur(x: float, signed: bool = False) -> str:
    if not finite(x):
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


def fmt_value(catalog: Catalog, metric: str, x: float) -> str:
    if not finite(x):
        return "n/a"
    u = catalog.unit(metric)
    if u == "share":
        return f"{100 * x:.1f}%"
    if u == "EUR":
        return fmt_eur(x)
    if u == "weeks":
        return f"{x:.2f}"
    return f"{x:.3g}"


def fmt_diff(catalog: Catalog, metric: str, x: float) -> str:
    if not finite(x):
        return "n/a"
    u = catalog.unit(metric)
    if u == "EUR":
        return fmt_eur(x, signed=True)
    if u == "share":
        v, fmt, suffix = 100 * x, "{:.2f}", " pt"
    elif u == "weeks":
        v, fmt, suffix = x, "{:.2f}", " wk"
    else:
        v, fmt, suffix = x, "{:.3g}", ""
    text = fmt.format(abs(v))
    sign = "\u00b1" if float(text) == 0.0 else "+" if x > 0 else "\u2212"
    return f"{sign}{text}{suffix}"


def fmt_param(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def fmt_share_better(x: float) -> str:
    return f"better in {100 * x:.0f}% of runs" if finite(x) else "better in n/a of runs"


def _num(x: float, digits: int) -> str:
    return f"{x:.{digits}f}"


def _range(lo: float, hi: float, digits: int, suffix: str = "") -> str:
    return f"{_num(lo, digits)}\u2013{_num(hi, digits)}{suffix}"


def _digits(lo: float, hi: float) -> int:
    span = max(abs(lo), abs(hi))
    return 0 if span >= 10 else 1 if span >= 1 else 2 if span >= 0.1 else 3


def and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------------------------
# Sentences


def territory(config: dict[str, Any]) -> tuple[str, str]:
    """(name, description) of the experiment's territory."""
    terr = config.get("territory")
    if isinstance(terr, dict):
        files = [f"communes from {terr['communes_csv']}"] if terr.get("communes_csv") else []
        for key in ("points_csv", "places_csv", "places", "points"):
            if isinstance(terr.get(key), str):
                files.append(f"access points from {terr[key]}")
                break
        else:
            files.append("access points generated from the communes (no places file)")
        return (terr.get("name") or terr.get("communes_csv", "user territory"),
                "A territory loaded from the planner's own files: " + "; ".join(files) + ".")
    return (terr or "unknown"), TERRITORIES.get(str(terr), "")


def places_data(manifest: dict[str, Any]) -> str:
    """What the run's territory says about its places data (date range, rows left out, caveat)."""
    t = manifest.get("territory")
    if not isinstance(t, dict) or not isinstance(t.get("places_dates"), dict):
        return ""
    d = t["places_dates"]
    parts = [f"Places data: {t.get('places', '?')} places, updated {d.get('min', '?')} to {d.get('max', '?')}"]
    if t.get("rejected_rows"):
        parts.append(f"{t['rejected_rows']} rows of the source files failed the checks and were left out")
    s = "; ".join(parts) + "."
    if t.get("note"):
        s += " " + str(t["note"])
    return s


def territory_name(config: dict[str, Any]) -> str:
    terr = config.get("territory")
    return terr.get("name", "user territory") if isinstance(terr, dict) else str(terr)


def setup_facts(data: ReportData) -> str:
    v = data.values(data.baseline)
    scale = v.get("sim.population_scale")
    hw = data.horizon_weeks()
    facts = []
    if hw:
        facts.append(f"horizon {hw} weeks ({hw / 52:.1f} years)")
    if scale is not None:
        facts.append(f"{100 * float(scale):g}% of the adults simulated as agents (costs reported at full scale)")
    facts.append(f"{data.n_runs} Monte Carlo runs per scenario, replicate r of every scenario on the same random streams")
    return "; ".join(facts)


def baseline_name(data: ReportData) -> str:
    return "the status quo" if data.baseline == "status-quo" else data.title(data.baseline)


VERDICT_CLASS = {"clearly_better": "better", "better_below_mid": "small", "no_detectable_difference": "noise",
                 "worse_below_mid": "small", "clearly_worse": "worse"}
VERDICT_LABEL = {"clearly_better": "clearly better",
                 "better_below_mid": "better, but below the minimal important difference",
                 "no_detectable_difference": "no detectable difference",
                 "worse_below_mid": "worse, but below the minimal important difference",
                 "clearly_worse": "clearly worse"}


def verdict(r: Any) -> str:
    """The verdict of a paired row (paired.csv's `verdict`), 'no_detectable_difference' if absent."""
    v = getattr(r, "verdict", None)
    return v if isinstance(v, str) and v in VERDICT_CLASS else "no_detectable_difference"


def pair_sentence(data: ReportData, scen: str, metric: str) -> tuple[str, str] | None:
    """(sentence, verdict) for a detectable difference, (noun, 'no_detectable_difference') when
    the 95% CI includes 0, None if unavailable. Differences of shares are in points; the verdict
    against the minimal important difference (MID) is stated when the effect is below it."""
    r = data.pair.get((scen, metric))
    cat = data.catalog
    if r is None or not finite(r.mean_diff, r.ci_low, r.ci_high):
        return None
    n = int(r.n)
    base = baseline_name(data)
    v = verdict(r)
    if v == "no_detectable_difference":
        return NOISE_NOUNS.get(metric, label(metric).lower()), v
    d, lo, hi = r.mean_diff, r.ci_low, r.ci_high
    up = d > 0
    mlo, mhi = (lo, hi) if up else (-hi, -lo)  # magnitude interval, ordered
    share = f" (better in {round(r.share_better * n)} of {n} paired runs)" if finite(r.share_better) else ""
    if cat.unit(metric) == "share":
        dg = _digits(100 * mlo, 100 * mhi)
        what = SHARE_SUBJECTS.get(metric, label(metric).lower())
        s = (f"{'raises' if up else 'lowers'} {what} by {_num(abs(100 * d), dg)} points "
             f"({_range(100 * mlo, 100 * mhi, dg)})")
    elif metric == "total_cost_eur":
        s = (f"costs {fmt_eur(abs(d))} {'more' if up else 'less'} in total "
             f"({fmt_eur(mlo)} to {fmt_eur(mhi)})")
    elif metric == "cost_per_need_resolved_by_mediation_eur":
        s = (f"makes each need resolved through mediation {fmt_eur(abs(d))} "
             f"{'dearer' if up else 'cheaper'} ({fmt_eur(mlo)} to {fmt_eur(mhi)})")
    elif cat.unit(metric) == "EUR":
        s = (f"changes {label(metric).lower()} by {fmt_eur(d, signed=True)} "
             f"({fmt_eur(lo, signed=True)} to {fmt_eur(hi, signed=True)})")
    elif metric == "mean_wait_weeks":
        s = (f"{'lengthens' if up else 'shortens'} the wait for mediation by {abs(d):.2f} weeks "
             f"({mlo:.2f}\u2013{mhi:.2f})")
    else:
        s = (f"changes {label(metric).lower()} by {fmt_diff(cat, metric, d)} "
             f"({fmt_diff(cat, metric, lo)} to {fmt_diff(cat, metric, hi)})")
    s += share
    if v in ("better_below_mid", "worse_below_mid"):
        mid = getattr(r, "mid", float("nan"))
        s += (f", below the minimal important difference of {fmt_diff(cat, metric, mid).lstrip('+')}, "
              "too small to matter in practice")
    return s, v


# Metrics the plain-words findings speak about, in this order.
FINDING_METRICS = ["non_recours_rate", "mediation_share", "autonomy_rate", "rural_urban_gap",
                   "total_cost_eur", "cost_per_need_resolved_by_mediation_eur"]


def finding(data: ReportData, scen: str) -> dict[str, str] | None:
    """One bullet of the findings: {"title", "text", "small", "caveat"} (any may be empty):
    `text` holds the clear effects, `small` those below the minimal important difference."""
    clear, small, noise = [], [], []
    for m in FINDING_METRICS:
        res = pair_sentence(data, scen, m)
        if res is None:
            continue
        sentence, v = res
        (noise if v == "no_detectable_difference" else small if v.endswith("below_mid") else clear).append(sentence)
    if not clear and not small and not noise:
        return None
    caveat = ""
    if noise:
        caveat = (f"On {and_list(noise)}, no difference with {baseline_name(data)} is detectable in "
                  f"{data.n_runs} paired runs; we cannot say which is better.")
    return {"title": data.title(scen), "text": "; ".join(clear) + "." if clear else "",
            "small": "; ".join(small) + "." if small else "", "caveat": caveat}


def assumptions_sentence(data: ReportData) -> str:
    """What the findings rest on: the share of assumed parameters, calibration and robustness."""
    reg = data.registry
    values = data.values(data.baseline)
    names = [k for k in values if k in reg] or list(reg)
    assumed = [k for k in names if str(reg[k].get("source", "")).strip().lower().startswith("assumption")]
    if not names:
        return ""
    robust = data.manifest.get("robustness") or data.config.get("uncertainty")
    return (f"These results rest on a model of {len(names)} parameters, {len(assumed)} of which "
            f"({100 * len(assumed) / len(names):.0f}%) are assumptions rather than observed figures; the intervals "
            "below reflect Monte Carlo noise only, "
            + ("and the robustness section shows how the ranking holds across plausible values of them."
               if robust else "not what we do not know about these assumptions (no robustness analysis was run "
               "for this report).")
            + " See the Assumptions section.")


def reproduce_command(data: ReportData) -> str:
    """The `govsim compare` and `govsim report` commands that reproduce these results."""
    import shlex

    m = data.manifest
    command = str(data.config.get("command") or "compare")
    cmd = ["govsim", command, str(m.get("config_file") or "CONFIG.json")]
    if command == "run" and data.config.get("scenario_option"):
        cmd += ["--scenario", str(data.config["scenario_option"])]
    runs = m.get("runs_per_scenario") or data.config.get("runs")
    if runs:
        cmd += ["--runs", str(runs)]
    if m.get("seed") is not None:
        cmd += ["--seed", str(m["seed"])]
    # The overrides given on the command line, as given (the config file holds the rest).
    for o in data.config.get("overrides") or []:
        cmd += ["--set", str(o)]
    if m.get("threads"):
        cmd += ["--threads", str(m["threads"])]
    cmd += ["--out", str(data.dir)]
    parts: list[str] = []
    cur: list[str] = []
    for c in cmd:
        if c.startswith("--") and cur:
            parts.append(" ".join(cur))
            cur = []
        cur.append(shlex.quote(c))
    parts.append(" ".join(cur))
    line2 = " ".join(shlex.quote(c) for c in ["govsim", "report", str(data.dir), "-o", "report.html"])
    return " \\\n    ".join(parts) + "\n" + line2


MANIFEST_FIELDS = [("govsim_version", "govsim version"), ("git_commit", "Git commit"), ("model", "Model"),
                   ("experiment", "Experiment"), ("config_file", "Config file"), ("seed", "Master seed"),
                   ("runs_per_scenario", "Runs per scenario"), ("threads", "Threads"), ("host", "Host"),
                   ("start_time", "Start (UTC)"), ("end_time", "End (UTC)"), ("complete", "Complete"),
                   ("shard", "Shard")]
