"""No public name of the govsim package is shadowed by a submodule (issue: `govsim.report(...)`
worked once, then `govsim.report` was the module and the call raised TypeError)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import govsim


def _submodules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(govsim.__path__, prefix="govsim.")
                  if not m.name.endswith("__main__"))


def test_no_public_name_is_a_submodule_name():
    subs = {name.split(".")[1] for name in _submodules()}
    assert "reporting" in subs and "store" in subs
    assert not subs & set(govsim.__all__), subs & set(govsim.__all__)


def test_public_names_survive_importing_every_submodule():
    before = {name: getattr(govsim, name) for name in govsim.__all__}
    for mod in _submodules():
        importlib.import_module(mod)
        for name, obj in before.items():
            assert getattr(govsim, name) is obj, f"importing {mod} changed govsim.{name}"
    assert callable(govsim.report) and govsim.write_report is govsim.report


def test_report_callable_twice_and_after_imports(small_compare, tmp_path):
    """govsim.report() twice, then after importing each submodule: a report each time."""
    results_dir = small_compare[0].path
    outs = [govsim.report(results_dir, tmp_path / "a.html"), govsim.report(results_dir, tmp_path / "b.html")]
    for i, mod in enumerate(_submodules()):
        importlib.import_module(mod)
        if mod.startswith("govsim.reporting") or mod in ("govsim.store", "govsim.results"):
            outs.append(govsim.report(results_dir, tmp_path / f"after-{i}.html"))
    assert len(outs) >= 5
    for out in outs:
        assert out.is_file() and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_bad_input_is_value_error(tmp_path):
    from govsim.reporting import ReportInputError

    with pytest.raises(ReportInputError, match="not found") as e:
        govsim.report(tmp_path / "missing", tmp_path / "r.html")
    assert isinstance(e.value, ValueError)
    assert not (tmp_path / "r.html").exists()
