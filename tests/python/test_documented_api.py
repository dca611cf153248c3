"""Every function docs/python.md documents works, and stays the same object after being called and
after importing each submodule of the package (a submodule must never replace a public function:
issue 19, where `govsim.report(...)` worked once and then `govsim.report` was a module).

The table CALLS gives each documented function a cheap call, made once (one real end-to-end run of
each); that the functions survive calls and imports is an identity check of the names, which
catches the shadowing in milliseconds (it used to re-run every call after each import, ~3 min).
The first test fails when docs/python.md documents a `govsim.<name>(...)` call that the table does
not cover."""

from __future__ import annotations

import importlib
import pkgutil
import re
import types
from pathlib import Path

import pytest

import govsim

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "scenarios" / "experiments" / "seed-scenarios-small.json"
SCENARIO = ROOT / "scenarios" / "governance" / "regional-hubs.json"
# Tiny runs: 0.5% of the adults over 8 weeks, 1 replicate.
TINY = {"sim.population_scale": 0.005, "sim.horizon_weeks": 8}
# Two assumptions for the uncertainty calls (cheap: a few worlds of tiny runs).
UNCERTAIN = ["resolution.relatives_weekly", "needs.rate_per_year"]
TINY_DOC = {"name": "tiny", "territory": "city", "scenarios": [{"name": "a"}, {"name": "b", "parameters": {"mobile.units": 1}}],
            "parameters": TINY, "experiment": {"runs": 1}}


# A tiny search: two designs of one lever, their front re-evaluated with 2 replicates.
OPTIMISE = {"levers": {"mobile.units": {"min": 0, "max": 2}}, "objectives": ["non_recours_rate", "total_cost_eur"],
            "evaluations": 2, "population": 2, "final_runs": 2}


def documented_calls() -> set[str]:
    """`govsim.NAME(` and `govsim.Class.method(` in docs/python.md."""
    text = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    return set(re.findall(r"\bgovsim\.([A-Za-z_][\w.]*)\(", text))


def submodules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(govsim.__path__, prefix="govsim.")
                  if not m.name.endswith("__main__"))


@pytest.fixture(scope="module")
def calls(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("documented")
    results_dir = tmp / "results"
    govsim.compare(govsim.Config.from_dict(TINY_DOC, base_dir=ROOT), out=results_dir, progress=False)
    counter = iter(range(10**6))

    def fresh(name: str) -> Path:
        return tmp / f"{name}-{next(counter)}"

    rob = govsim.robustness(govsim.Config.from_dict(TINY_DOC, base_dir=ROOT), samples=4, parameters=UNCERTAIN,
                            out=fresh("robustness"), progress=False)
    return {
        "parameters": lambda: govsim.parameters(),
        "source_dir": lambda: govsim.source_dir(),
        "metrics": lambda: govsim.metrics(),
        "load_config": lambda: govsim.load_config(SMALL, overrides=TINY),
        "Config.from_dict": lambda: govsim.Config.from_dict(TINY_DOC, base_dir=ROOT),
        "Config.from_scenarios": lambda: govsim.Config.from_scenarios(
            [govsim.load_scenario(SCENARIO)], territory="city", runs=1, parameters=TINY),
        "load_scenario": lambda: govsim.load_scenario(SCENARIO),
        "save_scenario": lambda: govsim.save_scenario(govsim.load_scenario(SCENARIO), fresh("saved") / "s.json"),
        "compare": lambda: govsim.compare(govsim.Config.from_dict(TINY_DOC, base_dir=ROOT), out=fresh("compare"),
                                          progress=False),
        "run": lambda: govsim.run(govsim.Config.from_dict(TINY_DOC, base_dir=ROOT), scenario="b", out=fresh("run"),
                                  progress=False),
        "sweep": lambda: govsim.sweep(govsim.Config.from_dict(
            TINY_DOC | {"sweep": {"method": "grid", "parameters": {"mobile.units": {"values": [0, 1]}}}}, base_dir=ROOT),
            out=fresh("sweep"), progress=False),
        "open_results": lambda: govsim.open_results(results_dir),
        "report": lambda: govsim.report(results_dir, fresh("report").with_suffix(".html")),
        "write_report": lambda: govsim.write_report(results_dir, fresh("report").with_suffix(".html")),
        "distribution": lambda: govsim.distribution(),
        "robustness": lambda: govsim.robustness(govsim.Config.from_dict(TINY_DOC, base_dir=ROOT), samples=2,
                                                parameters=UNCERTAIN, out=fresh("robustness"), progress=False),
        "discover": lambda: govsim.discover(rob, "b", "non_recours_rate"),
        "sensitivity": lambda: govsim.sensitivity(govsim.Config.from_dict(TINY_DOC, base_dir=ROOT), method="morris",
                                                  samples=2, parameters=UNCERTAIN, outcomes=["non_recours_rate"],
                                                  out=fresh("sensitivity"), progress=False),
        "uncertainty.space": lambda: govsim.uncertainty.space(),
        "optimise": lambda: govsim.optimise(govsim.Config.from_dict(TINY_DOC | {"optimise": OPTIMISE}, base_dir=ROOT),
                                            runs=2, out=fresh("optimise"), progress=False),
    }


def test_the_table_covers_every_documented_call(calls):
    documented = documented_calls()
    assert {"compare", "load_config", "report", "open_results"} <= documented, documented
    missing = documented - set(calls)
    assert not missing, f"docs/python.md documents govsim.{sorted(missing)} but CALLS has no call for them"


def resolve(dotted: str):
    """govsim.<dotted> (`compare`, `Config.from_dict`, `uncertainty.space`)."""
    obj = govsim
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _call_all(calls, when: str) -> None:
    for name, call in calls.items():
        try:
            result = call()
        except Exception as e:  # noqa: BLE001 -- reported with the function's name
            pytest.fail(f"govsim.{name}(...) {when}: {type(e).__name__}: {e}")
        assert result is not None, f"govsim.{name}(...) {when} returned None"


def _assert_unchanged(before: dict, when: str) -> None:
    """Every documented name is still the same function (a bound method: equal, same function and class)."""
    for name, obj in before.items():
        now = resolve(name)
        assert now is obj or now == obj, f"{when}, govsim.{name} is {now!r}, no longer {obj!r}"


def test_every_documented_function_works_and_is_never_replaced(calls):
    before = {name: resolve(name) for name in calls}
    for name, obj in before.items():
        assert callable(obj) and not isinstance(obj, types.ModuleType), f"govsim.{name} is {obj!r}"
    _call_all(calls, "called once")
    _assert_unchanged(before, "after calling each documented function")
    for mod in submodules():
        importlib.import_module(mod)
        _assert_unchanged(before, f"after `import {mod}`")
