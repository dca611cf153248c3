"""Every unknown is in the uncertainty space (issue 28): a parameter is held at one value only when
it is a measured figure or a setting of the experiment. The audit reads the registry's sources:

- a source that starts with "assumption" needs an entry in models/inclusion/uncertainty.def (a
  "fixed" one is a setting of the experiment and says why);
- a source that is a lever of a scenario or a reporting choice is a setting;
- a cited source that gives only an order of magnitude ("~", "about", "order of magnitude",
  a promise) or a point fit must be an assumption with a range, unless it is listed below with
  the reason its figure is a measurement all the same."""

from __future__ import annotations

import govsim

# Sources that make a parameter a setting of the experiment: a scenario's lever, a reporting choice.
SETTING_SOURCES = ("seed:", "seed ", "planner lever", "reporting choice")
# Words by which a citation gives an order of magnitude rather than a measured figure.
VAGUE = ("~", "about ", "order of magnitude", "roughly", "approximately", "promise", "fitted", "guess")
# Cited parameters whose source has such a word but whose figure is a measurement: why.
MEASURED = {
    "population.illectronisme_low_income": "INSEE publishes the poorest 40% as ~20%: a measured share, rounded by INSEE.",
    "demography.mortality_75_plus": "Deaths and population by age from INSEE's vital statistics; ~73% is INSEE's rounding of the share of deaths at 75+.",
    "demography.mortality_age_gradient": "Read off INSEE's life table 2017-2019; 'about' qualifies the quoted round values, the gradient is fitted to the whole table.",
    "population.no_offer_share_other": "Solved from two measured INSEE shares (5% overall, 13% rural) and the census share of no-internet adults in rural communes.",
}


def test_every_unknown_has_a_range_or_is_a_setting():
    p = govsim.parameters()
    problems = []
    for _, r in p.iterrows():
        src = str(r["source"]).strip()
        low = src.lower()
        if low.startswith("assumption"):
            if r["distribution"] is None or r["distribution"] != r["distribution"]:
                problems.append(f"{r['name']}: an assumption without an entry in uncertainty.def")
            elif r["distribution"] == "fixed" and not str(r["uncertainty_reason"]).strip():
                problems.append(f"{r['name']}: fixed without saying why it is a setting")
        elif low.startswith(SETTING_SOURCES):
            continue
        elif any(w in low for w in VAGUE) and r["name"] not in MEASURED:
            problems.append(f"{r['name']}: its source gives an order of magnitude or a point fit ({src[:80]!r}): "
                            f"make it an assumption with a range in uncertainty.def, or list it in MEASURED with why")
    assert not problems, "\n".join(problems)


def test_the_measured_list_names_cited_parameters_only():
    p = govsim.parameters().set_index("name")
    for name, why in MEASURED.items():
        assert name in p.index, f"MEASURED names {name}, which is not a parameter"
        assert not str(p.loc[name, "source"]).lower().startswith("assumption"), f"{name} is an assumption now"
        assert any(w in str(p.loc[name, "source"]).lower() for w in VAGUE), f"{name}: its source no longer needs a reason"
        assert why.strip()


def test_the_audit_catches_an_order_of_magnitude():
    """The rule fails on the kind of source it is for (a control: the first test could pass vacuously)."""
    p = govsim.parameters()
    cited = p[~p["source"].str.lower().str.startswith("assumption")]
    assert len(cited) > 20  # measured figures and levers are there to be audited
    vague = [n for n, s in zip(cited["name"], cited["source"].str.lower())
             if any(w in s for w in VAGUE) and not s.startswith(SETTING_SOURCES)]
    assert set(vague) == set(MEASURED), sorted(set(vague) ^ set(MEASURED))
