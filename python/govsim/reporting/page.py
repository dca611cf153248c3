"""The HTML page: what each section shows, rendered with the Jinja2 template
``templates/report.html.j2`` (autoescaping on: every value is escaped unless marked safe)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jinja2

from . import charts, design, formats, i18n, robustness, sentences, text
from .i18n import _
from .load import ReportData, ReportInputError, load

__all__ = ["render_html", "write_report"]

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("govsim.reporting", "templates"),
    autoescape=True,  # the template is HTML whatever its file name
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    extensions=["jinja2.ext.i18n"],
)
_ENV.install_gettext_callables(lambda m: i18n._(m), lambda s, p, n: i18n.ngettext(s, p, n), newstyle=True)
# A colon or semicolon after a word with the language's spacing ("type :" in French).
_ENV.globals["punct"] = formats.punct

# Scenarios are ranked by this metric.
RANK_BY = "non_recours_rate"
# Metrics broken down in the equity section.
EQUITY_METRICS = ["non_recours_rate", "autonomy_rate"]


def _headline(data: ReportData) -> list[str]:
    """Headline metrics (manifest order), the ranking metric first."""
    names = [m for m in data.catalog.headline if data.has(m)]
    return sorted(names, key=lambda m: m != RANK_BY)


def _cell(data: ReportData, s: str, m: str) -> dict[str, str]:
    c = data.catalog
    return {"value": formats.fmt_value(c, m, data.get(data.mean, s, m)),
            "low": formats.fmt_value(c, m, data.get(data.lo, s, m)),
            "high": formats.fmt_value(c, m, data.get(data.hi, s, m))}


def _paired_cell(data: ReportData, s: str, m: str) -> dict[str, str] | None:
    r = data.pair.get((s, m))
    c = data.catalog
    if r is None or not formats.finite(r.mean_diff):
        return None
    v = text.verdict(r)
    return {"cls": text.VERDICT_CLASS[v], "verdict": text.verdict_label(v), "diff": formats.fmt_diff(c, m, r.mean_diff),
            "low": formats.fmt_diff(c, m, r.ci_low), "high": formats.fmt_diff(c, m, r.ci_high),
            "share_better": formats.fmt_share_better(r.share_better)}


def _rank_labels(data: ReportData, metric: str) -> dict[str, str]:
    """Scenario -> "1", "1=", ...: scenarios not detectably different share a rank (summary.csv)."""
    out = {}
    if "rank" not in data.summary.columns:
        return out
    rows = data.summary[data.summary["metric"] == metric]
    for r in rows.itertuples(index=False):
        if r.rank is not None and r.rank == r.rank:
            out[str(r.scenario)] = f"{int(r.rank)}{'=' if bool(r.rank_tied) else ''}"
    return out


def _ranking(data: ReportData) -> dict[str, Any]:
    metrics = _headline(data)
    order = data.ranked(RANK_BY)
    ranks = _rank_labels(data, RANK_BY)
    c = data.catalog
    return {
        "rank_label": text.label(RANK_BY).lower(),
        "rank_direction": _("higher") if c.higher_is_better(RANK_BY) else _("lower"),
        "metrics": [{"name": m, "label": text.label(m), "direction": text.direction(c, m),
                     "definition": text.definition(c, m)} for m in metrics],
        "rows": [{"rank": ranks.get(s, str(k + 1)), "title": data.title(s), "name": s,
                  "cells": [_cell(data, s, m) for m in metrics]} for k, s in enumerate(order)],
        "paired": [{"title": data.title(s), "name": s, "cells": [_paired_cell(data, s, m) for m in metrics]}
                   for s in order if s != data.baseline],
    }


def _sweep(data: ReportData) -> dict[str, Any]:
    """A sweep as a response surface: the design (swept values) and the headline outcomes per
    design point, in the design's order, with charts of each outcome against each swept value."""
    design = {s: data.scenario_info.get(s, {}).get("sweep") or {} for s in data.scenarios}
    axes = sorted({k for d in design.values() for k in d})
    metrics = _headline(data)
    ranks = _rank_labels(data, RANK_BY)
    rows = [{"name": s, "rank": ranks.get(s, ""), "point": [formats.fmt_param(design[s].get(a)) for a in axes],
             "cells": [_cell(data, s, m) for m in metrics]} for s in data.scenarios]
    return {"axes": axes, "metrics": [{"name": m, "label": text.label(m)} for m in metrics], "rows": rows,
            "chart": charts.response_surface(data, design, axes, metrics[:4])}


