"""The JSON Schemas (scenarios/schema/, written by `govsim schema`) and the loaders (`govsim
validate`) cannot disagree: both schemas are valid Draft 2020-12 schemas; every shipped config and
scenario file passes them; every file of the bad-input corpus (tests/cli/bad/) is rejected by
`govsim validate`, and by the schema too unless its defect is one a schema cannot express
(NOT_IN_SCHEMA says why, file by file; the schema must then accept it, so that the list stays
exact). A config is judged with the scenario files it names (and their `extends` chains), each
against the scenario schema, as the loader reads them."""
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "scenarios/schema"
BAD = ROOT / "tests/cli/bad"

_NOT_JSON = "not a JSON document, so nothing for a schema to judge (the JSON reader rejects it)"
_FILES = "a file the config names is missing or unreadable: a schema cannot open files"
# The corpus files whose defect no JSON Schema can express, and why.
NOT_IN_SCHEMA = {
    "binary.json": _NOT_JSON + ": binary data",
    "binary-gzip.json": _NOT_JSON + ": a gzip file",
    "latin1.json": _NOT_JSON + ": Latin-1, not UTF-8",
    "utf16.json": _NOT_JSON + ": UTF-16 with a byte-order mark",
    "utf16-no-bom.json": _NOT_JSON + ": UTF-16 without a byte-order mark",
    "empty-file.json": _NOT_JSON + ": an empty file",
    "syntax-error.json": _NOT_JSON + ": a syntax error",
    "trailing-garbage.json": _NOT_JSON + ": text after the document",
    "nan.json": _NOT_JSON + ": NaN is not a JSON number",
    "infinity.json": _NOT_JSON + ": Infinity is not a JSON number",
    "negative-infinity.json": _NOT_JSON + ": -Infinity is not a JSON number",
    "number-overflow.json": _NOT_JSON + ": a number beyond a double's range",
    "parameter-overflow.json": _NOT_JSON + ": a number beyond a double's range",
    "deep-nesting.json": "nesting deeper than 64 levels: no schema keyword bounds the depth",
    "deep-nesting-objects.json": "nesting deeper than 64 levels: no schema keyword bounds the depth",
    "missing-csv.json": _FILES + " (the territory's communes CSV)",
    "csv-path-too-long.json": _FILES + " (a CSV path longer than the system allows)",
    "scenario-file-missing.json": _FILES + " (a scenario file)",
    "scenario-path-too-long.json": _FILES + " (a scenario path longer than the system allows)",
    "extends-missing.json": _FILES + " (the file a scenario extends)",
    "extends-inline-missing.json": _FILES + " (the file an inline scenario extends)",
    "extends-cycle.json": "an `extends` cycle across two files: each file is valid alone",
    "extends-self.json": "a scenario extending itself: the file is valid alone",
    "duplicate-names.json": "two scenarios with the same name: uniqueItems compares whole items, "
                            "not one key of each",
    "unknown-baseline.json": "a baseline naming no scenario: a schema cannot compare two values",
    "sweep-min-gt-max.json": "a sweep axis with max < min: a schema cannot compare two values",
    "optimise-inverted-range.json": "a lever with max < min: a schema cannot compare two values",
    "optimise-empty-range.json": "a lever with max = min: a schema cannot compare two values",
    "optimise-place-missing-file.json": "a placed scenario file that does not exist: a schema cannot see files",
}


def load_strict(path: Path):
    """The document as govsim's reader sees it: UTF-8, no NaN/Infinity, no overflowing number."""
    def finite(text: str) -> float:
        v = float(text)
        if not math.isfinite(v):
            raise ValueError(f"number out of range: {text}")
        return v

    def constant(name: str):
        raise ValueError(f"not a JSON number: {name}")

    return json.loads(path.read_bytes().decode("utf-8"), parse_float=finite, parse_constant=constant)


def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / f"{kind}.schema.json").read_text("utf-8")))


