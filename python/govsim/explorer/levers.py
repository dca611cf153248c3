"""The levers of the explorer: the planner's parameters of the scenario file format (funding
structure, owner level, allocation, animation, partners, FTE / hours / sites per point type, mobile
units, stations), described from the parameter registry (unit, range, help), and the check of
the values a page sends (a bad value is a :class:`LeverError` naming the lever and its range)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import _core

# The levers outside the network, by group, in the page's order. The network levers
# (network.TYPE.fte|hours_per_week|sites) are found in the registry, one group per point type.
FIXED_GROUPS: list[tuple[str, list[str]]] = [
    ("governance", ["governance.funding_structure", "governance.owner_level", "governance.allocation_rule"]),
    ("animation", ["animation.intensity", "animation.level"]),
    ("referral", ["referral.partners_joined"]),
    ("mobile", ["mobile.units", "mobile.fte"]),
    ("stations", ["stations.per_point"]),
]
_NETWORK = re.compile(r"^network\.([a-z_]+)\.(fte|hours_per_week|sites)$")
_NETWORK_ORDER = {"fte": 0, "hours_per_week": 1, "sites": 2}
# A numeric lever whose range is wider than this is a number box, not a slider (sites: -1..100000).
SLIDER_SPAN = 100


class LeverError(ValueError):
    """A lever value the page sent is unknown, of the wrong type or out of range (HTTP 400)."""


@dataclass(frozen=True)
class Lever:
    """One lever: a parameter of the registry and how the page shows it."""

    name: str
    group: str
    type: str  # real, integer, boolean, choice
    unit: str
    min: float | None
    max: float | None
    choices: tuple[str, ...]
    help: str
    step: float | None

    @property
    def widget(self) -> str:
        """"select" (choice, boolean), "range" (a slider) or "number" (a wide range)."""
        if self.type in ("choice", "boolean"):
            return "select"
        span = (self.max or 0) - (self.min or 0)
        return "number" if span > SLIDER_SPAN else "range"

    def expected(self) -> str:
        """What a value of this lever must be, in words (for the 400 message)."""
        if self.type == "choice":
            return "one of " + ", ".join(self.choices)
        if self.type == "boolean":
            return "true or false"
        kind = "an integer" if self.type == "integer" else "a number"
        unit = f" ({self.unit})" if self.unit else ""
        return f"{kind} from {_g(self.min)} to {_g(self.max)}{unit}"

    def check(self, value: Any) -> Any:
        """``value`` as the parameter's type, or a :class:`LeverError` saying what was expected."""
        where = f"/levers/{self.name}"
        bad = LeverError(f"{where}: expected {self.expected()}, got {value!r}")
        if self.type == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise bad
            return value
        if self.type == "boolean":
            if not isinstance(value, bool):
                raise bad
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise bad
        if self.type == "integer":
            if float(value) != int(value):
                raise bad
            value = int(value)
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise bad
        return float(value) if self.type == "real" else value

    def describe(self, current: Any) -> dict[str, Any]:
        """The lever as the API gives it (GET /api/levers); its step fits ``current`` (a slider
        would move a value off its step: 0.25 FTE on a 0.1 step would read 0.3)."""
        return {"name": self.name, "group": self.group, "type": self.type, "unit": self.unit, "min": self.min,
                "max": self.max, "choices": list(self.choices), "help": self.help,
                "step": self.step_for(current), "widget": self.widget, "value": current}

    def step_for(self, value: Any) -> float | None:
        """The slider's step, divided by 10 until ``value`` lies on it (from ``min``)."""
        step = self.step
        if step is None or self.type != "real" or not isinstance(value, (int, float)):
            return step
        lo = self.min or 0.0
        while step > 1e-6 and abs(round((value - lo) / step) * step + lo - value) > 1e-9 * max(1.0, abs(value)):
            step /= 10
        return step


def _g(x: float | None) -> str:
    return "?" if x is None else f"{x:g}"


def _step(p: Mapping[str, Any]) -> float | None:
    """The slider's step: 1 for integers, else a hundredth of the range rounded to 1, 2 or 5."""
    if p["type"] == "integer":
        return 1
    if p["type"] != "real" or p.get("min") is None or p.get("max") is None:
        return None
    raw = (float(p["max"]) - float(p["min"])) / 100
    if raw <= 0:
        return None
    e = math.floor(math.log10(raw))
    return next(m * 10.0 ** e for m in (1, 2, 5, 10) if m * 10.0 ** e >= raw - 1e-12)


def levers(registry: Mapping[str, Mapping[str, Any]] | None = None) -> list[Lever]:
    """The levers in the page's order (``registry``: name -> the registry's row; default the engine's)."""
    reg = registry if registry is not None else {str(p["name"]): p for p in _core.parameters()}
    groups = list(FIXED_GROUPS[:1])
    network: dict[str, list[str]] = {}
    for name in reg:
        m = _NETWORK.match(name)
        if m:
            network.setdefault(m.group(1), []).append(name)
    for kind, names in network.items():
        groups.append((f"network.{kind}", sorted(names, key=lambda n: _NETWORK_ORDER[n.rsplit(".", 1)[1]])))
    groups += FIXED_GROUPS[1:]
    out = []
    for group, names in groups:
        for name in names:
            p = reg[name]
            choices = tuple(p.get("choices") or ())
            out.append(Lever(name=name, group=group, type=str(p["type"]), unit=str(p.get("unit") or ""),
                             min=None if p.get("min") is None else float(p["min"]),
                             max=None if p.get("max") is None else float(p["max"]),
                             choices=choices, help=str(p.get("doc") or ""), step=_step(p)))
    return out


def check_levers(table: Mapping[str, Lever], values: Any) -> dict[str, Any]:
    """The page's lever values checked: ``values`` must be an object of lever name -> value."""
    if not isinstance(values, Mapping):
        raise LeverError(f"/levers: expected an object of lever name -> value, got {type(values).__name__}")
    out = {}
    for name, v in values.items():
        lever = table.get(name)
        if lever is None:
            raise LeverError(f"/levers/{name}: expected one of the levers ({', '.join(table)}), got an unknown name")
        out[name] = lever.check(v)
    return out
