"""Every word of the report that depends on the data: labels, number formats and sentences.

Plain text only (the template escapes it). Fixed prose lives in ``templates/report.html.j2``.
Every message is English source text marked for gettext (``_`` where it is used, ``N_`` in the
tables below, translated where they are read); the French catalogue is
``locale/fr/LC_MESSAGES/govsim.po`` (:mod:`.i18n`). Numbers follow the language's conventions
through Babel (decimal comma and narrow spaces as thousands separators in French, "M€").
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
from babel.numbers import format_decimal

from ..store import MetricCatalog as Catalog
from .i18n import N_, _, lang, locale
from .load import ReportData

QUESTION = N_(
    "A territory wants most of its adults able to do their online procedures, alone or with "
    "help, without anyone giving up on a right because the procedure went online "
    "(\u201cnon-recours\u201d). Money, mediators and places are scarce and owned by many actors. "
    "Which governance \u2014 who pools and allocates money, who animates the network, who refers "
    "whom, at which level, with which tools \u2014 gets the most people to autonomy, soonest, most "
    "fairly, per euro, and most robustly?"
)
# Added to the question only when some scenario carries a `seed_contribution`.
QUESTION_SEED = N_("The scenarios marked with a quotation below come from a French public consultation that proposed them.")

TERRITORIES = {
    "rural-department": N_(
        "Rural department (Loir-et-Cher-like): 328,504 inhabitants (2021), 267 communes, "
        "6,343 km\u00b2, 11 EPCI (largest around Blois, ~106k, and Vend\u00f4me, ~52k); regional "
        "illectronisme 19% (Insee Flash Centre-Val de Loire n\u00b056, 2022)."
    ),
    "city": N_(
        "City (Rennes-like): commune of 225,081 inhabitants (2021) divided into quarters, in a "
        "metropole of 43 communes and 467,858 inhabitants; six \u201cespaces sociaux communs\u201d."
    ),
    "former-mining-agglomeration": N_(
        "Former mining agglomeration (Lens-Li\u00e9vin-like): 36 communes, 242,587 inhabitants "
        "(2021), 239.4 km\u00b2."
    ),
    "france": N_("A generated national territory (~35,000 communes, ~55M adults), for benchmarks."),
    "charente": N_(
        "Charente (16), a real d\u00e9partement: 362 communes (COG 2024), 350,867 inhabitants "
        "(INSEE legal population 2021), 9 EPCI, and its digital-mediation places from the national "
        "cartography (July 2023) and the France Services bus (Sept. 2023) (data/territories/)."
    ),
    "loir-et-cher": N_(
        "Loir-et-Cher (41), a real d\u00e9partement: 267 communes (COG 2024), 328,504 inhabitants "
        "(INSEE legal population 2021), 12 EPCI, and 85 digital-mediation places from the Hub-lo "
        "export (data/territories/)."
    ),
}

# Caveats the engine writes into a real territory's manifest block ("note"), for the catalogue
# (the report translates the note it finds; models/inclusion/open_data.cpp holds the source text).
TERRITORY_NOTES = [
    N_("Loir-et-Cher's places data date mostly from 2020 (Hub-lo export, date_maj 2020-06 to 2022-12), before "
       "the Conseillers numériques and France Services roll-out: it under-represents today's offer."),
]

# Short labels of metrics and series for tables and charts (the metric list, units, directions
# and definitions come from the results' manifest; a metric without a label here is named from
# its identifier).
LABELS = {
    "illectronisme_rate": N_("Illectronisme"),
    "autonomy_rate": N_("Autonomy"),
    "non_recours_rate": N_("Non-recours"),
    "mediation_share": N_("Needs resolved by mediation"),
    "mean_wait_weeks": N_("Mean wait (weeks)"),
    "coverage_30min": N_("Within 30 min of a point"),
    "total_cost_eur": N_("Total cost"),
    "cost_per_need_resolved_by_mediation_eur": N_("Cost per need resolved by mediation"),
    "rural_urban_gap": N_("Rural-urban non-recours gap"),
}

SERIES_LABELS = {
    "non_recours_rate": N_("Non-recours (cumulative)"),
    "mediation_share": N_("Needs resolved by mediation (cumulative)"),
    "autonomy_rate": N_("Autonomy rate"),
    "illectronisme_rate": N_("Illectronisme rate"),
    "sessions": N_("Mediation sessions per week (simulated sample)"),
    "unserved_requests": N_("Requests turned away per week"),
    "open_points": N_("Open access points"),
    "cumulative_cost_eur": N_("Cumulative spending (M EUR)"),
    "non_recours_rate@density:rural": N_("Non-recours in rural zones (cumulative)"),
    "non_recours_rate@density:urban": N_("Non-recours in urban zones (cumulative)"),
}

DIMENSION_LABELS = {"age": N_("Age band"), "density": N_("Density"), "difficulty": N_("Social difficulty"),
                    "funder": N_("Funder"), "service": N_("Service (MedNum standard)"), "mode": N_("Travel mode")}
CATEGORY_LABELS = {("difficulty", "yes"): N_("in difficulty"), ("difficulty", "no"): N_("not in difficulty"),
                   ("mode", "car"): N_("everyone by car"), ("mode", "no_car"): N_("everyone without a car"),
                   # The 9 service categories of the MedNum standard (models/inclusion/access_points.cpp).
                   ("service", "procedures"): N_("help with administrative procedures"),
                   ("service", "daily_tools"): N_("everyday digital tools"),
                   ("service", "jobs"): N_("finding work through digital tools"),
                   ("service", "safety"): N_("safe use of digital tools"),
                   ("service", "parenting"): N_("parenting and education with digital tools"),
                   ("service", "creation"): N_("leisure and digital creation"),
                   ("service", "understanding"): N_("understanding the digital world"),
                   ("service", "access"): N_("internet access and computers"),
                   ("service", "equipment"): N_("low-cost computer equipment")}

FUNDER_LABELS = {
    "state": N_("State"),
    "region": N_("Region"),
    "department": N_("Department"),
    "epci": N_("EPCI"),
    "commune": N_("Communes"),
    "caf": N_("CAF"),
    "banque_des_territoires": N_("Banque des Territoires"),
}

# Nouns used in "On X, the difference ... is within the noise".
NOISE_NOUNS = {
    "non_recours_rate": N_("non-recours"),
    "mediation_share": N_("needs resolved through mediation"),
    "autonomy_rate": N_("autonomy"),
    "total_cost_eur": N_("total cost"),
    "cost_per_need_resolved_by_mediation_eur": N_("cost per need resolved"),
    "rural_urban_gap": N_("the rural-urban gap"),
}

# What a share metric measures, in "raises X by N points".
SHARE_SUBJECTS = {
    "non_recours_rate": N_("non-recours"),
    "autonomy_rate": N_("the share of adults autonomous online"),
    "illectronisme_rate": N_("illectronisme"),
    "coverage_30min": N_("the share of adults within 30 minutes of a point"),
    "rural_urban_gap": N_("the rural-urban gap in non-recours"),
    "mediation_share": N_("the share of needs resolved through mediation"),
}

UP, DOWN = "\u2191", "\u2193"

# Chart titles, axis labels and image descriptions.
CHART = {
    "week": N_("week"),
    "four_week_mean": N_(", 4-week mean"),
    "percent": N_(" (%)"),
    "timeseries_alt": N_("Weekly series per scenario: mean and 95% band across replicates"),
    "equity_alt": N_("{metric} by {dimensions}, per scenario"),
    "spending_axis": N_("spending over the horizon (M EUR, full population)"),
    "spending_title": N_("Spending by funder"),
    "per_need_axis": N_("EUR per need resolved through mediation"),
    "per_need_title": N_("Cost per resolved need (95% CI)"),
    "costs_alt": N_("Spending by funder and cost per resolved need, per scenario"),
    "map_baseline": N_("non-recours, {baseline} (%)"),
    "map_change": N_("change in non-recours vs {baseline} (points)"),
    "map_baseline_title": N_("Non-recours by commune: {baseline}"),
    "map_change_title": N_("Change in non-recours by commune: {scenario}"),
    "map_alt": N_("Map of {territory}: {n} communes coloured by non-recours under {baseline} and by its change "
                  "in points under {scenario}, from the run's per-commune outputs"),
    "map_note": N_("Each commune's non-recours is its needs given up over its needs closed, all replicates pooled "
                   "(communes.csv); in small communes it rests on few needs, especially with a sampled population, "
                   "so read patterns, not single communes. Grey: no need closed."),
}


# --------------------------------------------------------------------------------------------
# Labels


def finite(*xs: Any) -> bool:
    return all(x is not None and isinstance(x, (int, float, np.floating)) and math.isfinite(x) for x in xs)


def label(metric: str) -> str:
    base, _sep, sub = metric.partition("@")
    lab = _(LABELS[base]) if base in LABELS else base.replace("_", " ").capitalize()
    return f"{lab} ({sub})" if sub else lab


def series_label(name: str) -> str:
    return _(SERIES_LABELS[name]) if name in SERIES_LABELS else label(name)


def chart_text(key: str) -> str:
    return _(CHART[key])


def dimension_label(dim: str) -> str:
    return _(DIMENSION_LABELS[dim]) if dim in DIMENSION_LABELS else dim.replace("_", " ").capitalize()


def category_label(dim: str, cat: str) -> str:
    return _(CATEGORY_LABELS[(dim, cat)]) if (dim, cat) in CATEGORY_LABELS else cat


def funder_label(funder: str) -> str:
    return _(FUNDER_LABELS[funder]) if funder in FUNDER_LABELS else funder


def question() -> str:
    return _(QUESTION)


def direction(catalog: Catalog, metric: str) -> str:
    return (UP if catalog.higher_is_better(metric) else DOWN) + " " + _("better")


def definition(catalog: Catalog, metric: str) -> str:
    """The metric's documentation from the manifest, as a clause ending with a full stop (the
    manifest's English text: its translation is the message of the same text, if any)."""
    doc = catalog.doc(metric).strip()
    if not doc:
        return ""
    doc = _(doc)
    doc = doc[0].lower() + doc[1:]
    return doc if doc.endswith(".") else doc + "."


