"""The report's words that name things: labels of metrics, series, breakdowns, funders,
territories and verdicts, the research question, chart texts and the manifest's field names.

Number and unit formats are in :mod:`.formats`, the sentences built from the results in
:mod:`.sentences`. Plain text only (the template escapes it). Fixed prose lives in
``templates/report.html.j2``. Every message is English source text marked for gettext (``_``
where it is used, ``N_`` in the tables below, translated where they are read); the French
catalogue is ``locale/fr/LC_MESSAGES/govsim.po`` (:mod:`.i18n`).
"""

from __future__ import annotations

from typing import Any

from ..store import MetricCatalog as Catalog
from .i18n import N_, _

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

# Names of the shipped territories in running text ("Map of Loir-et-Cher", "Territory: the city");
# a territory not listed here is named as given.
TERRITORY_NAMES = {
    "rural-department": N_("Rural department"),
    "city": N_("City"),
    "former-mining-agglomeration": N_("Former mining agglomeration"),
    "france": N_("France (generated)"),
    "charente": N_("Charente"),
    "loir-et-cher": N_("Loir-et-Cher"),
}


def territory_title(name: str) -> str:
    """A territory's name for the reader (``name``: its slug, as in the manifest and the config)."""
    return _(TERRITORY_NAMES[name]) if name in TERRITORY_NAMES else name


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
    "rural_urban_ratio": N_("Rural-urban non-recours ratio"),
    "pending_share": N_("Needs still pending"),
    "alone_share": N_("Needs resolved alone"),
    "relatives_share": N_("Needs resolved by relatives"),
    "offline_share": N_("Needs done by post or at a counter by choice"),
    "france_services_counter_share": N_("France Services requests that are counter visits by choice"),
    "autonomy_gain": N_("Autonomy gain"),
    "coverage_20min": N_("Within 20 min of a point"),
    "sessions_per_1000_adults": N_("Sessions per 1,000 adults"),
    "capacity_used_share": N_("Capacity used"),
    "turned_away_per_session": N_("Requests turned away per session"),
    "referral_share": N_("Referrals by partners"),
    "plan_orientation_share": N_("Oriented by a master plan's first-level place"),
    "staff_time_cost_eur": N_("Cost of staff time given to mediation"),
    "overhead_share": N_("Reporting and coordination costs"),
    "non_recours_concentration_index": N_("Concentration of non-recours by income"),
    "point_closures": N_("Access points closed"),
    "mediator_departures": N_("Mediator departures"),
    "interruption_weeks": N_("Weeks of service interruption"),
    "open_points_end": N_("Open access points at the end"),
    "weeks_to_illectronisme_target": N_("Weeks to the illectronisme target"),
    "aware_share": N_("Adults aware of the help on offer"),
    "home_internet_rate": N_("Adults able to do a procedure from home"),
    "internet_non_use_rate": N_("Adults not using the internet"),
    "low_skill_user_rate": N_("Internet users lacking basic skills"),
    "adults_did_online_procedure_rate": N_("Adults who did a procedure online alone"),
    "adults_gave_up_rate": N_("Adults who gave up a procedure"),
    "sessions_per_point_year": N_("Sessions per point and year"),
    "france_services_requests_per_site_year": N_("France Services requests per site and year"),
    "cost_per_mediation_session_eur": N_("Cost per mediation session"),
    "cost_per_additional_autonomous_adult_eur": N_("Cost per additional autonomous adult"),
    "spending_per_adult_year_eur": N_("Spending per adult per year"),
    "workshop_share_of_sessions": N_("Share of sessions that are workshops"),
    "workshop_attendances_per_1000_adults": N_("Workshop attendances per 1,000 adults"),
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
    "home_internet_rate": N_("Adults able to do a procedure from home (yearly)"),
    "adults_did_online_procedure_rate": N_("Adults who did a procedure online alone in the past year"),
    "adults_gave_up_rate": N_("Adults who gave up a procedure in the past year"),
    "sessions_per_point_year": N_("Sessions per point and year (over the past year)"),
    "france_services_requests_per_site_year": N_("France Services requests per site and year (over the past year)"),
    "cost_per_mediation_session_eur": N_("Cost per mediation session (over the past year, EUR)"),
    "cost_per_need_resolved_by_mediation_eur": N_("Cost per need resolved by mediation (over the past year, EUR)"),
}

# Words of the registry's units ("share", "EUR/point/year"), translated word by word between the
# slashes; a unit with other words is shown as given.
UNIT_WORDS = {"share": N_("share"), "probability": N_("probability"), "ratio": N_("ratio"), "weeks": N_("weeks"),
              "week": N_("week"), "years": N_("years"), "year": N_("year"), "hours": N_("hours"),
              "sites": N_("sites"), "site": N_("site"), "FTE": N_("FTE"), "EUR": "\u20ac", "weight": N_("weight"),
              "exponent": N_("exponent"), "skill": N_("skill"), "sessions": N_("sessions"),
              "minutes": N_("minutes"), "point": N_("point"), "units": N_("units"), "unit": N_("unit"),
              "stations": N_("stations"), "station": N_("station"), "office": N_("office"), "zones": N_("zones")}


