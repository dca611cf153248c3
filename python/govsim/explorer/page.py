"""What the explorer's page shows before any evaluation: the territory, the seed scenarios, the
levers grouped as in the scenario file format (group names from the report's catalogue) and the
texts its script writes, in the page's language (``templates/explorer.html.j2``)."""

from __future__ import annotations

from typing import Any

from ..reporting import formats, sentences, text
from ..reporting.charts import POINT_STYLE
from ..reporting.i18n import _
from ..reporting.load import localized
from .session import Session

# The model's point type of each network.TYPE lever (the report's map legend names it).
POINT_TYPE = {"france_services": "RFS", "epn": "EPN", "library": "BIB", "social_centre": "CS", "ccas": "CCAS",
              "third_place": "TIERS_LIEUX", "conseiller_numerique": "CNFS"}


def group_label(group: str) -> str:
    """A lever group's heading: a mechanism's name, or the network's point type."""
    kind = group.partition("network.")[2]
    if kind:
        code = POINT_TYPE.get(kind)
        name = _(POINT_STYLE[code][2]) if code else kind
        return _capital(f"{text.mechanism_label('network')} — {name}")
    return _capital(text.mechanism_label(group))


def _capital(s: str) -> str:
    return s[:1].upper() + s[1:]


def _strings(lang: str) -> dict[str, str]:
    """The texts the page's script writes (with French spacing: the page's is not applied to scripts)."""
    strings = {
        "computing": _("Computing…"),
        "ready": _("Up to date"),
        "error": _("Error"),
        "baseline": _("Baseline"),
        "explored": _("Explored scenario"),
        "difference": _("Difference with the baseline (95% CI)"),
        "verdict": _("Verdict"),
        "outcome": _("Outcome"),
        "people": _("Adults who avoid giving up a procedure per €100k of extra spending"),
        "saved": _("Saved:"),
        "same_as_page": _("The numbers of this page (same scale, runs and seed):"),
        "full": _("The full report (the config's scale and runs):"),
        "map_title": _("Change in non-recours by commune (points)"),
        "no_closed_need": _("no need closed"),
        "changes_none": _("No change from the baseline."),
        "changes": _("Parameters changed from the baseline:"),
    }
    return {k: formats.french_spacing(v) for k, v in strings.items()} if lang == "fr" else strings


def page_context(session: Session, lang: str) -> dict[str, Any]:
    """The template's context (call within ``i18n.use(lang)``)."""
    resolved = session.config.to_dict()
    scen = {s["name"]: s for s in resolved["scenarios"]}
    groups: dict[str, list[Any]] = {}
    for lv in session.levers:
        groups.setdefault(lv.group, []).append(lv)
    return {"lang": lang, "other_lang": "en" if lang == "fr" else "fr",
            "territory": sentences.territory_name(resolved),
            "experiment": sentences.experiment_title(resolved) or session.config.name,
            "baseline": session.baseline,
            "scenarios": [{"name": s, "title": localized(scen.get(s, {}), "title") or s}
                          for s in session.config.scenarios],
            "groups": [{"name": g, "label": group_label(g), "levers": lvs} for g, lvs in groups.items()],
            "strings": _strings(lang)}