# --------------------------------------------------------------------------------------------
# Numbers (Babel: "1 234,5" in French, "1,234.5" in English; a minus sign, not a hyphen)

MINUS = "\u2212"
NARROW_NBSP = "\u202f"


def num(x: float, digits: int = 0, grouping: bool = True) -> str:
    """``x`` rounded to ``digits`` decimals in the current language's format."""
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * digits if digits > 0 else "")
    out = format_decimal(abs(x), format=pattern, locale=locale())
    return (MINUS if x < 0 and float(f"{abs(x):.{digits}f}") != 0 else "") + out


def pct(x: float, digits: int = 1) -> str:
    """A share as a percentage: "12.3%" / "12,3 %"."""
    return num(100 * x, digits) + (NARROW_NBSP + "%" if lang() == "fr" else "%")


def fmt_eur(x: float, signed: bool = False) -> str:
    if not finite(x):
        return _("n/a")
    sign = ("+" if x > 0 else MINUS if x < 0 else "") if signed else (MINUS if x < 0 else "")
    a = abs(x)
    if round(a) == 0:
        sign = "\u00b1" if signed else ""
    if a >= 1e6:
        body, scale = num(a / 1e6, 2), "M"
    elif a >= 1e4:
        body, scale = num(a / 1e3, 0), "k"
    else:
        body, scale = num(a, 0), ""
    if lang() == "fr":
        return f"{sign}{body}{NARROW_NBSP}{scale}\u20ac"
    return f"{sign}\u20ac{body}{scale}"