def _equity(data: ReportData) -> dict[str, Any]:
    blocks = []
    for base in EQUITY_METRICS:
        chart = charts.equity(data, base)
        if chart:
            blocks.append({"label": text.label(base), "chart": chart})
    base = EQUITY_METRICS[0]
    cols = [(f"{base}@{d}:{cat}", f"{text.dimension_label(d)}{formats.punct(':')} {text.category_label(d, cat)}")
            for d, cats in data.catalog.dimensions(base) for cat in cats if data.has(f"{base}@{d}:{cat}")
            # not a group absent from the territory (urban on a rural département): n/a everywhere
            and any(formats.finite(data.get(data.mean, s, f"{base}@{d}:{cat}")) for s in data.main_scenarios)]
    gap = data.has("rural_urban_gap")
    rows = []
    for s in data.ranked(RANK_BY):
        row = [formats.fmt_value(data.catalog, m, data.get(data.mean, s, m)) for m, _ in cols]
        if gap:
            row.append(formats.fmt_diff(data.catalog, "rural_urban_gap", data.get(data.mean, s, "rural_urban_gap")))
        rows.append({"title": data.title(s), "cells": row})
    return {"charts": blocks, "columns": [lab for _, lab in cols], "gap": gap, "rows": rows if cols else [],
            "table_label": text.label(base), **_territory_equity(data)}


def _territory_equity(data: ReportData) -> dict[str, Any]:
    """The gap between EPCIs (worst − best non-recours, 95% CI) and non-recours by car minutes to
    the nearest help with procedures (≤ 15, 15–30, > 30), per ranked scenario (govsim.equity);
    n/a where a class has no adults or no closed need."""
    order = data.ranked(RANK_BY)

    def pct(x: float) -> str:
        return formats.pct(x, 1) if formats.finite(x) else _("n/a")

    epci = []
    g = data.epci_gap.set_index("scenario") if len(data.epci_gap) else None
    for s in order:
        if g is not None and s in g.index:
            r = g.loc[s]
            epci.append({"title": data.title(s), "value": formats.fmt_diff(data.catalog, RANK_BY, r["gap"]),
                         "low": formats.fmt_diff(data.catalog, RANK_BY, r["ci_low"]),
                         "high": formats.fmt_diff(data.catalog, RANK_BY, r["ci_high"]),
                         "worst": r["worst_epci"], "best": r["best_epci"]})
    travel, classes = [], []
    t = data.travel
    if len(t):
        classes = [{"label": _(text.TRAVEL_CLASS_LABEL.get(c, c)),
                    "adults": formats.num(float(t[t["minutes"] == c]["adults"].iloc[0]), 0)}
                   for c in t["minutes"].drop_duplicates()]
        for s in order:
            rows = t[t["scenario"] == s]
            if len(rows):
                travel.append({"title": data.title(s), "cells": [
                    {"value": pct(r.non_recours_rate), "low": pct(r.ci_low), "high": pct(r.ci_high)}
                    if r.adults > 0 and formats.finite(r.non_recours_rate) else {"value": _("n/a"), "low": "", "high": ""}
                    for r in rows.itertuples(index=False)]})
    return {"epci": epci, "travel": travel, "travel_classes": classes}


def _costs(data: ReportData) -> dict[str, Any]:
    base, dim = "total_cost_eur", "funder"
    funders = [f for f in data.catalog.categories(base, dim) if data.has(f"{base}@{dim}:{f}")]
    order = data.ranked(RANK_BY)
    rows = []
    for s in order:
        rows.append({"title": data.title(s),
                     "funders": [formats.fmt_eur(data.get(data.mean, s, f"{base}@{dim}:{f}")) for f in funders],
                     "totals": [_cell(data, s, m) for m in (base, "cost_per_need_resolved_by_mediation_eur")]})
    return {"chart": charts.costs(data, funders, order), "funders": [text.funder_label(f) for f in funders],
            "rows": rows, "effect": _cost_effect(data)}