def unit_label(unit: str) -> str:
    """A registry unit in the current language ("EUR/point/year" -> "€/point/an")."""
    parts = unit.split("/")
    if not all(p in UNIT_WORDS or p == "1" for p in parts):
        return unit
    return "/".join(p if p == "1" else _(UNIT_WORDS[p]) for p in parts)


DIMENSION_LABELS = {"age": N_("Age band"), "density": N_("Density"), "difficulty": N_("Social difficulty"),
                    "funder": N_("Funder"), "service": N_("Service (MedNum standard)"), "mode": N_("Travel mode")}
CATEGORY_LABELS = {("difficulty", "yes"): N_("in difficulty"), ("difficulty", "no"): N_("not in difficulty"),
                   ("density", "urban"): N_("urban"), ("density", "periurban"): N_("peri-urban"),
                   ("density", "rural"): N_("rural"),
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

# The mechanisms a scenario sets (parameter groups of models/inclusion/parameters.def), for the
# scenario cards; a group not listed here is shown by its name.
MECHANISM_LABELS = {
    "animation": N_("network animation"), "awareness": N_("awareness"), "broadband": N_("broadband"),
    "demonstrator": N_("demonstrator"), "funders": N_("funders"), "governance": N_("governance"),
    "learning": N_("learning"), "master_plan": N_("master plan"), "mediation": N_("mediation"),
    "mobile": N_("mobile units"), "needs": N_("needs"), "network": N_("network"), "observation": N_("observation"),
    "points": N_("access points"), "pooling": N_("pooling"), "queue": N_("queues"), "referral": N_("referral"),
    "resolution": N_("resolution"), "socio_mediation": N_("socio-digital mediation"),
    "stations": N_("self-service stations"),
}


def mechanism_label(group: str) -> str:
    return _(MECHANISM_LABELS[group]) if group in MECHANISM_LABELS else group


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
    # Colour-bar labels of the outcome map (the panel titles name the scenarios).
    "map_baseline": N_("non-recours (%)"),
    "map_change": N_("change in non-recours vs the baseline (points)"),
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
    if catalog.direction(metric) == "neutral":
        return UP + DOWN + " " + _("not a goal in itself")
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
# Verdicts of a paired comparison (paired.csv's `verdict`): CSS class and words

VERDICT_CLASS = {"clearly_better": "better", "better_below_mid": "small", "no_detectable_difference": "noise",
                 "worse_below_mid": "small", "clearly_worse": "worse", "no_verdict": "", "fixed_by_design": ""}
VERDICT_LABEL = {"clearly_better": N_("clearly better"),
                 "better_below_mid": N_("better, but below the minimal important difference"),
                 "no_detectable_difference": N_("no detectable difference"),
                 "worse_below_mid": N_("worse, but below the minimal important difference"),
                 "clearly_worse": N_("clearly worse"),
                 # A detectable change of a metric whose direction is not a goal (metrics.def "neutral").
                 "no_verdict": N_("a change, not better or worse in itself"),
                 # The cost at equal budget: every scenario spends the baseline's total.
                 "fixed_by_design": N_("fixed by the design (equal budget)")}


# Classes of car minutes to the nearest help with procedures (govsim.equity.TRAVEL_CLASSES).
TRAVEL_CLASS_LABEL = {"<=15": N_("≤ 15 min"), "15-30": N_("15–30 min"), ">30": N_("> 30 min")}

# Why a cost-effectiveness ratio is not given (cost_effectiveness.csv's `note`).
COST_EFFECT_NOTE = {"no_verdict": N_("no goal direction"),
                    "not_detectable": N_("effect not detectable"),
                    "below_mid": N_("effect below the minimal important difference"),
                    "no_extra_cost": N_("no extra cost")}


def cost_effect_note(note: Any) -> str:
    """"not meaningful (effect not detectable)" for a gated cost-effectiveness row; "" if none."""
    if not isinstance(note, str) or not note:
        return ""
    return _("not meaningful ({reason})").format(reason=_(COST_EFFECT_NOTE.get(note, note)))


def verdict(r: Any) -> str:
    """The verdict of a paired row (paired.csv's `verdict`), 'no_detectable_difference' if absent."""
    v = getattr(r, "verdict", None)
    return v if isinstance(v, str) and v in VERDICT_CLASS else "no_detectable_difference"


def verdict_label(v: str) -> str:
    """The verdict in words, in the current language."""
    return _(VERDICT_LABEL[v]) if v in VERDICT_LABEL else v


# Fields of the manifest shown in the reproducibility section.
MANIFEST_FIELDS = [("govsim_version", N_("govsim version")), ("git_commit", N_("Git commit")), ("model", N_("Model")),
                   ("experiment", N_("Experiment")), ("config_file", N_("Config file")), ("seed", N_("Master seed")),
                   ("runs_per_scenario", N_("Runs per scenario")), ("threads", N_("Threads")), ("host", N_("Host")),
                   ("start_time", N_("Start (UTC)")), ("end_time", N_("End (UTC)")), ("complete", N_("Complete")),
                   ("shard", N_("Shard")), ("budget", N_("Budget")), ("ranks", N_("MPI processes")),
                   ("distribution", N_("Distribution of the runs"))]

# The experiment's budget mode (experiment.budget, docs/config.md).
BUDGET_MODES = {"equal_to_baseline": N_("equal to the baseline's"), "as_configured": N_("as configured")}