CONFIG = validator("config")
SCENARIO = validator("scenario")


def scenario_file_errors(path: Path, seen: set) -> list:
    """Schema errors of a scenario file and of the files its `extends` chain names."""
    try:
        key = path.resolve()
        if key in seen or not path.is_file():
            return []  # (cycles and missing files: the loader's, see NOT_IN_SCHEMA)
    except OSError:  # e.g. a name too long for the system
        return []
    seen.add(key)
    doc = load_strict(path)
    errors = [f"{path.name}: {e.message}" for e in SCENARIO.iter_errors(doc)]
    if isinstance(doc, dict) and isinstance(doc.get("extends"), str):
        errors += scenario_file_errors(path.parent / doc["extends"], seen)
    return errors


def config_errors(path: Path) -> list:
    """Schema errors of a config, of the scenario files it names, and of their `extends`."""
    doc = load_strict(path)
    errors = [f"{path.name}: {e.message}" for e in CONFIG.iter_errors(doc)]
    if not isinstance(doc, dict):
        return errors
    items = list(doc.get("scenarios", [])) if isinstance(doc.get("scenarios"), list) else []
    for group in doc.get("territory_comparisons", []) if isinstance(
            doc.get("territory_comparisons"), list) else []:
        if isinstance(group, dict) and isinstance(group.get("scenarios"), list):
            items += group["scenarios"]
    for item in items:
        if isinstance(item, str):
            errors += scenario_file_errors(path.parent / item, set())
        elif isinstance(item, dict) and isinstance(item.get("extends"), str):
            errors += scenario_file_errors(path.parent / item["extends"], set())
    return errors


def govsim_bin() -> str:
    return os.environ.get("GOVSIM_BIN") or str(Path(sys.executable).parent / "govsim")


SHIPPED_CONFIGS = sorted((ROOT / "scenarios/experiments").glob("*.json")) + sorted(
    (ROOT / "tests/regression").glob("*/config.json"))
SHIPPED_SCENARIOS = sorted((ROOT / "scenarios/governance").glob("*.json"))
BAD_FILES = sorted(p for p in BAD.glob("*.json") if p.name != "expected.json")


@pytest.mark.parametrize("kind", ["config", "scenario"])
def test_schema_is_a_valid_draft_2020_12_schema(kind):
    Draft202012Validator.check_schema(json.loads((SCHEMAS / f"{kind}.schema.json").read_text("utf-8")))


@pytest.mark.parametrize("path", SHIPPED_CONFIGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_config_passes_the_schema(path):
    assert config_errors(path) == []


@pytest.mark.parametrize("path", SHIPPED_SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenario_passes_the_schema(path):
    assert scenario_file_errors(path, set()) == []


def test_the_list_of_defects_a_schema_cannot_express_names_corpus_files():
    assert len(BAD_FILES) > 60
    assert sorted(set(NOT_IN_SCHEMA) - {p.name for p in BAD_FILES}) == []


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.name)
def test_bad_file_is_rejected_by_the_validator_and_by_the_schema(path):
    p = subprocess.run([govsim_bin(), "validate", str(path.relative_to(ROOT))], cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode == 2, f"govsim validate accepted {path.name}: {p.stdout}{p.stderr}"
    try:
        errors = config_errors(path)
    except (ValueError, RecursionError):  # (not UTF-8 or not JSON; too deep for Python's parser)
        assert path.name in NOT_IN_SCHEMA, f"{path.name} cannot be parsed: list it in NOT_IN_SCHEMA"
        return
    if path.name in NOT_IN_SCHEMA:
        assert errors == [], (f"the schema now rejects {path.name}: remove it from NOT_IN_SCHEMA "
                              f"({errors[:3]})")
    else:
        assert errors, (f"the schema accepts {path.name}, which govsim validate rejects "
                        f"({p.stderr.strip()[:300]}); make the schema say it (engine/config_schema.cpp), "
                        f"or list it in NOT_IN_SCHEMA with the reason")