def _cost_effect(data: ReportData) -> dict[str, Any]:
    """Each scenario run as configured against its baseline, on the primary metric: extra cost,
    gain per M€, adults who avoid giving up and procedures not given up per €100k (95% CIs), or
    "not meaningful" with the reason (cost_effectiveness.csv's `note`)."""
    ce = data.cost_effect
    if not len(ce) or "note" not in ce.columns:
        return {"rows": []}
    ce = ce[ce["metric"] == RANK_BY]
    columns = [("gain_per_million_eur", "ci_low", "ci_high", lambda x: formats.fmt_per_million(data.catalog, RANK_BY, x))]
    columns += [(k, k + "_ci_low", k + "_ci_high", formats.fmt_people)
                for k in ("adults_per_100k_eur", "procedures_per_100k_eur")]
    rows = []
    for _i, r in ce.iterrows():
        note = text.cost_effect_note(r["note"])
        cells = [] if note else [{"value": f(r[k]), "low": f(r[lo]), "high": f(r[hi])} for k, lo, hi, f in columns]
        rows.append({"title": sentences.run_title(data, r["scenario"]), "extra": formats.fmt_eur(r["extra_cost_eur"], signed=True),
                     "note": note, "cells": cells})
    return {"rows": rows, "metric": text.label(RANK_BY).lower()}


def _is_assumption(spec: dict | None) -> bool:
    return bool(spec) and str(spec.get("source", "")).strip().lower().startswith("assumption")


def _source(spec: dict | None) -> str:
    """The registry's source of a parameter for the source column: an assumption's source without
    its leading word "assumption" (the column's flag says it), e.g. "(typical range)" -> "typical range"."""
    if not spec:
        return _("not in the registry")
    src = str(spec.get("source", "")).strip()
    if _is_assumption(spec):
        src = src[len("assumption"):].strip().lstrip(":;,\u2014-").strip()
        src = src[1:-1] if src.startswith("(") and src.endswith(")") else src
    return _(src) if src else src  # the catalogue translates those citing the consultation


def _assumptions(data: ReportData) -> dict[str, Any]:
    reg = data.registry
    common = data.common_parameters()

    def param(name: str, value: Any) -> dict[str, Any]:
        spec = reg.get(name)
        return {"name": name, "value": formats.fmt_param(value),
                "default": formats.fmt_param(spec["default"]) if spec and "default" in spec else "",
                "unit": text.unit_label(spec.get("unit", "")) if spec else "", "doc": spec.get("doc", "") if spec else "",
                "source": _source(spec),
                "assumption": _is_assumption(spec)}

    # Each scenario of the config once: not its runs as configured (same parameters, another
    # budget) nor its runs on another territory when it is also in the main comparison.
    per_scenario = []
    for s in data.scenarios:
        if data.is_arm(s) or (data.own_territory(s) is not None and data.of(s) in data.main_scenarios):
            continue
        own = {k: v for k, v in data.parameters(s).items() if k not in common}
        per_scenario.append({"title": sentences.run_title(data, s),
                             "params": [param(k, v) for k, v in sorted(own.items())]})
    base_vals = data.values(data.baseline)
    assumed, all_params = [], []
    if base_vals:
        varying = {k for k in base_vals if len({formats.fmt_param(data.values(s).get(k)) for s in data.scenarios}) > 1}
        for k in sorted(base_vals):
            p = param(k, base_vals[k])
            p["varies"] = k in varying
            all_params.append(p)
            if p["assumption"]:
                assumed.append(p)
    return {"common": [param(k, v) for k, v in sorted(common.items())], "per_scenario": per_scenario,
            "assumed": assumed, "all": all_params}


