"""The fitted initial-population model of a territory as Markdown (``govsim targets table``):
logit effects and the expected week-0 shares by margin (what ``docs/calibration.md`` shows)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .. import _core
from .evaluation import _config_doc, _text

AGE_BANDS = ("15-29", "30-44", "45-59", "60-74", "75+")
DENSITIES = ("urban", "periurban", "rural")
DIPLOMAS = ("none", "secondary", "higher")
INCOMES = ("low40", "middle", "top20")


def population_table(config: str | os.PathLike[str], territory: Any | None = None,
                     overrides: Mapping[str, Any] | None = None) -> str:
    """The fitted initial-population model of a territory as Markdown: logit effects, and the
    expected week-0 shares by margin (what ``docs/calibration.md`` shows)."""
    doc, base_dir = _config_doc(config)
    if territory is not None:
        doc["territory"] = territory
    doc.pop("sweep", None)
    pairs = [(k, _text(v)) for k, v in (overrides or {}).items()]
    exp = _core.Experiment.from_dict(doc, str(config), str(base_dir), pairs)
    m = _core.population_model(exp, int(exp.baseline))
    e = m["expected"]
    out = [f"Territory `{doc['territory']}`, figures of: {m['region']}.", "",
           "| margin | logit effect (illectronisme) | expected illectronisme | expected no home internet |",
           "|---|---:|---:|---:|"]
    def row(label: str, eff: float | None, key: str) -> None:
        out.append(f"| {label} | {'' if eff is None else f'{eff:+.3f}'} | {e['illectronisme_rate' + key]:.3f} | "
                   f"{e['no_home_internet_rate' + key]:.3f} |")
    row("all adults", None, "")
    for i, a in enumerate(AGE_BANDS):
        row(f"age {a} (target {m['age_targets'][i]:.3f})", m["age"][i], f"@age:{a}")
    for i, d in enumerate(DENSITIES):
        row(f"density {d}", m["density"][i], f"@density:{d}")
    for i, d in enumerate(DIPLOMAS):
        row(f"diploma {d}", m["diploma"][i], f"@diploma:{d}")
    for i, d in enumerate(INCOMES):
        row(f"income {d}", m["income"][i], f"@income:{d}")
    n = m["no_internet"]
    out += ["", f"No home internet: logit = {n[0]:+.3f} {n[1]:+.3f}·[75+] {n[2]:+.3f}·[no diploma] "
                f"{n[3]:+.3f}·[lacks basic skills]."]
    grad = ", ".join(f"{a} {s:+.3f}/year around {mu:.1f}" for a, s, mu in zip(AGE_BANDS, m["age_slope"], m["age_mean"]))
    q = m["death_rate"]
    out += ["", f"Age effects are at each band's mean age; within a band they change by (logit, per year of age): "
                f"{grad}.", "", "Yearly death rate by age: " +
            ", ".join(f"{x}: {q[x]:.4f}" for x in (20, 40, 60, 70, 75, 80, 85, 90, 95, 100)) + "."]
    return "\n".join(out)
