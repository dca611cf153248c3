"""The rank screening of a robustness run's worlds (govsim.uncertainty.world_screening): on
synthetic worlds whose answer is known, the parameter that drives the difference is named, noise
names nothing at the family-wise rate, too few worlds name nothing, and parameters of a mechanism
neither scenario switches on are not tested."""

import math

import numpy as np
import pandas as pd

from govsim.uncertainty.robust_comparison import Robustness
from govsim.uncertainty.world_screening import MIN_WORLDS, acting, rank_screen


def _worlds(n, p, seed):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.uniform(size=(n, p)), columns=[f"needs.p{j}" for j in range(p)]), rng


def test_names_the_driving_parameter_first_and_with_its_sign():
    x, rng = _worlds(40, 30, 1)
    y = -2.0 * x["needs.p3"] + 0.8 * x["needs.p7"] + rng.normal(0, 0.3, 40)
    out = rank_screen(x, y, seed=2)
    assert out.iloc[0]["parameter"] == "needs.p3" and out.iloc[0]["rho"] < -0.7
    assert out.iloc[0]["named"]
    named = set(out.loc[out["named"], "parameter"])
    assert named <= {"needs.p3", "needs.p7"}
    assert out.attrs["n_worlds"] == 40 and out.attrs["n_parameters"] == 30 and not out.attrs["too_few"]


def test_noise_names_nothing_at_the_family_wise_rate():
    # 20 parameters, none related to y: an unadjusted 5% test would name one in ~64% of cases;
    # max-T keeps the chance of naming any at 5% (here 300 repetitions: 5% +- 3 standard errors).
    hits = 0
    reps = 300
    for k in range(reps):
        x, rng = _worlds(20, 20, 100 + k)
        hits += bool(rank_screen(x, rng.normal(size=20), permutations=199, seed=k)["named"].any())
    assert hits / reps <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / reps)


def test_too_few_worlds_name_nothing_even_for_an_exact_relation():
    x, _rng = _worlds(MIN_WORLDS - 1, 5, 3)
    out = rank_screen(x, x["needs.p2"].to_numpy())
    assert out.attrs["too_few"] and not out["named"].any()
    assert out.iloc[0]["parameter"] == "needs.p2" and out.iloc[0]["rho"] > 0.999  # computed, not named
    x, _rng = _worlds(MIN_WORLDS, 5, 3)
    assert rank_screen(x, x["needs.p2"].to_numpy())["named"].any()


def test_only_parameters_that_can_act_on_the_scenario():
    names = ["needs.deadline_weeks", "mobile.fte", "animation.skill_gain", "referral.animation_knowledge",
             "referral.follow_through"]
    assert acting(names, {"governance"}) == ["needs.deadline_weeks", "referral.follow_through"]
    assert acting(names, {"governance", "animation"}) == [n for n in names if n != "mobile.fte"]
    assert acting(names, None) == names


def _robustness(x, outcome_s, outcome_b, mechanisms):
    worlds = x.copy()
    worlds["non_recours_rate|s"] = outcome_s
    worlds["non_recours_rate|b"] = outcome_b
    return Robustness(path=".", parameters=list(x.columns), scenarios=["b", "s"], baseline="b", worlds=worlds,
                      probability=pd.DataFrame(), ranks=pd.DataFrame(), regret=pd.DataFrame(), n_worlds=len(x),
                      runs=1, references={"s": "b"}, mechanisms=mechanisms)


def test_hangs_on_a_scenario_signs_the_gain_and_skips_mechanisms_it_does_not_use():
    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.uniform(size=(30, 3)), columns=["needs.deadline_weeks", "mobile.fte", "queue.x"])
    base = rng.uniform(5, 6, 30)
    # Non-recours (lower is better) falls with the scenario the more, the higher deadline_weeks;
    # mobile.fte drives it as strongly but the scenario has no mobile units: it is not tested.
    s = base - 2.0 * x["needs.deadline_weeks"] - 2.0 * x["mobile.fte"]
    out = _robustness(x, s, base, {"b": ["governance"], "s": ["governance", "animation"]}).hangs_on("s")
    assert "mobile.fte" not in set(out["parameter"]) and out.attrs["n_parameters"] == 2
    top = out.iloc[0]
    assert top["parameter"] == "needs.deadline_weeks" and top["rho"] > 0 and top["named"]
    out = _robustness(x, s, base, {"b": ["governance"], "s": ["governance", "mobile"]}).hangs_on("s")
    assert "mobile.fte" in set(out["parameter"]) and out.attrs["n_parameters"] == 3
