"""The notebooks run from any working directory and their committed outputs are current.

Each notebook is executed top to bottom (nbclient, kernel python3 = this interpreter) in a fresh
temporary working directory, then its outputs are compared with the committed ones
(scripts/run_notebooks.py: text normalised for temporary paths and addresses, images by kind).
A notebook whose outputs moved (the model changed, a cell changed) is stale: `make notebooks`.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))

_spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "scripts" / "run_notebooks.py")
run_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_notebooks)


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs_anywhere_and_is_current(path: Path) -> None:
    committed = nbformat.read(path, as_version=4)
    code = [c for c in committed.cells if c.cell_type == "code"]
    with_outputs = [c for c in code if c.get("outputs")]
    assert len(with_outputs) >= len(code) // 2, f"{path.name} is committed without outputs: run `make notebooks`"
    fresh = run_notebooks.execute(path)  # raises CellExecutionError on any error
    errors = [o for c in fresh.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    diff = run_notebooks.first_difference(committed, fresh)
    assert diff is None, f"{path.name} is stale: {diff}. Regenerate with `make notebooks` and commit it."


def test_staleness_is_detected(tmp_path) -> None:
    """The comparison is not vacuous: a changed number in an output is a difference."""
    path = PATHS[0]
    committed = nbformat.read(path, as_version=4)
    changed = nbformat.read(path, as_version=4)
    for cell in changed.cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if o.get("output_type") in ("execute_result", "display_data") and "text/plain" in o.get("data", {}):
                o["data"]["text/plain"] = o["data"]["text/plain"] + " 42"
                break
        else:
            continue
        break
    assert run_notebooks.first_difference(committed, committed) is None
    assert run_notebooks.first_difference(committed, changed) is not None


def test_the_five_notebooks() -> None:
    assert [p.stem for p in PATHS] == ["01_rapporteur_compare", "02_researcher_sweep", "03_planner_tune_scenario",
                                      "04_researcher_uncertainty", "05_researcher_optimise"]


def test_notebooks_do_not_depend_on_the_working_directory() -> None:
    for path in PATHS:
        source = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
        assert "Path.cwd()" not in source and "os.getcwd" not in source, path.name
        assert "govsim.source_dir()" in source, path.name


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_charts_are_shown_in_the_notebook(path: Path) -> None:
    """A notebook that draws shows its charts (inline backend): no `matplotlib.use("Agg")`, and the
    committed outputs hold the pictures a reader sees in Jupyter."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any('matplotlib.use("Agg")' in c.source for c in code), path.name
    if any("plt." in c.source or "fig" in c.source for c in code):
        images = [o for c in code for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
        assert images, f"{path.name} draws but shows no chart in its outputs"
