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


def test_report_works_and_calling_it_does_not_replace_it(small_compare, tmp_path):
    """One real report; the call leaves govsim.report the same function (in issue 19 the first call
    imported a submodule govsim.report that replaced it; imports: the test above)."""
    results_dir = small_compare[0].path
    before = govsim.report
    out = govsim.report(results_dir, tmp_path / "a.html")
    assert out.is_file() and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert govsim.report is before and govsim.write_report is before


def test_report_bad_input_is_value_error(tmp_path):
    from govsim.reporting import ReportInputError

    with pytest.raises(ReportInputError, match="not found") as e:
        govsim.report(tmp_path / "missing", tmp_path / "r.html")
    assert isinstance(e.value, ValueError)
    assert not (tmp_path / "r.html").exists()
