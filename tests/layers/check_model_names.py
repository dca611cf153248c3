#!/usr/bin/env python3
"""No model name in the generic engine (ctest `model_names`, beside `layers`).

    check_model_names.py SOURCE_DIR

Reads the model's metric and series names (models/inclusion/metrics.def) and parameter names
(models/inclusion/parameters.def) and fails if one of them appears in a string literal of a file
of engine/ (comments may name them as examples). The engine learns what it needs of a model
through the ModelAdapter: metric roles (primary, cost) and domains from metrics.def, the
starter experiment's parameters from the adapter.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path


def model_names(root: Path) -> set[str]:
    metrics = (root / "models/inclusion/metrics.def").read_text(encoding="utf-8")
    params = (root / "models/inclusion/parameters.def").read_text(encoding="utf-8")
    names = set(re.findall(r"^GOVSIM_(?:METRIC|SERIES)\((\w+),", metrics, re.M))
    names |= set(re.findall(r'^GOVSIM_\w+\(\w+, "([^"]+)"', params, re.M))
    return names


def string_literals(text: str) -> list[tuple[int, str]]:
    """(line, content) of each string literal of a C++ source, comments skipped."""
    out = []
    pattern = re.compile(r'//[^\n]*|/\*.*?\*/|R"(?P<delim>[^(\s]*)\((?P<raw>.*?)\)(?P=delim)"|"(?P<str>(?:\\.|[^"\\\n])*)"'
                         r"|'(?:\\.|[^'\\\n])*'", re.S)
    for m in pattern.finditer(text):
        content = m.group("raw") if m.group("raw") is not None else m.group("str")
        if content is not None:
            out.append((text.count("\n", 0, m.start()) + 1, content))
    return out


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2])
    names = model_names(root)
    if len(names) < 100:
        print(f"model_names: only {len(names)} names read from the .def files; their format changed?")
        return 1
    word = re.compile(r"(?<![\w.])(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?!\w)")
    files = sorted(p for p in (root / "engine").rglob("*") if p.suffix in (".cpp", ".hpp", ".h"))
    offenders = []
    for f in files:
        for line, s in string_literals(f.read_text(encoding="utf-8")):
            for m in word.finditer(s):
                offenders.append(f"{f.relative_to(root)}:{line}: \"{m.group(1)}\"")
    if offenders:
        print("model_names: the generic engine names the model's metrics or parameters (declare a role in "
              "metrics.def, or ask the ModelAdapter):\n  " + "\n  ".join(offenders))
        return 1
    print(f"model_names: none of the {len(names)} metric, series and parameter names of the model is a "
          f"literal in the {len(files)} files of engine/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
