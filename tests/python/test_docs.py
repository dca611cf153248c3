"""Generated documentation stays true to the code: docs/parameters.md is what the registry says."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def govsim_bin() -> str:
    env = os.environ.get("GOVSIM_BIN")
    if env:
        return env
    beside = Path(sys.executable).parent / "govsim"
    return str(beside) if beside.exists() else shutil.which("govsim") or "govsim"


def test_parameter_docs_are_generated_from_the_registry():
    out = subprocess.run([sys.executable, str(ROOT / "scripts/gen_parameter_docs.py"), govsim_bin()],
                         check=True, capture_output=True, text=True).stdout
    committed = (ROOT / "docs/parameters.md").read_text(encoding="utf-8")
    assert out == committed, ("docs/parameters.md is stale: regenerate with "
                              "scripts/gen_parameter_docs.py .venv/bin/govsim > docs/parameters.md")


def test_every_parameter_is_documented_with_a_source():
    text = (ROOT / "docs/parameters.md").read_text(encoding="utf-8")
    params = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(params) > 80
    for line in params:
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert cells[5], f"no source: {line}"


def test_metric_docs_are_generated_from_the_code():
    out = subprocess.run([sys.executable, str(ROOT / "scripts/gen_parameter_docs.py"), "--metrics", govsim_bin()],
                         check=True, capture_output=True, text=True).stdout
    assert out == (ROOT / "docs/metrics.md").read_text(encoding="utf-8"), (
        "docs/metrics.md is stale: regenerate with scripts/gen_parameter_docs.py --metrics .venv/bin/govsim > docs/metrics.md")
