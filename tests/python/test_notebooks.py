"""Executes every notebook in notebooks/ top to bottom (nbclient, kernel python3, cwd notebooks/).

The python3 kernel runs this interpreter (jupyter_client substitutes sys.executable for "python").
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError on any error
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


def test_four_notebooks() -> None:
    assert [p.stem for p in PATHS] == ["01_rapporteur_compare", "02_researcher_sweep", "03_planner_tune_scenario",
                                      "04_researcher_uncertainty"]