def fmt_value(catalog: Catalog, metric: str, x: float) -> str:
    if not finite(x):
        return _("n/a")
    u = catalog.unit(metric)
    if u == "share":
        return pct(x, 1)
    if u == "EUR":
        return fmt_eur(x)
    if u == "weeks":
        return num(x, 2)
    return _sig(x)


def _sig(x: float) -> str:
    """Three significant digits, in the current language's format."""
    if x == 0:
        return num(0, 0)
    digits = max(0, 2 - int(math.floor(math.log10(abs(x)))))
    return num(x, digits)


def fmt_diff(catalog: Catalog, metric: str, x: float) -> str:
    if not finite(x):
        return _("n/a")
    u = catalog.unit(metric)
    if u == "EUR":
        return fmt_eur(x, signed=True)
    if u == "share":
        v, digits, suffix = 100 * x, 2, " " + _("pt")
    elif u == "weeks":
        v, digits, suffix = x, 2, " " + _("wk")
    else:
        return ("+" if x > 0 else "") + _sig(x)
    text = num(abs(v), digits)
    sign = "\u00b1" if float(f"{abs(v):.{digits}f}") == 0.0 else "+" if x > 0 else MINUS
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
    return _("better in {share} of runs").format(share=pct(x, 0) if finite(x) else _("n/a"))


