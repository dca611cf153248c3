"""The report's sentences built from the results: the territory and setup, each scenario's
findings against its baseline (effects, verdicts, noise), what the findings rest on, and the
commands that reproduce them."""

from __future__ import annotations

from typing import Any

from .formats import (NARROW_NBSP, _digits, _range, and_list, finite, fmt_diff, fmt_eur, join_clauses, num, pct,
                      plural_count)
from .i18n import _, lang, ngettext
from .load import ReportData, localized
from .text import NOISE_NOUNS, SHARE_SUBJECTS, TERRITORIES, label, territory_title, verdict


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
                _("A territory loaded from the planner's own files: {files}.").format(files=join_clauses(files)))
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
    s = join_clauses(parts) + "."
    if t.get("note"):
        s += " " + _(str(t["note"]))
    return s


def experiment_title(config: dict[str, Any]) -> str:
    """The experiment's title in the report's language (the config's ``titles``/``title_fr``/
    ``title_en``), else its ``title``, else its ``name``."""
    titles = config.get("titles") if isinstance(config.get("titles"), dict) else {}
    return str(titles.get(lang()) or config.get("title") or config.get("name") or "")


def territory_name(config: dict[str, Any]) -> str:
    terr = config.get("territory")
    return terr.get("name", _("user territory")) if isinstance(terr, dict) else territory_title(str(terr))


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
    facts.append(ngettext("{runs} Monte Carlo run per scenario, replicate r of every scenario on the same random streams",
                          "{runs} Monte Carlo runs per scenario, replicate r of every scenario on the same random streams",
                          int(data.n_runs)).format(runs=data.n_runs))
    return join_clauses(facts)


def baseline_name(data: ReportData, scen: str | None = None) -> str:
    """What ``scen`` is compared with (default: the experiment's baseline); a territory
    comparison's baseline is named with its territory."""
    base = data.compared_with(scen) if scen else data.baseline
    name = _("the status quo") if data.of(base) == "status-quo" else data.title(base)
    terr = data.own_territory(base)
    return name if terr is None else _("{name} on {territory}").format(name=name, territory=territory_title(terr))


def run_title(data: ReportData, scen: str) -> str:
    """A scenario's title, with its territory for a run of the experiment's territory comparisons
    ("…, on its own territory (City)"), so that the same scenario's two runs are told apart."""
    terr = data.own_territory(scen)
    if terr is None:
        return data.title(scen)
    if data.role(scen) == "territory_baseline":
        return _("{name} on {territory}").format(name=data.title(scen), territory=territory_title(terr))
    return _("{title}, on its own territory ({territory})").format(title=data.title(scen),
                                                                  territory=territory_title(terr))


def experiment_description(config: dict[str, Any]) -> str:
    """The experiment's description in the report's language (``description_fr``...); for a run
    on another territory (``--territory``), what was run, in the report's language."""
    if config.get("territory_argument") is not None:
        conf = config.get("territory_configured")
        run_on = config.get("territory")
        return _("The experiment {name} run on {territory} (--territory) instead of the territory it is "
                 "configured for ({configured}).").format(
            name=experiment_title(config),
            territory=territory_title(run_on) if isinstance(run_on, str) else config["territory_argument"],
            configured=territory_title(conf) if isinstance(conf, str) else str(conf))
    return localized(config, "description")


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
    if v == "fixed_by_design":  # equal budget: the same total cost by construction, nothing to say
        return None
    if v == "no_detectable_difference":
        return (_(NOISE_NOUNS[metric]) if metric in NOISE_NOUNS else label(metric).lower()), v
    d, lo, hi = r.mean_diff, r.ci_low, r.ci_high
    up = d > 0
    mlo, mhi = (lo, hi) if up else (-hi, -lo)  # magnitude interval, ordered
    share = (" " + ngettext("(better in {k} of {n} paired run)", "(better in {k} of {n} paired runs)", n).format(
        k=round(r.share_better * n), n=n) if finite(r.share_better) and v != "no_verdict" else "")
    if cat.unit(metric) == "share":
        dg = _digits(100 * mlo, 100 * mhi)
        what = _(SHARE_SUBJECTS[metric]) if metric in SHARE_SUBJECTS else label(metric).lower()
        k = plural_count(round(abs(100 * d), dg))
        msg = (ngettext("raises {what} by {value} point ({range})", "raises {what} by {value} points ({range})", k) if up
               else ngettext("lowers {what} by {value} point ({range})", "lowers {what} by {value} points ({range})", k))
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
        # A change of a metric that is no goal in itself ("no_verdict") is told with the clear
        # effects, without "better in k of n runs".
        (noise if v == "no_detectable_difference" else small if v.endswith("below_mid") else clear).append(sentence)
    if not clear and not small and not noise:
        return None
    caveat = ""
    if noise:
        caveat = ngettext("On {metrics}, no difference with {base} is detectable in {runs} paired run; we cannot "
                          "say which is better.",
                          "On {metrics}, no difference with {base} is detectable in {runs} paired runs; we cannot "
                          "say which is better.", int(data.n_runs)).format(metrics=and_list(noise), base=baseline_name(data, scen), runs=data.n_runs)
    return {"title": run_title(data, scen), "text": join_clauses(clear) + "." if clear else "",
            "small": join_clauses(small) + "." if small else "", "caveat": caveat}


def assumptions_sentence(data: ReportData) -> str:
    """What the findings rest on: the share of assumed parameters, calibration and robustness."""
    reg = data.registry
    values = data.values(data.baseline)
    names = [k for k in values if k in reg] or list(reg)
    assumed = [k for k in names if str(reg[k].get("source", "")).strip().lower().startswith("assumption")]
    if not names:
        return ""
    robust = data.manifest.get("robustness") or data.config.get("uncertainty")
    # Of the assumptions, those with a plausible range (uncertainty.def) are varied in the robustness
    # analysis; the "fixed" ones are settings of the experiment (horizon, sample size), not unknowns.
    fixed = [k for k in assumed if reg[k].get("distribution") == "fixed"]
    head = _("These results rest on a model of {n} parameters, {k} of which ({share}) are assumptions rather than "
             "observed figures ({varied} varied in the robustness analysis, {fixed} fixed because they are settings "
             "of the experiment rather than unknowns of the world); the intervals below reflect Monte Carlo noise "
             "only, ").format(
        n=len(names), k=len(assumed), share=pct(len(assumed) / len(names), 0), varied=len(assumed) - len(fixed),
        fixed=len(fixed))
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

