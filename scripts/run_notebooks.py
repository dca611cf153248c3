#!/usr/bin/env python3
"""Executes the notebooks of notebooks/ and writes them back with their outputs, or checks that
the committed outputs are what the current code produces (stale otherwise).

    .venv/bin/python scripts/run_notebooks.py            # regenerate (what `make notebooks` runs)
    .venv/bin/python scripts/run_notebooks.py --check    # exit 1 if a committed notebook is stale

Each notebook runs in a fresh temporary working directory (they must not depend on it: they find
the scenarios with govsim.source_dir()), with the python3 kernel of this interpreter. Outputs are
compared as text after normalising what legitimately varies between runs (temporary paths,
object addresses); images are compared by count and kind, not bytes.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import tempfile
from pathlib import Path

import nbclient
import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT = 300

_TEMP = re.compile(r"(/tmp|/var/folders)/[^\s'\"\\)]*govsim-notebook-[^\s'\"\\)/]*")
_ADDR = re.compile(r"0x[0-9a-fA-F]{6,}")


def execute(path: Path) -> nbformat.NotebookNode:
    """The notebook at `path`, executed top to bottom in a temporary working directory."""
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="govsim-notebook-cwd-") as cwd:
        client = nbclient.NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3", record_timing=False,
                                         resources={"metadata": {"path": cwd}})
        client.execute()  # raises CellExecutionError on any error
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def _norm_text(text: str) -> str:
    return _ADDR.sub("0x…", _TEMP.sub("<tmp>", text))


def signature(nb: nbformat.NotebookNode) -> list[list[str]]:
    """What must not change between the committed notebook and a fresh run: per code cell, its
    source and its outputs (text normalised; images by MIME type only)."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        items = ["source: " + cell.source]
        for o in cell.get("outputs", []):
            kind = o.get("output_type")
            if kind == "stream":
                items.append(f"stream {o.get('name')}: " + _norm_text(o.get("text", "")))
            elif kind == "error":
                items.append(f"error: {o.get('ename')}: {o.get('evalue')}")
            else:
                data = o.get("data", {})
                for mime in sorted(data):
                    if mime.startswith("image/"):
                        items.append(f"{kind} {mime}")
                    else:
                        value = data[mime]
                        items.append(f"{kind} {mime}: " + _norm_text(value if isinstance(value, str) else "".join(value)))
        out.append(items)
    return out


def first_difference(committed: nbformat.NotebookNode, fresh: nbformat.NotebookNode) -> str | None:
    a, b = signature(committed), signature(fresh)
    if len(a) != len(b):
        return f"{len(a)} code cells committed, {len(b)} now"
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            for j in range(max(len(x), len(y))):
                u = x[j] if j < len(x) else "(nothing)"
                v = y[j] if j < len(y) else "(nothing)"
                if u != v:
                    return f"code cell {i + 1}, item {j}: committed {u[:300]!r}, now {v[:300]!r}"
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed outputs instead of writing")
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb")
    args = ap.parse_args()
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    stale = 0
    for path in paths:
        fresh = execute(path)
        if args.check:
            diff = first_difference(nbformat.read(path, as_version=4), fresh)
            if diff:
                stale += 1
                print(f"{path}: stale ({diff}); regenerate with `make notebooks`")
            else:
                print(f"{path}: up to date")
        else:
            nbformat.write(fresh, path)
            print(f"{path}: executed, outputs saved")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