def _manifest(data: ReportData) -> dict[str, Any]:
    m = data.manifest
    rows = [(_(lab), formats.fmt_manifest(k, m[k])) for k, lab in text.MANIFEST_FIELDS if k in m]
    known = {k for k, _lab in text.MANIFEST_FIELDS} | {"config", "scenarios", "baseline", "metrics", "series", "territory"}
    rows += [(k, formats.fmt_manifest(k, v)) for k, v in m.items() if k not in known]
    if isinstance(m.get("territory"), dict):
        t = m["territory"]
        desc = _("{name}: {communes} communes, {places} places").format(
            name=text.territory_title(t.get("name", "?")), communes=t.get("communes", "?"), places=t.get("places", "?"))
        if isinstance(t.get("places_dates"), dict):
            desc += ", " + _("places updated {first} to {last}").format(
                first=t["places_dates"].get("min"), last=t["places_dates"].get("max"))
        if t.get("rejected_rows"):
            desc += ", " + _("{rows} rows rejected").format(rows=t["rejected_rows"])
        rows.append((_("Territory"), desc))
    rows += [(_("Baseline"), data.baseline), (_("Scenarios"), ", ".join(data.scenarios)),
             (_("Results directory"), str(data.dir))]
    return {"rows": rows, "command": sentences.reproduce_command(data)}


# The one-table summary: effects on these metrics vs the baseline (paired), then the costs.
SUMMARY_EFFECTS = ["non_recours_rate", "autonomy_rate"]
SUMMARY_COSTS = ["total_cost_eur", "cost_per_need_resolved_by_mediation_eur"]


def _summary(data: ReportData, rob: dict[str, Any] | None = None) -> dict[str, Any]:
    """Scenario, effect on non-recours and autonomy (paired difference with its 95% CI and its
    verdict against the minimal important difference), total cost difference and cost per resolved
    need; the baseline row gives the levels. Robustness when `govsim robustness` results are there
    (the robustness section's share of plausible worlds where the scenario beats the baseline)."""
    c = data.catalog
    effects = [m for m in SUMMARY_EFFECTS if data.has(m)]
    costs = [m for m in SUMMARY_COSTS if data.has(m)]
    robust = (rob or {}).get("summary") if (rob or {}).get("available") else None
    columns = [{"label": text.label(m), "note": text.direction(c, m) + " · " + _("vs baseline")} for m in effects]
    columns += [{"label": text.label(costs[0]), "note": _("vs baseline")}] if "total_cost_eur" in costs else []
    columns += [{"label": text.label(m), "note": _("mean")} for m in costs if m != "total_cost_eur"]
    equal = data.budget == "equal_to_baseline"
    ce = data.cost_effect
    ce = ce[ce["metric"] == RANK_BY].set_index("scenario") if equal and len(ce) else None
    if ce is not None:
        columns.append({"label": _("Cost-effectiveness (as configured)"),
                        "note": _("gain on {metric} per M€ of extra spending (positive: better)").format(
                            metric=text.label(RANK_BY).lower())})
    if robust:
        columns.append({"label": _("Robustness"),
                        "note": _("beats the baseline in … of {n} plausible worlds").format(n=rob["n_worlds"])})
    ranks = _rank_labels(data, RANK_BY)

    def row(s: str, base: str) -> dict[str, Any]:
        is_base = s == base
        cells: list[dict[str, str] | None] = []
        for m in effects + (["total_cost_eur"] if "total_cost_eur" in costs else []):
            if is_base:
                cell = _cell(data, s, m)
                cells.append({"cls": "", "value": cell["value"], "low": cell["low"], "high": cell["high"],
                              "verdict": ""})
            else:
                pc = _paired_cell(data, s, m)
                cells.append(None if pc is None else {"cls": pc["cls"], "value": pc["diff"], "low": pc["low"],
                                                      "high": pc["high"], "verdict": pc["verdict"]})
        for m in costs:
            if m != "total_cost_eur":
                cell = _cell(data, s, m)
                cells.append({"cls": "", "value": cell["value"], "low": cell["low"], "high": cell["high"],
                              "verdict": ""})
        if ce is not None:
            r = ce.loc[s] if s in ce.index else None
            note = text.cost_effect_note(r.get("note")) if r is not None else ""
            if note:
                cells.append({"cls": "", "value": note, "low": "", "high": "", "verdict": ""})
            elif r is None or not formats.finite(r["gain_per_million_eur"]):
                cells.append({"cls": "", "value": "" if is_base else _("n/a"), "low": "", "high": "", "verdict": ""})
            else:
                u = data.catalog.unit(RANK_BY)
                cells.append({"cls": "", "value": formats.fmt_per_million(data.catalog, RANK_BY, r["gain_per_million_eur"]),
                              "low": formats.fmt_per_million(data.catalog, RANK_BY, r["ci_low"]),
                              "high": formats.fmt_per_million(data.catalog, RANK_BY, r["ci_high"]), "verdict": ""} if u else
                             {"cls": "", "value": formats.num(r["gain_per_million_eur"], 2), "low": "", "high": "",
                              "verdict": ""})
        if robust:
            cells.append({"cls": "", "value": robust.get(s, "" if is_base else _("n/a")), "low": "", "high": "",
                          "verdict": ""})
        return {"title": data.title(s), "name": s, "is_baseline": is_base, "rank": ranks.get(s, ""), "cells": cells}

    # Baseline first (its levels), then the others in ranking order; at equal budget the runs of
    # each scenario as configured ("NAME@as_configured") give the cost-effectiveness column.
    # Scenarios run on their own territory (territory_comparisons) come in a table of their own,
    # each group against the baseline run on that territory, unranked.
    order = [data.baseline] + [s for s in data.ranked(RANK_BY) if s != data.baseline]
    rows = [row(s, data.baseline) for s in order]
    territories = []
    for terr, base, scens in data.territory_groups():
        trows = [row(base, base)] + [row(s, base) for s in scens]
        for r in trows:
            r["rank"] = ""
        territories.append({"territory": text.territory_title(terr), "baseline": data.title(base), "rows": trows})
    return {"columns": columns, "rows": rows, "territories": territories, "robustness": bool(robust),
            "equal_budget": equal,
            "rank_label": text.label(RANK_BY).lower()}