def _range(lo: float, hi: float, digits: int, suffix: str = "") -> str:
    return f"{num(lo, digits)}\u2013{num(hi, digits)}{suffix}"


def _digits(lo: float, hi: float) -> int:
    span = max(abs(lo), abs(hi))
    return 0 if span >= 10 else 1 if span >= 1 else 2 if span >= 0.1 else 3


def and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " " + _("and") + " " + items[-1]


# --------------------------------------------------------------------------------------------
# Sentences


def territory(config: dict[str, Any]) -> tuple[str, str]:
    """(name, description) of the experiment's territory."""
    terr = config.get("territory")
    if isinstance(terr, dict):
        files = [_("communes from {file}").format(file=terr["communes_csv"])] if terr.get("communes_csv") else []
        for key in ("points_csv", "places_csv", "places", "points"):
            if isinstance(terr.get(key), str):
                files.append(_("access points from {file}").format(file=terr[key]))
                break
        else:
            files.append(_("access points generated from the communes (no places file)"))
        return (terr.get("name") or terr.get("communes_csv", _("user territory")),
                _("A territory loaded from the planner's own files: {files}.").format(files="; ".join(files)))
    desc = TERRITORIES.get(str(terr))
    return (terr or _("unknown")), (_(desc) if desc else "")


def places_data(manifest: dict[str, Any]) -> str:
    """What the run's territory says about its places data (date range, rows left out, caveat)."""
    t = manifest.get("territory")
    if not isinstance(t, dict) or not isinstance(t.get("places_dates"), dict):
        return ""
    d = t["places_dates"]
    parts = [_("Places data: {places} places, updated {first} to {last}").format(
        places=t.get("places", "?"), first=d.get("min", "?"), last=d.get("max", "?"))]
    if t.get("rejected_rows"):
        parts.append(_("{rows} rows of the source files failed the checks and were left out").format(
            rows=t["rejected_rows"]))
    s = "; ".join(parts) + "."
    if t.get("note"):
        s += " " + _(str(t["note"]))
    return s


def verdict_label(v: str) -> str:
    """The verdict in words, in the current language."""
    return _(VERDICT_LABEL[v]) if v in VERDICT_LABEL else v


def territory_name(config: dict[str, Any]) -> str:
    terr = config.get("territory")
    return terr.get("name", _("user territory")) if isinstance(terr, dict) else str(terr)


def setup_facts(data: ReportData) -> str:
    v = data.values(data.baseline)
    scale = v.get("sim.population_scale")
    hw = data.horizon_weeks()
    facts = []
    if hw:
        facts.append(_("horizon {weeks} weeks ({years} years)").format(weeks=hw, years=num(hw / 52, 1)))
    if scale is not None:
        facts.append(_("{share} of the adults simulated as agents (costs reported at full scale)").format(
            share=num(100 * float(scale), 2 if 100 * float(scale) < 1 else 0 if float(100 * float(scale)).is_integer() else 1)
            + (NARROW_NBSP + "%" if lang() == "fr" else "%")))
    facts.append(_("{runs} Monte Carlo runs per scenario, replicate r of every scenario on the same random streams").format(
        runs=data.n_runs))
    return "; ".join(facts)


def baseline_name(data: ReportData, scen: str | None = None) -> str:
    """What ``scen`` is compared with (default: the experiment's baseline); a territory
    comparison's baseline is named with its territory."""
    base = data.compared_with(scen) if scen else data.baseline
    name = _("the status quo") if data.of(base) == "status-quo" else data.title(base)
    terr = data.own_territory(base)
    return name if terr is None else _("{name} on {territory}").format(name=name, territory=terr)


VERDICT_CLASS = {"clearly_better": "better", "better_below_mid": "small", "no_detectable_difference": "noise",
                 "worse_below_mid": "small", "clearly_worse": "worse"}
