#!/usr/bin/env python3
"""Writes docs/parameters.md from the parameter registry (`govsim describe --json`).

Usage: scripts/gen_parameter_docs.py [GOVSIM_BIN] > docs/parameters.md
The registry (models/inclusion/parameters.def) is the single source; never edit the output.
"""
import json
import subprocess
import sys


def main() -> int:
    exe = sys.argv[1] if len(sys.argv) > 1 else "govsim"
    params = json.loads(subprocess.run([exe, "describe", "--json"], check=True, capture_output=True, text=True).stdout)
    out = ["# Parameters", "",
           "Generated from the registry (`models/inclusion/parameters.def`) by `scripts/gen_parameter_docs.py`;",
           "do not edit by hand. *Source* is a citation, or \"assumption\": a documented guess that",
           "sensitivity analysis must cover (`govsim sweep`).", ""]
    group = None
    for p in params:
        g = p["name"].split(".")[0]
        if g != group:
            group = g
            out += ["", f"## {g}", "", "| name | type | default | unit | range | source | meaning |",
                    "|---|---|---|---|---|---|---|"]
        cells = [f"`{p['name']}`", p["type"], f"`{json.dumps(p['default'], ensure_ascii=False)}`", p["unit"],
                 p["range"], p["source"], p["doc"]]
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
