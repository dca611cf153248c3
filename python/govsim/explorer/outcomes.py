"""What an evaluation shows: the outcomes of the explored scenario against the baseline — each with
its paired 95% interval and verdict, as in the report (``reporting.page``'s cells), the
cost-effectiveness in people per €100k (the report's cost-effectiveness row) and the change of
non-recours by commune (the data of the report's outcome map) — in the page's language, with
the raw numbers beside the formatted ones."""

from __future__ import annotations

import math
from typing import Any

from ..reporting import formats, i18n, sentences, text
from ..reporting.charts import outcome_map_values
from ..reporting.load import ReportData
from ..reporting.page import RANK_BY, _cell, _cost_effect, _paired_cell
from .session import EXPLORED

# The outcomes the page shows, in order (metrics.def names).
OUTCOMES = ["non_recours_rate", "autonomy_rate", "illectronisme_rate", "mean_wait_weeks", "coverage_30min",
            "total_cost_eur"]
# The cost-effectiveness columns (cost_effectiveness.csv), in the order of the report's cells.
COST_EFFECT = ["gain_per_million_eur", "adults_per_100k_eur", "procedures_per_100k_eur"]


def _ce_ci(k: str) -> tuple[str, str]:
    """The interval columns of a cost-effectiveness column."""
    return ("ci_low", "ci_high") if k == "gain_per_million_eur" else (k + "_ci_low", k + "_ci_high")


def _num(x: Any) -> float | None:
    """A JSON number (None for NaN, infinities and missing values)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _row(data: ReportData, metric: str) -> dict[str, Any] | None:
    if not data.has(metric):
        return None
    r = data.pair.get((EXPLORED, metric))
    return {"metric": metric, "label": text.label(metric), "direction": text.direction(data.catalog, metric),
            "baseline": _cell(data, data.baseline, metric), "explored": _cell(data, EXPLORED, metric),
            "paired": _paired_cell(data, EXPLORED, metric),
            "raw": {"baseline": _num(data.get(data.mean, data.baseline, metric)),
                    "explored": _num(data.get(data.mean, EXPLORED, metric)),
                    "diff": _num(getattr(r, "mean_diff", None)), "ci_low": _num(getattr(r, "ci_low", None)),
                    "ci_high": _num(getattr(r, "ci_high", None)), "verdict": text.verdict(r) if r else None}}


def _cost_effectiveness(data: ReportData) -> dict[str, Any] | None:
    """People per €100k on the report's ranking metric (non-recours): the report's row, and raw."""
    ce = data.cost_effect
    if not len(ce) or "note" not in ce.columns:
        return None
    rows = ce[(ce["metric"] == RANK_BY) & (ce["scenario"] == EXPLORED)]
    shown = _cost_effect(data)["rows"]
    if not len(rows) or not shown:
        return None
    r = rows.iloc[0]
    raw: dict[str, Any] = {k: {"value": _num(r[k]), "ci_low": _num(r[_ce_ci(k)[0]]), "ci_high": _num(r[_ce_ci(k)[1]])}
                           for k in COST_EFFECT}
    raw["extra_cost_eur"] = _num(r["extra_cost_eur"])
    raw["note"] = r["note"] if isinstance(r["note"], str) and r["note"] else None
    return {"shown": shown[0], "raw": raw}


def _communes(data: ReportData) -> dict[str, Any] | None:
    values = outcome_map_values(data, EXPLORED)
    if values is None:
        return None
    rows = [[str(r.code), str(r.name), _num(r.x), _num(r.y), _num(r.adults), _num(r.baseline_non_recours_pct),
             _num(r.change_pt)] for r in values.itertuples(index=False)]
    return {"geo": bool(values.attrs["geo"]),
            "columns": ["code", "name", "x", "y", "adults", "baseline_non_recours_pct", "change_pt"], "rows": rows}


def outcomes(data: ReportData, lang: str) -> dict[str, Any]:
    """The API's answer to an evaluation, in ``lang``."""
    with i18n.use(lang):
        setup = sentences.setup_facts(data)
        return {"baseline": {"name": data.baseline, "title": data.title(data.baseline)},
                "setup": formats.french_spacing(setup) if lang == "fr" else setup,
                "runs": data.n_runs, "rows": [r for r in (_row(data, m) for m in OUTCOMES) if r],
                "cost_effectiveness": _cost_effectiveness(data), "communes": _communes(data)}