def _finding_order(data: ReportData) -> list[str]:
    """The main scenarios in the experiment's order, then each territory comparison's scenarios."""
    main = [s for s in data.main_scenarios if s != data.baseline]
    return main + [s for _t, _b, scens in data.territory_groups() for s in scens]


def _card_order(data: ReportData) -> list[str]:
    """One card per scenario: the main ones, and a territory comparison's scenario only when it is
    not also in the main comparison (the same scenario of the config)."""
    main = data.main_scenarios
    extra = [s for _t, _b, scens in data.territory_groups() for s in scens if data.of(s) not in main]
    return main + extra


def report_language(data: ReportData, lang: str | None = None) -> str:
    """``lang`` if given, else the config's "language", else French."""
    if lang:
        return lang
    cfg_lang = data.config.get("language")
    return cfg_lang if cfg_lang in i18n.LANGUAGES else i18n.DEFAULT


def render_html(data: ReportData, robustness_dir: Path | None = None, lang: str | None = None,
                map_scenario: str | None = None, optimise_dir: Path | None = None) -> str:
    """The report of ``data`` as one self-contained HTML document, in ``lang`` ("fr" or "en";
    default: the config's "language", else French); ``robustness_dir`` holds the results of
    ``govsim robustness`` for the section "How robust is this ranking?"; ``map_scenario`` the
    scenario whose change in non-recours by commune the outcome map shows (default: the one with the
    lowest non-recours); ``optimise_dir`` the output of ``govsim optimise`` for the section "Which
    design?" (absent without it)."""
    with i18n.use(report_language(data, lang)):
        doc = _render_html(data, robustness_dir, map_scenario, optimise_dir)
        return formats.french_spacing(doc) if i18n.lang() == "fr" else doc


