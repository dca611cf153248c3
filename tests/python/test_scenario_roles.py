"""Scenario roles are declared once (engine/scenario_role.hpp) and read as typed fields: no
module of the package parses a scenario's role out of its name ("NAME@as_configured",
"NAME@TERRITORY") or out of keys of its info."""

from __future__ import annotations

import re

from conftest import ROOT

PACKAGE = ROOT / "python" / "govsim"
# What parsing a scenario name's suffix or reading a role from the info looked like.
FORBIDDEN = [
    r'endswith\("@',
    r'rpartition\("@"\)',
    r'partition\("@"\)\[0\] ==',
    r'"@" not in s\b',
    r'info.*get\("(arm_of|compared_with|territory_baseline)"\)',
]


def test_no_module_parses_scenario_name_suffixes_or_role_keys():
    found = []
    for f in sorted(PACKAGE.rglob("*.py")):
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if any(re.search(p, line) for p in FORBIDDEN):
                found.append(f"{f.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "roles are typed fields (StoreReader.scenario_roles):\n" + "\n".join(found)
