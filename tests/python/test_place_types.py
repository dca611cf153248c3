"""Place types from the MedNum labels (issue 26): the rule of docs/territories.md ("Place types")
applied to the two shipped real territories, and to single records that exercise each step."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GOVSIM = Path(os.environ.get("GOVSIM_BIN") or Path(sys.executable).parent / "govsim")


def show(name: str) -> dict:
    r = subprocess.run([str(GOVSIM), "territory", "show", name, "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


# Counts by model type after the rule and the merging of one site's records. Charente: the
# national France Services list has 17 sites, the other lists name 12 more (29, six records
# merged into a site already listed in their commune), the France Services bus is one crew over
# 11 stops, and 102 places are hosts of the Conseillers numériques programme (they were typed
# France Services before: the programme's name is "Conseillers numériques France Services").
# Loir-et-Cher (Hub-lo, 2020-2022): five MSAP / France Services sites and the MSAP bus.
EXPECTED = {
    "charente": {"RFS": 29, "CNFS": 102, "CCAS": 39, "ITINERANT": 11, "TIERS_LIEUX": 6, "CS": 3, "EPN": 1, "BIB": 1},
    "loir-et-cher": {"EPN": 17, "BIB": 24, "RFS": 5, "CS": 10, "CCAS": 20, "TIERS_LIEUX": 8, "ITINERANT": 1},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts_by_type_of_the_shipped_territories(name):
    places = show(name)["places"]
    counts = collections.Counter(p["type"] for p in places)
    assert dict(counts) == EXPECTED[name]
    # Every place says which field decided its type (empty only for the EPN default).
    for p in places:
        assert p["typed_by"] in {"itinerance", "typologie", "source", "nom", "dispositif_programmes_nationaux", ""}, p
        assert p["typed_by"] or p["type"] == "EPN"


def test_one_france_services_site_per_commune_with_procedure_help_and_charter_hours():
    places = show("charente")["places"]
    fs = [p for p in places if p["type"] == "RFS"]
    communes = [p["commune"] for p in fs]
    assert len(communes) == len(set(communes))
    for p in fs:
        assert "Aide aux démarches administratives" in p["services"], p["name"]
        assert p["hours_per_week"] == 0 or p["hours_per_week"] >= 24, p["name"]
    # Where the national list has the site, its record is the one kept.
    national = [p for p in fs if p["source"] == "france-services"]
    assert len(national) == 17


def test_bus_stops_share_one_crew():
    for name in EXPECTED:
        stops = [p for p in show(name)["places"] if p["type"] == "ITINERANT"]
        # mobile.fte (1.5) split over the stops of one service: the crew, not one crew per stop.
        assert sum(p["fte"] for p in stops) == pytest.approx(1.5, rel=1e-9)


def test_conseiller_numerique_hosts_staffing():
    cnfs = [p for p in show("charente")["places"] if p["type"] == "CNFS"]
    # network.conseiller_numerique.fte (0.25) scaled by opening hours below 35 h.
    assert all(0 < p["fte"] <= 0.25 + 1e-12 for p in cnfs)
    assert 15 < sum(p["fte"] for p in cnfs) < 26  # ~21 posts derived for Charente (parameters.def)


COMMUNES = (
    "code_insee,name,population,lat,lon,epci_siren,epci_name,density\n"
    "41018,Blois,45871,47.58,1.30,200030658,Agglopolys,2\n"
    "41269,Vendôme,15548,47.80,1.06,200072072,Territoires Vendômois,3\n"
)


def record(pid: str, insee: str = "41018", **fields: str) -> dict:
    r = {"id": pid, "nom": f"Lieu {pid}", "commune": "Blois", "code_postal": "41000", "code_insee": insee,
         "adresse": "1 rue X", "pivot": "00000000000000", "latitude": 47.59 if insee == "41018" else 47.79,
         "longitude": 1.33 if insee == "41018" else 1.07, "date_maj": "2023-05-01", "services": "Maîtrise des outils numériques du quotidien"}
    r.update(fields)
    return r


def test_each_step_of_the_rule(tmp_path):
    records = [
        record("bus", itinerance="Itinérant", typologie="RFS"),                       # 1. itinerant
        record("fs-list", source="france-services", typologie="MUNI"),               # 2a. national list
        record("fs-name", insee="41269", nom="Espace France Services de Vendôme", source="aidants-connect"),  # 2b
        record("fs-dup", nom="France services Blois", source="aidants-connect"),      # same commune: merged
        record("cnfs", source="conseiller-numerique", typologie="RFS"),              # 3. not France Services
        record("cnfs-disp", typologie="ASSO", dispositif_programmes_nationaux="Conseillers numériques"),
        record("bib", typologie="BIB|EPN"),                                          # 4. first code
        record("ac", dispositif_programmes_nationaux="Aidants Connect"),              # 5. Aidants Connect
        record("none"),                                                              # default EPN
    ]
    (tmp_path / "c.csv").write_text(COMMUNES, encoding="utf-8")
    (tmp_path / "p.json").write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    r = subprocess.run([str(GOVSIM), "territory", "build", "--communes", str(tmp_path / "c.csv"), "--places",
                        str(tmp_path / "p.json"), "--out", str(tmp_path / "t.json")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "merged: France Services records of a commune that already has one" in r.stdout
    got = {p["id"]: (p["type"], p["typed_by"]) for p in json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["places"]}
    assert got == {
        "bus": ("ITINERANT", "itinerance"),
        "fs-list": ("RFS", "source"),
        "fs-name": ("RFS", "nom"),
        "cnfs": ("CNFS", "source"),
        "cnfs-disp": ("CNFS", "dispositif_programmes_nationaux"),
        "bib": ("BIB", "typologie"),
        "ac": ("CCAS", "dispositif_programmes_nationaux"),
        "none": ("EPN", ""),
    }