def _render_html(data: ReportData, robustness_dir: Path | None, map_scenario: str | None = None,
                 optimise_dir: Path | None = None) -> str:
    cfg = data.config
    tname, tdesc = sentences.territory(cfg)
    rob = robustness.section(data, robustness_dir)
    any_seed = any(data.scenario_info.get(s, {}).get("seed_contribution") for s in data.scenarios)
    context = {
        "name": sentences.experiment_title(cfg) or data.manifest.get("experiment") or data.dir.name,
        "n_scenarios": len(data.main_scenarios),
        "territory_name": sentences.territory_name(cfg),
        "n_runs": data.n_runs,
        "version": data.manifest.get("govsim_version", "?"),
        "question": text.question() + (" " + _(text.QUESTION_SEED) if any_seed else ""),
        "any_seed": any_seed,
        "lang": i18n.lang(),
        "summary": _summary(data, rob),
        "is_sweep": data.is_sweep,
        "sweep": _sweep(data) if data.is_sweep else None,
        "assumptions_sentence": sentences.assumptions_sentence(data),
        "territory": {"name": tname, "title": sentences.territory_name(cfg), "description": tdesc,
                      "places_data": sentences.places_data(data.manifest),
                      "map": charts.territory_map(data),
                      "outcome_map": charts.outcome_map(data, map_scenario),
                      "outcome_map_note": text.chart_text("map_note")},
        "experiment": {"name": sentences.experiment_title(cfg), "description": sentences.experiment_description(cfg)},
        "setup": sentences.setup_facts(data),
        "baseline": {"name": data.baseline, "title": data.title(data.baseline)},
        "findings": [] if data.is_sweep else
                    [f for f in (sentences.finding(data, s) for s in _finding_order(data)) if f],
        "scenarios": [{"name": s, "title": data.title(s), "is_baseline": s == data.baseline,
                       "mechanisms": [text.mechanism_label(m)
                                      for m in data.scenario_info.get(s, {}).get("mechanisms") or []],
                       "description": data.description(s),
                       "quote": data.scenario_info.get(s, {}).get("seed_contribution") or ""}
                      for s in _card_order(data)],
        "ranking": _ranking(data),
        "robustness": rob,
        "design": design.section(data, optimise_dir),
        "timeseries": {"charts": charts.timeseries_charts(data), "replicates": data.replicates_per_scenario()},
        "equity": _equity(data),
        "costs": _costs(data),
        "assumptions": _assumptions(data),
        "manifest": _manifest(data),
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "results_dir": str(data.dir),
    }
    return _ENV.get_template("report.html.j2").render(context)


def write_report(results_dir: str | Path, output_path: str | Path, robustness_dir: str | Path | None = None,
                 map_scenario: str | None = None, lang: str | None = None,
                 pdf: str | Path | bool | None = None, optimise_dir: str | Path | None = None) -> Path:
    """Write the HTML report of the results in ``results_dir`` to ``output_path``; return its path.

    ``robustness_dir``: the output of ``govsim robustness`` for the section "How robust is this
    ranking?" (default: ``results_dir/robustness`` if it exists; otherwise the section says how
    to compute it). ``lang``: "fr" or "en" (default: the config's "language", else French).
    ``pdf``: also print it to PDF with headless Chromium (``True``: beside the HTML file, same
    name, ``.pdf``). ``optimise_dir``: the output of ``govsim optimise`` for the section "Which
    design?" (default: RESULTS_DIR/optimise if it holds one); given an optimise output as
    ``results_dir``, the report is that of its placed seed scenarios (``placed/``) with the
    section. Raises ReportInputError if ``results_dir`` is missing or its results store is
    missing, damaged, empty or incomplete (the message names the file); nothing is written then.
    """
    output_path = Path(output_path)
    if lang is not None and lang not in i18n.LANGUAGES:
        raise ReportInputError(f"--lang: expected one of {', '.join(i18n.LANGUAGES)}, got {lang!r}")
    opt = design.find_dir(Path(results_dir), optimise_dir)
    if opt is not None and opt == Path(results_dir):  # an optimise output: its placed scenarios' runs
        if not (opt / design.PLACED_DIR / "results.sqlite").is_file():
            raise ReportInputError(f"{opt}: an optimise output without placed scenarios (add a \"place\" list to "
                                   f"its config's optimise section, or pass it with --optimise beside a compare)")
        if design.across_worlds(opt):
            raise ReportInputError(f"{opt}: an optimise output across worlds (--robust): its placed scenarios ran "
                                   f"once per world, not as replicates; pass it with --optimise beside a compare "
                                   f"of the same config")
        results_dir = opt / design.PLACED_DIR
    rob = robustness.find_dir(Path(results_dir), robustness_dir)
    data = load(results_dir)
    if map_scenario is not None and map_scenario not in data.scenarios:
        raise ReportInputError(f"--map-scenario: no scenario {map_scenario!r} in {results_dir} "
                               f"(scenarios: {', '.join(data.scenarios)})")
    html = render_html(data, rob, lang, map_scenario, opt)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = output_path.with_name(output_path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(output_path)
    if pdf:
        from .pdf import print_pdf

        print_pdf(output_path, output_path.with_suffix(".pdf") if pdf is True else Path(pdf))
    return output_path