VERDICT_LABEL = {"clearly_better": N_("clearly better"),
                 "better_below_mid": N_("better, but below the minimal important difference"),
                 "no_detectable_difference": N_("no detectable difference"),
                 "worse_below_mid": N_("worse, but below the minimal important difference"),
                 "clearly_worse": N_("clearly worse")}


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
    v = verdict(r)
    if v == "no_detectable_difference":
        return (_(NOISE_NOUNS[metric]) if metric in NOISE_NOUNS else label(metric).lower()), v
    d, lo, hi = r.mean_diff, r.ci_low, r.ci_high
    up = d > 0
    mlo, mhi = (lo, hi) if up else (-hi, -lo)  # magnitude interval, ordered
    share = (" " + _("(better in {k} of {n} paired runs)").format(k=round(r.share_better * n), n=n)
             if finite(r.share_better) else "")
    if cat.unit(metric) == "share":
        dg = _digits(100 * mlo, 100 * mhi)
        what = _(SHARE_SUBJECTS[metric]) if metric in SHARE_SUBJECTS else label(metric).lower()
        msg = _("raises {what} by {value} points ({range})") if up else _("lowers {what} by {value} points ({range})")
        s = msg.format(what=what, value=num(abs(100 * d), dg), range=_range(100 * mlo, 100 * mhi, dg))
    elif metric == "total_cost_eur":
        msg = _("costs {value} more in total ({low} to {high})") if up else _("costs {value} less in total ({low} to {high})")
        s = msg.format(value=fmt_eur(abs(d)), low=fmt_eur(mlo), high=fmt_eur(mhi))
    elif metric == "cost_per_need_resolved_by_mediation_eur":
        msg = (_("makes each need resolved through mediation {value} dearer ({low} to {high})") if up else
               _("makes each need resolved through mediation {value} cheaper ({low} to {high})"))
        s = msg.format(value=fmt_eur(abs(d)), low=fmt_eur(mlo), high=fmt_eur(mhi))
    elif cat.unit(metric) == "EUR":
        s = _("changes {what} by {value} ({low} to {high})").format(
            what=label(metric).lower(), value=fmt_eur(d, signed=True), low=fmt_eur(lo, signed=True),
            high=fmt_eur(hi, signed=True))
    elif metric == "mean_wait_weeks":
        msg = (_("lengthens the wait for mediation by {value} weeks ({range})") if up else
               _("shortens the wait for mediation by {value} weeks ({range})"))
        s = msg.format(value=num(abs(d), 2), range=_range(mlo, mhi, 2))
    else:
        s = _("changes {what} by {value} ({low} to {high})").format(
            what=label(metric).lower(), value=fmt_diff(cat, metric, d), low=fmt_diff(cat, metric, lo),
            high=fmt_diff(cat, metric, hi))
    s += share
    if v in ("better_below_mid", "worse_below_mid"):
        mid = getattr(r, "mid", float("nan"))
        s += ", " + _("below the minimal important difference of {mid}, too small to matter in practice").format(
            mid=fmt_diff(cat, metric, mid).lstrip("+"))
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
        caveat = _("On {metrics}, no difference with {base} is detectable in {runs} paired runs; we cannot say "
                   "which is better.").format(metrics=and_list(noise), base=baseline_name(data, scen), runs=data.n_runs)
    terr = data.own_territory(scen)
    title = data.title(scen) if terr is None else _("{title}, on its own territory ({territory})").format(
        title=data.title(scen), territory=terr)
    return {"title": title, "text": "; ".join(clear) + "." if clear else "",
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
    head = _("These results rest on a model of {n} parameters, {k} of which ({share}) are assumptions rather than "
             "observed figures; the intervals below reflect Monte Carlo noise only, ").format(
        n=len(names), k=len(assumed), share=pct(len(assumed) / len(names), 0))
    tail = (_("and the robustness section shows how the ranking holds across plausible values of them.") if robust
            else _("not what we do not know about these assumptions (no robustness analysis was run for this report)."))
    return head + tail + " " + _("See the Assumptions section.")


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
    line2 = " ".join(shlex.quote(c) for c in ["govsim", "report", str(data.dir), "-o", "report.html",
                                              "--lang", lang()])
    return " \\\n    ".join(parts) + "\n" + line2


MANIFEST_FIELDS = [("govsim_version", N_("govsim version")), ("git_commit", N_("Git commit")), ("model", N_("Model")),
                   ("experiment", N_("Experiment")), ("config_file", N_("Config file")), ("seed", N_("Master seed")),
                   ("runs_per_scenario", N_("Runs per scenario")), ("threads", N_("Threads")), ("host", N_("Host")),
                   ("start_time", N_("Start (UTC)")), ("end_time", N_("End (UTC)")), ("complete", N_("Complete")),
                   ("shard", N_("Shard"))]
